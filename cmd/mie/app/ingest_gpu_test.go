package app

import (
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mie-kafka/mie/internal/view"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/awsfake"
	"github.com/mie-kafka/mie/processors/ingest"
	"github.com/mie-kafka/mie/processors/worker/gpu"
)

// TestIngestGPURecovery: the GPU is down, the task is deferred and
// delivered again after the configured delay, and the window completes
// once the GPU comes up.
func TestIngestGPURecovery(t *testing.T) {
	e := startIngest(t, nil)
	e.gpu.up.Store(false)
	e.frames("s4", 0, 3)
	x := e.start("s4", 0, 3)

	var seg view.Segment
	eventually(t, ingestWait, "two deferrals", func() bool {
		return call(t, e.a, "GET", "/segments/s4-w000", nil, &seg) == http.StatusOK && seg.Deliveries >= 2
	})
	if seg.Status != events.SegmentPending || !strings.Contains(seg.Reason, "GPU unavailable") {
		t.Fatalf("segment while the GPU is down = %+v", seg)
	}
	e.gpu.up.Store(true)
	v := waitStatus(t, e.a, x.Id, ingestWait, "Complete", "Error")
	if v.Status != "Complete" {
		t.Fatalf("execution %s: %s %s", v.Status, v.Message, v.Cause)
	}
	if ans := answerOf(t, v.Globals); ans["status"] != "ok" || ans["enriched"] != true {
		t.Fatalf("answer = %v", ans)
	}
	seg = e.segment("s4-w000")
	deferred := count(e.historyTypes(x.Id), "TaskDeferred")
	if seg.Status != events.SegmentComplete || seg.Deliveries != deferred+1 || deferred < 2 {
		t.Fatalf("segment = %+v after %d deferrals", seg, deferred)
	}
	evs := segmentEvents(t, e.a, "s4-w000")
	if got := statuses(evs); got[0] != ">pending" || got[len(got)-1] != "pending>complete" || count(got, "pending>pending") != deferred {
		t.Fatalf("transitions = %v with %d deferrals", got, deferred)
	}
	if !e.logs.has("s4-w000", ingest.StepSegmentCreated, ingest.StepGPUUnavailableRaised, ingest.StepRetryScheduled,
		ingest.StepSegmentRetrying, ingest.StepCaptionGenerated, ingest.StepCompleted) {
		t.Fatalf("steps = %v", e.logs.names("s4-w000"))
	}
}

// TestIngestGPUExhausted: after 5 deliveries with the GPU down the task
// fails, the execution errors and the segment is failed.
func TestIngestGPUExhausted(t *testing.T) {
	e := startIngest(t, nil)
	e.gpu.up.Store(false)
	e.frames("s5", 2, 2)
	x := e.start("s5", 2, 2)
	v := waitStatus(t, e.a, x.Id, ingestWait, "Complete", "Error")
	if v.Status != "Error" || !strings.Contains(v.Message+v.Cause, "GPU") {
		t.Fatalf("execution %s: %q %q, want Error about the GPU", v.Status, v.Message, v.Cause)
	}
	seg := e.segment("s5-w002")
	if seg.Status != events.SegmentFailed || seg.Deliveries != 5 || !strings.Contains(seg.Reason, "after 5 deliveries") {
		t.Fatalf("segment = %+v", seg)
	}
	if n := e.gpu.count("/health"); n != 5 {
		t.Fatalf("health checked %d times, want once per delivery (5)", n)
	}
	types := e.historyTypes(x.Id)
	if n := count(types, "TaskDeferred"); n != 4 {
		t.Fatalf("history has %d TaskDeferred, want 4: %v", n, types)
	}
	if n := count(types, "TaskRetrying"); n != 0 {
		t.Fatalf("the engine retried the exhausted GPU task %d times: %v", n, types)
	}
	if got := e.logs.count("s5-w002", ingest.StepRetryScheduled); got != 4 {
		t.Fatalf("retry_scheduled %d times, want 4: %v", got, e.logs.names("s5-w002"))
	}
	if !e.logs.has("s5-w002", ingest.StepGPUUnavailableRaised, ingest.StepRetryExhausted) {
		t.Fatalf("steps = %v", e.logs.names("s5-w002"))
	}
	got := statuses(segmentEvents(t, e.a, "s5-w002"))
	if got[len(got)-1] != "pending>failed" || count(got, "pending>pending") != 4 {
		t.Fatalf("transitions = %v", got)
	}
}

