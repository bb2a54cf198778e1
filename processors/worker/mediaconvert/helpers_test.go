package mediaconvert_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/broker"
	"github.com/mie-kafka/mie/internal/kafkatest"
	"github.com/mie-kafka/mie/internal/media/mediatest"
	"github.com/mie-kafka/mie/internal/media/transcode"
	"github.com/mie-kafka/mie/internal/objectstore"
	"github.com/mie-kafka/mie/internal/problem"
	"github.com/mie-kafka/mie/internal/topics"
	"github.com/mie-kafka/mie/internal/transact"
	"github.com/mie-kafka/mie/processors/worker"
	"github.com/mie-kafka/mie/processors/worker/mediaconvert"
)

const (
	bucket    = "media"
	jobBucket = "mie-dataplane"
	createJob = "arn:aws:states:::mediaconvert:createJob"
	wait      = 3 * time.Minute
)

// env is the MediaConvert integration on kfake and a local object store:
// the service worker in a real worker Runtime, runners on the jobs topic,
// and a reader of the results topic standing in for the executor.
type env struct {
	t         testing.TB
	kafka     broker.Config
	cat       topics.Catalog
	store     *objectstore.Local
	jobs      *mediaconvert.Jobs
	cfg       mediaconvert.Config
	taskTopic string
	logs      *syncBuffer

	mu      sync.Mutex
	results map[string]*events.OperatorResult
}

// syncBuffer collects log lines from several goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

var fastPresets = map[string]string{"SINGLE_PASS": "ultrafast", "SINGLE_PASS_HQ": "ultrafast", "MULTI_PASS_HQ": "ultrafast"}

