package worker_test

import (
	"context"
	"strings"
	"testing"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/processors/worker"
)

// functionSet is a definitions source with fixed functions.
type functionSet map[string]events.Function

func (s functionSet) Function(name string) (events.Function, bool) {
	f, ok := s[name]
	return f, ok
}

// envEcho reports the Environment it was handed.
type envEcho struct{}

func (envEcho) Start(ctx context.Context, _ *worker.Task) (worker.Result, error) {
	return worker.Returned(worker.Environment(ctx)), nil
}

func TestWithEnvironment(t *testing.T) {
	fns := functionSet{"Publish": {Name: "Publish", Implementation: "builtin:MediaPublish",
		Environment: map[string]string{"JOBS_TABLE": "jobs"}}}
	h := worker.WithEnvironment(envEcho{}, fns)
	call := func(fn, resource string) map[string]string {
		t.Helper()
		task := &worker.Task{Name: "x", Invocation: events.Invocation{Run: 2, Function: fn, Resource: resource}}
		res, err := h.(worker.Function).Invoke(t.Context(), task)
		if err != nil {
			t.Fatal(err)
		}
		env, _ := res.Output.(map[string]string)
		return env
	}
	if env := call("Publish", "arn:aws:lambda:us-east-1:123456789012:function:Publish"); env["JOBS_TABLE"] != "jobs" {
		t.Errorf("a function's invocation got %v, want its Environment", env)
	}
	if env := call("Gone", "arn:aws:lambda:us-east-1:123456789012:function:Gone"); env != nil {
		t.Errorf("an undefined function got %v", env)
	}
	if env := call("", "arn:aws:states:::mediaconvert:createJob"); env != nil {
		t.Errorf("a service integration got %v", env)
	}
	// A handler without a Monitor step keeps saying so.
	res, err := h.(worker.Monitor).Monitor(t.Context(), &worker.Task{Name: "x", Phase: events.PhaseMonitor})
	if err != nil || res.Status != events.ResultError || !strings.Contains(res.Error, "no Monitor step") {
		t.Errorf("Monitor of a Sync handler = %+v, %v", res, err)
	}
}