// TestIngestCaptionException: the GPU worker fails the caption twice; the
// task is delivered again after the error delay and completes.
func TestIngestCaptionException(t *testing.T) {
	e := startIngest(t, nil)
	e.gpu.failCaption.Store(2)
	e.frames("s6", 1, 4)
	x := e.start("s6", 1, 4)
	v := waitStatus(t, e.a, x.Id, ingestWait, "Complete", "Error")
	if v.Status != "Complete" {
		t.Fatalf("execution %s: %s %s", v.Status, v.Message, v.Cause)
	}
	seg := e.segment("s6-w001")
	if seg.Status != events.SegmentComplete || seg.Deliveries != 3 {
		t.Fatalf("segment = %+v, want complete on the 3rd delivery", seg)
	}
	if n := e.gpu.count("/caption"); n != 3 {
		t.Fatalf("caption called %d times", n)
	}
	evs := segmentEvents(t, e.a, "s6-w001")
	if !strings.Contains(evs[1].Reason, "caption") || !strings.Contains(evs[1].Reason, "500") {
		t.Fatalf("deferral reason = %q", evs[1].Reason)
	}
}

// TestIngestCaptionExceptionExhausted: a caption that always fails fails
// the segment after the last delivery.
func TestIngestCaptionExceptionExhausted(t *testing.T) {
	e := startIngest(t, func(c *Config) { c.Ingest.GPUMaxDelivery = 2 })
	e.gpu.failCaption.Store(1000)
	e.frames("s7", 0, 1)
	x := e.start("s7", 0, 1)
	v := waitStatus(t, e.a, x.Id, ingestWait, "Complete", "Error")
	if v.Status != "Error" || !strings.Contains(v.Message+v.Cause, "CUDA out of memory") {
		t.Fatalf("execution %s: %q %q", v.Status, v.Message, v.Cause)
	}
	seg := e.segment("s7-w000")
	if seg.Status != events.SegmentFailed || seg.Deliveries != 2 || !strings.Contains(seg.Reason, "caption") {
		t.Fatalf("segment = %+v", seg)
	}
	if !e.logs.has("s7-w000", ingest.StepRetryScheduled, ingest.StepRetryExhausted) {
		t.Fatalf("steps = %v", e.logs.names("s7-w000"))
	}
}

// TestIngestEncoderException: the visual embedding is best effort.
func TestIngestEncoderException(t *testing.T) {
	e := startIngest(t, nil)
	e.gpu.failEmbed.Store(true)
	e.frames("s8", 0, 2)
	x := e.start("s8", 0, 2)
	v := waitStatus(t, e.a, x.Id, ingestWait, "Complete", "Error")
	if v.Status != "Complete" {
		t.Fatalf("execution %s: %s %s", v.Status, v.Message, v.Cause)
	}
	if ans := answerOf(t, v.Globals); ans["visualStored"] != false || ans["enriched"] != true || ans["entityCount"] != 3.0 {
		t.Fatalf("answer = %v", ans)
	}
	seg := e.segment("s8-w000")
	if seg.Status != events.SegmentComplete || seg.VisualStored || seg.Deliveries != 1 {
		t.Fatalf("segment = %+v", seg)
	}
	steps := e.logs.steps("s8-w000")
	i := slices.IndexFunc(steps, func(m map[string]any) bool { return m["step"] == ingest.StepEmbeddingFailed })
	if i < 0 || !strings.Contains(steps[i]["error"].(string), "encoder crashed") || e.logs.count("s8-w000", ingest.StepEmbeddingStored) != 0 {
		t.Fatalf("steps = %v", e.logs.names("s8-w000"))
	}
}

