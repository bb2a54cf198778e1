package asl

// The parsers this package uses and does not own: internal/asl/jsonpath,
// intrinsics and dataflow (branch asl-jsonpath) and internal/asl/jsonata
// (branch asl-jsonata). Every call into them goes through this file, so
// that a change of their signatures is a change here.

import (
	"github.com/mie-kafka/mie/internal/asl/dataflow"
	"github.com/mie-kafka/mie/internal/asl/intrinsics"
	"github.com/mie-kafka/mie/internal/asl/jsonata"
	"github.com/mie-kafka/mie/internal/asl/jsonpath"
	"github.com/mie-kafka/mie/internal/asl/jsonvalue"
)

func parsePath(s string) (*jsonpath.Path, error) { return jsonpath.Parse(s) }

func parseReference(s string) (*jsonpath.Path, error) { return jsonpath.ParseReference(s) }

// rootedAtInput reports whether p starts from the state's input ($), not
// the context object ($$) or a variable ($name).
func rootedAtInput(p *jsonpath.Path) bool { return p.Root() == jsonpath.RootInput }

func looksIntrinsic(s string) bool { return intrinsics.Looks(s) }

func parseIntrinsic(s string) (*intrinsics.Call, error) { return intrinsics.Parse(s) }

func compileTemplate(v any) (*dataflow.Template, error) { return dataflow.CompileTemplate(v) }

// jsonataTemplate returns the expression of a "{% ... %}" string.
func jsonataTemplate(s string) (string, bool) { return jsonata.Template(s) }

// compileJSONataValue compiles the value of a JSONata-language field:
// errors are *jsonata.CompileError, joined.
func compileJSONataValue(field string, v any) (*jsonata.Value, error) {
	return jsonata.CompileValue(field, v)
}

// usesStates reports whether v reads $states.<member>.
func usesStates(v *jsonata.Value, member string) bool { return v.UsesStates(member) }

// lookup resolves p against the document its root names: the input ($),
// the context object ($$) or a variable ($name, through vars). A path
// that matches nothing, or an undefined variable, is not found. ctx is the
// context object, or a func() any that builds it when a path reads it.
func lookup(p *jsonpath.Path, input any, vars func(string) (any, bool), ctx any) (any, bool) {
	s := dataflow.Scope{Input: input, Var: vars}
	if f, ok := ctx.(func() any); ok {
		s.ContextOf = f
	} else {
		s.Context = ctx
	}
	v, err := s.Resolve(p)
	return v, err == nil
}

// compareNumbers compares two JSON numbers exactly, as decimals; false
// when either is not a number.
func compareNumbers(a, b any) (int, bool) { return jsonvalue.CompareNumbers(a, b) }

func isNumber(v any) bool { return jsonvalue.IsNumber(v) }
