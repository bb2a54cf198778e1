package expr

import (
	"github.com/mie-kafka/mie/internal/tables"
)

// Condition is a parsed condition or filter expression.
type Condition struct{ root cond }

// Eval reports whether the item satisfies the condition. An absent item
// is the empty item: attribute_not_exists holds for every path.
func (c *Condition) Eval(it tables.Item) bool {
	if c == nil {
		return true
	}
	return c.root.eval(it)
}

type cond interface{ eval(it tables.Item) bool }

// ParseCondition parses a ConditionExpression (what is
// WhatCondition) or a FilterExpression (WhatFilter).
func ParseCondition(src, what string, attrs *Attributes) (*Condition, error) {
	p, err := newParser(src, what, attrs)
	if err != nil {
		return nil, err
	}
	c, err := p.or()
	if err != nil {
		return nil, err
	}
	if err := p.end(); err != nil {
		return nil, err
	}
	return &Condition{root: c}, nil
}

type andCond struct{ a, b cond }
type orCond struct{ a, b cond }
type notCond struct{ c cond }

func (c andCond) eval(it tables.Item) bool { return c.a.eval(it) && c.b.eval(it) }
func (c orCond) eval(it tables.Item) bool  { return c.a.eval(it) || c.b.eval(it) }
func (c notCond) eval(it tables.Item) bool { return !c.c.eval(it) }

// or := and ( OR and )*; precedence, lowest first: OR, AND, NOT, then
// comparisons, BETWEEN, IN and functions.
func (p *parser) or() (cond, error) {
	left, err := p.and()
	if err != nil {
		return nil, err
	}
	for p.peek().keyword("OR") {
		p.advance()
		if err := p.operator(); err != nil {
			return nil, err
		}
		right, err := p.and()
		if err != nil {
			return nil, err
		}
		left = orCond{left, right}
	}
	return left, nil
}

func (p *parser) and() (cond, error) {
	left, err := p.not()
	if err != nil {
		return nil, err
	}
	for p.peek().keyword("AND") {
		p.advance()
		if err := p.operator(); err != nil {
			return nil, err
		}
		right, err := p.not()
		if err != nil {
			return nil, err
		}
		left = andCond{left, right}
	}
	return left, nil
}

func (p *parser) not() (cond, error) {
	done, err := p.nest()
	defer done()
	if err != nil {
		return nil, err
	}
	if p.peek().keyword("NOT") {
		p.advance()
		if err := p.operator(); err != nil {
			return nil, err
		}
		c, err := p.not()
		if err != nil {
			return nil, err
		}
		return notCond{c}, nil
	}
	return p.primary()
}

// primary is a parenthesized condition, a function, or a comparison,
// BETWEEN or IN.
func (p *parser) primary() (cond, error) {
	if p.peek().is("(") {
		p.advance()
		c, err := p.or()
		if err != nil {
			return nil, err
		}
		return c, p.expect(")")
	}
	if p.isCall() && conditionFunctions[p.peek().text] {
		return p.function()
	}
	left, err := p.simpleOperand()
	if err != nil {
		return nil, err
	}
	t := p.peek()
	switch {
	case t.keyword("BETWEEN"):
		return p.between(left)
	case t.keyword("IN"):
		return p.in(left)
	case t.kind == tPunct && comparators[t.text]:
		p.advance()
		if err := p.operator(); err != nil {
			return nil, err
		}
		right, err := p.simpleOperand()
		if err != nil {
			return nil, err
		}
		if err := p.orderable(t.text, left, right); err != nil {
			return nil, err
		}
		return compare{op: t.text, a: left, b: right}, nil
	}
	return nil, p.syntax(p.advance())
}

var comparators = map[string]bool{"=": true, "<>": true, "<": true, "<=": true, ">": true, ">=": true}

