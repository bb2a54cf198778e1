package worker

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/mie-kafka/mie/events"
)

// TestDefer: a handler defers by returning Defer (wrapped or not) or a
// Deferred result; the result carries DeferMs, Reason and the task's
// Delivery, and nothing else.
func TestDefer(t *testing.T) {
	task := &Task{Name: "Caption", WorkflowExecutionId: "ex-1", Path: "S/0/Caption", TaskId: "t-7", Attempt: 2,
		Delivery: 3, Phase: events.PhaseStart}
	tests := []struct {
		name string
		h    StartFunc
	}{
		{"Defer error", func(context.Context, *Task) (Result, error) {
			return Result{}, Defer(900*time.Second, "GPU pool unavailable")
		}},
		{"wrapped Defer error", func(context.Context, *Task) (Result, error) {
			return Result{}, fmt.Errorf("caption: %w", Defer(900*time.Second, "GPU pool unavailable"))
		}},
		{"Deferred result", func(context.Context, *Task) (Result, error) {
			return Deferred(900*time.Second, "GPU pool unavailable"), nil
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := invoke(t.Context(), tt.h, task)
			got := resultOf(task, res)
			if got.Status != events.ResultDeferred || got.DeferMs != 900000 || got.Reason != "GPU pool unavailable" ||
				got.Delivery != 3 || got.Attempt != 2 || got.TaskId != "t-7" || got.Error != "" || got.CheckAfterMs != 0 {
				t.Fatalf("result %+v", got)
			}
		})
	}
	var de *DeferError
	if err := Defer(time.Second, "x"); !errors.As(err, &de) || de.After != time.Second || err.Error() != "deferred for 1s: x" {
		t.Fatalf("Defer = %v", err)
	}
	if r := Deferred(-time.Second, "neg"); r.DeferAfter != 0 {
		t.Fatalf("a negative deferral must become 0 (the executor raises it to its minimum): %+v", r)
	}
	// Other errors still fail the task.
	if r := invoke(t.Context(), StartFunc(func(context.Context, *Task) (Result, error) { return Result{}, errors.New("boom") }), task); r.Status != events.ResultError {
		t.Fatalf("plain error: %+v", r)
	}
}

// TestResultTooLarge: a result Kafka would refuse becomes the operator's
// failure instead of a batch that aborts for ever.
func TestResultTooLarge(t *testing.T) {
	r := &Runtime{cfg: Config{}.withDefaults()}
	task := &Task{Name: "Big", WorkflowExecutionId: "ex-1", Path: "S/0/Big", TaskId: "t-1", Attempt: 1, Phase: events.PhaseStart}
	cause, err := events.New("ex-1", "test", task)
	if err != nil {
		t.Fatal(err)
	}
	big := Complete(nil, map[string]any{"Blob": strings.Repeat("x", MaxResultBytes)})
	if _, err := r.result(&cause, &kgo.Record{}, task, big); err == nil || !strings.Contains(err.Error(), "over the limit") {
		t.Fatalf("result of %d bytes: %v", MaxResultBytes, err)
	}
	if _, err := r.result(&cause, &kgo.Record{}, task, Complete(nil, map[string]any{"Small": 1})); err != nil {
		t.Fatal(err)
	}
}
