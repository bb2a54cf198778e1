package executor_test

import (
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/delay"
	"github.com/mie-kafka/mie/internal/execution"
	"github.com/mie-kafka/mie/internal/kafkatest"
	"github.com/mie-kafka/mie/internal/view"
	"github.com/mie-kafka/mie/processors/executor"
)

// TestRetryThroughTiers: an operator that fails twice and then succeeds
// completes on its third attempt. Each retry goes through a retry tier and
// the relay, never reaches the worker before its recorded due time, and
// every attempt is in the execution's history.
func TestRetryThroughTiers(t *testing.T) {
	s := startStack(t, executor.Config{})
	s.start("flaky", []string{"fail:Flaky", "fail:Flaky", "ok"},
		map[string]any{"Retry": map[string]any{"IntervalSeconds": 0.2, "BackoffRate": 2.0, "MaxAttempts": 2.0}})

	x, envs := s.hist.ended("flaky")
	if x.Status != view.StatusComplete {
		t.Fatalf("status %s (%s: %s); events %v", x.Status, x.Error, x.Cause, typesOf(envs))
	}
	dispatched := onOperator(payloads[*events.TaskScheduled](t, envs), func(e *events.TaskScheduled) string { return e.State })
	retrying := payloads[*events.TaskRetrying](t, envs)
	failed := payloads[*events.TaskFailed](t, envs)
	if len(dispatched) != 3 || len(retrying) != 2 || len(failed) != 2 {
		t.Fatalf("want 3 dispatches, 2 failed attempts and 2 retries in history, got %v", typesOf(envs))
	}
	for i, d := range dispatched {
		if d.Attempt != i+1 || d.DelayMs != []int64{0, 200, 400}[i] {
			t.Fatalf("dispatch %d: %+v", i, d)
		}
	}
	calls := s.script.of("flaky")
	if len(calls) != 3 {
		t.Fatalf("operator called %d times, want 3", len(calls))
	}
	for i, r := range retrying {
		if r.Attempt != i+1 || r.NextAttempt != i+2 || r.Error != "Flaky" || r.Cause == "" || failed[i].TaskId != calls[i].taskID {
			t.Fatalf("retrying %d: %+v", i, r)
		}
		next := calls[i+1]
		if next.attempt != i+2 || next.taskID != dispatched[i+1].TaskId {
			t.Fatalf("call %d ran %+v, want attempt %d task %s", i+1, next, i+2, dispatched[i+1].TaskId)
		}
		// The relay delivers at the due time (kept to the millisecond), never before.
		if early := r.Due.Sub(next.at); early > time.Millisecond {
			t.Fatalf("attempt %d ran %s before its due time", i+2, early)
		}
	}
	if c := onOperator(payloads[*events.TaskSucceeded](t, envs), func(e *events.TaskSucceeded) string { return e.State }); len(c) != 1 || c[0].Attempt != 3 {
		t.Fatalf("completed: %+v", c)
	}
	// Both retries waited in a retry tier.
	tier := kafkatest.Client(t, s.kafka, s.cat.Tier(time.Second))
	recs, _ := kafkatest.CollectWhere(t, tier, 2, func(r *kgo.Record) bool {
		return string(r.Key) == "flaky" && header(r, delay.HeaderTarget) == s.topic
	})
	if len(recs) != 2 {
		t.Fatalf("%d delayed tasks in %s", len(recs), s.cat.Tier(time.Second))
	}
}

// TestRetryExhaustedFreesSlot: an operator that keeps failing fails its
// stage and the execution with its error and cause once its retries are
// spent, and the slot goes to the next execution at once.
func TestRetryExhaustedFreesSlot(t *testing.T) {
	s := startStack(t, executor.Config{})
	lim, err := events.New("__limit", "test", &events.ConcurrencyLimitSet{MaxConcurrentWorkflows: 1})
	if err != nil {
		t.Fatal(err)
	}
	limRec, err := lim.Record(s.cat.Admission())
	if err != nil {
		t.Fatal(err)
	}
	kafkatest.Produce(t, s.kafka, limRec)

	s.start("doomed", []string{"fail:Exploded"}, map[string]any{"Retry": map[string]any{"IntervalSeconds": 0.1, "MaxAttempts": 1.0}})
	s.hist.wait("doomed", "its start", func(x *view.Execution) bool { return x.Status != view.StatusQueued })
	s.start("next", []string{"ok"}, nil)

	x, envs := s.hist.ended("doomed")
	if x.Status != view.StatusError || x.Error != "Exploded" || x.Cause != "scripted failure 2" {
		t.Fatalf("doomed: %s %q %q; events %v", x.Status, x.Error, x.Cause, typesOf(envs))
	}
	// The attempt's failure, the operator's Task, its stage's Parallel, the execution.
	want := []string{"TaskRetrying", "TaskScheduled", "TaskFailed", "StateFailed", "StateFailed", "ExecutionFailed"}
	got := typesOf(envs)
	if len(got) < len(want) {
		t.Fatalf("events %v", got)
	}
	for i, w := range want {
		if g := got[len(got)-len(want)+i]; g != w {
			t.Fatalf("events end with %v, want %v", got[len(got)-len(want):], want)
		}
	}
	if f := payloads[*events.TaskFailed](t, envs); len(f) != 2 || f[1].Attempt != 2 || f[1].Error != "Exploded" {
		t.Fatalf("attempts failed: %+v", f)
	}
	if f := payloads[*events.StateFailed](t, envs); len(f) != 2 || f[0].State != "S:Op" || f[0].Error != "Exploded" {
		t.Fatalf("states failed: %+v", f)
	}
	failedAt := envs[len(envs)-1].Time
	nx, nenvs := s.hist.ended("next")
	if nx.Status != view.StatusComplete {
		t.Fatalf("next: %s", nx.Status)
	}
	for _, e := range nenvs {
		if e.Type == "ExecutionStarted" && e.Time.Before(failedAt) {
			t.Fatal("the next execution started before the failed one freed the only slot")
		}
	}
}

