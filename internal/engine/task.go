package engine

import (
	"strings"
	"time"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/asl"
	"github.com/mie-kafka/mie/internal/asl/failure"
)

// taskHandler runs Task states: the effective parameters (JSONPath:
// InputPath, Parameters; JSONata: Arguments) go to where the Resolver
// sends the resource, each attempt as one task record; the answer (or a
// callback's token answer) is the result, shaped by ResultSelector,
// ResultPath and OutputPath (JSONata: Output). Failures and timeouts
// retry and catch by the state's Retry and Catch.
type taskHandler struct{}

func init() { handlers[asl.TypeTask] = taskHandler{} }

// Bounds of a worker's deferral (Status Deferred).
const (
	// MinDefer and MaxDefer bound one redelivery's delay, so a worker that
	// defers with 0 cannot make a hot loop.
	MinDefer = 100 * time.Millisecond
	MaxDefer = 24 * time.Hour
	// MaxDeliveries bounds the deliveries of one step; past it, a deferral
	// fails the attempt with ErrDeferralLimit.
	MaxDeliveries = 10000
	// ErrDeferralLimit names an attempt deferred more than MaxDeliveries
	// times.
	ErrDeferralLimit = "DeferralLimitExceeded"
)

func (taskHandler) enter(d *step, r *Run) { d.schedule(r, 0) }

// schedule sends attempt r.Attempt of Task run r, after delay (a retry's
// backoff, through the retry tiers).
func (d *step) schedule(r *Run, delay time.Duration) {
	st := r.State.(*asl.Task)
	callback := strings.HasSuffix(st.Resource, ".waitForTaskToken")
	var token string
	if callback {
		token = newToken(d.x.ID, r.ID, r.Attempt, d.uuid())
	}
	d.token = token
	params, ferr := d.taskParameters(r, st)
	d.token = ""
	if ferr != nil {
		d.attemptFailed(r, ferr)
		return
	}
	if d.opts.Resolver == nil {
		d.attemptFailed(r, failure.New(failure.Runtime, "no resolver for Task resources: %s", st.Resource))
		return
	}
	target, err := d.opts.Resolver.Resolve(st.Resource, params)
	if err != nil {
		d.attemptFailed(r, failure.As(err))
		return
	}
	timeout, heartbeat, ferr := d.taskLimits(r, st, target)
	if ferr != nil {
		d.attemptFailed(r, ferr)
		return
	}
	if target.Pattern == WaitForTaskToken && token == "" {
		token = newToken(d.x.ID, r.ID, r.Attempt, d.uuid())
	}
	payload, err := encode(target.Payload)
	if err != nil {
		d.attemptFailed(r, failure.New(failure.Runtime, "the parameters of state %q cannot be encoded: %v", r.Name(), err))
		return
	}
	if target.Inline != nil && d.inlineOK(r, target) {
		return
	}
	id := d.uuid()
	var child string
	if target.Child != nil && target.Child.Sync != 0 {
		child = childID(d.x.ID, r.ID, r.Attempt)
	}
	d.emit(&events.TaskScheduled{Child: child, RunRef: ref(r), TaskId: id, Attempt: r.Attempt, Resource: st.Resource,
		Function: target.Function, Implementation: target.Implementation, Topic: target.Topic, Payload: payload, TimeoutSeconds: timeout,
		HeartbeatSeconds: heartbeat, Token: token, DelayMs: delay.Milliseconds()})
	switch {
	case target.Child != nil:
		d.startChild(r, &target, id)
	case target.Inline != nil:
		d.inline(r, target, params)
	case target.Topic != "":
		d.dispatch(r, events.PhaseStart, delay)
	case target.Pattern != WaitForTaskToken:
		d.attemptFailed(r, failure.New(failure.Runtime, "state %q: the resource %s has no worker", r.Name(), st.Resource))
	}
	// A callback task without a worker waits for its token alone.
}

// taskParameters are the effective parameters of an attempt.
func (d *step) taskParameters(r *Run, st *asl.Task) (any, *failure.Error) {
	if jsonataMode(r) {
		v, ferr := d.evalJSONata(r, st.Arguments, r.Input, nil, nil)
		if ferr == nil {
			d.inspect(r, inspectArguments, v)
		}
		return v, ferr
	}
	return d.effectiveInput(r, st.Parameters)
}

