package execution

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/retry"
)

// fail answers the current task of op with an Error named errName.
func (r *run) fail(op, errName string) Output {
	tk := r.task(op)
	return r.do(&events.OperatorResult{WorkflowExecutionId: "x1", Name: op, StageName: tk.StageName, Path: tk.Path,
		TaskId: tk.TaskId, Attempt: tk.Attempt, Phase: tk.Phase, Status: events.ResultError, Error: errName, Cause: "cause of " + errName})
}

// deferTask answers the current task of op with Deferred.
func (r *run) deferTask(op string, ms int64) Output {
	tk := r.task(op)
	return r.do(&events.OperatorResult{WorkflowExecutionId: "x1", Name: op, StageName: tk.StageName, Path: tk.Path,
		TaskId: tk.TaskId, Attempt: tk.Attempt, Delivery: tk.Delivery, Phase: tk.Phase, Status: events.ResultDeferred,
		DeferMs: ms, Reason: "GPU down"})
}

func policy(rs ...map[string]any) map[string]any {
	list := make([]any, len(rs))
	for i, r := range rs {
		list[i] = r
	}
	return map[string]any{"Retry": list}
}

func lastOf[T events.Payload](evs []events.Payload) T {
	var zero T
	for i := len(evs) - 1; i >= 0; i-- {
		if e, ok := evs[i].(T); ok {
			return e
		}
	}
	return zero
}

// TestRetryBackoff: each failure within the policy schedules the next
// attempt through the tiers with the backoff recorded in the events; a
// result of an earlier attempt is stale; the third attempt completes.
func TestRetryBackoff(t *testing.T) {
	r := newRun(t, build(t, []opSpec{{name: "P", impl: "builtin:Passthrough",
		cfg: policy(map[string]any{"IntervalSeconds": 1.0, "MaxAttempts": 2.0, "BackoffRate": 3.0})}}))
	r.do(&events.AdmitExecution{})
	first := r.task("P")
	if first.Attempt != 1 || first.Delivery != 1 {
		t.Fatalf("first task: attempt %d delivery %d", first.Attempt, first.Delivery)
	}

	wantDelays := []time.Duration{time.Second, 3 * time.Second}
	for i, want := range wantDelays {
		before := r.task("P")
		o := r.fail("P", "Flaky")
		rt, ok := o.Events[0].(*events.OperatorRetrying)
		if !ok || len(o.Events) != 2 || o.Events[1].EventType() != "OperatorDispatched" {
			t.Fatalf("failure %d decided %v", i+1, types(o.Events))
		}
		if rt.Attempt != i+1 || rt.NextAttempt != i+2 || rt.DelayMs != want.Milliseconds() || !rt.Due.Equal(r.now.Add(want)) ||
			rt.Error != "Flaky" || rt.Cause != "cause of Flaky" || rt.TaskId != before.TaskId || rt.Retrier != 0 {
			t.Fatalf("retrying %d: %+v", i+1, rt)
		}
		if len(o.Tasks) != 1 || o.Tasks[0].Delay != want {
			t.Fatalf("retry %d must go through the tiers after %s: %+v", i+1, want, o.Tasks)
		}
		tk := o.Tasks[0].Task
		if tk.Attempt != i+2 || tk.Delivery != 1 || tk.Phase != events.PhaseStart || tk.TaskId == before.TaskId {
			t.Fatalf("task of attempt %d: %+v", i+2, tk)
		}
		if d := o.Events[1].(*events.OperatorDispatched); d.DelayMs != want.Milliseconds() || d.Attempt != i+2 || d.TaskId != tk.TaskId {
			t.Fatalf("dispatched: %+v", d)
		}
		// The earlier attempt answering late decides nothing.
		if o := r.do(&events.OperatorResult{Path: before.Path, TaskId: before.TaskId, Attempt: before.Attempt, Status: events.ResultComplete}); len(o.Events) != 0 {
			t.Fatalf("stale result of attempt %d decided %v", before.Attempt, types(o.Events))
		}
	}
	r.result("P", events.ResultComplete, nil)
	if r.x.Status != StatusComplete || r.x.Nodes["A/0/P"].Attempt != 3 {
		t.Fatalf("status %s attempt %d", r.x.Status, r.x.Nodes["A/0/P"].Attempt)
	}
	if n := r.x.Nodes["A/0/P"]; n.Retries[0] != 2 || n.LastError != "Flaky" {
		t.Fatalf("node: %+v", n)
	}
	r.replayEquals()
}

