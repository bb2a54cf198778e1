package jsonpath

import (
	"encoding/json"
	"regexp"
	"strings"
)

// filterExpr is a compiled filter, [?( ... )].
type filterExpr interface {
	test(e *evaluator, cur any) bool
}

type orExpr struct{ l, r filterExpr }
type andExpr struct{ l, r filterExpr }
type notExpr struct{ x filterExpr }
type existsExpr struct{ path *Path }
type cmpExpr struct {
	op   string
	l, r operand
}

// operand is one side of a comparison: a literal, a path from the current
// node ("@...") or from the document root ("$..."), or a /regex/.
type operand struct {
	lit     any
	isLit   bool
	path    *Path
	current bool // path starts at "@"
	re      *regexp.Regexp
}

// The comparison operators Jayway JsonPath knows. Words must stand alone.
var (
	symbolOps = []string{"==", "!=", "<=", ">=", "=~", "<", ">"}
	wordOps   = []string{"subsetof", "contains", "noneof", "anyof", "empty", "size", "nin", "in"}
)

func (p *parser) enter() error {
	p.depth++
	if p.depth > maxFilterDepth {
		return p.fail(p.pos, "filter nested deeper than %d", maxFilterDepth)
	}
	return nil
}

func (p *parser) parseFilterOr() (filterExpr, error) {
	l, err := p.parseFilterAnd()
	if err != nil {
		return nil, err
	}
	for {
		p.skipSpace()
		if !strings.HasPrefix(p.src[p.pos:], "||") {
			return l, nil
		}
		p.pos += 2
		r, err := p.parseFilterAnd()
		if err != nil {
			return nil, err
		}
		l = orExpr{l, r}
	}
}

func (p *parser) parseFilterAnd() (filterExpr, error) {
	l, err := p.parseFilterUnary()
	if err != nil {
		return nil, err
	}
	for {
		p.skipSpace()
		if !strings.HasPrefix(p.src[p.pos:], "&&") {
			return l, nil
		}
		p.pos += 2
		r, err := p.parseFilterUnary()
		if err != nil {
			return nil, err
		}
		l = andExpr{l, r}
	}
}

func (p *parser) parseFilterUnary() (filterExpr, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer func() { p.depth-- }()
	p.skipSpace()
	switch p.peek() {
	case '!':
		p.pos++
		x, err := p.parseFilterUnary()
		if err != nil {
			return nil, err
		}
		return notExpr{x}, nil
	case '(':
		p.pos++
		x, err := p.parseFilterOr()
		if err != nil {
			return nil, err
		}
		p.skipSpace()
		if p.peek() != ')' {
			return nil, p.fail(p.pos, "expected ')'")
		}
		p.pos++
		return x, nil
	}
	return p.parseComparison()
}

func (p *parser) parseComparison() (filterExpr, error) {
	l, err := p.parseOperand()
	if err != nil {
		return nil, err
	}
	p.skipSpace()
	op := p.parseOp()
	if op == "" {
		if l.path == nil {
			return nil, p.fail(p.pos, "expected a comparison operator (==, !=, <, <=, >, >=, =~, in, nin, subsetof, anyof, noneof, contains, size, empty)")
		}
		return existsExpr{l.path}, nil
	}
	p.skipSpace()
	at := p.pos
	r, err := p.parseOperand()
	if err != nil {
		return nil, err
	}
	switch op {
	case "=~":
		if r.re == nil && l.re == nil {
			return nil, p.fail(at, "=~ needs a /regular expression/")
		}
	case "empty":
		if _, ok := r.lit.(bool); !ok || !r.isLit {
			return nil, p.fail(at, "empty needs true or false")
		}
	}
	return cmpExpr{op: op, l: l, r: r}, nil
}

func (p *parser) parseOp() string {
	rest := p.src[p.pos:]
	for _, op := range symbolOps {
		if strings.HasPrefix(rest, op) {
			p.pos += len(op)
			return op
		}
	}
	for _, op := range wordOps {
		if strings.HasPrefix(rest, op) {
			after := rest[len(op):]
			if after == "" || strings.IndexByte(" \t\n\r[{'\"@$-0123456789/tfn(", after[0]) >= 0 {
				p.pos += len(op)
				return op
			}
		}
	}
	return ""
}

func (p *parser) parseOperand() (operand, error) {
	p.skipSpace()
	start := p.pos
	switch c := p.peek(); {
	case c == '@' || c == '$':
		p.pos++
		segs, err := p.parseSegments(true)
		if err != nil {
			return operand{}, err
		}
		path := &Path{src: p.src[start:p.pos], segs: segs}
		path.finish()
		return operand{path: path, current: c == '@'}, nil
	case c == '/':
		re, err := p.parseRegex()
		return operand{re: re}, err
	case c == 0:
		return operand{}, p.fail(p.pos, "expected a value or a path")
	}
	v, err := p.parseLiteral()
	if err != nil {
		return operand{}, err
	}
	return operand{lit: v, isLit: true}, nil
}