// taskLimits are the attempt's TimeoutSeconds and HeartbeatSeconds: the
// state's (static, a path, an expression), else the function's, else the
// engine's default.
func (d *step) taskLimits(r *Run, st *asl.Task, t Target) (timeout, heartbeat int64, ferr *failure.Error) {
	if timeout, ferr = d.intField(r, st.TimeoutSeconds, "TimeoutSeconds"); ferr != nil {
		return 0, 0, ferr
	}
	if heartbeat, ferr = d.intField(r, st.HeartbeatSeconds, "HeartbeatSeconds"); ferr != nil {
		return 0, 0, ferr
	}
	if timeout == 0 {
		timeout = t.TimeoutSeconds
	}
	if timeout == 0 && d.opts.DefaultTaskTimeout > 0 {
		timeout = int64(d.opts.DefaultTaskTimeout / time.Second)
	}
	if heartbeat > 0 && timeout > 0 && heartbeat >= timeout {
		return 0, 0, failure.New(failure.Runtime, "state %q: HeartbeatSeconds %d must be smaller than TimeoutSeconds %d",
			r.Name(), heartbeat, timeout)
	}
	return timeout, heartbeat, nil
}

// dispatch sends the task record of run r's current step.
func (d *step) dispatch(r *Run, phase string, delay time.Duration) {
	t := r.Task
	d.out.Tasks = append(d.out.Tasks, Task{Topic: t.Topic, Delay: delay, Task: events.OperatorTaskRequest{
		Name: firstOf(t.Function, r.Name()), WorkflowExecutionId: d.x.ID, AssetId: d.x.Queued.AssetId,
		Implementation: t.Implementation,
		Path:           r.Name(), TaskId: t.TaskID, Attempt: r.Attempt, Delivery: t.Delivery, Phase: phase,
		MonitorState: t.MonitorState,
		Invocation: events.Invocation{Run: int32(r.ID), Payload: t.Payload, Resource: t.Resource, Function: t.Function,
			Token: t.Token, TimeoutSeconds: t.TimeoutSeconds, HeartbeatSeconds: t.HeartbeatSeconds},
	}})
}

// inlineOK runs a Target's Inline work in the decision and, when it
// succeeds, leaves the state with its result: a pure function's success
// needs no task events (the state's exit records its output). A failure
// goes the way of any attempt (inline, after TaskScheduled), so Retry and
// Catch see it.
func (d *step) inlineOK(r *Run, t Target) bool {
	out, err := t.Inline(t.Payload)
	if err != nil {
		return false
	}
	st := r.State.(*asl.Task)
	res, vars, ferr := d.output(r, out, resultOptions{selector: st.ResultSelector, path: st.ResultPath})
	if ferr != nil {
		d.fail(r, ferr)
		return true
	}
	d.exit(r, res, st.Next, vars)
	return true
}

// inline runs a Target's Inline work in the decision.
func (d *step) inline(r *Run, t Target, params any) {
	out, err := t.Inline(t.Payload)
	if err != nil {
		d.attemptFailed(r, failure.As(err))
		return
	}
	d.succeeded(r, out)
}

// taskResult handles a worker's answer to one of run r's task records.
func (d *step) taskResult(res *events.OperatorResult) {
	r, ok := d.x.runs[RunID(res.Run)]
	if !ok || r.Status.Done() || r.Task == nil || r.Task.TaskID != res.TaskId || r.Attempt != res.Attempt {
		return // stale or duplicate
	}
	switch res.Status {
	case events.ResultExecuting:
		id := d.uuid()
		d.emit(&events.TaskExecuting{RunRef: ref(r), TaskId: id, Attempt: r.Attempt, CheckAfterMs: res.CheckAfterMs,
			MonitorState: res.MonitorState})
		d.dispatch(r, events.PhaseMonitor, time.Duration(res.CheckAfterMs)*time.Millisecond)
	case events.ResultDeferred:
		d.deferred(r, res)
	case events.ResultComplete:
		if r.Task.Token != "" || r.Task.Child != "" {
			// The callback task was sent; its token's answer is the
			// result.
			return
		}
		d.succeeded(r, decode(res.Output))
	default:
		name := firstOf(res.Error, "States.TaskFailed")
		d.attemptFailed(r, &failure.Error{Name: name, Cause: res.Cause})
	}
}

