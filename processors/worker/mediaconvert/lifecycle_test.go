package mediaconvert_test

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/kafkatest"
	"github.com/mie-kafka/mie/internal/media/ffmpeg"
	"github.com/mie-kafka/mie/internal/media/mediatest"
	"github.com/mie-kafka/mie/internal/media/transcode"
	"github.com/mie-kafka/mie/internal/objectstore"
	"github.com/mie-kafka/mie/processors/worker"
	"github.com/mie-kafka/mie/processors/worker/mediaconvert"
)

// slow makes x264 slow enough that a job is still transcoding when the
// test acts on it.
var slow = map[string]string{"SINGLE_PASS": "veryslow", "SINGLE_PASS_HQ": "veryslow", "MULTI_PASS_HQ": "veryslow"}

// sizedJob is job() with w x h renditions.
func sizedJob(input, dir string, w, h int) map[string]any {
	j := job(input, dir)
	for _, g := range j["Settings"].(map[string]any)["OutputGroups"].([]any) {
		for _, o := range g.(map[string]any)["Outputs"].([]any) {
			v := o.(map[string]any)["VideoDescription"].(map[string]any)
			v["Width"], v["Height"] = w, h
		}
	}
	return j
}

func bigJob(input, dir string) map[string]any { return sizedJob(input, dir, 1280, 720) }

// submit sends a request-response createJob and returns the job's id.
func (e *env) submit(id, resource string, req map[string]any, timeout int64) string {
	e.t.Helper()
	e.task(id, resource, events.PhaseStart, req, nil, timeout)
	res := e.result(id)
	if resource == createJob {
		return jobOf(e.t, res).Id
	}
	var st struct{ JobId string }
	if err := json.Unmarshal(res.MonitorState, &st); err != nil || res.Status != events.ResultExecuting {
		e.t.Fatalf("%s answered %s %s %s", resource, res.Status, res.Error, res.MonitorState)
	}
	return st.JobId
}

func (e *env) waitTranscoding(id string) {
	e.t.Helper()
	e.eventually("job "+id+" to be transcoding", func() bool {
		return e.doc(id).Job.CurrentPhase == transcode.PhaseTranscoding
	})
}

func (e *env) waitStatus(id string, s transcode.JobStatus) mediaconvert.JobDoc {
	e.t.Helper()
	var d mediaconvert.JobDoc
	e.eventually("job "+id+" to be "+string(s), func() bool {
		d = e.doc(id)
		return d.Job.Status == s
	})
	return d
}

// TestCancelJob: cancelJob stops a running job (ffmpeg is killed): it
// ends CANCELED with no outputs, and cancelling it again conflicts.
func TestCancelJob(t *testing.T) {
	e := newEnv(t, slow)
	e.startRunner("r1", nil)
	e.putClip("in/long.mp4", mediatest.Clip{Seconds: 8, Width: 640, Height: 360})
	id := e.submit("t-long", createJob, bigJob("s3://media/in/long.mp4", "cancel"), 0)
	e.waitTranscoding(id)
	e.task("t-cancel", "arn:aws:states:::aws-sdk:mediaconvert:cancelJob", events.PhaseStart, map[string]string{"Id": id}, nil, 0)
	if r := e.result("t-cancel"); r.Status != events.ResultComplete || string(r.Output) != "{}" {
		t.Fatalf("cancelJob = %s %s %s", r.Status, r.Error, r.Output)
	}
	if d := e.waitStatus(id, transcode.StatusCanceled); d.Canceled != mediaconvert.CanceledByRequest {
		t.Errorf("canceled for %q", d.Canceled)
	}
	if keys := e.keys("out/cancel/"); len(keys) != 0 {
		t.Errorf("a canceled job wrote %v", keys)
	}
	e.task("t-cancel2", "arn:aws:states:::aws-sdk:mediaconvert:cancelJob", events.PhaseStart, map[string]string{"Id": id}, nil, 0)
	if r := e.result("t-cancel2"); r.Status != events.ResultError || r.Error != mediaconvert.ErrConflict {
		t.Errorf("cancelJob of a canceled job = %s %s", r.Status, r.Error)
	}
	if !strings.Contains(e.logs.String(), "CancelJob asked for it") {
		t.Errorf("no log line says why the job was canceled:\n%s", e.logs)
	}
}

