package engine

import "github.com/mie-kafka/mie/internal/asl"

// succeedHandler runs Succeed states: the branch, iteration or execution
// ends successfully with the input (JSONPath: InputPath then OutputPath;
// JSONata: Output).
type succeedHandler struct{}

func init() { handlers[asl.TypeSucceed] = succeedHandler{} }

func (succeedHandler) enter(d *step, r *Run) {
	out, vars, ferr := d.passThrough(r, nil)
	if ferr != nil {
		d.fail(r, ferr)
		return
	}
	d.exit(r, out, "", vars)
}
