package mediaconvert_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/media/mediatest"
	"github.com/mie-kafka/mie/internal/media/probe"
	"github.com/mie-kafka/mie/internal/media/transcode"
	"github.com/mie-kafka/mie/processors/worker/mediaconvert"
)

// TestSyncJob runs a createJob.sync Task through the service worker and a
// runner: the checks see the job queued and progressing, the Task's
// result is {"Job": ...} COMPLETE with its outputs described, the outputs
// decode at the size asked for, and the runner logged the job's progress.
func TestSyncJob(t *testing.T) {
	e := newEnv(t, nil)
	e.startRunner("r1", nil)
	e.putClip("in/talk.mp4", mediatest.Clip{Seconds: 3})
	res, seen := e.sync("t-sync", job("s3://media/in/talk.mp4", "sync"))
	if res.Status != events.ResultComplete {
		t.Fatalf("result %s %s %s", res.Status, res.Error, res.Cause)
	}
	j := jobOf(t, res)
	if j.Status != transcode.StatusComplete || j.JobPercentComplete != 100 || len(j.OutputGroupDetails) != 2 ||
		j.UserMetadata["WorkflowJobId"] != "sync" || j.Role == "" || len(j.Settings) == 0 {
		t.Fatalf("job = %+v", j)
	}
	if len(seen) == 0 || !strings.HasPrefix(seen[0], "SUBMITTED") {
		t.Errorf("checks saw %v, want the job SUBMITTED first", seen)
	}
	keys := e.keys("out/sync/")
	for _, want := range []string{"out/sync/mp4/talk_small.mp4", "out/sync/hls/talk.m3u8", "out/sync/hls/talk_hls.m3u8", "out/sync/hls/talk_hls_00001.ts"} {
		if !slices.Contains(keys, want) {
			t.Errorf("outputs %v lack %s", keys, want)
		}
	}
	m, err := probe.File(t.Context(), e.store.Dir()+"/media/out/sync/mp4/talk_small.mp4")
	if err != nil {
		t.Fatal(err)
	}
	if v, ok := m.FirstVideo(); !ok || v.Width != 320 || v.Height != 180 || m.Duration < 2.5 {
		t.Errorf("output: %+v", m)
	}
	logs := e.logs.String()
	for _, want := range []string{"mediaconvert job submitted", "mediaconvert job started", "mediaconvert job progress", "phase=TRANSCODING", "mediaconvert job ended"} {
		if !strings.Contains(logs, want) {
			t.Errorf("logs lack %q:\n%s", want, logs)
		}
	}
	if d := e.doc(j.Id); d.Job.Status != transcode.StatusComplete || d.Worker != "r1" {
		t.Errorf("stored job: %+v", d)
	}
}

// TestRequestResponseJob: createJob answers {"Job": ...} SUBMITTED at once,
// as MediaConvert's CreateJob does, and the job still runs to COMPLETE;
// getJob reads it; a Task attempt delivered again submits no second job.
func TestRequestResponseJob(t *testing.T) {
	e := newEnv(t, nil)
	e.putClip("in/clip.mp4", mediatest.Clip{Seconds: 1})
	e.task("t-rr", createJob, events.PhaseStart, job("s3://media/in/clip.mp4", "rr"), nil, 0)
	res := e.result("t-rr")
	if res.Status != events.ResultComplete {
		t.Fatalf("result %s %s %s", res.Status, res.Error, res.Cause)
	}
	submitted := jobOf(t, res)
	if submitted.Status != transcode.StatusSubmitted || !strings.HasPrefix(submitted.Arn, "arn:aws:mediaconvert:") {
		t.Fatalf("createJob answered %+v, want a SUBMITTED job", submitted)
	}
	// No runner yet: the job waits, SUBMITTED.
	if d := e.doc(submitted.Id); d.Job.Status != transcode.StatusSubmitted {
		t.Fatalf("before any runner the job is %s", d.Job.Status)
	}
	e.startRunner("r1", nil)
	e.eventually("the job to complete", func() bool { return e.doc(submitted.Id).Job.Status == transcode.StatusComplete })
	if keys := e.keys("out/rr/mp4/"); !slices.Contains(keys, "out/rr/mp4/clip_small.mp4") {
		t.Errorf("outputs %v", keys)
	}
	e.task("t-get", "arn:aws:states:::aws-sdk:mediaconvert:getJob", events.PhaseStart, map[string]string{"Id": submitted.Id}, nil, 0)
	if got := jobOf(t, e.result("t-get")); got.Id != submitted.Id || got.Status != transcode.StatusComplete {
		t.Errorf("getJob = %+v", got)
	}
	// The same attempt again (a redelivered batch): the same job.
	e.mu.Lock()
	delete(e.results, "t-rr")
	e.mu.Unlock()
	e.task("t-rr", createJob, events.PhaseStart, job("s3://media/in/clip.mp4", "rr"), nil, 0)
	if again := jobOf(t, e.result("t-rr")); again.Id != submitted.Id {
		t.Errorf("redelivered createJob made job %s, want %s", again.Id, submitted.Id)
	}
	e.task("t-get2", "arn:aws:states:::aws-sdk:mediaconvert:getJob", events.PhaseStart, map[string]string{"Id": "nope"}, nil, 0)
	if r := e.result("t-get2"); r.Status != events.ResultError || r.Error != mediaconvert.ErrNotFound {
		t.Errorf("getJob of no job = %s %s", r.Status, r.Error)
	}
}

