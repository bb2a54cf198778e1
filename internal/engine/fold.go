package engine

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/asl"
	"github.com/mie-kafka/mie/internal/asl/failure"
)

// Apply folds one event into the state. It is deterministic: the same
// events in the same order give the same state, and it evaluates nothing
// (every value it stores was decided and recorded). Commands are not
// applied.
func (x *Execution) Apply(at time.Time, p events.Payload) error {
	if q, ok := p.(*events.ExecutionQueued); ok {
		x.queued(at, q)
		x.Events, x.Updated = 1, at
		return nil
	}
	if x.Queued == nil {
		return fmt.Errorf("apply %s: the execution has no ExecutionQueued", p.EventType())
	}
	if err := x.apply(at, p); err != nil {
		return err
	}
	x.Events++
	x.Updated = at
	return nil
}

func (x *Execution) queued(at time.Time, q *events.ExecutionQueued) {
	*x = Execution{ID: q.ExecutionId, Queued: q, Status: StatusQueued, Created: q.Created,
		runs: map[RunID]*Run{}, next: 1, Keep: x.Keep, Raw: x.Raw}
	if x.Created.IsZero() {
		x.Created = at
	}
	m, err := machineOf(q.Definition, q.StateMachine != nil && q.StateMachine.Kind == events.KindWorkflow)
	if err != nil {
		x.invalid = failure.New(failure.Runtime, "the execution's definition is not valid: %v", err)
		m = &asl.Machine{}
	}
	x.Machine = m
	x.root = newScope(m, 0, 0, nil)
	x.Input = x.data(q.Input)
}

func (x *Execution) apply(at time.Time, p events.Payload) error {
	switch e := p.(type) {
	case *events.ExecutionStarted:
		x.Status, x.Started = StatusRunning, at
	case *events.ExecutionRedriven:
		x.Status, x.Error, x.Cause, x.Ended, x.Output = StatusRunning, "", "", time.Time{}, nil
		x.RedriveCount, x.Redriven = e.RedriveCount, at
		x.root.status, x.root.err = RunRunning, nil
	case *events.StateEntered:
		return x.entered(at, e)
	case *events.StateExited:
		return x.onRun(e.Run, func(r *Run) { x.exited(at, r, e) })
	case *events.StateFailed:
		return x.onRun(e.Run, func(r *Run) { x.failed(at, r, e.Error, e.Cause) })
	case *events.StateCaught:
		return x.onRun(e.Run, func(r *Run) { x.caught(at, r, e) })
	case *events.MapStarted:
		return x.onRun(e.Run, func(r *Run) { x.mapStarted(r, e) })
	case *events.MapRunStarted:
		return x.onRun(e.Run, func(r *Run) {
			r.MapRun = &MapRunRef{ID: e.MapRunId, Arn: e.MapRunArn}
			if x.mapRuns == nil {
				x.mapRuns = map[RunID]struct{}{}
			}
			x.mapRuns[r.ID] = struct{}{}
		})
	case *events.TimerScheduled:
		return x.onRun(e.Run, func(r *Run) {
			_, retry := r.State.(*asl.Parallel)
			if _, m := r.State.(*asl.Map); m {
				retry = true
			}
			r.Timer = &TimerRun{ID: e.TimerId, Due: e.Due, Retry: retry}
		})
	case *events.TaskRetrying:
		return x.onRun(e.Run, func(r *Run) { x.retrying(r, e) })
	case *events.TaskScheduled, *events.TaskExecuting, *events.TaskDeferred, *events.TaskHeartbeat,
		*events.TaskSucceeded, *events.TaskFailed:
		return x.applyTask(at, p)
	case *events.ExecutionCompleted:
		x.end(at, StatusSucceeded, "", "")
		x.Output = x.data(e.Output)
	case *events.ExecutionFailed:
		x.end(at, StatusFailed, e.Error, e.Cause)
	case *events.ExecutionTimedOut:
		x.end(at, StatusTimedOut, e.Error, e.Cause)
	case *events.ExecutionCancelled:
		x.end(at, StatusAborted, e.Error, firstOf(e.Cause, e.Reason))
	default:
		return fmt.Errorf("apply: %s is not an event of a States Language execution", p.EventType())
	}
	return nil
}