// TestRetryExhausted: with MIE's default policy (2 retries), the third
// failure fails operator, stage and execution with the error and cause, and
// frees the slot in the same output.
func TestRetryExhausted(t *testing.T) {
	r := newRun(t, build(t, []opSpec{{name: "F", impl: "builtin:Fail"}, {name: "P", impl: "builtin:Passthrough"}}))
	r.do(&events.AdmitExecution{})
	r.result("P", events.ResultComplete, nil)
	r.fail("F", "Exploded")
	if tk := r.task("F"); tk.Attempt != 2 || r.tasks[len(r.tasks)-1].Delay != 2*time.Second {
		t.Fatalf("MIE's first retry is after 2 s: %+v", r.tasks[len(r.tasks)-1])
	}
	r.fail("F", "Exploded")
	if r.tasks[len(r.tasks)-1].Delay != 4*time.Second {
		t.Fatalf("MIE's second retry is after 4 s: %s", r.tasks[len(r.tasks)-1].Delay)
	}
	o := r.fail("F", "Exploded")
	if got := strings.Join(types(o.Events), ","); got != "OperatorFailed,StageFailed,ExecutionFailed" {
		t.Fatalf("exhaustion decided %s", got)
	}
	if f := lastOf[*events.OperatorFailed](o.Events); f.Attempt != 3 || f.Error != "Exploded" || f.Cause != "cause of Exploded" {
		t.Fatalf("operator failed: %+v", f)
	}
	if x := r.x; x.Status != StatusError || x.Error != "Exploded" || x.Cause != "cause of Exploded" {
		t.Fatalf("execution: %s %q %q", x.Status, x.Error, x.Cause)
	}
	if len(o.Admission) != 1 || o.Admission[0].(*events.SlotReleased).ExecutionId != "x1" {
		t.Fatalf("slot not freed with the failure: %v", o.Admission)
	}
	r.replayEquals()
}

// TestRetryMatching: the first retrier whose ErrorEquals matches decides,
// as in ASL, even when it allows no retries.
func TestRetryMatching(t *testing.T) {
	pol := policy(
		map[string]any{"ErrorEquals": []any{"Fatal"}, "MaxAttempts": 0.0},
		map[string]any{"ErrorEquals": []any{"Throttled"}, "MaxAttempts": 1.0, "IntervalSeconds": 0.5},
		map[string]any{"ErrorEquals": []any{"States.TaskFailed"}, "MaxAttempts": 1.0, "IntervalSeconds": 7.0},
	)
	tests := []struct {
		name      string
		errs      []string
		retriers  []int // the retrier of each retry, in order
		wantError string
	}{
		{"a MaxAttempts 0 retrier stops the later ones", []string{"Fatal"}, nil, "Fatal"},
		{"by name, then TaskFailed for the rest", []string{"Throttled", "Boom", "Boom"}, []int{1, 2}, "Boom"},
		{"each retrier counts its own retries", []string{"Throttled", "Throttled"}, []int{1}, "Throttled"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRun(t, build(t, []opSpec{{name: "P", impl: "builtin:Passthrough", cfg: pol}}))
			r.do(&events.AdmitExecution{})
			var got []int
			for _, e := range tt.errs {
				if rt := lastOf[*events.OperatorRetrying](r.fail("P", e).Events); rt != nil {
					got = append(got, rt.Retrier)
				}
			}
			if r.x.Status != StatusError || r.x.Error != tt.wantError || len(got) != len(tt.retriers) {
				t.Fatalf("status %s error %q retriers %v, want Error %q %v", r.x.Status, r.x.Error, got, tt.wantError, tt.retriers)
			}
			for i := range got {
				if got[i] != tt.retriers[i] {
					t.Fatalf("retriers %v, want %v", got, tt.retriers)
				}
			}
			r.replayEquals()
		})
	}
}