func TestIngestStaleInstanceAdoptedByTag(t *testing.T) {
	g := newGPUWorker(t)
	f := awsfake.New()
	t.Cleanup(f.Close)
	setAWSEnv(t)
	f.AddInstance(awsfake.Instance{ID: "i-old", State: awsfake.StateTerminated, Tags: map[string]string{"Role": "gpu-worker"}})
	f.AddInstance(awsfake.Instance{ID: "i-web", State: awsfake.StateRunning, PrivateIP: "127.0.0.9", Tags: map[string]string{"Role": "web"}})
	f.AddInstance(awsfake.Instance{ID: "i-new", State: awsfake.StateRunning, PrivateIP: "127.0.0.1", PublicIP: "127.0.0.2",
		Tags: map[string]string{"Role": "gpu-worker"}})
	f.SetParameter("/mie/gpu/instance_id", "i-old")
	e := startIngest(t, cloud(f, g))
	e.frames("s9", 0, 2)
	x := e.start("s9", 0, 2)
	v := waitStatus(t, e.a, x.Id, ingestWait, "Complete", "Error")
	if v.Status != "Complete" {
		t.Fatalf("execution %s: %s %s", v.Status, v.Message, v.Cause)
	}
	if id, _ := f.Parameter("/mie/gpu/instance_id"); id != "i-new" {
		t.Fatalf("SSM parameter = %q, want the adopted i-new", id)
	}
	if g.count("/caption") != 1 || e.gpu.total() != 0 {
		t.Fatalf("the adopted instance's worker got %d captions; the static one %d calls", g.count("/caption"), e.gpu.total())
	}
	if seg := e.segment("s9-w000"); seg.Status != events.SegmentComplete || seg.Deliveries != 1 {
		t.Fatalf("segment = %+v", seg)
	}
	if !e.logs.has("", gpu.StepInstanceAdoptedByTag, gpu.StepSSMInstanceIDUpdated) || !e.logs.has("s9-w000", ingest.StepCompleted) {
		t.Fatalf("steps = %v", e.logs.names(""))
	}
	if len(f.Started()) != 0 {
		t.Fatalf("started %v; a running instance was adopted, nothing needed starting", f.Started())
	}
}

// TestIngestCloudAutostart: the stored instance is stopped and nothing
// runs; each delivery tries to start it (fire and forget) and defers;
// once it runs, the window completes.
func TestIngestCloudAutostart(t *testing.T) {
	g := newGPUWorker(t)
	f := awsfake.New()
	t.Cleanup(f.Close)
	setAWSEnv(t)
	f.AddInstance(awsfake.Instance{ID: "i-gpu", State: awsfake.StateStopped, PrivateIP: "127.0.0.1", Tags: map[string]string{"Role": "gpu-worker"}})
	f.SetParameter("/mie/gpu/instance_id", "i-gpu")
	e := startIngest(t, cloud(f, g))
	e.frames("s10", 0, 2)
	x := e.start("s10", 0, 2)
	eventually(t, ingestWait, "a start of the stopped instance", func() bool { return len(f.Started()) > 0 })
	eventually(t, ingestWait, "a deferral", func() bool { return e.logs.count("s10-w000", ingest.StepRetryScheduled) > 0 })
	if got := e.segment("s10-w000"); got.Status != events.SegmentPending {
		t.Fatalf("segment while the instance boots = %+v", got)
	}
	f.SetState("i-gpu", awsfake.StateRunning) // it booted
	v := waitStatus(t, e.a, x.Id, ingestWait, "Complete", "Error")
	if v.Status != "Complete" {
		t.Fatalf("execution %s: %s %s", v.Status, v.Message, v.Cause)
	}
	if !slices.Contains(f.Started(), "i-gpu") || g.count("/caption") != 1 {
		t.Fatalf("started %v, captions %d", f.Started(), g.count("/caption"))
	}
	if !e.logs.has("", gpu.StepInstanceRecoveryFailed, ingest.StepGPUUnavailableRaised, gpu.StepAutostartAttempted, ingest.StepRetryScheduled) ||
		!e.logs.has("s10-w000", ingest.StepSegmentRetrying, ingest.StepCompleted) {
		t.Fatalf("steps = %v", e.logs.names(""))
	}
}

// setAWSEnv gives the SDK static credentials from the environment and
// keeps it from anything else (shared files, instance metadata).
func setAWSEnv(t *testing.T) {
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDFAKE")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "fake-secret")
	t.Setenv("AWS_SESSION_TOKEN", "")
	t.Setenv("AWS_PROFILE", "")
	t.Setenv("AWS_CONFIG_FILE", t.TempDir()+"/none")
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", t.TempDir()+"/none")
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
}

// cloud points the GPU pool at the fake AWS endpoint, with instances'
// workers on g's port.
func cloud(f *awsfake.Server, g *gpuWorker) func(*Config) {
	return func(c *Config) {
		c.Ingest.GPUURL = ""
		c.Ingest.GPUSSMParameter = "/mie/gpu/instance_id"
		c.Ingest.GPUTag = gpu.Tag{Key: "Role", Value: "gpu-worker"}
		c.Ingest.GPUPort = g.port()
		c.Ingest.AWSRegion = awsfake.Region
		c.Ingest.AWSEndpoint = f.URL()
	}
}

