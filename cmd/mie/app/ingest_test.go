package app

import (
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mie-kafka/mie/internal/view"

	"github.com/mie-kafka/mie/api"
	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/processors/ingest"
)

// ingestEnv is the whole engine on kfake with the ingest workers, a GPU
// worker and a transcription service (real HTTP servers).
type ingestEnv struct {
	t    *testing.T
	a    *App
	gpu  *gpuWorker
	tr   *transcriber
	logs *logBuffer
}

// Delays of the tests: seconds, not minutes.
const (
	testDefer      = 300 * time.Millisecond
	testErrorDefer = 200 * time.Millisecond
	ingestWait     = 60 * time.Second
)

func startIngest(t *testing.T, configure func(*Config)) *ingestEnv {
	t.Helper()
	env := &ingestEnv{t: t, gpu: newGPUWorker(t), tr: newTranscriber(t), logs: &logBuffer{}}
	h := newHarness(t)
	h.logs = env.logs
	h.configure = func(c *Config) {
		c.Operators = append(c.Operators, IngestOperators)
		c.Ingest = IngestConfig{TranscribeURL: env.tr.srv.URL, TranscribeModel: "whisper-large-v3",
			GPUURL: env.gpu.srv.URL, GPUDefer: testDefer, GPUErrorDefer: testErrorDefer, GPUMaxDelivery: 5}
		if configure != nil {
			configure(c)
		}
	}
	env.a = h.start("ingest", Roles{API: true, Executor: true, Worker: true})
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("steps: %v", env.logs.names(""))
		}
	})
	return env
}

// put stores an object in the ingest bucket.
func (e *ingestEnv) put(key, body string) {
	e.t.Helper()
	if _, err := e.a.store.Put(e.t.Context(), e.a.cfg.Bucket, key, strings.NewReader(body), int64(len(body)), ""); err != nil {
		e.t.Fatal(err)
	}
}

// frames stores n frames of a window.
func (e *ingestEnv) frames(session string, window, n int) {
	for i := range n {
		key := fmt.Sprintf("sessions/%s/window_%03d/frame_%04d.jpg", session, window, i)
		e.put(key, "JPEG:"+key)
	}
}

func (e *ingestEnv) start(session string, window, frames int) api.ExecutionView {
	e.t.Helper()
	var v api.ExecutionView
	must(e.t, e.a, http.StatusOK, "POST", "/workflow/execution", map[string]any{"Name": ingest.Workflow,
		"Input": map[string]any{"MetaData": map[string]any{"sessionId": session, "userId": "u1", "windowIndex": window, "frameCount": frames}}}, &v)
	return v
}

// segment reads a segment through the API once the segment projection has
// caught up with everything committed so far: a segment's transition
// commits with its task's result, before the execution moves on, but the
// projections read their topics independently.
func (e *ingestEnv) segment(id string) view.Segment {
	e.t.Helper()
	if err := e.a.Segments.Sync(e.t.Context()); err != nil {
		e.t.Fatal(err)
	}
	var s view.Segment
	must(e.t, e.a, http.StatusOK, "GET", "/segments/"+id, nil, &s)
	return s
}

func (e *ingestEnv) historyTypes(id string) []string {
	var out []string
	for _, ev := range history(e.t, e.a, id) {
		out = append(out, ev.Type)
	}
	return out
}

func count(xs []string, x string) int {
	n := 0
	for _, s := range xs {
		if s == x {
			n++
		}
	}
	return n
}

