package engine

import (
	"math"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/asl"
	"github.com/mie-kafka/mie/internal/asl/failure"
	"github.com/mie-kafka/mie/internal/asl/jsonvalue"
)

// mapHandler runs inline Map states: one iteration of the ItemProcessor
// per item (JSONPath: ItemsPath over the effective input; JSONata: Items),
// each with its item (or what ItemSelector makes of it, with
// $$.Map.Item.Index and Value), never more than MaxConcurrency at once
// (40 when it is 0). The result is the array of the iterations' outputs
// in item order. An iteration that fails fails the state with its error,
// unless ToleratedFailureCount or ToleratedFailurePercentage allow it; past
// them the state fails with States.ExceedToleratedFailureThreshold. A
// distributed Map runs as a map run instead (mapdist.go).
type mapHandler struct{}

func init() { handlers[asl.TypeMap] = mapHandler{} }

func (h mapHandler) enter(d *step, r *Run) {
	st := r.State.(*asl.Map)
	if st.ProcessorConfig.Mode == asl.ModeDistributed || st.ItemReader != nil {
		d.distributed(r, st)
		return
	}
	items, ferr := d.mapItems(r, st)
	if ferr == nil {
		ferr = d.startMap(r, st, items)
	}
	if ferr != nil {
		d.fail(r, ferr)
		return
	}
	h.fill(d, r)
}

// mapInput is the Map's effective input (InputPath, then the legacy
// Parameters).
func (d *step) mapInput(r *Run, st *asl.Map) (any, *failure.Error) {
	if jsonataMode(r) {
		return r.Input, nil
	}
	in, ferr := d.selectPath(r, st.InputPath, r.Input, "InputPath")
	if ferr != nil {
		return nil, ferr
	}
	return in, nil
}

// mapItems selects the items.
func (d *step) mapItems(r *Run, st *asl.Map) ([]any, *failure.Error) {
	in, ferr := d.mapInput(r, st)
	if ferr != nil {
		return nil, ferr
	}
	var v any
	if jsonataMode(r) {
		v, ferr = d.evalJSONata(r, st.Items, in, nil, nil)
	} else {
		v, ferr = d.selectPath(r, st.ItemsPath, in, "ItemsPath")
	}
	if ferr != nil {
		return nil, ferr
	}
	items, ok := v.([]any)
	if !ok {
		return nil, failure.New(failure.Runtime, "the items of Map state %q must be an array, not %s", r.Name(), kindOf(v))
	}
	return items, nil
}

// startMap records the items and the concurrency and tolerance.
func (d *step) startMap(r *Run, st *asl.Map, items []any) *failure.Error {
	conc, ferr := d.intField(r, st.MaxConcurrency, "MaxConcurrency")
	if ferr != nil {
		return ferr
	}
	count, ferr := d.intField(r, st.ToleratedFailureCount, "ToleratedFailureCount")
	if ferr != nil {
		return ferr
	}
	pct, ferr := d.floatField(r, st.ToleratedFailurePercentage, "ToleratedFailurePercentage")
	if ferr != nil {
		return ferr
	}
	raw, err := encode(items)
	if err != nil {
		return failure.New(failure.Runtime, "the items of Map state %q cannot be encoded: %v", r.Name(), err)
	}
	d.emit(&events.MapStarted{RunRef: ref(r), Length: len(items), Items: raw, MaxConcurrency: int(conc),
		ToleratedFailureCount: int(count), ToleratedFailurePercentage: pct})
	return nil
}

// fill starts iterations while there are items left and room under
// MaxConcurrency; with none, the Map ends.
func (h mapHandler) fill(d *step, r *Run) {
	st := r.State.(*asl.Map)
	c := r.Children
	limit := c.MaxConcurrency
	if limit <= 0 {
		limit = MaxMapConcurrency
	}
	if len(c.Items) == 0 {
		h.finish(d, r)
		return
	}
	in, ferr := d.mapInput(r, st)
	if ferr != nil {
		d.fail(r, ferr)
		return
	}
	// Iterations start as work items: count the ones queued, not yet
	// entered, against the limit too.
	for next := c.Next + d.queuedChildren(r); next < len(c.Items) && c.Running+d.queuedChildren(r) < limit; next++ {
		item := &mapItem{index: next, value: c.Items[next]}
		v, ferr := d.itemInput(r, st, in, item)
		if ferr != nil {
			d.fail(r, ferr)
			return
		}
		d.enterChild(r, next, st.ItemProcessor, v)
	}
}

