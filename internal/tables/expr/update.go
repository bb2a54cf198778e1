package expr

import (
	"github.com/mie-kafka/mie/internal/tables"
)

// Update is a parsed update expression: its SET, REMOVE, ADD and DELETE
// actions.
type Update struct {
	sets    []setAction
	removes []Path
	adds    []setAction // ADD and DELETE take a :value, kept in val
	deletes []setAction
}

type setAction struct {
	path Path
	val  valueExpr
}

// valueExpr is the right-hand side of a SET action.
type valueExpr interface {
	eval(it tables.Item) (tables.Value, error)
}

// ParseUpdate parses an UpdateExpression.
func ParseUpdate(src string, attrs *Attributes) (*Update, error) {
	p, err := newParser(src, WhatUpdate, attrs)
	if err != nil {
		return nil, err
	}
	u := &Update{}
	seen := map[string]bool{}
	for p.peek().kind != tEOF {
		t := p.advance()
		clause := upper(t.text)
		if t.kind != tName || !isClause(clause) {
			return nil, p.syntax(t)
		}
		if seen[clause] {
			return nil, invalidf("Invalid UpdateExpression: The \"%s\" section can only be used once in an update expression;", clause)
		}
		seen[clause] = true
		if err := p.clause(u, clause); err != nil {
			return nil, err
		}
	}
	if err := checkOverlaps(u.Paths(), WhatUpdate); err != nil {
		return nil, err
	}
	return u, nil
}

func isClause(s string) bool { return s == "SET" || s == "REMOVE" || s == "ADD" || s == "DELETE" }

func upper(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'a' && c <= 'z' {
			b[i] = c - 'a' + 'A'
		}
	}
	return string(b)
}

// clause reads one clause's comma-separated actions.
func (p *parser) clause(u *Update, clause string) error {
	for {
		if err := p.operator(); err != nil {
			return err
		}
		path, err := p.path()
		if err != nil {
			return err
		}
		switch clause {
		case "SET":
			if err := p.expect("="); err != nil {
				return err
			}
			v, err := p.setValue()
			if err != nil {
				return err
			}
			u.sets = append(u.sets, setAction{path: path, val: v})
		case "REMOVE":
			u.removes = append(u.removes, path)
		default:
			v, err := p.setOperand(clause)
			if err != nil {
				return err
			}
			a := setAction{path: path, val: v}
			if clause == "ADD" {
				u.adds = append(u.adds, a)
			} else {
				u.deletes = append(u.deletes, a)
			}
		}
		if !p.peek().is(",") {
			return nil
		}
		p.advance()
	}
}

// setOperand reads ADD's or DELETE's :value, which must be a number (ADD
// only) or a set.
func (p *parser) setOperand(clause string) (valueExpr, error) {
	t := p.advance()
	if t.kind != tValueRef {
		return nil, p.syntax(t)
	}
	v, err := p.attrs.value(t.text, p.what)
	if err != nil {
		return nil, err
	}
	if !v.Kind().IsSet() && (clause != "ADD" || v.Kind() != tables.N) {
		return nil, invalidf("Invalid UpdateExpression: Incorrect operand type for operator or function; operator: %s, operand type: %s", clause, typeName(v.Kind()))
	}
	return constant{v}, nil
}

// setValue := term ( ('+' | '-') term )?
func (p *parser) setValue() (valueExpr, error) {
	a, err := p.term()
	if err != nil {
		return nil, err
	}
	t := p.peek()
	if !t.is("+") && !t.is("-") {
		return a, nil
	}
	p.advance()
	if err := p.operator(); err != nil {
		return nil, err
	}
	b, err := p.term()
	if err != nil {
		return nil, err
	}
	for _, x := range []valueExpr{a, b} {
		if c, ok := x.(constant); ok && c.v.Kind() != tables.N {
			return nil, invalidf("Invalid UpdateExpression: Incorrect operand type for operator or function; operator: %s, operand type: %s", t.text, typeName(c.v.Kind()))
		}
	}
	return arithmetic{op: t.text, a: a, b: b}, nil
}

// term := path | :value | if_not_exists(path, term) | list_append(term, term)
func (p *parser) term() (valueExpr, error) {
	done, err := p.nest()
	defer done()
	if err != nil {
		return nil, err
	}
	t := p.peek()
	if !p.isCall() {
		switch t.kind {
		case tValueRef:
			p.advance()
			v, err := p.attrs.value(t.text, p.what)
			return constant{v}, err
		case tName, tNameRef:
			path, err := p.path()
			return attribute{path}, err
		}
		return nil, p.syntax(p.advance())
	}
	name := t.text
	if err := p.checkFunction(name); err != nil {
		return nil, err
	}
	if name == fnSize {
		return nil, invalidf("Invalid UpdateExpression: The function is not allowed in an update expression; function: size")
	}
	p.advance()
	p.advance() // (
	if name == fnIfNotExists {
		path, err := p.pathArgument(name)
		if err != nil {
			return nil, err
		}
		if err := p.expect(","); err != nil {
			return nil, err
		}
		def, err := p.term()
		if err != nil {
			return nil, err
		}
		return ifNotExists{path: path, def: def}, p.expect(")")
	}
	a, err := p.term()
	if err != nil {
		return nil, err
	}
	if err := p.expect(","); err != nil {
		return nil, err
	}
	b, err := p.term()
	if err != nil {
		return nil, err
	}
	for _, x := range []valueExpr{a, b} {
		if c, ok := x.(constant); ok && c.v.Kind() != tables.L {
			return nil, invalidf("Invalid UpdateExpression: Incorrect operand type for operator or function; operator or function: list_append, operand type: %s", typeName(c.v.Kind()))
		}
	}
	return listAppend{a: a, b: b}, p.expect(")")
}

// Paths returns every path the update writes or removes.
func (u *Update) Paths() []Path {
	var out []Path
	for _, a := range u.sets {
		out = append(out, a.path)
	}
	out = append(out, u.removes...)
	for _, a := range u.adds {
		out = append(out, a.path)
	}
	for _, a := range u.deletes {
		out = append(out, a.path)
	}
	return out
}