// parseLiteral reads a JSON value as Jayway's filters accept it: strings
// in single or double quotes, numbers, true, false, null, arrays and
// objects of those.
func (p *parser) parseLiteral() (any, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer func() { p.depth-- }()
	p.skipSpace()
	switch c := p.peek(); {
	case c == '\'' || c == '"':
		return p.parseQuoted()
	case c == '-' || (c >= '0' && c <= '9'):
		return p.parseNumber()
	case c == '[':
		return p.parseLiteralArray()
	case c == '{':
		return p.parseLiteralObject()
	}
	for word, v := range map[string]any{"true": true, "false": false, "null": nil} {
		if strings.HasPrefix(p.src[p.pos:], word) {
			p.pos += len(word)
			return v, nil
		}
	}
	if p.eof() {
		return nil, p.fail(p.pos, "expected a value")
	}
	return nil, p.fail(p.pos, "unexpected %q; expected a value or a path", p.peek())
}

func (p *parser) parseNumber() (any, error) {
	start := p.pos
	if p.peek() == '-' {
		p.pos++
	}
	digits := func() int {
		n := 0
		for !p.eof() && p.peek() >= '0' && p.peek() <= '9' {
			p.pos++
			n++
		}
		return n
	}
	if digits() == 0 {
		return nil, p.fail(start, "expected a number")
	}
	if p.peek() == '.' {
		p.pos++
		if digits() == 0 {
			return nil, p.fail(p.pos, "expected digits after '.'")
		}
	}
	if c := p.peek(); c == 'e' || c == 'E' {
		p.pos++
		if c := p.peek(); c == '+' || c == '-' {
			p.pos++
		}
		if digits() == 0 {
			return nil, p.fail(p.pos, "expected digits in the exponent")
		}
	}
	return json.Number(p.src[start:p.pos]), nil
}

func (p *parser) parseLiteralArray() (any, error) {
	p.pos++ // '['
	arr := []any{}
	p.skipSpace()
	if p.peek() == ']' {
		p.pos++
		return arr, nil
	}
	for {
		v, err := p.parseLiteral()
		if err != nil {
			return nil, err
		}
		arr = append(arr, v)
		p.skipSpace()
		switch p.peek() {
		case ',':
			p.pos++
		case ']':
			p.pos++
			return arr, nil
		default:
			return nil, p.fail(p.pos, "expected ',' or ']' in an array")
		}
	}
}

func (p *parser) parseLiteralObject() (any, error) {
	p.pos++ // '{'
	obj := map[string]any{}
	p.skipSpace()
	if p.peek() == '}' {
		p.pos++
		return obj, nil
	}
	for {
		p.skipSpace()
		if c := p.peek(); c != '\'' && c != '"' {
			return nil, p.fail(p.pos, "expected a quoted key in an object")
		}
		k, err := p.parseQuoted()
		if err != nil {
			return nil, err
		}
		p.skipSpace()
		if p.peek() != ':' {
			return nil, p.fail(p.pos, "expected ':' after an object key")
		}
		p.pos++
		v, err := p.parseLiteral()
		if err != nil {
			return nil, err
		}
		obj[k] = v
		p.skipSpace()
		switch p.peek() {
		case ',':
			p.pos++
		case '}':
			p.pos++
			return obj, nil
		default:
			return nil, p.fail(p.pos, "expected ',' or '}' in an object")
		}
	}
}

// parseRegex reads /pattern/flags. Java's Matcher.matches, which Jayway
// uses, must match the whole string, so the pattern is anchored.
func (p *parser) parseRegex() (*regexp.Regexp, error) {
	start := p.pos
	p.pos++ // '/'
	var b strings.Builder
	for {
		if p.eof() {
			return nil, p.fail(start, "regular expression is not closed with '/'")
		}
		c := p.src[p.pos]
		if c == '/' {
			break
		}
		if c == '\\' && p.pos+1 < len(p.src) && p.src[p.pos+1] == '/' {
			b.WriteByte('/')
			p.pos += 2
			continue
		}
		b.WriteByte(c)
		p.pos++
	}
	p.pos++ // closing '/'
	flags := ""
	for !p.eof() && strings.IndexByte("imsx", p.peek()) >= 0 {
		switch p.peek() {
		case 'i', 'm', 's':
			flags += string(p.peek())
		default:
			return nil, p.fail(p.pos, "regular expression flag %q is not supported", p.peek())
		}
		p.pos++
	}
	pat := "^(?:" + b.String() + ")$"
	if flags != "" {
		pat = "(?" + flags + ")" + pat
	}
	re, err := regexp.Compile(pat)
	if err != nil {
		return nil, p.fail(start, "bad regular expression: %v", err)
	}
	return re, nil
}
