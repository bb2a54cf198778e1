package engine

import (
	"github.com/mie-kafka/mie/events"
)

// Redrivable reports whether x may be redriven (Step Functions'
// RedriveExecution): it ended FAILED, TIMED_OUT or ABORTED, and the run
// it ended in is known.
func Redrivable(x *Execution) bool {
	switch x.Status {
	case StatusFailed, StatusTimedOut, StatusAborted:
	default:
		return false
	}
	_, ok := x.runs[x.root.current]
	return ok && x.invalid == nil
}

// redrive runs an ended execution again from the top-level state it ended
// in, with that state's input; what ran before it keeps its results (its
// output is that input). A Parallel or Map state runs all its branches or
// iterations again (Step Functions re-runs only the unsuccessful ones).
func (d *step) redrive(c *events.RedriveExecution) {
	x := d.x
	if !Redrivable(x) {
		return
	}
	r := x.runs[x.root.current]
	d.emit(&events.ExecutionRedriven{ExecutionId: x.ID, RedriveCount: x.RedriveCount + 1})
	d.queue = append(d.queue, work{kind: workEnter, sc: x.root, name: r.Name(), input: r.Input})
}