// TestRetryJitter: full jitter draws once from Options.Rand, the capped
// delay scaled; the draw is in the event, so replay needs no random source.
func TestRetryJitter(t *testing.T) {
	r := newRun(t, build(t, []opSpec{{name: "P", impl: "builtin:Passthrough",
		cfg: policy(map[string]any{"IntervalSeconds": 4.0, "BackoffRate": 10.0, "MaxAttempts": 3.0, "MaxDelaySeconds": 30.0, "JitterStrategy": "FULL"})}}))
	draws := []float64{0.5, 0.25, 0.999}
	r.opts.Rand = func() float64 {
		u := draws[0]
		draws = draws[1:]
		return u
	}
	r.do(&events.AdmitExecution{})
	// 4 s × 0.5; min(40, 30) × 0.25; min(400, 30) × 0.999.
	for i, want := range []int64{2000, 7500, 29970} {
		rt := lastOf[*events.OperatorRetrying](r.fail("P", "Boom").Events)
		if rt == nil || rt.DelayMs != want || r.tasks[len(r.tasks)-1].Delay != time.Duration(want)*time.Millisecond {
			t.Fatalf("retry %d: %+v, want %d ms", i+1, rt, want)
		}
	}
	r.opts.Rand = func() float64 { panic("a fourth failure is not retried: no draw") }
	r.fail("P", "Boom")
	if r.x.Status != StatusError {
		t.Fatal(r.x.Status)
	}
	r.replayEquals()
}

// TestRetryAfterTimeout: a timed-out attempt is retried when a retrier
// matches States.Timeout; the next attempt's deadline counts from when it
// reaches the worker, not from when the retry was decided.
func TestRetryAfterTimeout(t *testing.T) {
	r := newRun(t, build(t, []opSpec{{name: "P", impl: "builtin:Passthrough",
		cfg: policy(map[string]any{"ErrorEquals": []any{"States.Timeout"}, "IntervalSeconds": 30.0, "MaxAttempts": 1.0})}}))
	r.do(&events.AdmitExecution{})
	first := r.task("P")
	opts := r.opts
	d := Deadline(r.x, opts)
	o := Sweep(r.x, d, opts)
	r.take(o)
	rt := lastOf[*events.OperatorRetrying](o.Events)
	if rt == nil || rt.Error != retry.ErrorTimeout || rt.NextAttempt != 2 || len(o.Tasks) != 1 || o.Tasks[0].Delay != 30*time.Second {
		t.Fatalf("timeout decided %v %+v", types(o.Events), o.Tasks)
	}
	// Due in 30 s, then a minute to run: nothing times out before that.
	next := Deadline(r.x, opts)
	if want := d.Add(30 * time.Second).Add(time.Minute); !next.Equal(want) {
		t.Fatalf("next deadline %s, want %s (due + timeout)", next, want)
	}
	if o := Sweep(r.x, d.Add(time.Minute), opts); len(o.Events) != 0 {
		t.Fatalf("swept a pending retry: %v", types(o.Events))
	}
	// The timed-out attempt answering now is stale.
	if o := r.do(&events.OperatorResult{Path: first.Path, TaskId: first.TaskId, Attempt: 1, Status: events.ResultComplete}); len(o.Events) != 0 {
		t.Fatalf("late result of the timed-out attempt decided %v", types(o.Events))
	}
	o = Sweep(r.x, next, opts)
	r.take(o)
	if r.x.Status != StatusError || r.x.Error != retry.ErrorTimeout {
		t.Fatalf("second timeout: %s %q", r.x.Status, r.x.Error)
	}
	r.replayEquals()
}

