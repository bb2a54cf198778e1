package expr

import (
	"strings"

	"github.com/mie-kafka/mie/internal/tables"
)

// KeyCondition is a parsed KeyConditionExpression: an equality on the
// partition key and at most one condition on the sort key.
type KeyCondition struct {
	Parts []KeyPart
}

// KeyPart is one condition of a key condition. Op is =, <, <=, >, >=,
// BETWEEN (Lo and Hi) or begins_with.
type KeyPart struct {
	Name   string
	Op     string
	Lo, Hi tables.Value
}

// OpBeginsWith is begins_with as a KeyPart's Op.
const OpBeginsWith = "begins_with"

// Match reports whether v satisfies the part.
func (k KeyPart) Match(v tables.Value) bool {
	switch k.Op {
	case OpBeginsWith:
		return v.Kind() == k.Lo.Kind() && strings.HasPrefix(v.Str(), k.Lo.Str())
	case "BETWEEN":
		a, ok1 := k.Lo.Compare(v)
		b, ok2 := v.Compare(k.Hi)
		return ok1 && ok2 && a <= 0 && b <= 0
	}
	n, ok := v.Compare(k.Lo)
	if !ok {
		return false
	}
	switch k.Op {
	case "=":
		return n == 0
	case "<":
		return n < 0
	case "<=":
		return n <= 0
	case ">":
		return n > 0
	}
	return n >= 0
}

// ParseKeyCondition parses a KeyConditionExpression: one or two key
// conditions joined by AND, each or both parenthesized (boto3 writes
// "(#n0 = :v0 AND #n1 >= :v1)").
func ParseKeyCondition(src string, attrs *Attributes) (*KeyCondition, error) {
	p, err := newParser(src, WhatKey, attrs)
	if err != nil {
		return nil, err
	}
	parts, err := p.keyConjunction()
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind != tEOF {
		return nil, p.keyOperator(t)
	}
	if len(parts) > 2 {
		return nil, invalidf("Conditions can be of length 1 or 2 only")
	}
	if len(parts) == 2 && parts[0].Name == parts[1].Name {
		return nil, invalidf("KeyConditionExpressions must only contain one condition per key")
	}
	return &KeyCondition{Parts: parts}, nil
}

// keyConjunction := keyAtom ( AND keyAtom )*
func (p *parser) keyConjunction() ([]KeyPart, error) {
	var parts []KeyPart
	for {
		more, err := p.keyAtom()
		if err != nil {
			return nil, err
		}
		parts = append(parts, more...)
		if len(parts) > 2 {
			return nil, invalidf("Conditions can be of length 1 or 2 only")
		}
		if !p.peek().keyword("AND") {
			return parts, nil
		}
		p.advance()
	}
}

// keyAtom := '(' keyConjunction ')' | keyPart
func (p *parser) keyAtom() ([]KeyPart, error) {
	done, err := p.nest()
	defer done()
	if err != nil {
		return nil, err
	}
	if p.peek().is("(") {
		p.advance()
		parts, err := p.keyConjunction()
		if err != nil {
			return nil, err
		}
		if t := p.advance(); !t.is(")") {
			return nil, p.keyOperator(t)
		}
		return parts, nil
	}
	k, err := p.keyPart()
	if err != nil {
		return nil, err
	}
	return []KeyPart{k}, nil
}

// keyOperator reports an operator that key conditions do not take.
func (p *parser) keyOperator(t token) error {
	if t.kind == tName && (t.keyword("OR") || t.keyword("NOT") || t.keyword("IN")) || t.is("<>") {
		return invalidf("Invalid operator used in KeyConditionExpression: %s", upper(t.text))
	}
	return p.syntax(t)
}

func (p *parser) keyPart() (KeyPart, error) {
	if t := p.peek(); t.keyword("NOT") {
		return KeyPart{}, p.keyOperator(t)
	}
	if p.isCall() {
		return p.keyBeginsWith()
	}
	name, err := p.keyName()
	if err != nil {
		return KeyPart{}, err
	}
	t := p.advance()
	switch {
	case t.keyword("BETWEEN"):
		lo, err := p.keyValue()
		if err != nil {
			return KeyPart{}, err
		}
		if a := p.advance(); !a.keyword("AND") {
			return KeyPart{}, p.syntax(a)
		}
		hi, err := p.keyValue()
		if err != nil {
			return KeyPart{}, err
		}
		if n, ok := lo.Compare(hi); !ok || n > 0 {
			return KeyPart{}, invalidf("Invalid KeyConditionExpression: The BETWEEN operator requires upper bound to be greater than or equal to lower bound; lower bound operand: AttributeValue: %s, upper bound operand: AttributeValue: %s", lo, hi)
		}
		return KeyPart{Name: name, Op: "BETWEEN", Lo: lo, Hi: hi}, nil
	case t.kind == tPunct && comparators[t.text] && t.text != "<>":
		v, err := p.keyValue()
		return KeyPart{Name: name, Op: t.text, Lo: v}, err
	}
	return KeyPart{}, p.keyOperator(t)
}

func (p *parser) keyBeginsWith() (KeyPart, error) {
	name := p.advance().text
	if name != fnBeginsWith {
		if conditionFunctions[name] || updateFunctions[name] || name == fnSize {
			return KeyPart{}, invalidf("Invalid operator used in KeyConditionExpression: %s", name)
		}
		return KeyPart{}, invalidf("Invalid KeyConditionExpression: Invalid function name; function: %s", name)
	}
	p.advance() // (
	key, err := p.keyName()
	if err != nil {
		return KeyPart{}, err
	}
	if err := p.expect(","); err != nil {
		return KeyPart{}, err
	}
	v, err := p.keyValue()
	if err != nil {
		return KeyPart{}, err
	}
	if v.Kind() != tables.S && v.Kind() != tables.B {
		return KeyPart{}, invalidf("Invalid KeyConditionExpression: Incorrect operand type for operator or function; operator or function: begins_with, operand type: %s", typeName(v.Kind()))
	}
	return KeyPart{Name: key, Op: OpBeginsWith, Lo: v}, p.expect(")")
}

// keyName reads a top-level attribute name (keys are never nested).
func (p *parser) keyName() (string, error) {
	path, err := p.path()
	if err != nil {
		return "", err
	}
	if len(path) > 1 {
		return "", invalidf("Invalid KeyConditionExpression: Key conditions must name key attributes, not nested paths: %s", path)
	}
	return path.Top(), nil
}

func (p *parser) keyValue() (tables.Value, error) {
	t := p.advance()
	if t.kind != tValueRef {
		if t.kind == tName || t.kind == tNameRef {
			return tables.Value{}, invalidf("Invalid KeyConditionExpression: Key conditions compare a key attribute with an expression attribute value (:value), not with %s", t.text)
		}
		return tables.Value{}, p.syntax(t)
	}
	return p.attrs.value(t.text, p.what)
}
