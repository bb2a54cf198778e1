package engine

import (
	"github.com/mie-kafka/mie/internal/asl"
	"github.com/mie-kafka/mie/internal/asl/failure"
)

// parallelHandler runs Parallel states: every branch starts with the
// effective input (JSONPath: InputPath, Parameters; JSONata: Arguments);
// when all succeeded, the result is the array of their outputs in branch
// order. The first branch that fails fails the state with its error (the
// others are stopped), which its Retry and Catch then handle.
type parallelHandler struct{}

func init() { handlers[asl.TypeParallel] = parallelHandler{} }

func (h parallelHandler) enter(d *step, r *Run) { h.restart(d, r) }

// restart starts every branch (at entry, and again on a retry).
func (parallelHandler) restart(d *step, r *Run) {
	st := r.State.(*asl.Parallel)
	var in any
	var ferr *failure.Error
	if jsonataMode(r) {
		in, ferr = d.evalJSONata(r, st.Arguments, r.Input, nil, nil)
	} else {
		in, ferr = d.effectiveInput(r, st.Parameters)
	}
	if ferr != nil {
		d.childrenFailed(r, st.Retry, ferr)
		return
	}
	for i, b := range st.Branches {
		d.enterChild(r, i, b, in)
	}
}

func (parallelHandler) childEnded(d *step, r *Run, sc *scope) {
	st := r.State.(*asl.Parallel)
	if sc.status != RunSucceeded {
		d.childrenFailed(r, st.Retry, sc.err)
		return
	}
	c := r.Children
	if c.Succeeded < len(st.Branches) {
		return
	}
	results := make([]any, len(c.Slots))
	for i, s := range c.Slots {
		results[i] = s.output
	}
	out, vars, ferr := d.output(r, results, resultOptions{selector: st.ResultSelector, path: st.ResultPath})
	if ferr != nil {
		d.fail(r, ferr)
		return
	}
	d.exit(r, out, st.Next, vars)
}

// childrenFailed handles the failure of a Parallel or Map run: a retry
// runs its children again after the backoff, else the state fails.
func (d *step) childrenFailed(r *Run, retriers []asl.Retrier, e *failure.Error) {
	if e == nil {
		e = failure.New(failure.BranchFailed, "a branch of state %q failed", r.Name())
	}
	if wait, ok := d.retry(r, retriers, e); ok {
		d.arm(r, d.now.Add(wait))
		return
	}
	d.fail(r, e)
}
