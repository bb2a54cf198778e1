package asl

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/mie-kafka/mie/internal/asl/jsonpath"
)

// Operator is a Choice rule's operator. A comparison's "...Path" form has
// the same Operator with Condition.ByPath set.
type Operator uint8

// The operators of JSONPath Choice rules.
const (
	OpInvalid Operator = iota
	OpAnd
	OpOr
	OpNot
	OpStringEquals
	OpStringLessThan
	OpStringGreaterThan
	OpStringLessThanEquals
	OpStringGreaterThanEquals
	OpStringMatches
	OpNumericEquals
	OpNumericLessThan
	OpNumericGreaterThan
	OpNumericLessThanEquals
	OpNumericGreaterThanEquals
	OpBooleanEquals
	OpTimestampEquals
	OpTimestampLessThan
	OpTimestampGreaterThan
	OpTimestampLessThanEquals
	OpTimestampGreaterThanEquals
	OpIsNull
	OpIsPresent
	OpIsNumeric
	OpIsString
	OpIsBoolean
	OpIsTimestamp
	opCount
)

var operatorNames = [opCount]string{"", "And", "Or", "Not",
	"StringEquals", "StringLessThan", "StringGreaterThan", "StringLessThanEquals", "StringGreaterThanEquals", "StringMatches",
	"NumericEquals", "NumericLessThan", "NumericGreaterThan", "NumericLessThanEquals", "NumericGreaterThanEquals",
	"BooleanEquals",
	"TimestampEquals", "TimestampLessThan", "TimestampGreaterThan", "TimestampLessThanEquals", "TimestampGreaterThanEquals",
	"IsNull", "IsPresent", "IsNumeric", "IsString", "IsBoolean", "IsTimestamp"}

func (o Operator) String() string {
	if o < opCount && o != OpInvalid {
		return operatorNames[o]
	}
	return fmt.Sprintf("Operator(%d)", uint8(o))
}

// MarshalText implements encoding.TextMarshaler.
func (o Operator) MarshalText() ([]byte, error) {
	if o == OpInvalid || o >= opCount {
		return nil, fmt.Errorf("asl: invalid operator %d", uint8(o))
	}
	return []byte(o.String()), nil
}

// operand is the JSON type a comparison's literal operand has.
type operand uint8

const (
	operandNone operand = iota // And, Or, Not
	operandString
	operandNumber
	operandBool
	operandTimestamp
	operandPattern // StringMatches: a string, no Path form
	operandTest    // Is*: a boolean, no Path form
)

func (o Operator) operand() operand {
	switch {
	case o >= OpStringEquals && o <= OpStringGreaterThanEquals:
		return operandString
	case o == OpStringMatches:
		return operandPattern
	case o >= OpNumericEquals && o <= OpNumericGreaterThanEquals:
		return operandNumber
	case o == OpBooleanEquals:
		return operandBool
	case o >= OpTimestampEquals && o <= OpTimestampGreaterThanEquals:
		return operandTimestamp
	case o >= OpIsNull:
		return operandTest
	}
	return operandNone
}

// opField is what an operator field names: the operator and its form.
type opField struct {
	op     Operator
	byPath bool
}

// operatorByName maps each operator field, "...Path" forms included.
var operatorByName = func() map[string]opField {
	m := map[string]opField{}
	for o := OpAnd; o < opCount; o++ {
		m[o.String()] = opField{o, false}
		if k := o.operand(); k != operandNone && k != operandPattern && k != operandTest {
			m[o.String()+"Path"] = opField{o, true}
		}
	}
	return m
}()

// Condition is a compiled JSONPath Choice rule (without its Next).
type Condition struct {
	Op Operator
	// ByPath is set for a "...Path" comparison: the operand is the value
	// at OperandPath.
	ByPath      bool
	Variable    *jsonpath.Path // comparisons and Is* tests
	OperandPath *jsonpath.Path
	// The literal operand, by the operator's type.
	String  string      // String*, StringMatches (the pattern as written)
	Number  json.Number // Numeric*
	Bool    bool        // BooleanEquals, Is*
	Time    time.Time   // Timestamp*
	pattern []string    // StringMatches: literal pieces between wildcards
	// Children are the rules of And and Or, or the one rule of Not.
	Children []*Condition
}