// TestCancelDuringRetry: a cancel while a retry is pending ends the
// execution; the retried task's late result is dropped.
func TestCancelDuringRetry(t *testing.T) {
	r := newRun(t, build(t, []opSpec{{name: "P", impl: "builtin:Passthrough"}}))
	r.do(&events.AdmitExecution{})
	r.fail("P", "Boom")
	pending := r.task("P")
	o := r.do(&events.CancelExecution{Reason: "user"})
	if len(o.Admission) != 1 || r.x.Status != StatusError || !r.x.Cancelled {
		t.Fatalf("cancel: %v %s", o.Admission, r.x.Status)
	}
	if o := r.do(&events.OperatorResult{Path: pending.Path, TaskId: pending.TaskId, Attempt: pending.Attempt, Status: events.ResultComplete}); len(o.Events)+len(o.Tasks)+len(o.Admission) != 0 {
		t.Fatalf("late result after cancel decided %+v", o)
	}
	if n := r.x.Nodes["A/0/P"]; n.Status != NodeError {
		t.Fatalf("operator still %s after cancel", n.Status)
	}
	r.replayEquals()
}

// TestDeferral: a Deferred answer redelivers the same attempt and phase
// after the asked delay (bounded), with Delivery counting up; no retry is
// used and the timeout restarts at each redelivery.
func TestDeferral(t *testing.T) {
	r := newRun(t, build(t, []opSpec{{name: "G", impl: "builtin:Sleep", typ: "Async",
		cfg: policy(map[string]any{"MaxAttempts": 0.0})}}))
	r.do(&events.AdmitExecution{})
	first := r.task("G")
	o := r.deferTask("G", 900)
	df, ok := o.Events[0].(*events.OperatorDeferred)
	if !ok || len(o.Events) != 2 || df.TaskId != first.TaskId || df.Delivery != 1 || df.Attempt != 1 || df.DelayMs != 900 ||
		df.Reason != "GPU down" || df.Phase != events.PhaseStart || !df.Due.Equal(r.now.Add(900*time.Millisecond)) {
		t.Fatalf("deferral decided %v: %+v", types(o.Events), o.Events[0])
	}
	tk := o.Tasks[0]
	if tk.Delay != 900*time.Millisecond || tk.Task.Attempt != 1 || tk.Task.Delivery != 2 || tk.Task.TaskId == first.TaskId || tk.Task.Phase != events.PhaseStart {
		t.Fatalf("redelivery: %+v", tk)
	}
	if d := Deadline(r.x, r.opts); !d.Equal(r.now.Add(900 * time.Millisecond).Add(time.Minute)) {
		t.Fatalf("deadline %s does not restart at the redelivery", d)
	}
	// The deferred delivery answering again is stale.
	if o := r.do(&events.OperatorResult{Path: first.Path, TaskId: first.TaskId, Attempt: 1, Status: events.ResultError}); len(o.Events) != 0 {
		t.Fatalf("stale answer decided %v", types(o.Events))
	}
	// A zero delay is raised to MinDefer: no hot loop.
	o = r.deferTask("G", 0)
	if o.Tasks[0].Delay != MinDefer || o.Tasks[0].Task.Delivery != 3 {
		t.Fatalf("zero deferral: %+v", o.Tasks[0])
	}
	// Start answers Executing; a deferred Monitor check keeps its state.
	tk2 := r.task("G")
	r.do(&events.OperatorResult{Path: tk2.Path, TaskId: tk2.TaskId, Attempt: 1, Phase: events.PhaseStart, Status: events.ResultExecuting,
		CheckAfterMs: 10, MonitorState: json.RawMessage(`{"job":7}`)})
	if mon := r.task("G"); mon.Phase != events.PhaseMonitor || mon.Delivery != 1 {
		t.Fatalf("monitor task: %+v", mon)
	}
	o = r.deferTask("G", 5000)
	if m := o.Tasks[0].Task; m.Phase != events.PhaseMonitor || m.Delivery != 2 || string(m.MonitorState) != `{"job":7}` || m.Attempt != 1 {
		t.Fatalf("deferred monitor check: %+v", m)
	}
	if d := Deadline(r.x, r.opts); !d.Equal(r.now.Add(5 * time.Second).Add(time.Minute)) {
		t.Fatalf("deadline %s does not restart at the monitor's redelivery", d)
	}
	mon := r.task("G")
	r.do(&events.OperatorResult{Path: mon.Path, TaskId: mon.TaskId, Attempt: 1, Phase: events.PhaseMonitor, Status: events.ResultComplete})
	if n := r.x.Nodes["A/0/G"]; r.x.Status != StatusComplete || n.Attempt != 1 || n.Deferrals != 3 || len(n.Retries) != 0 {
		t.Fatalf("status %s node %+v", r.x.Status, n)
	}
	r.replayEquals()
}