func newEnv(t testing.TB, presets map[string]string, adjust ...func(*mediaconvert.Config)) *env {
	t.Helper()
	mediatest.Tools(t)
	kafka, cat := kafkatest.Start(t)
	store, err := objectstore.NewLocal(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	e := &env{t: t, kafka: kafka, cat: cat, store: store, logs: &syncBuffer{}, results: map[string]*events.OperatorResult{}}
	if presets == nil {
		presets = fastPresets
	}
	tc, err := transcode.New(transcode.Config{Store: store, Presets: presets, WorkDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	e.taskTopic, _ = cat.Task("builtin:" + mediaconvert.Name)
	jobsTopic, _ := cat.Task("builtin:" + mediaconvert.Name + ".jobs")
	kafkatest.Ensure(t, kafka, cat.TaskSpec(e.taskTopic), cat.TaskSpec(jobsTopic))
	e.jobs = &mediaconvert.Jobs{Store: store, Bucket: jobBucket}
	e.cfg = mediaconvert.Config{Jobs: e.jobs, Transcoder: tc, JobsTopic: jobsTopic, MinCheck: 50 * time.Millisecond,
		MaxCheck: 500 * time.Millisecond, Logger: slog.New(slog.NewTextHandler(e.logs, nil))}
	for _, f := range adjust {
		f(&e.cfg)
	}
	e.startService(e.cfg)
	e.collectResults()
	return e
}

// run runs fn until the test ends.
func (e *env) run(fn func(context.Context) error) context.CancelFunc {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := fn(ctx); err != nil {
			e.t.Errorf("run: %v", err)
		}
	}()
	stop := func() { cancel(); <-done }
	e.t.Cleanup(stop)
	return sync.OnceFunc(stop)
}

func (e *env) startService(cfg mediaconvert.Config) {
	svc, err := mediaconvert.NewService(cfg)
	if err != nil {
		e.t.Fatal(err)
	}
	rt, err := worker.New(worker.Config{Config: transact.Config{Kafka: e.kafka, Catalog: e.cat, Logger: cfg.Logger},
		Topic: e.taskTopic, Handler: svc})
	if err != nil {
		e.t.Fatal(err)
	}
	e.run(rt.Run)
}

// startRunner starts a runner named instance; the returned func stops it.
func (e *env) startRunner(instance string, adjust func(*mediaconvert.RunnerConfig)) context.CancelFunc {
	rc := mediaconvert.RunnerConfig{Config: e.cfg, Kafka: e.kafka, Catalog: e.cat, Instance: instance,
		SessionTimeout: 2 * time.Second, ProgressInterval: 100 * time.Millisecond, LeaseTimeout: 2 * time.Second}
	if adjust != nil {
		adjust(&rc)
	}
	r, err := mediaconvert.NewRunner(rc)
	if err != nil {
		e.t.Fatal(err)
	}
	return e.run(r.Run)
}

func (e *env) collectResults() {
	cl := kafkatest.Client(e.t, e.kafka, e.cat.Results())
	e.run(func(ctx context.Context) error {
		for ctx.Err() == nil {
			fs := cl.PollFetches(ctx)
			fs.EachRecord(func(r *kgo.Record) {
				_, p, err := events.DecodeRecord(r)
				if err != nil {
					e.t.Errorf("result: %v", err)
					return
				}
				res := p.(*events.OperatorResult)
				e.mu.Lock()
				e.results[res.TaskId] = res
				e.mu.Unlock()
			})
		}
		return nil
	})
}

// task sends a Task state's task to the service worker.
func (e *env) task(id, resource, phase string, payload any, state json.RawMessage, timeout int64) {
	e.t.Helper()
	raw, err := json.Marshal(payload)
	if err != nil {
		e.t.Fatal(err)
	}
	const exec = "exec-1"
	env, err := events.New(exec, "test", &events.OperatorTaskRequest{Name: "Transcode", WorkflowExecutionId: exec,
		Path: "Transcode", TaskId: id, Attempt: 1, Phase: phase, MonitorState: state,
		Invocation: events.Invocation{Run: 3, Payload: raw, Resource: resource, TimeoutSeconds: timeout}})
	if err != nil {
		e.t.Fatal(err)
	}
	rec, err := env.Record(e.taskTopic)
	if err != nil {
		e.t.Fatal(err)
	}
	kafkatest.Produce(e.t, e.kafka, rec)
}

// result waits for the result of task id.
func (e *env) result(id string) *events.OperatorResult {
	e.t.Helper()
	var res *events.OperatorResult
	e.eventually("the result of task "+id, func() bool {
		e.mu.Lock()
		defer e.mu.Unlock()
		res = e.results[id]
		return res != nil
	})
	return res
}

// sync runs a .sync Task as the executor does: the start step, then a
// monitor step after each Executing answer, until the Task ends. It
// returns the last result and the states the checks saw.
func (e *env) sync(id string, payload any) (*events.OperatorResult, []string) {
	e.t.Helper()
	e.task(id, createJob+".sync", events.PhaseStart, payload, nil, 0)
	res := e.result(id)
	var seen []string
	for n := 1; res.Status == events.ResultExecuting; n++ {
		var st struct {
			Status       string
			CurrentPhase string
		}
		_ = json.Unmarshal(res.MonitorState, &st)
		if s := st.Status + "/" + st.CurrentPhase; len(seen) == 0 || seen[len(seen)-1] != s {
			seen = append(seen, s)
		}
		time.Sleep(time.Duration(res.CheckAfterMs) * time.Millisecond) // the executor's delay
		next := fmt.Sprintf("%s-m%d", id, n)
		e.task(next, createJob+".sync", events.PhaseMonitor, payload, res.MonitorState, 0)
		res = e.result(next)
	}
	return res, seen
}

func (e *env) eventually(what string, cond func() bool) {
	e.t.Helper()
	deadline := time.Now().Add(wait)
	for !cond() {
		if time.Now().After(deadline) {
			e.t.Fatalf("timed out waiting for %s\nlogs:\n%s", what, e.logs)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// putClip stores a clip made by ffmpeg at bucket/key.
func (e *env) putClip(key string, c mediatest.Clip) {
	e.t.Helper()
	c.Name = filepath.Base(key)
	path := mediatest.Make(e.t, "", c)
	f, err := os.Open(path)
	if err != nil {
		e.t.Fatal(err)
	}
	defer f.Close()
	if _, err := e.store.Put(e.t.Context(), bucket, key, f, -1, "video/mp4"); err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) keys(prefix string) []string {
	infos, err := e.store.List(e.t.Context(), bucket, prefix)
	if errors.Is(err, problem.ErrNotFound) {
		return nil
	}
	if err != nil {
		e.t.Fatal(err)
	}
	var out []string
	for _, i := range infos {
		out = append(out, i.Key)
	}
	return out
}

func (e *env) doc(id string) mediaconvert.JobDoc {
	e.t.Helper()
	d, err := e.jobs.Get(e.t.Context(), id)
	if err != nil {
		e.t.Fatal(err)
	}
	return d
}

// jobOf reads the Job out of a Task's output.
func jobOf(t testing.TB, res *events.OperatorResult) transcode.Job {
	t.Helper()
	var out struct{ Job transcode.Job }
	if err := json.Unmarshal(res.Output, &out); err != nil || out.Job.Id == "" {
		t.Fatalf("output %s: %v", res.Output, err)
	}
	return out.Job
}

// job is a CreateJob request: an MP4 and an HLS rendition and frame
// captures of input, under s3://media/out/<dir>/.
func job(input, dir string) map[string]any {
	h264 := func(w, h int) map[string]any {
		return map[string]any{"Width": w, "Height": h, "CodecSettings": map[string]any{"Codec": "H_264",
			"H264Settings": map[string]any{"RateControlMode": "QVBR", "QvbrSettings": map[string]any{"QvbrQualityLevel": 7}, "MaxBitrate": 1000000}}}
	}
	aac := []any{map[string]any{"CodecSettings": map[string]any{"Codec": "AAC",
		"AacSettings": map[string]any{"Bitrate": 96000, "CodingMode": "CODING_MODE_2_0", "SampleRate": 48000}}}}
	dest := "s3://" + bucket + "/out/" + dir + "/"
	return map[string]any{
		"Role":         "arn:aws:iam::123456789012:role/MediaConvert",
		"UserMetadata": map[string]any{"WorkflowJobId": dir},
		"Settings": map[string]any{
			"Inputs": []any{map[string]any{"FileInput": input,
				"AudioSelectors": map[string]any{"Audio Selector 1": map[string]any{"DefaultSelection": "DEFAULT"}}}},
			"OutputGroups": []any{
				map[string]any{"OutputGroupSettings": map[string]any{"Type": "FILE_GROUP_SETTINGS",
					"FileGroupSettings": map[string]any{"Destination": dest + "mp4/"}},
					"Outputs": []any{map[string]any{"NameModifier": "_small", "ContainerSettings": map[string]any{"Container": "MP4"},
						"VideoDescription": h264(320, 180), "AudioDescriptions": aac}}},
				map[string]any{"OutputGroupSettings": map[string]any{"Type": "HLS_GROUP_SETTINGS",
					"HlsGroupSettings": map[string]any{"Destination": dest + "hls/", "SegmentLength": 1}},
					"Outputs": []any{map[string]any{"NameModifier": "_hls", "ContainerSettings": map[string]any{"Container": "M3U8"},
						"VideoDescription": h264(320, 180), "AudioDescriptions": aac}}},
			},
		},
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if strings.Contains(x, s) {
			return true
		}
	}
	return false
}