func TestIngestHappyPathThenAlreadyProcessed(t *testing.T) {
	e := startIngest(t, nil)
	e.frames("s1", 3, 6)
	e.put("sessions/s1/window_003/audio.wav", "window-3-audio")
	e.put("sessions/s1/audio.wav", "whole-session-audio") // not used: the window has its own chunk

	x := e.start("s1", 3, 6)
	v := waitStatus(t, e.a, x.Id, ingestWait, "Complete", "Error")
	if v.Status != "Complete" {
		t.Fatalf("execution %s: %s %s", v.Status, v.Message, v.Cause)
	}
	ans := answerOf(t, v.Globals)
	want := map[string]any{"status": "ok", "segmentId": "s1-w003", "enriched": true, "entityCount": 3.0, "tripleCount": 2.0, "visualStored": true}
	if fmt.Sprint(ans) != fmt.Sprint(want) {
		t.Fatalf("answer = %v, want %v", ans, want)
	}
	seg := e.segment("s1-w003")
	if seg.Status != events.SegmentComplete || seg.Transcript != "transcript of window-3-audio" || !seg.Enriched ||
		seg.Caption == "" || seg.EntityCount != 3 || seg.TripleCount != 2 || !seg.VisualStored || seg.WorkflowExecutionId != x.Id {
		t.Fatalf("segment = %+v", seg)
	}
	if got := statuses(segmentEvents(t, e.a, "s1-w003")); !slices.Equal(got, []string{">pending", "pending>complete"}) {
		t.Fatalf("transitions = %v", got)
	}
	// The GPU got 4 uniformly sampled frames with the transcript, and
	// the embedding every frame (6 <= 8).
	e.gpu.mu.Lock()
	caption, embeds := e.gpu.captions[0], slices.Clone(e.gpu.embeds)
	e.gpu.mu.Unlock()
	wantKeys := []string{"frame_0000.jpg", "frame_0002.jpg", "frame_0003.jpg", "frame_0005.jpg"}
	for i, k := range caption.Keys {
		if !strings.HasSuffix(k, wantKeys[i]) {
			t.Fatalf("caption frames = %v, want %v", caption.Keys, wantKeys)
		}
	}
	if len(caption.Keys) != 4 || caption.Transcript != seg.Transcript || !slices.Equal(embeds, []int{6}) {
		t.Fatalf("caption call %+v, embeds %v", caption, embeds)
	}
	if got := e.tr.received(); !slices.Equal(got, []string{"window-3-audio"}) {
		t.Fatalf("transcribed %v, want the window's own chunk", got)
	}
	// The enrichment and the embedding are stored next to the frames.
	for _, k := range []string{ingest.EnrichmentFile, ingest.EmbeddingFile} {
		rc, _, err := e.a.store.Get(t.Context(), e.a.cfg.Bucket, "sessions/s1/window_003/"+k)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(rc)
		rc.Close()
		if !strings.Contains(string(b), `"segmentId":"s1-w003"`) {
			t.Fatalf("%s = %s", k, b)
		}
	}
	if !e.logs.has("s1-w003", ingest.StepInvoked, ingest.StepFramesLoaded, ingest.StepAudioLoaded,
		ingest.StepTranscriptionComplete, ingest.StepSegmentCreated, ingest.StepCaptionGenerated, ingest.StepNERComplete,
		ingest.StepTriplesExtracted, ingest.StepEmbeddingStored, ingest.StepCompleted) {
		t.Fatalf("steps = %v", e.logs.names("s1-w003"))
	}

	// Already processed: a second run answers at once, without the GPU
	// or the transcription service.
	gpuCalls, trCalls := e.gpu.total(), len(e.tr.received())
	x2 := e.start("s1", 3, 6)
	v2 := waitStatus(t, e.a, x2.Id, ingestWait, "Complete", "Error")
	if v2.Status != "Complete" {
		t.Fatalf("second execution %s: %s", v2.Status, v2.Message)
	}
	if ans := answerOf(t, v2.Globals); fmt.Sprint(ans) != fmt.Sprint(map[string]any{"status": "already_processed", "segment_id": "s1-w003"}) {
		t.Fatalf("second answer = %v", ans)
	}
	if e.gpu.total() != gpuCalls || len(e.tr.received()) != trCalls {
		t.Fatalf("an already processed window called the GPU (%d -> %d) or the transcriber", gpuCalls, e.gpu.total())
	}
	if e.logs.count("s1-w003", ingest.StepAlreadyProcessed) != 1 {
		t.Fatalf("steps = %v", e.logs.names("s1-w003"))
	}
	if got := statuses(segmentEvents(t, e.a, "s1-w003")); len(got) != 2 {
		t.Fatalf("already processed moved the segment: %v", got)
	}

	// The segment routes.
	var list []view.Segment
	must(t, e.a, http.StatusOK, "GET", "/segments?sessionId=s1", nil, &list)
	if len(list) != 1 || list[0].SegmentId != "s1-w003" {
		t.Fatalf("GET /segments?sessionId=s1 = %+v", list)
	}
	var eb api.ErrorBody
	must(t, e.a, http.StatusNotFound, "GET", "/segments/s1-w999", nil, &eb)
	must(t, e.a, http.StatusBadRequest, "GET", "/segments", nil, &eb)
	if !strings.Contains(eb.Message, "sessionId") {
		t.Fatalf("400 body = %+v", eb)
	}
	if n := validateTopics(t, e.a); n == 0 {
		t.Fatal("no records validated")
	}
}