// TestDeferralEndToEnd: a worker defers twice, then completes: the same
// attempt is delivered three times (Delivery 1, 2, 3), no retry is used, and
// the operator timeout (1 s, shorter than each deferral) restarts at each
// redelivery, not at the deferral, instead of failing the operator.
func TestDeferralEndToEnd(t *testing.T) {
	s := startStack(t, executor.Config{Options: execution.Options{OperatorTimeout: time.Second}})
	s.start("gpu", []string{"defer:1200", "defer:1200", "ok"}, map[string]any{"Retry": []any{}})

	x, envs := s.hist.ended("gpu")
	if x.Status != view.StatusComplete {
		t.Fatalf("status %s (%s: %s); events %v", x.Status, x.Error, x.Cause, typesOf(envs))
	}
	calls := s.script.of("gpu")
	if len(calls) != 3 {
		t.Fatalf("%d calls", len(calls))
	}
	for i, c := range calls {
		if c.attempt != 1 || c.delivery != i+1 {
			t.Fatalf("call %d: attempt %d delivery %d, want 1 and %d", i, c.attempt, c.delivery, i+1)
		}
	}
	if total := calls[2].at.Sub(calls[0].at); total < 2400*time.Millisecond {
		t.Fatalf("the redeliveries came %s apart, sooner than the deferrals asked", total)
	}
	deferred := payloads[*events.TaskDeferred](t, envs)
	if len(deferred) != 2 || len(payloads[*events.TaskRetrying](t, envs)) != 0 {
		t.Fatalf("history %v", typesOf(envs))
	}
	for i, d := range deferred {
		// Each deferral names the delivery it sends and that delivery's task.
		if d.Delivery != i+2 || d.Attempt != 1 || d.DelayMs != 1200 || d.Reason != "scripted deferral" || d.TaskId != calls[i+1].taskID {
			t.Fatalf("deferred %d: %+v", i, d)
		}
	}
	if n := x.Nodes["S/0/Op"]; n.Attempt != 1 || n.Delivery != 3 || n.Deferrals != 2 {
		t.Fatalf("node %+v", n)
	}
}

// TestRetryCountSurvivesRestart: the executor restarts while a retry waits
// in its tier; the new instance rebuilds the attempt count from the log, so
// the second failure exhausts the single retry instead of starting over.
func TestRetryCountSurvivesRestart(t *testing.T) {
	s := startStack(t, executor.Config{})
	s.start("restart", []string{"fail:First", "fail:Second", "ok"},
		map[string]any{"Retry": map[string]any{"IntervalSeconds": 1.0, "MaxAttempts": 1.0}})
	s.hist.wait("restart", "its retry", func(x *view.Execution) bool {
		n, ok := x.Nodes["S/0/Op"]
		return ok && n.Attempt == 2
	})
	s.restartExecutor()

	x, envs := s.hist.ended("restart")
	if x.Status != view.StatusError || x.Error != "Second" {
		t.Fatalf("status %s %q, want Error Second: the retry count was lost; events %v", x.Status, x.Error, typesOf(envs))
	}
	if calls := s.script.of("restart"); len(calls) != 2 || calls[1].attempt != 2 {
		t.Fatalf("calls %+v", calls)
	}
	if n := len(payloads[*events.TaskRetrying](t, envs)); n != 1 {
		t.Fatalf("%d retries, want 1", n)
	}
}

// onOperator keeps the events of the operator's Task ("S:Op"), leaving out
// the stage merge's.
func onOperator[T any](es []T, state func(T) string) []T {
	var out []T
	for _, e := range es {
		if state(e) == "S:Op" {
			out = append(out, e)
		}
	}
	return out
}
