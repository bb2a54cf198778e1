package asl

import (
	"errors"
	"strings"

	"github.com/mie-kafka/mie/internal/asl/jsonata"
)

// JSONata-language fields are held as *jsonata.Value: JSON in which every
// string "{% expr %}" is an expression, compiled when the definition is
// parsed; the interpreter evaluates them with Value.Eval.

// access is what of $states a JSONata field may read besides input and
// context: $states.result in the Output and Assign of Task, Parallel and
// Map; $states.errorOutput in a catcher's Output and Assign.
type access uint8

const (
	accessResult access = 1 << iota
	accessErrorOutput
)

// CodeInvalidJSONata and CodeUnsupportedJSONata are the codes AWS reports
// for a JSONata expression that does not parse, and for one that uses
// what Step Functions refuses.
const (
	CodeInvalidJSONata     Code = "INVALID_JSONATA_EXPRESSION"
	CodeUnsupportedJSONata Code = "UNSUPPORTED_JSONATA_EXPRESSION"
)

// compileJSONata compiles v, the value of field k located at at, each
// problem at the place of its expression inside v.
func compileJSONata(ps *problems, at loc, k string, v any, acc access) *jsonata.Value {
	val, err := compileJSONataValue(k, plain(v))
	if err != nil {
		reportJSONata(ps, at, err)
		return nil
	}
	for _, m := range []struct {
		member string
		need   access
		where  string
	}{
		{"result", accessResult, "the Output and Assign of Task, Parallel and Map states"},
		{"errorOutput", accessErrorOutput, "a catcher's Output and Assign"},
	} {
		if acc&m.need == 0 && usesStates(val, m.member) {
			ps.add(at, CodeUnsupportedJSONata, "$states.%s is only available in %s, not in field '%s'", m.member, m.where, k)
		}
	}
	return val
}

func reportJSONata(ps *problems, at loc, err error) {
	var errs []error
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		errs = j.Unwrap()
	} else {
		errs = []error{err}
	}
	for _, e := range errs {
		var ce *jsonata.CompileError
		if !errors.As(e, &ce) {
			ps.add(at, CodeInvalidJSONata, "%v", e)
			continue
		}
		ps.add(below(at, ce.Pointer), Code(ce.Kind.String()), "%s", ce.Message)
	}
}

// below locates pointer, a JSON pointer whose first step is the field
// itself, under at, the field's location.
func below(at loc, pointer string) loc {
	if len(pointer) > 1 {
		if i := strings.IndexByte(pointer[1:], '/'); i >= 0 {
			return loc(string(at) + pointer[1+i:])
		}
	}
	return at
}

// isTemplate reports whether s is a "{% ... %}" expression string.
func isTemplate(s string) bool {
	_, ok := jsonataTemplate(s)
	return ok
}

// compileExpression compiles s, which must be a "{% ... %}" string.
func compileExpression(ps *problems, at loc, k, s string, acc access) (*jsonata.Value, bool) {
	if !isTemplate(s) {
		ps.schema(at, "The value of field '%s' must be a JSONata expression enclosed in {%% %%}", k)
		return nil, false
	}
	v := compileJSONata(ps, at, k, s, acc)
	return v, v != nil
}