// orderable refuses, for an ordering operator, a :value that DynamoDB
// cannot order (anything but S, N and B), as DynamoDB does before
// reading the item.
func (p *parser) orderable(op string, ops ...operand) error {
	if op == "=" || op == "<>" {
		return nil
	}
	for _, o := range ops {
		if v, ok := o.(valueOperand); ok {
			if k := v.v.Kind(); k != tables.S && k != tables.N && k != tables.B {
				return invalidf("Invalid %s: Incorrect operand type for operator or function; operator or function: %s, operand type: %s",
					p.what, op, typeName(k))
			}
		}
	}
	return nil
}

// typeName is how DynamoDB's messages name a data type.
func typeName(k tables.Kind) string {
	switch k {
	case tables.S:
		return "STRING"
	case tables.N:
		return "NUMBER"
	case tables.B:
		return "BINARY"
	case tables.BOOL:
		return "BOOLEAN"
	case tables.NULL:
		return "NULL"
	case tables.M:
		return "MAP"
	case tables.L:
		return "LIST"
	case tables.SS:
		return "STRING_SET"
	case tables.NS:
		return "NUMBER_SET"
	case tables.BS:
		return "BINARY_SET"
	}
	return k.String()
}

type compare struct {
	op   string
	a, b operand
}

func (c compare) eval(it tables.Item) bool {
	x, y := c.a.value(it), c.b.value(it)
	if c.op == "<>" {
		return !x.Exists() || !y.Exists() || !x.Equal(y)
	}
	if !x.Exists() || !y.Exists() {
		return false
	}
	if c.op == "=" {
		return x.Equal(y)
	}
	n, ok := x.Compare(y)
	if !ok {
		return false
	}
	switch c.op {
	case "<":
		return n < 0
	case "<=":
		return n <= 0
	case ">":
		return n > 0
	}
	return n >= 0
}

func (p *parser) between(x operand) (cond, error) {
	p.advance()
	if err := p.operator(); err != nil {
		return nil, err
	}
	lo, err := p.simpleOperand()
	if err != nil {
		return nil, err
	}
	if t := p.advance(); !t.keyword("AND") {
		return nil, p.syntax(t)
	}
	hi, err := p.simpleOperand()
	if err != nil {
		return nil, err
	}
	if err := p.orderable("BETWEEN", x, lo, hi); err != nil {
		return nil, err
	}
	if l, ok := lo.(valueOperand); ok {
		if h, ok := hi.(valueOperand); ok {
			if n, ok := l.v.Compare(h.v); !ok || n > 0 {
				return nil, invalidf("Invalid %s: The BETWEEN operator requires upper bound to be greater than or equal to lower bound; lower bound operand: AttributeValue: %s, upper bound operand: AttributeValue: %s",
					p.what, l.v, h.v)
			}
		}
	}
	return betweenCond{x: x, lo: lo, hi: hi}, nil
}

type betweenCond struct{ x, lo, hi operand }

func (c betweenCond) eval(it tables.Item) bool {
	x, lo, hi := c.x.value(it), c.lo.value(it), c.hi.value(it)
	a, ok1 := lo.Compare(x)
	b, ok2 := x.Compare(hi)
	return ok1 && ok2 && a <= 0 && b <= 0
}

// maxInValues is DynamoDB's limit on IN's list.
const maxInValues = 100

func (p *parser) in(x operand) (cond, error) {
	p.advance()
	if err := p.operator(); err != nil {
		return nil, err
	}
	if err := p.expect("("); err != nil {
		return nil, err
	}
	var list []operand
	for {
		o, err := p.simpleOperand()
		if err != nil {
			return nil, err
		}
		list = append(list, o)
		if len(list) > maxInValues {
			return nil, invalidf("Invalid %s: The IN operator is provided with too many operands; number of operands: %d", p.what, len(list))
		}
		t := p.advance()
		if t.is(")") {
			return inCond{x: x, list: list}, nil
		}
		if !t.is(",") {
			return nil, p.syntax(t)
		}
	}
}

type inCond struct {
	x    operand
	list []operand
}

func (c inCond) eval(it tables.Item) bool {
	x := c.x.value(it)
	if !x.Exists() {
		return false
	}
	for _, o := range c.list {
		if x.Equal(o.value(it)) {
			return true
		}
	}
	return false
}
