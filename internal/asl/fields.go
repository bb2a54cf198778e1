package asl

import (
	"encoding/json"
	"strconv"
	"strings"

	"github.com/mie-kafka/mie/internal/asl/dataflow"
	"github.com/mie-kafka/mie/internal/asl/intrinsics"
	"github.com/mie-kafka/mie/internal/asl/jsonata"
	"github.com/mie-kafka/mie/internal/asl/jsonpath"
)

// Selector is a JSONPath-language field that selects a value: a reference
// path, or (for ErrorPath and CausePath) an intrinsic function call.
type Selector struct {
	Path *jsonpath.Path
	Call *intrinsics.Call
}

// IsSet reports whether the definition has the field.
func (s Selector) IsSet() bool { return s.Path != nil || s.Call != nil }

// IntField is an integer field that may be given three ways: a literal
// (Value, with Set), a reference path in its "...Path" sibling (JSONPath),
// or a "{% %}" expression (JSONata). At most one is set.
type IntField struct {
	Value int64
	Set   bool
	Path  *jsonpath.Path
	Expr  *jsonata.Value
}

// IsSet reports whether any form is given.
func (f IntField) IsSet() bool { return f.Set || f.Path != nil || f.Expr != nil }

// FloatField is IntField for a number (ToleratedFailurePercentage).
type FloatField struct {
	Value float64
	Set   bool
	Path  *jsonpath.Path
	Expr  *jsonata.Value
}

// IsSet reports whether any form is given.
func (f FloatField) IsSet() bool { return f.Set || f.Path != nil || f.Expr != nil }

// StringField is a string field with the same three forms (Fail's Error
// and Cause); its "...Path" Selector may also be an intrinsic call.
type StringField struct {
	Value    string
	Set      bool
	Selector Selector
	Expr     *jsonata.Value
}

// IsSet reports whether any form is given.
func (f StringField) IsSet() bool { return f.Set || f.Selector.IsSet() || f.Expr != nil }

// lang says in which query languages a field exists.
type lang uint8

const (
	langBoth lang = iota
	langPath
	langAta
)

// fieldSet is the fields an object may have.
type fieldSet map[string]lang

func (f fieldSet) with(more fieldSet) fieldSet {
	out := fieldSet{}
	for k, v := range f {
		out[k] = v
	}
	for k, v := range more {
		out[k] = v
	}
	return out
}

// reader reads the fields of one object, reporting at their locations.
type reader struct {
	o   *object
	at  loc
	ps  *problems
	ql  QueryLanguage
	bad map[string]bool // fields already reported: read as absent
}

func newReader(o *object, at loc, ps *problems, ql QueryLanguage) *reader {
	return &reader{o: o, at: at, ps: ps, ql: ql, bad: map[string]bool{}}
}

func (r *reader) field(k string) loc { return r.at.key(k) }

func (r *reader) has(k string) bool {
	_, ok := r.get(k)
	return ok
}

func (r *reader) get(k string) (any, bool) {
	if r.bad[k] {
		return nil, false
	}
	return r.o.get(k)
}

// check reports each field the object may not have, in this language.
func (r *reader) check(allowed fieldSet) {
	for _, k := range r.o.keys {
		l, ok := allowed[k]
		switch {
		case !ok:
			r.ps.schema(r.at, "Field '%s' is not supported", k)
		case l == langPath && r.ql == JSONata:
			r.ps.schema(r.field(k), "The QueryLanguage is set to 'JSONata', but field '%s' is only supported for the 'JSONPath' QueryLanguage", k)
		case l == langAta && r.ql == JSONPath:
			r.ps.schema(r.field(k), "The QueryLanguage is set to 'JSONPath', but field '%s' is only supported for the 'JSONata' QueryLanguage", k)
		default:
			continue
		}
		r.bad[k] = true
	}
}

// require reports the fields among keys the object lacks.
func (r *reader) require(keys ...string) bool {
	var missing []string
	for _, k := range keys {
		if _, ok := r.o.get(k); !ok {
			missing = append(missing, k)
		}
	}
	if len(missing) > 0 {
		r.ps.schema(r.at, "These fields are required: [%s]", strings.Join(missing, ", "))
		return false
	}
	return true
}

// exclusive reports when more than one of keys is present.
func (r *reader) exclusive(keys ...string) bool {
	var present []string
	for _, k := range keys {
		if r.has(k) {
			present = append(present, k)
		}
	}
	if len(present) > 1 {
		r.ps.schema(r.field(present[1]), "Only one of these fields is allowed: [%s]", strings.Join(present, ", "))
		return false
	}
	return true
}