func (x *Execution) onRun(id int32, f func(*Run)) error {
	r, ok := x.runs[RunID(id)]
	if !ok {
		return fmt.Errorf("apply: the execution has no run %d", id)
	}
	f(r)
	return nil
}

// scopeFor finds the scope a run entered with parent and slot belongs to,
// making the branch or iteration's scope at its first run.
func (x *Execution) scopeFor(parent RunID, slot int) (*scope, error) {
	if parent == 0 {
		return x.root, nil
	}
	p, ok := x.runs[parent]
	if !ok || p.Children == nil {
		return nil, fmt.Errorf("apply: run %d has no branches or iterations", parent)
	}
	c := p.Children
	for slot >= len(c.Slots) {
		c.Slots = append(c.Slots, nil)
	}
	if c.Slots[slot] == nil {
		m, err := childMachine(p.State, slot)
		if err != nil {
			return nil, err
		}
		c.Slots[slot] = newScope(m, parent, slot, p.scope)
		if _, isMap := p.State.(*asl.Map); isMap && slot >= c.Next {
			c.Next = slot + 1
		}
		c.Running++
	}
	return c.Slots[slot], nil
}

func childMachine(st asl.State, slot int) (*asl.Machine, error) {
	switch s := st.(type) {
	case *asl.Parallel:
		if slot < len(s.Branches) {
			return s.Branches[slot], nil
		}
	case *asl.Map:
		return s.ItemProcessor, nil
	}
	return nil, fmt.Errorf("apply: state %q has no branch or iteration %d", st.Name(), slot)
}

func (x *Execution) entered(at time.Time, e *events.StateEntered) error {
	sc, err := x.scopeFor(RunID(e.Parent), e.Slot)
	if err != nil {
		return err
	}
	st := sc.machine.State(e.State)
	if st == nil {
		return fmt.Errorf("apply: run %d enters %q, which its machine does not have", e.Run, e.State)
	}
	id := RunID(e.Run)
	if id != x.next {
		return fmt.Errorf("apply: run %d entered, want run %d next", e.Run, x.next)
	}
	x.next++
	if prev, ok := x.runs[sc.current]; ok && prev.Status.Done() {
		x.forget(prev)
	}
	r := &Run{ID: id, Parent: RunID(e.Parent), Slot: e.Slot, State: st, Visit: e.Visit, Input: x.value(e.Input),
		Entered: at, scope: sc, Attempt: 1}
	switch s := st.(type) {
	case *asl.Parallel:
		r.Children = &Children{Slots: make([]*scope, len(s.Branches))}
	case *asl.Map:
		r.Children = &Children{}
	}
	x.runs[id] = r
	if sc.visits == nil {
		sc.visits = map[string]int{}
	}
	sc.visits[e.State] = e.Visit
	sc.current, sc.status = id, RunRunning
	return nil
}

// forget drops an ended run that nothing needs any more: the scope has
// moved on from it. Projections that keep every run set Keep.
func (x *Execution) forget(r *Run) {
	if !x.Keep {
		delete(x.runs, r.ID)
	}
}

// value is a recorded run input or output: the hint of the decision
// applying it, else the JSON decoded.
func (x *Execution) value(raw json.RawMessage) any {
	if x.hinted {
		x.hinted = false
		return x.hint
	}
	return x.data(raw)
}

// data is the value of raw as this execution keeps it: decoded, or in a
// Raw execution the JSON itself.
func (x *Execution) data(raw json.RawMessage) any {
	if !x.Raw {
		return decode(raw)
	}
	if len(raw) == 0 {
		return nil
	}
	return raw
}

func (x *Execution) exited(at time.Time, r *Run, e *events.StateExited) {
	r.Status, r.Output, r.Ended = RunSucceeded, x.value(e.Output), at
	delete(x.mapRuns, r.ID)
	x.assign(r.scope, e.Assigned)
	x.stopChildren(at, r)
	if e.Next == "" {
		x.scopeEnded(r.scope, RunSucceeded, r.Output, nil)
	}
}

