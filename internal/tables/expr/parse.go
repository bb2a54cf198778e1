package expr

import (
	"strconv"

	"github.com/mie-kafka/mie/internal/tables"
)

// Limits on one expression, DynamoDB's: operators and functions, and
// nesting (ours: DynamoDB's own bound is not documented).
const (
	maxOperators = 300
	maxNesting   = 100
)

// What each expression is called in messages.
const (
	WhatCondition  = "ConditionExpression"
	WhatFilter     = "FilterExpression"
	WhatUpdate     = "UpdateExpression"
	WhatProjection = "ProjectionExpression"
	WhatKey        = "KeyConditionExpression"
)

// parser reads one expression's tokens.
type parser struct {
	toks  []token
	pos   int
	src   string
	what  string
	attrs *Attributes
	depth int
	ops   int
}

func newParser(src, what string, attrs *Attributes) (*parser, error) {
	toks, err := tokens(src, what)
	if err != nil {
		return nil, err
	}
	if attrs == nil {
		attrs = &Attributes{usedNames: map[string]bool{}, usedValues: map[string]bool{}}
	}
	return &parser{toks: toks, src: src, what: what, attrs: attrs}, nil
}

func (p *parser) peek() token { return p.toks[p.pos] }

func (p *parser) peekAt(n int) token {
	if p.pos+n < len(p.toks) {
		return p.toks[p.pos+n]
	}
	return p.toks[len(p.toks)-1]
}

func (p *parser) advance() token {
	t := p.toks[p.pos]
	if t.kind != tEOF {
		p.pos++
	}
	return t
}

// syntax reports a syntax error at token t.
func (p *parser) syntax(t token) error {
	l := &lexer{src: p.src, what: p.what}
	return l.syntax(t.text, t.pos)
}

func (p *parser) expect(punct string) error {
	t := p.advance()
	if !t.is(punct) {
		return p.syntax(t)
	}
	return nil
}

// end checks that the whole input was read.
func (p *parser) end() error {
	if t := p.peek(); t.kind != tEOF {
		return p.syntax(t)
	}
	return nil
}

// operator counts one operator or function against the limit.
func (p *parser) operator() error {
	p.ops++
	if p.ops > maxOperators {
		return invalidf("Invalid %s: The expression contains too many operators; operator count: %d", p.what, p.ops)
	}
	return nil
}

// nest enters one level of nesting; the caller defers the returned func.
func (p *parser) nest() (func(), error) {
	p.depth++
	if p.depth > maxNesting {
		return func() {}, invalidf("Invalid %s: The expression has too many nested levels", p.what)
	}
	return func() { p.depth-- }, nil
}

// reserved are the words a bare attribute name may not be because the
// expression grammar gives them a meaning. (DynamoDB reserves several
// hundred more; see the package documentation.)
var reserved = map[string]bool{"and": true, "or": true, "not": true, "between": true, "in": true,
	"set": true, "remove": true, "add": true, "delete": true}

// pathElement reads a name or #name.
func (p *parser) pathElement() (string, error) {
	t := p.advance()
	switch t.kind {
	case tName:
		if reserved[lower(t.text)] {
			return "", invalidf("Invalid %s: Attribute name is a reserved keyword; reserved keyword: %s", p.what, t.text)
		}
		return t.text, nil
	case tNameRef:
		return p.attrs.name(t.text, p.what)
	}
	return "", p.syntax(t)
}

// path reads a document path: element ( '.' element | '[' n ']' )*.
func (p *parser) path() (Path, error) {
	name, err := p.pathElement()
	if err != nil {
		return nil, err
	}
	out := Path{{Name: name}}
	for {
		switch t := p.peek(); {
		case t.is("."):
			p.advance()
			name, err := p.pathElement()
			if err != nil {
				return nil, err
			}
			out = append(out, Step{Name: name})
		case t.is("["):
			p.advance()
			n := p.advance()
			if n.kind != tNumber {
				return nil, p.syntax(n)
			}
			i, err := strconv.Atoi(n.text)
			if err != nil || i > 1<<20 {
				return nil, invalidf("Invalid %s: List index is out of range: %s", p.what, n.text)
			}
			if err := p.expect("]"); err != nil {
				return nil, err
			}
			out = append(out, Step{Index: i, IsIndex: true})
		default:
			if len(out) > maxPathDepth {
				return nil, invalidf("Invalid %s: The document path has too many nesting levels; nesting levels: %d", p.what, len(out))
			}
			return out, nil
		}
	}
}

