package asl

import (
	"strings"

	"github.com/mie-kafka/mie/internal/asl/jsonata"
)

// JSONataValue is a field of a JSONata state (Arguments, Output, Assign
// values, Items, ...): JSON as written in which every string of the form
// "{% expr %}" is a JSONata expression, compiled when the definition is
// parsed. Other strings are literals.
type JSONataValue struct {
	// Value is the field as written, in the package's JSON value model.
	Value any
	exprs map[string]*jsonata.Expr
}

// Expr returns the compiled expression of s, a "{% ... %}" string found in
// Value, and whether s is one.
func (v *JSONataValue) Expr(s string) (*jsonata.Expr, bool) {
	e, ok := v.exprs[s]
	return e, ok
}

// IsConstant reports whether Value holds no expression at all.
func (v *JSONataValue) IsConstant() bool { return len(v.exprs) == 0 }

// Expression is a field that must be one JSONata expression, "{% ... %}".
type Expression struct {
	Source string // the text between "{%" and "%}"
	Expr   *jsonata.Expr
}

// expressionBody returns the body of a "{% ... %}" string.
func expressionBody(s string) (string, bool) {
	if len(s) >= 4 && strings.HasPrefix(s, "{%") && strings.HasSuffix(s, "%}") {
		return s[2 : len(s)-2], true
	}
	return "", false
}

// compileExpression compiles s, a "{% ... %}" string, reporting at at.
func compileExpression(ps *problems, at loc, field, s string) (*Expression, bool) {
	body, ok := expressionBody(s)
	if !ok {
		ps.schema(at, "The value of field '%s' must be a JSONata expression enclosed in {%% %%}", field)
		return nil, false
	}
	e, err := compileJSONata(body)
	if err != nil {
		ps.schema(at, "The JSONata expression of field '%s' is invalid: %v", field, err)
		return nil, false
	}
	return &Expression{Source: body, Expr: e}, true
}

// compileJSONataValue compiles every "{% ... %}" string inside v, each
// problem located at the string's own place.
func compileJSONataValue(ps *problems, at loc, field string, v any) *JSONataValue {
	out := &JSONataValue{Value: plain(v)}
	var walk func(at loc, v any)
	walk = func(at loc, v any) {
		switch t := v.(type) {
		case string:
			body, ok := expressionBody(t)
			if !ok {
				return
			}
			if _, done := out.exprs[t]; done {
				return
			}
			e, err := compileJSONata(body)
			if err != nil {
				ps.schema(at, "The JSONata expression of field '%s' is invalid: %v", field, err)
				return
			}
			if out.exprs == nil {
				out.exprs = map[string]*jsonata.Expr{}
			}
			out.exprs[t] = e
		case *object:
			for _, k := range t.keys {
				walk(at.key(k), t.vals[k])
			}
		case []any:
			for i, e := range t {
				walk(at.index(i), e)
			}
		}
	}
	walk(at, v)
	return out
}
