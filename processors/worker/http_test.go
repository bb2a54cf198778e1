package worker

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mie-kafka/mie/events"
)

// operatorServer is an HTTP operator that answers each path with a fixed
// status and body and records the requests it got.
type operatorServer struct {
	*httptest.Server
	mu   sync.Mutex
	got  []recorded
	resp map[string]reply
}

type recorded struct {
	path   string
	header http.Header
	task   Task
}

type reply struct {
	code  int
	body  string
	block bool // wait for the client to give up
}

func newOperatorServer(t *testing.T, resp map[string]reply) *operatorServer {
	s := &operatorServer{resp: resp}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		var task Task
		if err := json.Unmarshal(body, &task); err != nil {
			t.Errorf("request body is not a task: %v: %s", err, body)
		}
		s.mu.Lock()
		s.got = append(s.got, recorded{path: r.URL.Path, header: r.Header.Clone(), task: task})
		s.mu.Unlock()
		rep, ok := s.resp[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		if rep.block {
			<-r.Context().Done()
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(rep.code)
		io.WriteString(w, rep.body)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *operatorServer) last(t *testing.T) recorded {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.got) == 0 {
		t.Fatal("operator got no request")
	}
	return s.got[len(s.got)-1]
}

func TestHTTPHandler(t *testing.T) {
	srv := newOperatorServer(t, map[string]reply{
		"/complete":  {code: 200, body: `{"Status":"Complete","Media":{"Text":{"S3Bucket":"b","S3Key":"t.txt"}},"MetaData":{"Words":12}}`},
		"/executing": {code: 202, body: `{"status":"executing","MonitorState":{"JobId":"j-1"},"CheckAfterMs":2500}`},
		"/error":     {code: 200, body: `{"Status":"Error","Message":"unsupported codec","Cause":"vp9"}`},
		"/bare":      {code: 200, body: `{"Status":"Error"}`},
		"/broken":    {code: 503, body: `overloaded`},
		"/notjson":   {code: 200, body: `<html>`},
		"/odd":       {code: 200, body: `{"Status":"Started"}`},
		"/defer":     {code: 200, body: `{"Status":"Deferred","DeferMs":1500,"Reason":"GPU busy"}`},
		"/monitor":   {code: 200, body: `{"Status":"Complete","MetaData":{"Checked":true}}`},
		"/slow":      {block: true},
	})
	h := &HTTP{Timeout: 200 * time.Millisecond}
	tests := []struct {
		name       string
		impl       string
		phase      string
		config     map[string]any
		wantPath   string
		wantStatus string
		wantError  string
		check      func(t *testing.T, r Result)
	}{
		{
			name: "complete", impl: "/complete", phase: events.PhaseStart, wantPath: "/complete",
			wantStatus: events.ResultComplete,
			check: func(t *testing.T, r Result) {
				if r.Media["Text"].S3Key != "t.txt" || r.MetaData["Words"] != float64(12) {
					t.Errorf("result = %+v, want Text media and Words metadata", r)
				}
			},
		},
		{
			name: "executing, lower-case fields", impl: "/executing", phase: events.PhaseStart, wantPath: "/executing",
			wantStatus: events.ResultExecuting,
			check: func(t *testing.T, r Result) {
				if string(r.MonitorState) != `{"JobId":"j-1"}` || r.CheckAfter != 2500*time.Millisecond {
					t.Errorf("result = %+v, want JobId state and 2.5s", r)
				}
			},
		},
		{
			name: "error uses Message and Cause", impl: "/error", phase: events.PhaseStart, wantPath: "/error",
			wantStatus: events.ResultError, wantError: "unsupported codec",
			check: func(t *testing.T, r Result) {
				if r.Cause != "vp9" {
					t.Errorf("Cause = %q, want vp9", r.Cause)
				}
			},
		},
		{
			name: "error without text", impl: "/bare", phase: events.PhaseStart, wantPath: "/bare",
			wantStatus: events.ResultError, wantError: "reported Error",
		},
		{
			name: "non-2xx names the status", impl: "/broken", phase: events.PhaseStart, wantPath: "/broken",
			wantStatus: events.ResultError, wantError: "503 Service Unavailable",
			check: func(t *testing.T, r Result) {
				if r.Cause != "overloaded" {
					t.Errorf("Cause = %q, want the body", r.Cause)
				}
			},
		},
		{
			name: "invalid JSON", impl: "/notjson", phase: events.PhaseStart, wantPath: "/notjson",
			wantStatus: events.ResultError, wantError: "invalid JSON",
		},
		{
			name: "unknown status", impl: "/odd", phase: events.PhaseStart, wantPath: "/odd",
			wantStatus: events.ResultError, wantError: `Status "Started"`,
		},
		{
			name: "deferred", impl: "/defer", phase: events.PhaseStart, wantPath: "/defer",
			wantStatus: events.ResultDeferred,
			check: func(t *testing.T, r Result) {
				if r.DeferAfter != 1500*time.Millisecond || r.Reason != "GPU busy" {
					t.Errorf("result = %+v, want a deferral of 1.5s for GPU busy", r)
				}
			},
		},
		{
			name: "monitor uses MonitorUrl", impl: "/executing", phase: events.PhaseMonitor,
			config: map[string]any{"MonitorUrl": "/monitor"}, wantPath: "/monitor",
			wantStatus: events.ResultComplete,
		},
		{
			name: "monitor defaults to the same URL", impl: "/complete", phase: events.PhaseMonitor, wantPath: "/complete",
			wantStatus: events.ResultComplete,
		},
		{
			name: "timeout", impl: "/slow", phase: events.PhaseStart, wantPath: "/slow",
			wantStatus: events.ResultError, wantError: "deadline exceeded",
		},
		{
			name: "not an http URL", impl: "ftp://example.com/op", phase: events.PhaseStart,
			wantStatus: events.ResultError, wantError: "not an http(s) URL",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			impl := tt.impl
			if strings.HasPrefix(impl, "/") {
				impl = srv.URL + impl
			}
			cfg := map[string]any{}
			for k, v := range tt.config {
				if s, ok := v.(string); ok && strings.HasPrefix(s, "/") {
					v = srv.URL + s
				}
				cfg[k] = v
			}
			task := &Task{
				Name: "Transcribe", WorkflowExecutionId: "ex-1", Implementation: impl, Configuration: cfg,
				TaskId: "task-" + tt.name, Attempt: 2, Phase: tt.phase, MonitorState: json.RawMessage(`{"JobId":"j-1"}`),
			}
			r := invoke(t.Context(), h, task)
			if r.Status != tt.wantStatus {
				t.Fatalf("Status = %q (Error %q), want %q", r.Status, r.Error, tt.wantStatus)
			}
			if !strings.Contains(r.Error, tt.wantError) {
				t.Errorf("Error = %q, want it to contain %q", r.Error, tt.wantError)
			}
			if tt.check != nil {
				tt.check(t, r)
			}
			if tt.wantPath == "" {
				return
			}
			got := srv.last(t)
			if got.path != tt.wantPath {
				t.Errorf("called %s, want %s", got.path, tt.wantPath)
			}
			if got.task.TaskId != task.TaskId || got.task.Phase != tt.phase || got.task.Name != "Transcribe" {
				t.Errorf("operator got task %+v, want the dispatched task", got.task)
			}
			if tt.phase == events.PhaseMonitor && string(got.task.MonitorState) != `{"JobId":"j-1"}` {
				t.Errorf("monitor got MonitorState %s, want the task's", got.task.MonitorState)
			}
			if got.header.Get(HeaderTaskID) != task.TaskId || got.header.Get(HeaderAttempt) != "2" || got.header.Get(HeaderPhase) != tt.phase {
				t.Errorf("headers = %v, want task id, attempt and phase", got.header)
			}
		})
	}
}
