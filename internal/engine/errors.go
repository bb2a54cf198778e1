package engine

import (
	"math"
	"slices"
	"time"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/asl"
	"github.com/mie-kafka/mie/internal/asl/failure"
)

// Errors, retries and catches, by AWS's rules:
//
//   - States.Runtime (and a limit the engine enforces) fails the execution,
//     whatever Retry and Catch say.
//   - States.ALL matches every other error except States.DataLimitExceeded;
//     States.TaskFailed every one but States.Timeout (and its
//     States.HeartbeatTimeout); States.Timeout also matches
//     States.HeartbeatTimeout.
//   - The first retrier whose ErrorEquals matches decides: retries left,
//     the state runs again after IntervalSeconds * BackoffRate^n (capped by
//     MaxDelaySeconds, full jitter with JitterStrategy FULL); none left,
//     the state fails. Then the first matching catcher takes the execution
//     on at its Next, with the error output {Error, Cause} placed by its
//     ResultPath or Output.

// matches reports whether errorEquals matches the error named name.
func matches(errorEquals []string, name string) bool {
	if name == failure.Runtime {
		return false
	}
	for _, want := range errorEquals {
		switch {
		case want == name:
			return true
		case want == failure.ALL:
			if name != ErrDataLimitExceeded {
				return true
			}
		case want == failure.TaskFailed:
			if name != failure.Timeout && name != failure.HeartbeatTimeout && name != ErrDataLimitExceeded {
				return true
			}
		case want == failure.Timeout && name == failure.HeartbeatTimeout:
			return true
		}
	}
	return false
}

// terminal reports whether an error fails the execution whatever the
// state's Retry and Catch say.
func terminal(e *failure.Error) bool { return e.Name == failure.Runtime }

// retrierFor returns the retrier of retriers that decides about e, and
// whether it has a retry left for run r.
func retrierFor(r *Run, retriers []asl.Retrier, e *failure.Error) (int, bool) {
	for i := range retriers {
		if !matches(retriers[i].ErrorEquals, e.Name) {
			continue
		}
		done := 0
		if i < len(r.Retries) {
			done = r.Retries[i]
		}
		return i, int64(done) < retriers[i].MaxAttempts
	}
	return -1, false
}

// retryDelay is retrier rt's wait before retry n (1 for the first).
func retryDelay(rt *asl.Retrier, n int, random float64) time.Duration {
	secs := rt.Interval().Seconds() * math.Pow(rt.BackoffRate, float64(n-1))
	if rt.MaxDelaySeconds > 0 {
		secs = math.Min(secs, float64(rt.MaxDelaySeconds))
	}
	secs = math.Min(secs, maxDelaySeconds)
	if rt.JitterStrategy == asl.JitterFull {
		secs *= random
	}
	return time.Duration(secs * float64(time.Second))
}

// maxDelaySeconds bounds every retry delay: a year, the largest
// MaxDelaySeconds AWS accepts.
const maxDelaySeconds = 31622400

// retry decides a retry of run r after e: it records it and returns the
// delay, or reports that the state fails.
func (d *step) retry(r *Run, retriers []asl.Retrier, e *failure.Error) (time.Duration, bool) {
	if terminal(e) {
		return 0, false
	}
	i, ok := retrierFor(r, retriers, e)
	if !ok {
		return 0, false
	}
	n := 1
	if i < len(r.Retries) {
		n = r.Retries[i] + 1
	}
	wait := retryDelay(&retriers[i], n, d.random())
	d.emit(&events.TaskRetrying{RunRef: ref(r), Attempt: r.Attempt, Error: e.Name, Cause: e.Cause, Retrier: i,
		NextAttempt: r.Attempt + 1, DelayMs: wait.Milliseconds(), Due: d.now.Add(wait)})
	return wait, true
}

// catchersOf returns a state's Catch.
func catchersOf(st asl.State) []asl.Catcher {
	switch s := st.(type) {
	case *asl.Task:
		return s.Catch
	case *asl.Parallel:
		return s.Catch
	case *asl.Map:
		return s.Catch
	}
	return nil
}

// fail ends run r with e, which no Retry absorbed: a matching Catch takes
// the execution on, or the failure ends the run's branch, iteration or
// the execution.
func (d *step) fail(r *Run, e *failure.Error) {
	if r.Status.Done() || d.x.Terminal() {
		return
	}
	if terminal(e) {
		d.emit(&events.StateFailed{RunRef: ref(r), Error: e.Name, Cause: e.Cause})
		d.endExecution(e)
		return
	}
	if d.catch(r, e) {
		return
	}
	d.emit(&events.StateFailed{RunRef: ref(r), Error: e.Name, Cause: e.Cause})
	d.queue = append(d.queue, work{kind: workScopeEnded, sc: r.scope})
}

// catch applies the first catcher of r's state that matches e.
func (d *step) catch(r *Run, e *failure.Error) bool {
	catchers := catchersOf(r.State)
	i := slices.IndexFunc(catchers, func(c asl.Catcher) bool { return matches(c.ErrorEquals, e.Name) })
	if i < 0 {
		return false
	}
	c := &catchers[i]
	errOut := map[string]any{"Error": e.Name, "Cause": e.Cause}
	var out any
	var vars map[string]any
	var ferr *failure.Error
	if jsonataMode(r) {
		states := map[string]any{"errorOutput": errOut}
		out, ferr = d.evalJSONata(r, c.Output, errOut, states, nil)
		if ferr == nil {
			vars, ferr = d.assignments(r, c.Assign, nil, states)
		}
	} else {
		vars, ferr = d.assignments(r, c.Assign, errOut, nil)
		if ferr == nil {
			out, ferr = d.resultPath(c.ResultPath, r.Input, errOut)
		}
	}
	if ferr != nil {
		// The catcher itself cannot place the error: the state fails with
		// the catcher's failure, as AWS reports it.
		d.emit(&events.StateFailed{RunRef: ref(r), Error: ferr.Name, Cause: ferr.Cause})
		d.queue = append(d.queue, work{kind: workScopeEnded, sc: r.scope})
		return true
	}
	raw, err := encode(out)
	vraw, verr := encodeVars(vars)
	if verr == nil {
		verr = d.limitVars(r, vraw)
	}
	if err != nil || verr != nil {
		d.endExecution(failure.As(firstErr(err, verr)))
		return true
	}
	d.emitValue(&events.StateCaught{RunRef: ref(r), Error: e.Name, Cause: e.Cause, Catcher: i, Next: c.Next,
		Output: raw, Assigned: vraw}, out)
	d.queue = append(d.queue, work{kind: workEnter, sc: r.scope, name: c.Next, input: out})
	return true
}