func (r *reader) typeErr(k, want string, v any) {
	r.ps.schema(r.field(k), "Field '%s' must be %s, not %s", k, want, jsonKind(v))
	r.bad[k] = true
}

func (r *reader) str(k string) (string, bool) {
	v, ok := r.get(k)
	if !ok {
		return "", false
	}
	s, ok := v.(string)
	if !ok {
		r.typeErr(k, "a string", v)
	}
	return s, ok
}

func (r *reader) boolean(k string) (bool, bool) {
	v, ok := r.get(k)
	if !ok {
		return false, false
	}
	b, ok := v.(bool)
	if !ok {
		r.typeErr(k, "a boolean", v)
	}
	return b, ok
}

func (r *reader) obj(k string) (*object, bool) {
	v, ok := r.get(k)
	if !ok {
		return nil, false
	}
	o, ok := v.(*object)
	if !ok {
		r.typeErr(k, "an object", v)
	}
	return o, ok
}

func (r *reader) arr(k string) ([]any, bool) {
	v, ok := r.get(k)
	if !ok {
		return nil, false
	}
	a, ok := v.([]any)
	if !ok {
		r.typeErr(k, "an array", v)
	}
	return a, ok
}

// target reads a transition target (Next, Default): a state name, so
// never empty.
func (r *reader) target(k string) string {
	s, ok := r.str(k)
	if ok && s == "" {
		r.ps.add(r.field(k), CodeMissingTransitionTarget, "Missing 'Next' target: ")
	}
	return s
}

// integer reads an integer in [min, max].
func (r *reader) integer(k string, min, max int64) (int64, bool) {
	v, ok := r.get(k)
	if !ok {
		return 0, false
	}
	return r.intValue(k, v, min, max)
}

func (r *reader) intValue(k string, v any, min, max int64) (int64, bool) {
	n, ok := v.(json.Number)
	if !ok {
		r.typeErr(k, "an integer", v)
		return 0, false
	}
	i, err := strconv.ParseInt(string(n), 10, 64)
	if err != nil {
		r.bad[k] = true
		if strings.ContainsAny(string(n), ".eE") {
			r.ps.schema(r.field(k), "Field '%s' must be an integer, not %s", k, n)
		} else {
			r.ps.schema(r.field(k), "Field '%s' must be between %d and %d, not %s", k, min, max, n)
		}
		return 0, false
	}
	if i < min || i > max {
		r.ps.schema(r.field(k), "Field '%s' must be between %d and %d, not %d", k, min, max, i)
		r.bad[k] = true
		return 0, false
	}
	return i, true
}

// number reads a finite number in [min, max].
func (r *reader) number(k string, min, max float64) (float64, bool) {
	v, ok := r.get(k)
	if !ok {
		return 0, false
	}
	return r.numValue(k, v, min, max)
}

func (r *reader) numValue(k string, v any, min, max float64) (float64, bool) {
	n, ok := v.(json.Number)
	if !ok {
		r.typeErr(k, "a number", v)
		return 0, false
	}
	f, err := strconv.ParseFloat(string(n), 64)
	if err != nil || f < min || f > max {
		r.ps.schema(r.field(k), "Field '%s' must be between %s and %s, not %s", k, formatFloat(min), formatFloat(max), n)
		r.bad[k] = true
		return 0, false
	}
	return f, true
}

// path reads a Path field; nullable fields accept JSON null.
func (r *reader) path(k string, nullable bool) dataflow.Path {
	v, ok := r.get(k)
	if !ok {
		return dataflow.Path{}
	}
	if v == nil && nullable {
		return dataflow.Path{Null: true}
	}
	s, ok := v.(string)
	if !ok {
		r.typeErr(k, "a string", v)
		return dataflow.Path{}
	}
	p, err := parsePath(s)
	if err != nil {
		r.ps.schema(r.field(k), "The value for the field '%s' must be a valid JSONPath: %v", k, err)
		return dataflow.Path{}
	}
	return dataflow.Path{Path: p}
}

// resultPath reads a ResultPath: null, or a Reference Path on "$".
func (r *reader) resultPath(k string) dataflow.ResultPath {
	f := r.reference(k, true, true)
	return dataflow.ResultPath(f)
}

