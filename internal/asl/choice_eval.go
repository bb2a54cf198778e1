package asl

import (
	"strings"
	"unicode/utf8"

	"github.com/mie-kafka/mie/internal/asl/failure"
	"github.com/mie-kafka/mie/internal/asl/jsonpath"
)

// Eval evaluates the rule against a state's input, the variables in
// scope (vars, for "$name" paths) and the context object (ctx, for "$$":
// the object, or a func() any that builds it when a path reads it).
//
// As AWS does: a comparison whose Variable holds a value of another type
// than the operator's is false, not an error; a Variable (or a "...Path"
// operand) that selects nothing is a States.Runtime error naming the
// path, except for IsPresent, which is then false.
func (c *Condition) Eval(input any, vars func(string) (any, bool), ctx any) (bool, error) {
	switch c.Op {
	case OpAnd:
		for _, ch := range c.Children {
			if ok, err := ch.Eval(input, vars, ctx); err != nil || !ok {
				return false, err
			}
		}
		return true, nil
	case OpOr:
		for _, ch := range c.Children {
			if ok, err := ch.Eval(input, vars, ctx); err != nil || ok {
				return ok, err
			}
		}
		return false, nil
	case OpNot:
		ok, err := c.Children[0].Eval(input, vars, ctx)
		return !ok && err == nil, err
	}
	v, found := lookup(c.Variable, input, vars, ctx)
	if c.Op == OpIsPresent {
		return found == c.Bool, nil
	}
	if !found {
		return false, invalidPath(c.Variable)
	}
	if c.Op.operand() == operandTest {
		return c.test(v) == c.Bool, nil
	}
	if !c.ByPath {
		return c.compareLiteral(v), nil
	}
	w, found := lookup(c.OperandPath, input, vars, ctx)
	if !found {
		return false, invalidPath(c.OperandPath)
	}
	return c.compareValues(v, w), nil
}

func invalidPath(p *jsonpath.Path) error {
	return failure.New(failure.Runtime, "Invalid path '%s': The choice state's condition path references an invalid value.", p.String())
}

// test applies an Is* operator.
func (c *Condition) test(v any) bool {
	switch c.Op {
	case OpIsNull:
		return v == nil
	case OpIsNumeric:
		return isNumber(v)
	case OpIsString:
		_, ok := v.(string)
		return ok
	case OpIsBoolean:
		_, ok := v.(bool)
		return ok
	case OpIsTimestamp:
		s, ok := v.(string)
		if !ok {
			return false
		}
		_, ok = ParseTimestamp(s)
		return ok
	}
	return false
}

// compareLiteral compares v with the rule's literal operand.
func (c *Condition) compareLiteral(v any) bool {
	switch c.Op.operand() {
	case operandString:
		s, ok := v.(string)
		return ok && c.holds(compareUTF16(s, c.String))
	case operandPattern:
		s, ok := v.(string)
		return ok && matchPattern(c.pattern, s)
	case operandNumber:
		cmp, ok := compareNumbers(v, c.Number)
		return ok && c.holds(cmp)
	case operandBool:
		b, ok := v.(bool)
		return ok && b == c.Bool
	case operandTimestamp:
		s, ok := v.(string)
		if !ok {
			return false
		}
		t, ok := ParseTimestamp(s)
		return ok && c.holds(t.Compare(c.Time))
	}
	return false
}

// compareValues compares v with w, the value at OperandPath: both must
// be of the operator's type.
func (c *Condition) compareValues(v, w any) bool {
	switch c.Op.operand() {
	case operandString:
		s, ok1 := v.(string)
		t, ok2 := w.(string)
		return ok1 && ok2 && c.holds(compareUTF16(s, t))
	case operandNumber:
		cmp, ok := compareNumbers(v, w)
		return ok && c.holds(cmp)
	case operandBool:
		a, ok1 := v.(bool)
		b, ok2 := w.(bool)
		return ok1 && ok2 && a == b
	case operandTimestamp:
		s, ok1 := v.(string)
		t, ok2 := w.(string)
		if !ok1 || !ok2 {
			return false
		}
		a, ok1 := ParseTimestamp(s)
		b, ok2 := ParseTimestamp(t)
		return ok1 && ok2 && c.holds(a.Compare(b))
	}
	return false
}

// holds turns a three-way comparison into the operator's answer.
func (c *Condition) holds(cmp int) bool {
	switch c.Op {
	case OpStringEquals, OpNumericEquals, OpTimestampEquals:
		return cmp == 0
	case OpStringLessThan, OpNumericLessThan, OpTimestampLessThan:
		return cmp < 0
	case OpStringGreaterThan, OpNumericGreaterThan, OpTimestampGreaterThan:
		return cmp > 0
	case OpStringLessThanEquals, OpNumericLessThanEquals, OpTimestampLessThanEquals:
		return cmp <= 0
	case OpStringGreaterThanEquals, OpNumericGreaterThanEquals, OpTimestampGreaterThanEquals:
		return cmp >= 0
	}
	return false
}

// compareUTF16 orders strings by their UTF-16 code units, as Java's
// String.compareTo (and so, we take it, Step Functions) does: it differs
// from Go's byte order only between supplementary characters and
// U+E000..U+FFFF.
func compareUTF16(a, b string) int {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	if i == len(a) || i == len(b) {
		return len(a) - len(b) // one is a prefix of the other (or equal)
	}
	for i > 0 && !utf8.RuneStart(a[i]) {
		i--
	}
	ra, _ := utf8.DecodeRuneInString(a[i:])
	rb, _ := utf8.DecodeRuneInString(b[i:])
	ua, ub := firstUnit(ra), firstUnit(rb)
	if ua != ub {
		return int(ua) - int(ub)
	}
	return int(ra) - int(rb)
}

func firstUnit(r rune) rune {
	if r >= 0x10000 {
		return 0xD800 + (r-0x10000)>>10
	}
	return r
}

// matchPattern matches s against pieces, the literal runs of a
// StringMatches pattern between its wildcards.
func matchPattern(pieces []string, s string) bool {
	if len(pieces) == 1 {
		return s == pieces[0]
	}
	first, last := pieces[0], pieces[len(pieces)-1]
	if !strings.HasPrefix(s, first) {
		return false
	}
	s = s[len(first):]
	for _, mid := range pieces[1 : len(pieces)-1] {
		j := strings.Index(s, mid)
		if j < 0 {
			return false
		}
		s = s[j+len(mid):]
	}
	return strings.HasSuffix(s, last)
}
