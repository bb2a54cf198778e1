package engine

import "github.com/mie-kafka/mie/internal/asl"

// passHandler runs Pass states: the result is Result, or else the
// effective input (JSONPath: InputPath, then Parameters), placed by
// ResultPath and selected by OutputPath; in JSONata, Output over the
// input.
type passHandler struct{}

func init() { handlers[asl.TypePass] = passHandler{} }

func (passHandler) enter(d *step, r *Run) {
	st := r.State.(*asl.Pass)
	if jsonataMode(r) {
		out, vars, ferr := d.output(r, r.Input, resultOptions{})
		if ferr != nil {
			d.fail(r, ferr)
			return
		}
		d.exit(r, out, st.Next, vars)
		return
	}
	in, ferr := d.effectiveInput(r, st.Parameters)
	if ferr != nil {
		d.fail(r, ferr)
		return
	}
	result := in
	if st.HasResult {
		result = st.Result
	}
	out, vars, ferr := d.output(r, result, resultOptions{path: st.ResultPath})
	if ferr != nil {
		d.fail(r, ferr)
		return
	}
	d.exit(r, out, st.Next, vars)
}
