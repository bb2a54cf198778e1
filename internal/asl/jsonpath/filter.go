package jsonpath

import (
	"encoding/json"
	"strconv"
	"strings"

	"github.com/mie-kafka/mie/internal/asl/jsonvalue"
)

func (x orExpr) test(e *evaluator, cur any) bool  { return x.l.test(e, cur) || x.r.test(e, cur) }
func (x andExpr) test(e *evaluator, cur any) bool { return x.l.test(e, cur) && x.r.test(e, cur) }
func (x notExpr) test(e *evaluator, cur any) bool { return !x.x.test(e, cur) }

// test: the path exists (its value may be null). An indefinite path
// exists when it matches something.
func (x existsExpr) test(e *evaluator, cur any) bool {
	_, ok := evalPath(e, x.path, x.path.src[0] == '@', cur)
	return ok
}

// evalPath evaluates a filter's path operand; ok is false when it names
// nothing.
func evalPath(e *evaluator, p *Path, current bool, cur any) (any, bool) {
	start := e.root
	if current {
		start = cur
	}
	if p.simple {
		return p.lookup(start)
	}
	v, err := p.get(start, e.root, e.steps)
	if err != nil {
		return nil, false // a LimitError is seen by the outer get
	}
	if !p.definite {
		if a, _ := v.([]any); len(a) == 0 {
			return v, false
		}
	}
	return v, true
}

// value is an operand's value; ok is false for a path that names nothing
// (Jayway's undefined, equal to nothing).
func (o operand) value(e *evaluator, cur any) (any, bool) {
	if o.isLit {
		return o.lit, true
	}
	if o.path != nil {
		v, ok := evalPath(e, o.path, o.current, cur)
		if !ok && !o.path.definite {
			return []any{}, true
		}
		return v, ok
	}
	return nil, false
}

func (x cmpExpr) test(e *evaluator, cur any) bool {
	if x.op == "=~" {
		return regexTest(x, e, cur)
	}
	l, lok := x.l.value(e, cur)
	r, rok := x.r.value(e, cur)
	if x.op == "!=" {
		return !(lok && rok && jaywayEqual(l, r))
	}
	if !lok || !rok {
		return false
	}
	switch x.op {
	case "==":
		return jaywayEqual(l, r)
	case "<", "<=", ">", ">=":
		return ordered(x.op, l, r)
	case "in":
		return contains(r, l)
	case "nin":
		return !contains(r, l)
	case "contains":
		if s, ok := l.(string); ok {
			sub, ok := r.(string)
			return ok && strings.Contains(s, sub)
		}
		return contains(l, r)
	case "subsetof", "anyof", "noneof":
		return setTest(x.op, l, r)
	case "size":
		n, ok := jsonvalue.Int(r)
		return ok && sizeOf(l) == int(n) && sizeOf(l) >= 0
	case "empty":
		want, _ := r.(bool)
		n := sizeOf(l)
		return n >= 0 && (n == 0) == want
	}
	return false
}

// jaywayEqual is Jayway's ==: JSON values compare structurally; a number
// on the left converts a string on the right to a number, a string on the
// left converts a number on the right to its text.
func jaywayEqual(l, r any) bool {
	switch lv := l.(type) {
	case string:
		if jsonvalue.IsNumber(r) {
			return lv == numberText(r)
		}
		rv, ok := r.(string)
		return ok && lv == rv
	case nil, bool, []any, map[string]any:
		return jsonvalue.Equal(l, r)
	}
	if !jsonvalue.IsNumber(l) {
		return false
	}
	if rs, ok := r.(string); ok {
		c, ok := jsonvalue.CompareNumbers(l, jsonNumber(rs))
		return ok && c == 0
	}
	c, ok := jsonvalue.CompareNumbers(l, r)
	return ok && c == 0
}

// jsonNumber reads a string as a number the way Jayway does before
// comparing it with one; nil when it is not one.
func jsonNumber(s string) any {
	if _, err := strconv.ParseFloat(s, 64); err != nil {
		return nil
	}
	return json.Number(s)
}

func numberText(v any) string {
	if n, ok := v.(json.Number); ok {
		return n.String()
	}
	f, _ := jsonvalue.Float(v)
	return strconv.FormatFloat(f, 'f', -1, 64)
}

// ordered is Jayway's <, <=, >, >=: numbers with numbers, strings with
// strings; anything else is false.
func ordered(op string, l, r any) bool {
	var c int
	if ls, ok := l.(string); ok {
		rs, ok := r.(string)
		if !ok {
			return false
		}
		c = strings.Compare(ls, rs)
	} else {
		var ok bool
		if c, ok = jsonvalue.CompareNumbers(l, r); !ok {
			return false
		}
	}
	switch op {
	case "<":
		return c < 0
	case "<=":
		return c <= 0
	case ">":
		return c > 0
	}
	return c >= 0
}

// contains reports whether array list has an element equal to v.
func contains(list, v any) bool {
	a, ok := list.([]any)
	if !ok {
		return false
	}
	for _, x := range a {
		if jaywayEqual(x, v) {
			return true
		}
	}
	return false
}

func setTest(op string, l, r any) bool {
	la, ok := l.([]any)
	if !ok {
		return false
	}
	if _, ok := r.([]any); !ok {
		return false
	}
	for _, x := range la {
		in := contains(r, x)
		switch {
		case op == "subsetof" && !in:
			return false
		case op == "anyof" && in:
			return true
		case op == "noneof" && in:
			return false
		}
	}
	return op != "anyof"
}

// sizeOf is the length of an array, string or object, or -1.
func sizeOf(v any) int {
	switch x := v.(type) {
	case []any:
		return len(x)
	case string:
		return len([]rune(x))
	case map[string]any:
		return len(x)
	}
	return -1
}

// regexTest matches the regex operand against the other operand's text
// (a string, or a number's or boolean's JSON text).
func regexTest(x cmpExpr, e *evaluator, cur any) bool {
	re, other := x.r.re, x.l
	if re == nil {
		re, other = x.l.re, x.r
	}
	v, ok := other.value(e, cur)
	if !ok {
		return false
	}
	switch s := v.(type) {
	case string:
		return re.MatchString(s)
	case bool:
		return re.MatchString(strconv.FormatBool(s))
	}
	if jsonvalue.IsNumber(v) {
		return re.MatchString(numberText(v))
	}
	return false
}