// deferred handles a worker's Deferred answer: the same step again, with a
// fresh task id, after the delay it asked for (within MinDefer and
// MaxDefer), using no retry.
func (d *step) deferred(r *Run, res *events.OperatorResult) {
	t := r.Task
	if t.Delivery >= MaxDeliveries {
		d.attemptFailed(r, failure.New(ErrDeferralLimit, "state %q was deferred %d deliveries: %s", r.Name(), t.Delivery, res.Reason))
		return
	}
	delay := min(max(time.Duration(res.DeferMs)*time.Millisecond, MinDefer), MaxDefer)
	phase := t.Phase
	d.emit(&events.TaskDeferred{RunRef: ref(r), TaskId: d.uuid(), Attempt: r.Attempt, Phase: phase,
		Delivery: t.Delivery + 1, DelayMs: delay.Milliseconds(), Reason: res.Reason})
	d.dispatch(r, phase, delay)
}

// tokenAnswered handles SendTaskSuccess, SendTaskFailure and
// SendTaskHeartbeat for a callback task.
func (d *step) tokenAnswered(c *events.TaskTokenAnswered) {
	tok, ok := parseToken(c.Token)
	if !ok {
		return
	}
	r, ok := d.x.runs[tok.Run]
	if !ok || r.Status.Done() || r.Task == nil || r.Task.Token != c.Token {
		return // answered already, or an old attempt's token
	}
	switch c.Outcome {
	case events.TokenHeartbeat:
		d.emit(&events.TaskHeartbeat{RunRef: ref(r), TaskId: r.Task.TaskID})
	case events.TokenSuccess:
		d.succeeded(r, decode(c.Output))
	case events.TokenFailure:
		d.attemptFailed(r, &failure.Error{Name: c.Error, Cause: c.Cause})
	}
}

// succeeded records the attempt's result and leaves the state with it.
func (d *step) succeeded(r *Run, result any) {
	raw, err := encode(result)
	if err != nil {
		d.attemptFailed(r, failure.New(failure.Runtime, "the result of state %q cannot be encoded: %v", r.Name(), err))
		return
	}
	d.emit(&events.TaskSucceeded{RunRef: ref(r), TaskId: r.Task.TaskID, Attempt: r.Attempt, Output: raw})
	st := r.State.(*asl.Task)
	out, vars, ferr := d.output(r, result, resultOptions{selector: st.ResultSelector, path: st.ResultPath})
	if ferr != nil {
		d.fail(r, ferr)
		return
	}
	d.exit(r, out, st.Next, vars)
}

// attemptFailed handles a failed attempt: a retry, or the state fails.
func (d *step) attemptFailed(r *Run, e *failure.Error) {
	taskID := ""
	if r.Task != nil {
		taskID = r.Task.TaskID
	}
	d.emit(&events.TaskFailed{RunRef: ref(r), TaskId: taskID, Attempt: r.Attempt, Error: e.Name, Cause: e.Cause})
	st := r.State.(*asl.Task)
	if wait, ok := d.retry(r, st.Retry, e); ok {
		d.schedule(r, wait)
		return
	}
	d.fail(r, e)
}

// taskDeadline is when run r's attempt times out, and with which error;
// zero when it cannot.
func taskDeadline(r *Run) (time.Time, string) {
	t := r.Task
	if t == nil || r.Status.Done() {
		return time.Time{}, ""
	}
	var due time.Time
	name := ""
	if t.TimeoutSeconds > 0 {
		due, name = t.Dispatched.Add(time.Duration(t.TimeoutSeconds)*time.Second), failure.Timeout
	}
	if t.HeartbeatSeconds > 0 {
		hb := t.Heartbeat.Add(time.Duration(t.HeartbeatSeconds) * time.Second)
		if due.IsZero() || hb.Before(due) {
			due, name = hb, failure.HeartbeatTimeout
		}
	}
	return due, name
}