// TestBadRequests: a setting the transcoder cannot honour fails the Task
// with MediaConvert.BadRequestException naming its JSON path, and no job
// is made; an action it does not serve is refused.
func TestBadRequests(t *testing.T) {
	e := newEnv(t, nil)
	bad := job("s3://media/in/x.mp4", "bad")
	groups := bad["Settings"].(map[string]any)["OutputGroups"].([]any)
	out := groups[0].(map[string]any)["Outputs"].([]any)[0].(map[string]any)
	out["VideoDescription"].(map[string]any)["CodecSettings"].(map[string]any)["Codec"] = "AV1"
	e.task("t-bad", createJob+".sync", events.PhaseStart, bad, nil, 0)
	r := e.result("t-bad")
	if r.Status != events.ResultError || r.Error != mediaconvert.ErrBadRequest ||
		!strings.Contains(r.Cause, "Settings.OutputGroups[0].Outputs[0].VideoDescription.CodecSettings.Codec") {
		t.Fatalf("result %s %s %s", r.Status, r.Error, r.Cause)
	}
	if keys, _ := e.store.List(t.Context(), jobBucket, ""); len(keys) != 0 {
		t.Errorf("a refused request stored %v", keys)
	}
	e.task("t-unknown", "arn:aws:states:::mediaconvert:createJob.sync:2", events.PhaseStart, job("s3://media/x", "x"), nil, 0)
	if r := e.result("t-unknown"); r.Status != events.ResultError || r.Error != mediaconvert.ErrUnsupported {
		t.Errorf("createJob.sync:2 = %s %s", r.Status, r.Error)
	}
	e.task("t-notjson", createJob, events.PhaseStart, "not a request", nil, 0)
	if r := e.result("t-notjson"); r.Status != events.ResultError || r.Error != mediaconvert.ErrBadRequest {
		t.Errorf("a string request = %s %s", r.Status, r.Error)
	}
}

// TestMissingInputIsNoSuchKey: a .sync job whose input does not exist
// ends in ERROR 1404, and the Task fails with S3.NoSuchKeyException, the Job (its
// ErrorCode and ErrorMessage) as the Cause; nothing is written.
func TestMissingInputIsNoSuchKey(t *testing.T) {
	e := newEnv(t, nil)
	e.startRunner("r1", nil)
	res, _ := e.sync("t-missing", job("s3://media/in/none.mp4", "missing"))
	if res.Status != events.ResultError || res.Error != mediaconvert.ErrNoSuchKey {
		t.Fatalf("result %s %s %s", res.Status, res.Error, res.Cause)
	}
	var cause transcode.Job
	if err := json.Unmarshal([]byte(res.Cause), &cause); err != nil {
		t.Fatalf("cause %s: %v", res.Cause, err)
	}
	if cause.Status != transcode.StatusError || cause.ErrorCode != 1404 || !strings.Contains(cause.ErrorMessage, "none.mp4") {
		t.Errorf("cause %+v", cause)
	}
	if keys := e.keys("out/"); len(keys) != 0 {
		t.Errorf("outputs of a failed job: %v", keys)
	}
}

// TestCorruptInputFails: an input that is not media fails the .sync Task
// with States.TaskFailed and ErrorCode 1010.
func TestCorruptInputFails(t *testing.T) {
	e := newEnv(t, nil)
	e.startRunner("r1", nil)
	if _, err := e.store.Put(t.Context(), bucket, "in/noise.mp4", strings.NewReader(strings.Repeat("\x13\x37noise", 4000)), -1, "video/mp4"); err != nil {
		t.Fatal(err)
	}
	res, _ := e.sync("t-noise", job("s3://media/in/noise.mp4", "noise"))
	if res.Status != events.ResultError || res.Error != mediaconvert.ErrJobFailed || !strings.Contains(res.Cause, `"ErrorCode":1010`) {
		t.Fatalf("result %s %s %s", res.Status, res.Error, res.Cause)
	}
}