// queuedChildren counts the iterations of r queued but not yet entered.
func (d *step) queuedChildren(r *Run) int {
	n := 0
	for _, w := range d.queue {
		if w.kind == workEnter && w.sc == nil && w.owner == r.ID {
			n++
		}
	}
	return n
}

// itemInput is one iteration's input.
func (d *step) itemInput(r *Run, st *asl.Map, in any, item *mapItem) (any, *failure.Error) {
	sel := st.ItemSelector
	if sel == nil {
		return item.value, nil
	}
	if sel.JSONata != nil {
		return d.evalJSONata(r, sel.JSONata, item.value, nil, item)
	}
	if sel.Template == nil {
		return item.value, nil
	}
	v, err := sel.Template.Eval(d.pathScope(r, in, item))
	if err != nil {
		return nil, failure.As(err)
	}
	return v, nil
}

func (h mapHandler) childEnded(d *step, r *Run, sc *scope) {
	st := r.State.(*asl.Map)
	c := r.Children
	if sc.status != RunSucceeded && !tolerated(c) {
		e := sc.err
		if c.ToleratedCount > 0 || c.ToleratedPercent > 0 {
			e = failure.New(failure.ExceedToleratedFailureThreshold,
				"the Map state %q failed because more iterations failed than tolerated: %d of %d", r.Name(), c.Failed, len(c.Items))
		}
		d.childrenFailed(r, st.Retry, e)
		return
	}
	if c.Succeeded+c.Failed == len(c.Items) {
		h.finish(d, r)
		return
	}
	h.fill(d, r)
}

// tolerated reports whether the iterations failed so far are within the
// Map's tolerance.
func tolerated(c *Children) bool {
	if c.ToleratedCount == 0 && c.ToleratedPercent == 0 {
		return c.Failed == 0
	}
	ok := true
	if c.ToleratedCount > 0 {
		ok = c.Failed <= c.ToleratedCount
	}
	if c.ToleratedPercent > 0 && len(c.Items) > 0 {
		ok = ok && float64(c.Failed)*100/float64(len(c.Items)) <= c.ToleratedPercent
	}
	return ok
}

// finish ends the Map with the iterations' outputs in item order (a
// tolerated failure's place holds its error output).
func (mapHandler) finish(d *step, r *Run) {
	st := r.State.(*asl.Map)
	c := r.Children
	results := make([]any, len(c.Items))
	for i, s := range c.Slots {
		if s == nil || i >= len(results) {
			continue
		}
		if s.status == RunSucceeded {
			results[i] = s.output
		} else if s.err != nil {
			results[i] = map[string]any{"Error": s.err.Name, "Cause": s.err.Cause}
		}
	}
	out, vars, ferr := d.output(r, results, resultOptions{selector: st.ResultSelector, path: st.ResultPath})
	if ferr != nil {
		d.fail(r, ferr)
		return
	}
	d.exit(r, out, st.Next, vars)
}

// restart runs the Map again on a retry.
func (h mapHandler) restart(d *step, r *Run) { h.enter(d, r) }

// floatField reads a percentage: static, from a path, or an expression.
func (d *step) floatField(r *Run, f asl.FloatField, field string) (float64, *failure.Error) {
	var v any
	switch {
	case f.Expr != nil:
		out, err := f.Expr.Eval(d.bindings(r, nil, nil))
		if err != nil {
			return 0, failure.As(err)
		}
		v = out
	case f.Path != nil:
		out, err := d.pathScope(r, r.Input, nil).Resolve(f.Path)
		if err != nil {
			return 0, pathError(err, f.Path, field+"Path")
		}
		v = out
	default:
		return f.Value, nil
	}
	n, ok := jsonvalue.Float(v)
	if !ok || n < 0 || n > 100 || math.IsNaN(n) {
		return 0, failure.New(failure.Runtime, "the %s of state %q must be a number from 0 to 100, not %s", field, r.Name(), kindOf(v))
	}
	return n, nil
}
