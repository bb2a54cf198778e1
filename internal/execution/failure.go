package execution

import (
	"fmt"
	"time"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/retry"
)

// Bounds of a worker's deferral (OperatorResult Status Deferred).
const (
	// MinDefer and MaxDefer bound the delay of one redelivery, so that a
	// worker that defers with 0 cannot make a hot loop.
	MinDefer = 100 * time.Millisecond
	MaxDefer = 24 * time.Hour
	// MaxDeliveries bounds the deliveries of one step: past it, a
	// deferral fails the attempt with ErrDeferralLimit, which the Task's
	// retriers may match.
	MaxDeliveries = 10000
	// ErrDeferralLimit is the error name of an attempt deferred more than
	// MaxDeliveries times.
	ErrDeferralLimit = "DeferralLimitExceeded"
)

// attemptFailed handles a failed operator attempt (an Error result or a
// timeout): the first retrier of the Task state that matches the error
// decides. With retries left, the next attempt is dispatched through the
// retry tiers after the retrier's backoff; otherwise the operator fails.
func (d *decider) attemptFailed(path, errName, cause string) {
	n := d.x.Nodes[path]
	st, err := d.x.StateAt(path)
	if err != nil {
		d.failExecution(retry.ErrorRuntime, err.Error())
		return
	}
	if i, ok := retry.Match(st.Retry, errName); ok {
		done := 0
		if i < len(n.Retries) {
			done = n.Retries[i]
		}
		if r := st.Retry[i]; done < r.MaxAttempts {
			delay := retry.Delay(r, done+1, d.random())
			d.emit(&events.OperatorRetrying{Path: path, Stage: n.Stage, Operator: n.Operator, TaskId: n.TaskId,
				Attempt: n.Attempt, Error: errName, Cause: cause, Retrier: i, NextAttempt: n.Attempt + 1,
				DelayMs: delay.Milliseconds(), Due: d.now.Add(delay)})
			d.dispatch(path, st, events.PhaseStart, delay, n.Attempt+1, 1)
			return
		}
	}
	d.emit(&events.OperatorFailed{Path: path, Stage: n.Stage, Operator: n.Operator, TaskId: n.TaskId,
		Attempt: n.Attempt, Error: errName, Cause: cause})
	d.fail(path)
}

// deferred handles a worker's Deferred answer: the same attempt and phase
// is delivered again, with a fresh task id, after the delay the worker asked
// for (within MinDefer and MaxDefer). No retry attempt is used.
func (d *decider) deferred(path string, r *events.OperatorResult) {
	n := d.x.Nodes[path]
	st, err := d.x.StateAt(path)
	if err != nil {
		d.failExecution(retry.ErrorRuntime, err.Error())
		return
	}
	delivery := max(n.Delivery, 1)
	if delivery >= MaxDeliveries {
		d.attemptFailed(path, ErrDeferralLimit, fmt.Sprintf("operator %s deferred %d deliveries: %s", n.Operator, delivery, r.Reason))
		return
	}
	delay := min(max(time.Duration(r.DeferMs)*time.Millisecond, MinDefer), MaxDefer)
	d.emit(&events.OperatorDeferred{Path: path, Stage: n.Stage, Operator: n.Operator, TaskId: n.TaskId,
		Attempt: n.Attempt, Phase: n.Phase, Delivery: delivery, DelayMs: delay.Milliseconds(),
		Due: d.now.Add(delay), Reason: r.Reason})
	d.dispatch(path, st, n.Phase, delay, n.Attempt, delivery+1)
}

// fail handles the failure of the state at path: the enclosing stage fails
// and the execution goes to Error, with the failure's error and cause, or
// those of the Fail state a matching Catch leads to.
func (d *decider) fail(path string) {
	n := d.x.Nodes[path]
	errName, cause := d.caught(path, n.Error, n.Cause)
	parent, _, _, nested := parentOf(path)
	if nested {
		if ps, err := d.x.StateAt(parent); err == nil {
			if pn := d.x.Nodes[parent]; pn != nil && pn.Status == NodeStarted {
				d.emit(&events.StageFailed{Path: parent, Stage: ps.Stage, Error: errName, Cause: cause})
			}
		}
	}
	d.failExecution(errName, cause)
}

// caught applies the Catch of the state at path to its failure. The first
// catcher that matches decides: when its Next is a Fail state, the branch
// ends there and the failure takes that state's Error and Cause (each kept
// from the failure when the state leaves it empty). Other Catch targets are
// not interpreted yet: the failure becomes States.Runtime, naming them.
func (d *decider) caught(path, errName, cause string) (string, string) {
	st, err := d.x.StateAt(path)
	if err != nil || len(st.Catch) == 0 {
		return errName, cause
	}
	for _, c := range st.Catch {
		if !retry.Matches(c.ErrorEquals, errName) {
			continue
		}
		m := &d.x.Machine
		if parent, branch, _, nested := parentOf(path); nested {
			ps, err := d.x.StateAt(parent)
			if err != nil {
				return retry.ErrorRuntime, err.Error()
			}
			m = &ps.Branches[branch]
		}
		next := m.States[c.Next]
		switch {
		case next == nil:
			return retry.ErrorRuntime, fmt.Sprintf("the Catch of %q names state %q, which does not exist (%s: %s)", path, c.Next, errName, cause)
		case next.Type != events.StateFail:
			return retry.ErrorRuntime, fmt.Sprintf("the Catch of %q goes to %s state %q: only Fail states are supported as Catch targets yet (%s: %s)",
				path, next.Type, c.Next, errName, cause)
		}
		if next.Error != "" {
			errName = next.Error
		}
		if next.Cause != "" {
			cause = next.Cause
		}
		return errName, cause
	}
	return errName, cause
}

func (d *decider) failStage(path string, st *events.State, msg string) {
	d.emit(&events.StageFailed{Path: path, Stage: st.Stage, Error: msg})
	d.failExecution(msg, "")
}

func (d *decider) failExecution(msg, cause string) {
	if d.x.Terminal() {
		return
	}
	d.emit(&events.ExecutionFailed{ExecutionId: d.x.Id, Error: msg, Cause: cause})
	d.out.Admission = append(d.out.Admission, &events.SlotReleased{ExecutionId: d.x.Id, Reason: "failed"})
}