func TestIngestAudioOnly(t *testing.T) {
	e := startIngest(t, nil)
	e.put("sessions/s2/audio.m4a", "session-audio") // only the session's whole file
	x := e.start("s2", 0, 0)
	v := waitStatus(t, e.a, x.Id, ingestWait, "Complete", "Error")
	if v.Status != "Complete" {
		t.Fatalf("execution %s: %s %s", v.Status, v.Message, v.Cause)
	}
	if ans := answerOf(t, v.Globals); fmt.Sprint(ans) != fmt.Sprint(map[string]any{"status": "ok", "segmentId": "s2-w000", "enriched": false}) {
		t.Fatalf("answer = %v", ans)
	}
	seg := e.segment("s2-w000")
	if seg.Status != events.SegmentComplete || seg.Enriched || seg.Transcript != "transcript of session-audio" {
		t.Fatalf("segment = %+v", seg)
	}
	if n := e.gpu.total(); n != 0 {
		t.Fatalf("an audio-only window called the GPU worker %d times", n)
	}
	if got := statuses(segmentEvents(t, e.a, "s2-w000")); !slices.Equal(got, []string{">pending", "pending>complete"}) {
		t.Fatalf("transitions = %v", got)
	}
	steps := e.logs.steps("s2-w000")
	i := slices.IndexFunc(steps, func(m map[string]any) bool { return m["step"] == ingest.StepAudioLoaded })
	if i < 0 || steps[i]["source"] != "session" || steps[i]["has_audio"] != true {
		t.Fatalf("audio_loaded = %v", steps)
	}
	if !e.logs.has("s2-w000", ingest.StepInvoked, ingest.StepFramesLoaded, ingest.StepAudioLoaded,
		ingest.StepTranscriptionComplete, ingest.StepSegmentCreated, ingest.StepCompleted) {
		t.Fatalf("steps = %v", e.logs.names("s2-w000"))
	}
}

func TestIngestNoFrames(t *testing.T) {
	e := startIngest(t, nil)
	e.put("sessions/s3/window_001/other.txt", "not a frame")
	x := e.start("s3", 1, 30)
	v := waitStatus(t, e.a, x.Id, ingestWait, "Complete", "Error")
	if v.Status != "Complete" {
		t.Fatalf("execution %s: %s %s", v.Status, v.Message, v.Cause)
	}
	ans := answerOf(t, v.Globals)
	if ans["status"] != "skipped" || !strings.Contains(fmt.Sprint(ans["reason"]), "no frames") {
		t.Fatalf("answer = %v", ans)
	}
	seg := e.segment("s3-w001")
	if seg.Status != events.SegmentSkipped || !strings.Contains(seg.Reason, "no frames") {
		t.Fatalf("segment = %+v", seg)
	}
	if e.gpu.total() != 0 || len(e.tr.received()) != 0 {
		t.Fatal("a window without frames called a service")
	}
	if !e.logs.has("s3-w001", ingest.StepInvoked, ingest.StepFramesLoaded, ingest.StepNoFrames) {
		t.Fatalf("steps = %v", e.logs.names("s3-w001"))
	}
}

func TestIngestInvalidWindow(t *testing.T) {
	e := startIngest(t, nil)
	var v api.ExecutionView
	must(t, e.a, http.StatusOK, "POST", "/workflow/execution", map[string]any{"Name": ingest.Workflow,
		"Input": map[string]any{"MetaData": map[string]any{"sessionId": "../etc", "userId": "u1", "windowIndex": 1, "frameCount": 1}}}, &v)
	v = waitStatus(t, e.a, v.Id, ingestWait, "Complete", "Error")
	if v.Status != "Error" || v.Message != ingest.ErrInvalidInput || !strings.Contains(v.Cause, "Input.MetaData.sessionId") {
		t.Fatalf("execution %s: %q %q, want Error naming Input.MetaData.sessionId", v.Status, v.Message, v.Cause)
	}
	if n := count(e.historyTypes(v.Id), "TaskRetrying"); n != 0 {
		t.Fatalf("bad input was retried %d times", n)
	}
	var eb api.ErrorBody
	must(t, e.a, http.StatusBadRequest, "POST", "/workflow/execution", map[string]any{"Name": ingest.Workflow, "Input": map[string]any{}}, &eb)
}

// TestIngestTranscriptionRetried: a failing transcription fails Prepare,
// which the engine retries by its policy (bad input is not retried).
func TestIngestTranscriptionRetried(t *testing.T) {
	e := startIngest(t, nil)
	e.tr.fail.Store(1)
	e.put("sessions/s13/window_000/audio.wav", "retry-me")
	x := e.start("s13", 0, 0)
	v := waitStatus(t, e.a, x.Id, ingestWait, "Complete", "Error")
	if v.Status != "Complete" {
		t.Fatalf("execution %s: %s %s", v.Status, v.Message, v.Cause)
	}
	if n := count(e.historyTypes(x.Id), "TaskRetrying"); n != 1 {
		t.Fatalf("TaskRetrying %d times, want 1", n)
	}
	if seg := e.segment("s13-w000"); seg.Status != events.SegmentComplete || seg.Transcript != "transcript of retry-me" {
		t.Fatalf("segment = %+v", seg)
	}
}