// TestIngestReaper: a pending segment with no progress past the deadline
// is re-driven (a new execution processes its window), or failed once it
// has been re-driven the most times; a window waiting for the GPU is not
// stale, as every deferral is a transition.
func TestIngestReaper(t *testing.T) {
	e := startIngest(t, func(c *Config) {
		c.Ingest.SegmentDeadline = time.Second
		c.Ingest.SegmentRedrives = 2
		c.Ingest.ReaperInterval = 50 * time.Millisecond
	})
	inject := func(seg *events.SegmentStatusChanged) {
		env, err := events.New(seg.SegmentId, "old-version", seg)
		if err != nil {
			t.Fatal(err)
		}
		rec, _ := env.Record(e.a.cat.Segments())
		if err := e.a.client.ProduceSync(t.Context(), rec).FirstErr(); err != nil {
			t.Fatal(err)
		}
	}
	// An orphan: pending, its execution long gone (an audio-only window,
	// as the GPU is down in this test).
	e.put("sessions/s11/window_004/audio.wav", "orphan-audio")
	inject(&events.SegmentStatusChanged{SegmentId: "s11-w004", SessionId: "s11", UserId: "u1", WindowIndex: 4, FrameCount: 0,
		Status: events.SegmentPending, WorkflowExecutionId: "gone"})
	// One the reaper already re-drove twice.
	inject(&events.SegmentStatusChanged{SegmentId: "s11-w005", SessionId: "s11", UserId: "u1", WindowIndex: 5, FrameCount: 2,
		Status: events.SegmentPending, Previous: events.SegmentPending, Redrives: 2})
	// One waiting for a GPU that never comes.
	e.gpu.up.Store(false)
	e.frames("s12", 0, 1)
	waiting := e.start("s12", 0, 1)

	eventually(t, ingestWait, "the orphan re-driven to complete", func() bool {
		return e.segment("s11-w004").Status == events.SegmentComplete
	})
	orphan := e.segment("s11-w004")
	evs := segmentEvents(t, e.a, "s11-w004")
	if got := statuses(evs); !slices.Equal(got, []string{">pending", "pending>pending", "pending>pending", "pending>complete"}) ||
		orphan.Redrives != 1 || !strings.Contains(evs[1].Reason, "re-driven by the reaper (1 of 2)") || evs[1].Redrives != 1 {
		t.Fatalf("orphan = %+v, transitions %v, re-drive %+v", orphan, got, evs[1])
	}
	// The re-drive's execution restarted the window and completed it. Its
	// completion commits after the segment's (on Apache Kafka it can show a
	// moment later): wait for it.
	redriven := waitStatus(t, e.a, evs[2].WorkflowExecutionId, ingestWait, "Complete", "Error")
	if redriven.Workflow.Name != ingest.Workflow || redriven.Status != "Complete" || orphan.WorkflowExecutionId != redriven.Id {
		t.Fatalf("re-drive execution %s %s; segment names %s", redriven.Workflow.Name, redriven.Status, orphan.WorkflowExecutionId)
	}

	eventually(t, ingestWait, "the twice re-driven segment failed", func() bool {
		return e.segment("s11-w005").Status == events.SegmentFailed
	})
	if seg := e.segment("s11-w005"); !strings.Contains(seg.Reason, "after 2 re-drives") {
		t.Fatalf("failed segment = %+v", seg)
	}

	v := waitStatus(t, e.a, waiting.Id, ingestWait, "Complete", "Error")
	if v.Status != "Error" {
		t.Fatalf("the GPU-less window's execution is %s", v.Status)
	}
	seg := e.segment("s12-w000")
	if seg.Status != events.SegmentFailed || seg.Redrives != 0 || seg.Deliveries != 5 {
		t.Fatalf("a window waiting for the GPU was reaped: %+v", seg)
	}
	// No orphan is left.
	var pending []view.Segment
	for _, s := range []string{"s11", "s12"} {
		var list []view.Segment
		must(t, e.a, 200, "GET", "/segments?sessionId="+s+"&status=pending", nil, &list)
		pending = append(pending, list...)
	}
	if len(pending) != 0 {
		t.Fatalf("pending segments left: %+v", pending)
	}
}