// parseCondition reads a JSONPath rule; top rules have Next and Assign.
func (p *parser) parseCondition(r *reader, top bool) *Condition {
	var ops []string
	for _, k := range r.o.keys {
		if _, ok := operatorByName[k]; ok {
			ops = append(ops, k)
			continue
		}
		switch k {
		case "Variable", "Comment":
			continue
		case "Next", "Assign":
			if top {
				continue
			}
		}
		r.ps.schema(r.at, "Field '%s' is not supported", k)
		r.bad[k] = true
	}
	if len(ops) != 1 {
		r.ps.schema(r.at, "A choice rule must have exactly one of the comparison operators, And, Or or Not; found %d: [%s]", len(ops), strings.Join(ops, ", "))
		return nil
	}
	spec := operatorByName[ops[0]]
	c := &Condition{Op: spec.op, ByPath: spec.byPath}
	if spec.op.operand() == operandNone {
		return p.parseLogical(r, c, ops[0])
	}
	r.require("Variable")
	if pf := r.path("Variable", false); pf.Path != nil {
		c.Variable = pf.Path
	}
	if c.ByPath {
		c.OperandPath = r.path(ops[0], false).Path
		if c.Variable == nil || c.OperandPath == nil {
			return nil
		}
		return c
	}
	if !p.parseOperand(r, c, ops[0]) || c.Variable == nil {
		return nil
	}
	return c
}

func (p *parser) parseLogical(r *reader, c *Condition, k string) *Condition {
	if r.has("Variable") {
		r.ps.schema(r.field("Variable"), "Field 'Variable' is not supported with '%s'", k)
	}
	at := r.field(k)
	if c.Op == OpNot {
		o, ok := r.obj(k)
		if !ok {
			return nil
		}
		child := p.parseCondition(newReader(o, at, r.ps, r.ql), false)
		if child == nil {
			return nil
		}
		c.Children = []*Condition{child}
		return c
	}
	arr, ok := r.arr(k)
	if !ok {
		return nil
	}
	if len(arr) == 0 {
		r.ps.schema(at, "Field '%s' must not be empty", k)
		return nil
	}
	complete := true
	for i, v := range arr {
		o, ok := v.(*object)
		if !ok {
			r.ps.schema(at.index(i), "Each rule of '%s' must be an object, not %s", k, jsonKind(v))
			complete = false
			continue
		}
		child := p.parseCondition(newReader(o, at.index(i), r.ps, r.ql), false)
		complete = complete && child != nil
		c.Children = append(c.Children, child)
	}
	if !complete {
		return nil
	}
	return c
}

// parseOperand reads a comparison's literal operand.
func (p *parser) parseOperand(r *reader, c *Condition, k string) bool {
	v, _ := r.get(k)
	switch c.Op.operand() {
	case operandString, operandPattern:
		s, ok := v.(string)
		if !ok {
			r.typeErr(k, "a string", v)
			return false
		}
		c.String = s
		if c.Op == OpStringMatches {
			c.pattern = compilePattern(s)
		}
	case operandNumber:
		n, ok := v.(json.Number)
		if !ok {
			r.typeErr(k, "a number", v)
			return false
		}
		c.Number = n
		if f, err := strconv.ParseFloat(string(n), 64); err != nil || math.IsInf(f, 0) {
			r.ps.schema(r.field(k), "Field '%s' must be a finite number, not %s", k, n)
			return false
		}
	case operandBool, operandTest:
		b, ok := v.(bool)
		if !ok {
			r.typeErr(k, "a boolean", v)
			return false
		}
		c.Bool = b
	case operandTimestamp:
		s, ok := v.(string)
		if !ok {
			r.typeErr(k, "a string", v)
			return false
		}
		if c.Time, ok = ParseTimestamp(s); !ok {
			r.ps.schema(r.field(k), "Field '%s' must be a timestamp such as 2016-03-14T01:59:00Z, not %q", k, s)
			return false
		}
		c.String = s
	}
	return true
}

// compilePattern splits a StringMatches pattern on its unescaped "*":
// "\*" is a literal "*", "\\" a literal "\"; any other "\" is itself.
func compilePattern(s string) []string {
	var parts []string
	var cur strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\\' && i+1 < len(s) && (s[i+1] == '*' || s[i+1] == '\\'):
			cur.WriteByte(s[i+1])
			i++
		case c == '*':
			parts = append(parts, cur.String())
			cur.Reset()
		default:
			cur.WriteByte(c)
		}
	}
	return append(parts, cur.String())
}
