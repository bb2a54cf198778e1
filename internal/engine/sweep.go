package engine

import (
	"time"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/asl/failure"
)

// Sweep fails what ran past its time at now: Task attempts past their
// TimeoutSeconds or HeartbeatSeconds, and the execution past its machine's
// TimeoutSeconds. The executor runs it about once a second; it reads only
// the state and the clock, so no lost or doubled timer record affects it.
func Sweep(x *Execution, now time.Time, opts *Options) Output {
	d := newStep(x, now, opts)
	if x.Status != StatusRunning {
		return d.out
	}
	open := x.openMapRuns()
	if due := executionDeadline(x); !due.IsZero() && !now.Before(due) {
		d.emit(&events.ExecutionTimedOut{ExecutionId: x.ID, Error: failure.Timeout,
			Cause: "the execution ran longer than its TimeoutSeconds"})
		d.released("timed out")
		d.notifyParent()
		d.abortMapRuns(open)
		return d.out
	}
	var late []*Run
	x.Runs(func(r *Run) {
		if due, _ := taskDeadline(r); !due.IsZero() && !now.Before(due) {
			late = append(late, r)
		}
	})
	for _, r := range late {
		if x.Terminal() || r.Status.Done() {
			continue
		}
		due, name := taskDeadline(r)
		if due.IsZero() || now.Before(due) {
			continue
		}
		cause := "the task ran longer than its TimeoutSeconds"
		if name == failure.HeartbeatTimeout {
			cause = "the task sent no heartbeat within its HeartbeatSeconds"
		}
		d.attemptFailed(r, &failure.Error{Name: name, Cause: cause})
	}
	d.drain()
	d.abortMapRuns(open)
	return d.out
}

// Deadline is the earliest time at which Sweep would decide something for
// x; zero if none.
func Deadline(x *Execution) time.Time {
	if x.Status != StatusRunning {
		return time.Time{}
	}
	earliest := executionDeadline(x)
	x.Runs(func(r *Run) {
		if due, _ := taskDeadline(r); !due.IsZero() && (earliest.IsZero() || due.Before(earliest)) {
			earliest = due
		}
	})
	return earliest
}

func executionDeadline(x *Execution) time.Time {
	if x.Machine == nil || x.Machine.TimeoutSeconds <= 0 || x.Started.IsZero() {
		return time.Time{}
	}
	return x.Started.Add(time.Duration(x.Machine.TimeoutSeconds) * time.Second)
}
