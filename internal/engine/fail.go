package engine

import (
	"fmt"

	"github.com/mie-kafka/mie/internal/asl"
	"github.com/mie-kafka/mie/internal/asl/failure"
	"github.com/mie-kafka/mie/internal/asl/intrinsics"
)

// failHandler runs Fail states: the run fails with the state's Error and
// Cause (static, from ErrorPath/CausePath or an intrinsic in JSONPath, from
// an expression in JSONata), read from the raw input.
type failHandler struct{}

func init() { handlers[asl.TypeFail] = failHandler{} }

func (failHandler) enter(d *step, r *Run) {
	st := r.State.(*asl.Fail)
	name, ferr := d.failField(r, st.Error, "Error")
	if ferr == nil {
		var cause string
		cause, ferr = d.failField(r, st.Cause, "Cause")
		if ferr == nil {
			d.fail(r, &failure.Error{Name: name, Cause: cause})
			return
		}
	}
	d.fail(r, ferr)
}

// failField reads Error or Cause; a path or expression must give a string.
func (d *step) failField(r *Run, f asl.StringField, field string) (string, *failure.Error) {
	var v any
	switch {
	case f.Expr != nil:
		out, err := f.Expr.Eval(d.bindings(r, nil, nil))
		if err != nil {
			return "", failure.As(err)
		}
		v = out
	case f.Selector.Call != nil:
		s := d.pathScope(r, r.Input, nil)
		out, err := f.Selector.Call.Eval(intrinsics.Env{Resolve: s.Resolve, Random: d.random, UUID: d.uuid})
		if err != nil {
			return "", failure.As(err)
		}
		v = out
	case f.Selector.Path != nil:
		out, err := d.pathScope(r, r.Input, nil).Resolve(f.Selector.Path)
		if err != nil {
			return "", pathError(err, f.Selector.Path, field+"Path")
		}
		v = out
	default:
		return f.Value, nil
	}
	s, ok := v.(string)
	if !ok {
		return "", failure.New(failure.Runtime, "the %s of Fail state %q must be a string, not %s", field, r.Name(), kindOf(v))
	}
	return s, nil
}

func kindOf(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("a number (%v)", v)
}
