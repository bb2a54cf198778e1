package expr

import (
	"strings"

	"github.com/mie-kafka/mie/internal/tables"
)

// function reads one of the condition functions.
func (p *parser) function() (cond, error) {
	name := p.advance().text
	if err := p.checkFunction(name); err != nil {
		return nil, err
	}
	p.advance() // (
	path, err := p.pathArgument(name)
	if err != nil {
		return nil, err
	}
	var c cond
	switch name {
	case fnAttributeExists, fnAttributeNotExists:
		c = existsCond{p: path, want: name == fnAttributeExists}
	case fnAttributeType:
		c, err = p.attributeType(path)
	case fnBeginsWith, fnContains:
		c, err = p.twoOperands(name, path)
	}
	if err != nil {
		return nil, err
	}
	return c, p.expect(")")
}

type existsCond struct {
	p    Path
	want bool
}

func (c existsCond) eval(it tables.Item) bool { return c.p.Get(it).Exists() == c.want }

// validTypes lists the type names attribute_type takes, as DynamoDB's
// message does.
const validTypes = "{B,NULL,SS,BOOL,L,BS,N,NS,S,M}"

func (p *parser) attributeType(path Path) (cond, error) {
	if err := p.expect(","); err != nil {
		return nil, err
	}
	t := p.advance()
	if t.kind != tValueRef {
		if t.kind == tName || t.kind == tNameRef {
			return nil, invalidf("Invalid %s: Incorrect operand type for operator or function; operator or function: attribute_type, operand type: a document path", p.what)
		}
		return nil, p.syntax(t)
	}
	v, err := p.attrs.value(t.text, p.what)
	if err != nil {
		return nil, err
	}
	if v.Kind() != tables.S {
		return nil, invalidf("Invalid %s: Incorrect operand type for operator or function; operator or function: attribute_type, operand type: %s", p.what, typeName(v.Kind()))
	}
	k, ok := tables.KindOf(v.Str())
	if !ok {
		return nil, invalidf("Invalid %s: Invalid attribute type name found; type: %s, valid types: %s", p.what, v.Str(), validTypes)
	}
	return typeCond{p: path, kind: k}, nil
}

type typeCond struct {
	p    Path
	kind tables.Kind
}

func (c typeCond) eval(it tables.Item) bool { return c.p.Get(it).Kind() == c.kind }

func (p *parser) twoOperands(name string, path Path) (cond, error) {
	if err := p.expect(","); err != nil {
		return nil, err
	}
	o, err := p.simpleOperand()
	if err != nil {
		return nil, err
	}
	if name == fnContains {
		return containsCond{p: path, x: o}, nil
	}
	if v, ok := o.(valueOperand); ok && v.v.Kind() != tables.S && v.v.Kind() != tables.B {
		return nil, invalidf("Invalid %s: Incorrect operand type for operator or function; operator or function: begins_with, operand type: %s", p.what, typeName(v.v.Kind()))
	}
	return beginsCond{p: path, prefix: o}, nil
}

type beginsCond struct {
	p      Path
	prefix operand
}

func (c beginsCond) eval(it tables.Item) bool {
	v, pre := c.p.Get(it), c.prefix.value(it)
	if (v.Kind() != tables.S && v.Kind() != tables.B) || pre.Kind() != v.Kind() {
		return false
	}
	return strings.HasPrefix(v.Str(), pre.Str())
}

type containsCond struct {
	p Path
	x operand
}

func (c containsCond) eval(it tables.Item) bool {
	v, x := c.p.Get(it), c.x.value(it)
	if !x.Exists() {
		return false
	}
	switch v.Kind() {
	case tables.S, tables.B:
		return x.Kind() == v.Kind() && strings.Contains(v.Str(), x.Str())
	case tables.SS, tables.NS, tables.BS, tables.L:
		if v.Kind() != tables.L && x.Kind() != elementOf(v.Kind()) {
			return false
		}
		for _, m := range v.ListValue() {
			if m.Equal(x) {
				return true
			}
		}
	}
	return false
}

func elementOf(k tables.Kind) tables.Kind {
	switch k {
	case tables.SS:
		return tables.S
	case tables.NS:
		return tables.N
	case tables.BS:
		return tables.B
	}
	return tables.KindNone
}
