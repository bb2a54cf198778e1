package worker

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/transact"
)

// both is a handler with a Monitor step.
type both struct {
	start, monitor func() (Result, error)
}

func (b both) Start(context.Context, *Task) (Result, error)   { return b.start() }
func (b both) Monitor(context.Context, *Task) (Result, error) { return b.monitor() }

func ret(r Result, err error) func() (Result, error) { return func() (Result, error) { return r, err } }

func TestInvoke(t *testing.T) {
	startOnly := func(f func() (Result, error)) Handler {
		return StartFunc(func(context.Context, *Task) (Result, error) { return f() })
	}
	tests := []struct {
		name       string
		h          Handler
		phase      string
		wantStatus string
		wantError  string // substring of Error
		check      func(t *testing.T, r Result)
	}{
		{
			name: "start completes", phase: events.PhaseStart,
			h:          startOnly(ret(Complete(map[string]events.MediaObject{"Text": {S3Bucket: "b", S3Key: "k"}}, map[string]any{"a": 1}), nil)),
			wantStatus: events.ResultComplete,
			check: func(t *testing.T, r Result) {
				if r.Media["Text"].S3Key != "k" || r.MetaData["a"] != 1 {
					t.Errorf("result = %+v, want media and metadata kept", r)
				}
			},
		},
		{
			name: "returned error becomes Error", phase: events.PhaseStart,
			h:          startOnly(ret(Result{}, errors.New("transcoder exploded"))),
			wantStatus: events.ResultError, wantError: "transcoder exploded",
		},
		{
			name: "panic becomes Error", phase: events.PhaseStart,
			h:          startOnly(func() (Result, error) { panic("boom") }),
			wantStatus: events.ResultError, wantError: "panicked: boom",
		},
		{
			name: "monitor without Monitor step", phase: events.PhaseMonitor,
			h:          startOnly(ret(Complete(nil, nil), nil)),
			wantStatus: events.ResultError, wantError: "no Monitor step",
		},
		{
			name: "monitor phase calls Monitor", phase: events.PhaseMonitor,
			h:          both{start: ret(Failed("wrong step", ""), nil), monitor: ret(Executing(map[string]int{"n": 1}, 2*time.Second), nil)},
			wantStatus: events.ResultExecuting,
			check: func(t *testing.T, r Result) {
				if string(r.MonitorState) != `{"n":1}` || r.CheckAfter != 2*time.Second {
					t.Errorf("result = %+v, want state {\"n\":1} after 2s", r)
				}
			},
		},
		{
			name: "monitor panic becomes Error", phase: events.PhaseMonitor,
			h:          both{monitor: func() (Result, error) { panic(errors.New("nil map")) }},
			wantStatus: events.ResultError, wantError: "panicked: nil map",
		},
		{
			name: "unknown phase", phase: "Resume",
			h:          startOnly(ret(Complete(nil, nil), nil)),
			wantStatus: events.ResultError, wantError: `unknown task phase "Resume"`,
		},
		{
			name: "invalid status", phase: events.PhaseStart,
			h:          startOnly(ret(Result{Status: "Done"}, nil)),
			wantStatus: events.ResultError, wantError: `invalid status "Done"`,
		},
		{
			name: "Error without text is named", phase: events.PhaseStart,
			h:          startOnly(ret(Result{Status: events.ResultError}, nil)),
			wantStatus: events.ResultError, wantError: "operator Op failed",
		},
		{
			name: "failed keeps cause", phase: events.PhaseStart,
			h:          startOnly(ret(Failed("bad input", "no Video"), nil)),
			wantStatus: events.ResultError, wantError: "bad input",
			check: func(t *testing.T, r Result) {
				if r.Cause != "no Video" {
					t.Errorf("Cause = %q, want %q", r.Cause, "no Video")
				}
			},
		},
		{
			name: "unencodable monitor state fails", phase: events.PhaseStart,
			h:          startOnly(ret(Executing(func() {}, time.Second), nil)),
			wantStatus: events.ResultError, wantError: "encode monitor state",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := invoke(t.Context(), tt.h, &Task{Name: "Op", Phase: tt.phase})
			if r.Status != tt.wantStatus {
				t.Fatalf("Status = %q (Error %q), want %q", r.Status, r.Error, tt.wantStatus)
			}
			if !strings.Contains(r.Error, tt.wantError) {
				t.Errorf("Error = %q, want it to contain %q", r.Error, tt.wantError)
			}
			if tt.check != nil {
				tt.check(t, r)
			}
		})
	}
}

func TestResultOfEchoesTask(t *testing.T) {
	task := &Task{
		Name: "Op", WorkflowExecutionId: "ex-1", StageName: "S", Path: "/stages/S/Op",
		TaskId: "task-9", Attempt: 3, Phase: events.PhaseMonitor,
	}
	tests := []struct {
		name string
		res  Result
		want events.OperatorResult
	}{
		{
			name: "executing carries state and check time",
			res:  Executing(json.RawMessage(`{"job":"j"}`), 1500*time.Millisecond),
			want: events.OperatorResult{Status: events.ResultExecuting, MonitorState: json.RawMessage(`{"job":"j"}`), CheckAfterMs: 1500},
		},
		{
			name: "complete drops monitor state",
			res:  Result{Status: events.ResultComplete, MonitorState: json.RawMessage(`{}`), CheckAfter: time.Second},
			want: events.OperatorResult{Status: events.ResultComplete},
		},
		{
			name: "error",
			res:  Failed("e", "c"),
			want: events.OperatorResult{Status: events.ResultError, Error: "e", Cause: "c"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := resultOf(task, tt.res)
			want := tt.want
			want.WorkflowExecutionId, want.Name, want.StageName, want.Path = "ex-1", "Op", "S", "/stages/S/Op"
			want.TaskId, want.Attempt, want.Phase = "task-9", 3, events.PhaseMonitor
			gj, _ := json.Marshal(got)
			wj, _ := json.Marshal(want)
			if string(gj) != string(wj) {
				t.Errorf("result\n got %s\nwant %s", gj, wj)
			}
		})
	}
}

func TestConfigValidate(t *testing.T) {
	err := Config{Concurrency: -1, Config: transact.Config{DrainTimeout: -time.Second}}.Validate()
	for _, want := range []string{"no Kafka brokers", "no task Topic", "no Handler", "Concurrency -1", "DrainTimeout -1s"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Validate() = %v, want it to mention %q", err, want)
		}
	}
}