// TestAbandonedSyncJobIsCanceled: a .sync job nobody checks on any more
// (its execution stopped) is cancelled after AbandonAfter.
func TestAbandonedSyncJobIsCanceled(t *testing.T) {
	e := newEnv(t, slow)
	e.startRunner("r1", func(c *mediaconvert.RunnerConfig) { c.AbandonAfter = 1500 * time.Millisecond })
	e.putClip("in/long.mp4", mediatest.Clip{Seconds: 8, Width: 640, Height: 360})
	id := e.submit("t-sync", createJob+".sync", bigJob("s3://media/in/long.mp4", "abandoned"), 0)
	if d := e.waitStatus(id, transcode.StatusCanceled); d.Canceled != mediaconvert.CanceledAbandoned {
		t.Errorf("canceled for %q", d.Canceled)
	}
	if !strings.Contains(e.logs.String(), "no Task has checked on the .sync job") {
		t.Errorf("logs:\n%s", e.logs)
	}
	if keys := e.keys("out/abandoned/"); len(keys) != 0 {
		t.Errorf("an abandoned job wrote %v", keys)
	}
}

// TestTaskTimeoutCancelsJob: a .sync Task's TimeoutSeconds cancels its
// job when it passes.
func TestTaskTimeoutCancelsJob(t *testing.T) {
	e := newEnv(t, slow)
	e.startRunner("r1", nil)
	e.putClip("in/long.mp4", mediatest.Clip{Seconds: 8, Width: 640, Height: 360})
	id := e.submit("t-sync", createJob+".sync", bigJob("s3://media/in/long.mp4", "timeout"), 2)
	// Keep checking, as the executor would until the Task times out.
	stop := e.run(func(ctx context.Context) error {
		for i := 0; ctx.Err() == nil; i++ {
			_ = e.jobs.Watched(ctx, id, time.Now())
			time.Sleep(100 * time.Millisecond)
		}
		return nil
	})
	defer stop()
	if d := e.waitStatus(id, transcode.StatusCanceled); d.Canceled != mediaconvert.CanceledTimeout {
		t.Errorf("canceled for %q", d.Canceled)
	}
	if !strings.Contains(e.logs.String(), "its Task timed out") {
		t.Errorf("logs:\n%s", e.logs)
	}
	// A check that sees it fails the Task as the engine's timeout does.
	state, _ := json.Marshal(map[string]string{"JobId": id})
	e.task("t-check", createJob+".sync", events.PhaseMonitor, nil, state, 2)
	if r := e.result("t-check"); r.Status != events.ResultError || r.Error != "States.Timeout" {
		t.Errorf("check of a timed-out job = %s %s %s", r.Status, r.Error, r.Cause)
	}
}