func (x *Execution) failed(at time.Time, r *Run, errName, cause string) {
	r.Status, r.Error, r.Cause, r.Ended = RunFailed, errName, cause, at
	delete(x.mapRuns, r.ID)
	x.stopChildren(at, r)
	x.scopeEnded(r.scope, RunFailed, nil, &failure.Error{Name: errName, Cause: cause})
}

func (x *Execution) caught(at time.Time, r *Run, e *events.StateCaught) {
	r.Status, r.Error, r.Cause, r.Output, r.Ended = RunCaught, e.Error, e.Cause, x.value(e.Output), at
	delete(x.mapRuns, r.ID)
	x.assign(r.scope, e.Assigned)
	x.stopChildren(at, r)
}

// scopeEnded records that a branch, an iteration or the top level ended;
// the execution's own end is its terminal event.
func (x *Execution) scopeEnded(sc *scope, st RunStatus, out any, err *failure.Error) {
	sc.status, sc.output, sc.err = st, out, err
	if sc.owner == 0 {
		return
	}
	if p, ok := x.runs[sc.owner]; ok && p.Children != nil {
		p.Children.Running--
		if st == RunSucceeded {
			p.Children.Succeeded++
		} else {
			p.Children.Failed++
		}
	}
	if r, ok := x.runs[sc.current]; ok {
		x.forget(r)
	}
}

func (x *Execution) assign(sc *scope, vars map[string]json.RawMessage) {
	if len(vars) == 0 {
		return
	}
	if sc.vars == nil {
		sc.vars = make(map[string]any, len(vars))
		sc.varBytes = make(map[string]int, len(vars))
	}
	for k, v := range vars {
		sc.vars[k] = x.data(v)
		sc.varTotal += len(v) - sc.varBytes[k]
		sc.varBytes[k] = len(v)
	}
}

func (x *Execution) mapStarted(r *Run, e *events.MapStarted) {
	items, _ := decode(e.Items).([]any)
	r.Children = &Children{Items: items, Slots: make([]*scope, 0, min(len(items), 64)),
		MaxConcurrency: e.MaxConcurrency, ToleratedCount: e.ToleratedFailureCount,
		ToleratedPercent: e.ToleratedFailurePercentage}
}

func (x *Execution) retrying(r *Run, e *events.TaskRetrying) {
	for len(r.Retries) <= e.Retrier {
		r.Retries = append(r.Retries, 0)
	}
	r.Retries[e.Retrier]++
	r.Attempt = e.NextAttempt
	if r.MapRun != nil {
		// The failed attempt's map run ended; the next starts its own.
		r.MapRun = nil
		delete(x.mapRuns, r.ID)
	}
	if r.Task != nil {
		r.Task.LastError, r.Task.LastCause = e.Error, e.Cause
	}
	if r.Children != nil {
		// A Parallel or Map retried: its children start again.
		x.stopChildren(e.Due, r)
		items := r.Children.Items
		*r.Children = Children{MaxConcurrency: r.Children.MaxConcurrency, ToleratedCount: r.Children.ToleratedCount,
			ToleratedPercent: r.Children.ToleratedPercent, Items: items}
		if p, ok := r.State.(*asl.Parallel); ok {
			r.Children.Slots = make([]*scope, len(p.Branches))
		}
	}
}

// stopChildren aborts what still runs inside a Parallel or Map run that
// ended (a branch failed, the tolerance was exceeded, the state was
// caught).
func (x *Execution) stopChildren(at time.Time, r *Run) {
	if r.Children == nil {
		return
	}
	for _, sc := range r.Children.Slots {
		if sc != nil {
			x.abortScope(at, sc)
		}
	}
}

func (x *Execution) abortScope(at time.Time, sc *scope) {
	if sc.status.Done() {
		return
	}
	sc.status = RunAborted
	if r, ok := x.runs[sc.current]; ok && !r.Status.Done() {
		r.Status, r.Ended = RunAborted, at
		delete(x.mapRuns, r.ID)
		x.stopChildren(at, r)
	}
}

func (x *Execution) end(at time.Time, st Status, errName, cause string) {
	x.Status, x.Ended, x.Error, x.Cause = st, at, errName, cause
	x.abortScope(at, x.root)
	if st == StatusSucceeded {
		x.root.status = RunSucceeded
	}
}

func firstOf(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