func lower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// operand is a path, a :value or a function call yielding a value.
type operand interface {
	value(it tables.Item) tables.Value
}

type pathOperand struct{ p Path }

func (o pathOperand) value(it tables.Item) tables.Value { return o.p.Get(it) }

type valueOperand struct {
	v   tables.Value
	ref string
}

func (o valueOperand) value(tables.Item) tables.Value { return o.v }

// sizeOperand is size(path): a number, or no value when the path leads
// nowhere or to a value without a size.
type sizeOperand struct{ p Path }

func (o sizeOperand) value(it tables.Item) tables.Value {
	n, ok := o.p.Get(it).Len()
	if !ok {
		return tables.Value{}
	}
	v, _ := tables.Number(strconv.Itoa(n))
	return v
}

// Function names, case-sensitive as DynamoDB's are.
const (
	fnAttributeExists    = "attribute_exists"
	fnAttributeNotExists = "attribute_not_exists"
	fnAttributeType      = "attribute_type"
	fnBeginsWith         = "begins_with"
	fnContains           = "contains"
	fnSize               = "size"
	fnIfNotExists        = "if_not_exists"
	fnListAppend         = "list_append"
)

var conditionFunctions = map[string]bool{fnAttributeExists: true, fnAttributeNotExists: true,
	fnAttributeType: true, fnBeginsWith: true, fnContains: true}
var updateFunctions = map[string]bool{fnIfNotExists: true, fnListAppend: true}

// isCall reports whether the next tokens are name '('.
func (p *parser) isCall() bool {
	return p.peek().kind == tName && p.peekAt(1).is("(")
}

// checkFunction refuses unknown names and functions of the other kind of
// expression.
func (p *parser) checkFunction(name string) error {
	switch {
	case conditionFunctions[name] || name == fnSize:
		if p.what == WhatUpdate && name != fnSize {
			return invalidf("Invalid %s: The function is not allowed in an update expression; function: %s", p.what, name)
		}
	case updateFunctions[name]:
		if p.what != WhatUpdate {
			return invalidf("Invalid %s: The function is not allowed in a condition expression; function: %s", p.what, name)
		}
	default:
		return invalidf("Invalid %s: Invalid function name; function: %s", p.what, name)
	}
	return p.operator()
}

// simpleOperand reads a path, a :value, or size(path).
func (p *parser) simpleOperand() (operand, error) {
	t := p.peek()
	switch {
	case t.kind == tValueRef:
		p.advance()
		v, err := p.attrs.value(t.text, p.what)
		if err != nil {
			return nil, err
		}
		return valueOperand{v: v, ref: t.text}, nil
	case p.isCall():
		name := t.text
		if err := p.checkFunction(name); err != nil {
			return nil, err
		}
		if name != fnSize {
			return nil, invalidf("Invalid %s: The function is not allowed to be used this way in an expression; function: %s", p.what, name)
		}
		p.advance()
		p.advance()
		path, err := p.pathArgument(name)
		if err != nil {
			return nil, err
		}
		return sizeOperand{p: path}, p.expect(")")
	case t.kind == tName || t.kind == tNameRef:
		path, err := p.path()
		if err != nil {
			return nil, err
		}
		return pathOperand{p: path}, nil
	}
	return nil, p.syntax(p.advance())
}

// pathArgument reads a function argument that must be a document path.
func (p *parser) pathArgument(fn string) (Path, error) {
	if t := p.peek(); t.kind != tName && t.kind != tNameRef || p.isCall() {
		if t.kind == tValueRef || p.isCall() {
			return nil, invalidf("Invalid %s: Operator or function requires a document path; operator or function: %s", p.what, fn)
		}
		return nil, p.syntax(p.advance())
	}
	return p.path()
}