// TestStoppedRunnerJobRunsAgainElsewhere: a runner stopped mid-job leaves
// it uncommitted and unfinished (no output is written, nothing says
// COMPLETE); the job is delivered to another runner, which runs it from the
// start to COMPLETE, RetryCount 1.
func TestStoppedRunnerJobRunsAgainElsewhere(t *testing.T) {
	e := newEnv(t, slow)
	stopA := e.startRunner("a", func(c *mediaconvert.RunnerConfig) { c.DrainTimeout = 100 * time.Millisecond })
	e.putClip("in/clip.mp4", mediatest.Clip{Seconds: 4, Width: 640, Height: 360})
	id := e.submit("t-job", createJob, sizedJob("s3://media/in/clip.mp4", "moved", 640, 360), 0)
	e.waitTranscoding(id)
	stopA()
	d := e.doc(id)
	if d.Job.Status != transcode.StatusProgressing || d.Worker != "a" {
		t.Fatalf("after runner a stopped the job is %+v", d)
	}
	if keys := e.keys("out/moved/"); len(keys) != 0 {
		t.Fatalf("an interrupted job wrote %v", keys)
	}
	// Runner b runs it faster (its own transcoder, x264 ultrafast).
	fast, err := transcode.New(transcode.Config{Store: e.store, Presets: fastPresets, WorkDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	e.startRunner("b", func(c *mediaconvert.RunnerConfig) { c.Transcoder = fast })
	d = e.waitStatus(id, transcode.StatusComplete)
	if d.Worker != "b" || d.Job.RetryCount != 1 {
		t.Errorf("job completed by %s with RetryCount %d, want b and 1", d.Worker, d.Job.RetryCount)
	}
	if keys := e.keys("out/moved/mp4/"); !slices.Contains(keys, "out/moved/mp4/clip_small.mp4") {
		t.Errorf("outputs %v", keys)
	}
}

// TestCrashedRunnerLeaseExpires: a job whose runner died (its document
// still says PROGRESSING, held by a runner that no longer renews it) is
// taken over by the runner it is delivered to once the lease expires.
func TestCrashedRunnerLeaseExpires(t *testing.T) {
	e := newEnv(t, nil)
	e.putClip("in/clip.mp4", mediatest.Clip{Seconds: 1})
	req, _ := json.Marshal(job("s3://media/in/clip.mp4", "crashed"))
	treq, err := transcode.Decode(req)
	if err != nil {
		t.Fatal(err)
	}
	j, err := e.cfg.Transcoder.Submit(treq)
	if err != nil {
		t.Fatal(err)
	}
	j.Status = transcode.StatusProgressing
	ghost := mediaconvert.JobDoc{Job: *j, Owner: "ghost-run", Worker: "ghost", Renewed: time.Now()}
	if err := e.jobs.Put(t.Context(), ghost); err != nil {
		t.Fatal(err)
	}
	raw, _ := json.Marshal(j)
	env, _ := events.New(j.Id, "test", &events.MediaConvertJob{JobId: j.Id, Request: req, Job: raw, ExecutionId: "x", TaskId: "t", Submitted: time.Now()})
	rec, _ := env.Record(e.cfg.JobsTopic)
	kafkatest.Produce(t, e.kafka, rec)
	e.startRunner("r1", nil)
	d := e.waitStatus(j.Id, transcode.StatusComplete)
	if d.Worker != "r1" || d.Job.RetryCount != 1 || !strings.Contains(e.logs.String(), "previous_worker=ghost") {
		t.Errorf("job %+v\nlogs:\n%s", d, e.logs)
	}
}

// TestWithoutFfmpeg: with no ffmpeg on PATH, createJob fails with
// Mie.FfmpegNotInstalled, naming the missing program.
func TestWithoutFfmpeg(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	store, err := objectstore.NewLocal(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	_, missing := transcode.New(transcode.Config{Store: store})
	if !errors.Is(missing, ffmpeg.ErrNotInstalled) {
		t.Fatalf("transcode.New without ffmpeg: %v", missing)
	}
	svc, err := mediaconvert.NewService(mediaconvert.Config{Jobs: &mediaconvert.Jobs{Store: store, Bucket: "b"},
		Missing: missing, JobsTopic: "jobs"})
	if err != nil {
		t.Fatal(err)
	}
	res, err := svc.Invoke(t.Context(), &worker.Task{TaskId: "t", Invocation: events.Invocation{Run: 1,
		Resource: createJob + ".sync", Payload: json.RawMessage(`{"Role":"r","Settings":{}}`)}})
	if err != nil || res.Status != events.ResultError || res.Error != mediaconvert.ErrFfmpegNotInstalled ||
		!strings.Contains(res.Cause, "ffmpeg not installed") || !strings.Contains(res.Cause, "apt-get install ffmpeg") {
		t.Fatalf("createJob without ffmpeg = %+v, %v", res, err)
	}
	if _, err := mediaconvert.NewRunner(mediaconvert.RunnerConfig{Config: mediaconvert.Config{Jobs: &mediaconvert.Jobs{Store: store, Bucket: "b"},
		Missing: missing, JobsTopic: "jobs"}}); err == nil || !strings.Contains(err.Error(), "Transcoder is required") {
		t.Errorf("a runner without ffmpeg: %v", err)
	}
}
