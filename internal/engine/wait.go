package engine

import (
	"time"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/asl"
	"github.com/mie-kafka/mie/internal/asl/failure"
	"github.com/mie-kafka/mie/internal/asl/jsonvalue"
)

// waitHandler runs Wait states: until Seconds have passed or Timestamp has
// come (static, from SecondsPath/TimestampPath, or an expression), the run
// waits on a timer delivered through the retry tiers, so a wait of a year
// costs nothing while it waits. A time already past leaves at once.
type waitHandler struct{}

func init() { handlers[asl.TypeWait] = waitHandler{} }

func (waitHandler) enter(d *step, r *Run) {
	due, ferr := d.waitUntil(r, r.State.(*asl.Wait))
	if ferr != nil {
		d.fail(r, ferr)
		return
	}
	if !due.After(d.now) {
		d.leaveWait(r)
		return
	}
	d.arm(r, due)
}

// arm schedules run r's timer for due.
func (d *step) arm(r *Run, due time.Time) {
	id := d.uuid()
	d.emit(&events.TimerScheduled{RunRef: ref(r), TimerId: id, Due: due})
	d.rearm(r)
}

// rearm sends the TimerFired of run r's timer again, for what remains.
func (d *step) rearm(r *Run) {
	d.out.Timers = append(d.out.Timers, Timer{Delay: max(r.Timer.Due.Sub(d.now), 0),
		Fired: events.TimerFired{ExecutionId: d.x.ID, Kind: events.TimerWake, Path: r.Name(), TaskId: r.Timer.ID,
			Run: int32(r.ID)}})
}

func (d *step) leaveWait(r *Run) {
	out, vars, ferr := d.passThrough(r, nil)
	if ferr != nil {
		d.fail(r, ferr)
		return
	}
	d.exit(r, out, r.State.Common().Next, vars)
}

// waitUntil is when the Wait run r ends.
func (d *step) waitUntil(r *Run, st *asl.Wait) (time.Time, *failure.Error) {
	if st.Timestamp.Set || st.Timestamp.Path != nil || st.Timestamp.Expr != nil {
		return d.timeField(r, st.Timestamp)
	}
	secs, ferr := d.intField(r, st.Seconds, "Seconds")
	if ferr != nil {
		return time.Time{}, ferr
	}
	return r.Entered.Add(time.Duration(secs) * time.Second), nil
}

// intField reads a number of seconds: static, from a path (a
// non-negative integer in the effective input), or an expression.
func (d *step) intField(r *Run, f asl.IntField, field string) (int64, *failure.Error) {
	var v any
	switch {
	case f.Expr != nil:
		out, err := f.Expr.Eval(d.bindings(r, nil, nil))
		if err != nil {
			return 0, failure.As(err)
		}
		v = out
	case f.Path != nil:
		in, ferr := d.selectPath(r, r.State.Common().InputPath, r.Input, "InputPath")
		if ferr != nil {
			return 0, ferr
		}
		out, err := d.pathScope(r, in, nil).Resolve(f.Path)
		if err != nil {
			return 0, pathError(err, f.Path, field+"Path")
		}
		v = out
	default:
		return f.Value, nil
	}
	n, ok := jsonvalue.Int(v)
	if !ok || n < 0 {
		return 0, failure.New(failure.Runtime, "the %s of state %q must be a non-negative integer, not %s", field, r.Name(), kindOf(v))
	}
	return n, nil
}

// timeField reads a timestamp: static, from TimestampPath, or an
// expression, in RFC 3339.
func (d *step) timeField(r *Run, f asl.TimeField) (time.Time, *failure.Error) {
	var v any
	switch {
	case f.Expr != nil:
		out, err := f.Expr.Eval(d.bindings(r, nil, nil))
		if err != nil {
			return time.Time{}, failure.As(err)
		}
		v = out
	case f.Path != nil:
		in, ferr := d.selectPath(r, r.State.Common().InputPath, r.Input, "InputPath")
		if ferr != nil {
			return time.Time{}, ferr
		}
		out, err := d.pathScope(r, in, nil).Resolve(f.Path)
		if err != nil {
			return time.Time{}, pathError(err, f.Path, "TimestampPath")
		}
		v = out
	default:
		return f.Value, nil
	}
	s, _ := v.(string)
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, failure.New(failure.Runtime, "the Timestamp of state %q must be an RFC 3339 timestamp, not %q", r.Name(), s)
	}
	return t, nil
}

// timerFired wakes the run a timer was armed for: a Wait leaves, a
// Parallel or Map retry starts its children again. A timer that is not
// the run's current one, or that came early (the relay's clock ahead of
// ours), changes nothing; an early one is sent again for what remains.
func (d *step) timerFired(c *events.TimerFired) {
	r, ok := d.x.runs[RunID(c.Run)]
	if !ok || r.Status.Done() || r.Timer == nil || r.Timer.ID != c.TaskId {
		return
	}
	if d.now.Before(r.Timer.Due) {
		d.rearm(r)
		return
	}
	if r.Timer.Retry {
		if h, ok := handlerOf(r.State).(restarter); ok {
			h.restart(d, r)
		}
		return
	}
	d.leaveWait(r)
}

// restarter is a handler whose state starts its children again on a
// retry.
type restarter interface {
	restart(d *step, r *Run)
}