// TestDeferralLimit: a step deferred MaxDeliveries times fails its attempt
// with ErrDeferralLimit, which retriers may match.
func TestDeferralLimit(t *testing.T) {
	r := newRun(t, build(t, []opSpec{{name: "G", impl: "builtin:Passthrough", cfg: policy(map[string]any{"MaxAttempts": 0.0})}}))
	r.do(&events.AdmitExecution{})
	for range MaxDeliveries - 1 {
		r.deferTask("G", 1000)
	}
	if tk := r.task("G"); tk.Delivery != MaxDeliveries {
		t.Fatalf("delivery %d", tk.Delivery)
	}
	r.deferTask("G", 1000)
	if r.x.Status != StatusError || r.x.Error != ErrDeferralLimit {
		t.Fatalf("status %s error %q", r.x.Status, r.x.Error)
	}
}

// TestCatchToFail: a matching Catch whose Next is a Fail state ends the
// execution with that state's Error and Cause; another target type is a
// States.Runtime error naming it.
func TestCatchToFail(t *testing.T) {
	catch := func(next *events.State) *events.StartExecution {
		cmd := build(t, []opSpec{{name: "P", impl: "builtin:Passthrough", cfg: map[string]any{"Retry": []any{}}}})
		br := &cmd.Machine.States["A"].Branches[0]
		br.States["P"].Catch = []events.Catcher{{ErrorEquals: []string{"Other"}, Next: "Nowhere"}, {ErrorEquals: []string{"States.ALL"}, Next: "Handled"}}
		br.States["Handled"] = next
		return cmd
	}
	t.Run("Fail state", func(t *testing.T) {
		r := newRun(t, catch(&events.State{Type: events.StateFail, Error: "Operator.Failed", Cause: "P gave up", End: true}))
		r.do(&events.AdmitExecution{})
		r.fail("P", "Boom")
		if r.x.Status != StatusError || r.x.Error != "Operator.Failed" || r.x.Cause != "P gave up" {
			t.Fatalf("%s %q %q", r.x.Status, r.x.Error, r.x.Cause)
		}
		if f := lastOf[*events.OperatorFailed](r.events); f.Error != "Boom" {
			t.Fatalf("the operator's own failure is kept: %+v", f)
		}
		if sf := lastOf[*events.StageFailed](r.events); sf.Error != "Operator.Failed" {
			t.Fatalf("stage failed: %+v", sf)
		}
		r.replayEquals()
	})
	t.Run("other target", func(t *testing.T) {
		r := newRun(t, catch(&events.State{Type: events.StatePass, End: true}))
		r.do(&events.AdmitExecution{})
		r.fail("P", "Boom")
		if r.x.Error != retry.ErrorRuntime || !strings.Contains(r.x.Cause, `Pass state "Handled"`) || !strings.Contains(r.x.Cause, "Boom") {
			t.Fatalf("%q %q", r.x.Error, r.x.Cause)
		}
	})
}

func types(evs []events.Payload) []string {
	out := make([]string, len(evs))
	for i, e := range evs {
		out[i] = e.EventType()
	}
	return out
}