// reference reads a Reference Path field; inputOnly demands the $ root.
func (r *reader) reference(k string, nullable, inputOnly bool) dataflow.Path {
	v, ok := r.get(k)
	if !ok {
		return dataflow.Path{}
	}
	if v == nil && nullable {
		return dataflow.Path{Null: true}
	}
	s, ok := v.(string)
	if !ok {
		r.typeErr(k, "a string", v)
		return dataflow.Path{}
	}
	p, ok := r.referenceValue(k, s)
	if !ok {
		return dataflow.Path{}
	}
	if inputOnly && !rootedAtInput(p) {
		r.ps.schema(r.field(k), "The value for the field '%s' must be a valid ReferencePath starting with '$.' or equal to '$'", k)
		return dataflow.Path{}
	}
	return dataflow.Path{Path: p}
}

func (r *reader) referenceValue(k, s string) (*jsonpath.Path, bool) {
	p, err := parseReference(s)
	if err != nil {
		r.ps.schema(r.field(k), "The value for the field '%s' must be a valid ReferencePath: %v", k, err)
		return nil, false
	}
	return p, true
}

// selector reads a reference path or, where calls is true, an intrinsic call.
func (r *reader) selector(k string, calls bool) Selector {
	s, ok := r.str(k)
	if !ok {
		return Selector{}
	}
	if calls && looksIntrinsic(s) {
		c, err := parseIntrinsic(s)
		if err != nil {
			r.ps.schema(r.field(k), "The value for the field '%s' must be a valid intrinsic function call: %v", k, err)
			return Selector{}
		}
		return Selector{Call: c}
	}
	p, ok := r.referenceValue(k, s)
	if !ok {
		return Selector{}
	}
	return Selector{Path: p}
}

// expression reads a JSONata "{% %}" string field.
func (r *reader) expression(k string) (*jsonata.Value, bool) {
	s, ok := r.str(k)
	if !ok {
		return nil, false
	}
	v, ok := compileExpression(r.ps, r.field(k), k, s, 0)
	return v, ok
}

// intField reads k as a literal in [min, max] or, in JSONata, a "{% %}"
// string, and its JSONPath sibling k+"Path"; both at once is a problem.
func (r *reader) intField(k string, min, max int64) IntField {
	var f IntField
	pk := k + "Path"
	if r.has(k) && r.has(pk) {
		r.ps.schema(r.field(k), "Only one of these fields is allowed: [%s, %s]", k, pk)
		return f
	}
	if v, ok := r.get(k); ok {
		if s, isStr := v.(string); isStr && r.ql == JSONata {
			f.Expr, _ = compileExpression(r.ps, r.field(k), k, s, 0)
			return f
		}
		f.Value, f.Set = r.intValue(k, v, min, max)
		return f
	}
	f.Path = r.reference(pk, false, false).Path
	return f
}

// floatField is intField for a number.
func (r *reader) floatField(k string, min, max float64) FloatField {
	var f FloatField
	pk := k + "Path"
	if r.has(k) && r.has(pk) {
		r.ps.schema(r.field(k), "Only one of these fields is allowed: [%s, %s]", k, pk)
		return f
	}
	if v, ok := r.get(k); ok {
		if s, isStr := v.(string); isStr && r.ql == JSONata {
			f.Expr, _ = compileExpression(r.ps, r.field(k), k, s, 0)
			return f
		}
		f.Value, f.Set = r.numValue(k, v, min, max)
		return f
	}
	f.Path = r.reference(pk, false, false).Path
	return f
}

// stringField reads k as a literal (or, in JSONata, a "{% %}" string) and
// its sibling k+"Path" as a selector.
func (r *reader) stringField(k string, calls bool) StringField {
	var f StringField
	pk := k + "Path"
	if r.has(k) && r.has(pk) {
		r.ps.schema(r.field(k), "Only one of these fields is allowed: [%s, %s]", k, pk)
		return f
	}
	if s, ok := r.str(k); ok {
		if isTemplate(s) && r.ql == JSONata {
			f.Expr, _ = compileExpression(r.ps, r.field(k), k, s, 0)
			return f
		}
		f.Value, f.Set = s, true
		return f
	}
	if r.has(pk) {
		f.Selector = r.selector(pk, calls)
	}
	return f
}

// jsonata reads a JSONata-language value field.
func (r *reader) jsonata(k string, acc access) *jsonata.Value {
	v, ok := r.get(k)
	if !ok {
		return nil
	}
	return compileJSONata(r.ps, r.field(k), k, v, acc)
}

func formatFloat(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }
