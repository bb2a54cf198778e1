package intrinsics

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/mie-kafka/mie/internal/asl/jsonpath"
)

// MaxNesting is how deep intrinsic calls may nest in one field; AWS
// documents "up to 10".
const MaxNesting = 10

type parser struct {
	src string
	pos int
}

// Parse compiles an intrinsic function call: States.<Name>( arguments ),
// where an argument is a string in single quotes (with the escapes \' \{
// \} and \\), a JSON number, true, false, null, a path ($..., $$...,
// $var...) or another call. Unknown function names, bad escapes and
// nesting deeper than MaxNesting are errors here; the number and types of
// arguments are checked by Eval, as AWS checks them when the state runs.
func Parse(s string) (*Call, error) {
	p := &parser{src: s}
	c, err := p.parseCall(1)
	if err != nil {
		return nil, err
	}
	if p.pos < len(s) {
		return nil, p.fail(p.pos, "unexpected %q after the call", s[p.pos:])
	}
	return c, nil
}

func (p *parser) fail(pos int, format string, args ...any) error {
	return &SyntaxError{Expr: p.src, Pos: pos, Msg: fmt.Sprintf(format, args...)}
}

func (p *parser) peek() byte {
	if p.pos < len(p.src) {
		return p.src[p.pos]
	}
	return 0
}

func (p *parser) skipSpace() {
	for p.pos < len(p.src) && isSpace(p.src[p.pos]) {
		p.pos++
	}
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func (p *parser) parseCall(depth int) (*Call, error) {
	start := p.pos
	rest, ok := strings.CutPrefix(p.src[p.pos:], "States.")
	if !ok {
		return nil, p.fail(start, "expected an intrinsic function, States.<Name>(")
	}
	n := 0
	for n < len(rest) && isNameByte(rest[n]) {
		n++
	}
	name := "States." + rest[:n]
	p.pos += len("States.") + n
	fn := functions[name]
	if fn == nil {
		if n == 0 {
			return nil, p.fail(p.pos, "expected a function name after 'States.'")
		}
		return nil, p.fail(start, "unknown intrinsic function %s", name)
	}
	if depth > MaxNesting {
		return nil, p.fail(start, "intrinsic functions nest deeper than %d", MaxNesting)
	}
	if p.peek() != '(' {
		return nil, p.fail(p.pos, "expected '(' after %s", name)
	}
	p.pos++
	c := &Call{src: p.src[start:], pos: start, fn: fn}
	if err := p.parseArgs(c, depth); err != nil {
		return nil, err
	}
	c.src = p.src[start:p.pos]
	return c, nil
}

func (p *parser) parseArgs(c *Call, depth int) error {
	p.skipSpace()
	if p.peek() == ')' {
		p.pos++
		return nil
	}
	for {
		p.skipSpace()
		a, err := p.parseArg(depth)
		if err != nil {
			return err
		}
		c.args = append(c.args, a)
		p.skipSpace()
		switch p.peek() {
		case ',':
			p.pos++
		case ')':
			p.pos++
			return nil
		case 0:
			return p.fail(p.pos, "expected ',' or ')' to close %s(", c.fn.name)
		default:
			return p.fail(p.pos, "unexpected %q; expected ',' or ')'", p.peek())
		}
	}
}

func (p *parser) parseArg(depth int) (arg, error) {
	start := p.pos
	rest := p.src[p.pos:]
	switch c := p.peek(); {
	case c == '\'':
		return p.parseString()
	case c == '$':
		return p.parsePath()
	case c == '-' || (c >= '0' && c <= '9'):
		return p.parseNumber()
	case strings.HasPrefix(rest, "States."):
		call, err := p.parseCall(depth + 1)
		if err != nil {
			return arg{}, err
		}
		return arg{kind: argCall, pos: start, call: call}, nil
	case c == 0:
		return arg{}, p.fail(start, "expected an argument or ')'")
	case c == ')':
		return arg{}, p.fail(start, "expected an argument after ','")
	}
	for word, a := range map[string]arg{"true": {kind: argBool, value: true}, "false": {kind: argBool, value: false},
		"null": {kind: argNull}} {
		if strings.HasPrefix(rest, word) && (len(rest) == len(word) || !isNameByte(rest[len(word)])) {
			p.pos += len(word)
			a.pos = start
			return a, nil
		}
	}
	return arg{}, p.fail(start, "unexpected %q; expected a string in single quotes, a number, true, false, null, a path or an intrinsic function", p.peek())
}

// parseString reads '...'. Only \' \{ \} and \\ are escapes; raw keeps
// the text as written for States.Format, which tells \{ from {.
func (p *parser) parseString() (arg, error) {
	start := p.pos
	p.pos++
	var b strings.Builder
	for p.pos < len(p.src) {
		c := p.src[p.pos]
		switch c {
		case '\'':
			raw := p.src[start+1 : p.pos]
			p.pos++
			return arg{kind: argString, pos: start, value: b.String(), raw: raw}, nil
		case '\\':
			if p.pos+1 >= len(p.src) {
				return arg{}, p.fail(p.pos, "unfinished escape at the end")
			}
			e := p.src[p.pos+1]
			if e != '\'' && e != '{' && e != '}' && e != '\\' {
				return arg{}, p.fail(p.pos, `invalid escape \%c; only \', \{, \} and \\ are escapes`, e)
			}
			b.WriteByte(e)
			p.pos += 2
			continue
		}
		b.WriteByte(c)
		p.pos++
	}
	return arg{}, p.fail(start, "string is not closed with '")
}

// parseNumber reads a number with JSON's grammar.
func (p *parser) parseNumber() (arg, error) {
	start := p.pos
	s := p.src
	i := p.pos
	if s[i] == '-' {
		i++
	}
	digits := func() int {
		n := 0
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
			n++
		}
		return n
	}
	intStart := i
	if digits() == 0 {
		return arg{}, p.fail(i, "expected a digit")
	}
	if s[intStart] == '0' && i-intStart > 1 {
		return arg{}, p.fail(intStart, "a number must not start with 0")
	}
	if i < len(s) && s[i] == '.' {
		i++
		if digits() == 0 {
			return arg{}, p.fail(i, "expected a digit after '.'")
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if digits() == 0 {
			return arg{}, p.fail(i, "expected a digit in the exponent")
		}
	}
	if i < len(s) && !isSpace(s[i]) && s[i] != ',' && s[i] != ')' {
		return arg{}, p.fail(i, "unexpected %q after a number", s[i])
	}
	p.pos = i
	return arg{kind: argNumber, pos: start, value: json.Number(s[start:i])}, nil
}

// parsePath reads a path up to the ',' or ')' (or blank) that ends the
// argument, skipping what is inside brackets, parentheses and quotes.
func (p *parser) parsePath() (arg, error) {
	start := p.pos
	end, err := p.pathEnd()
	if err != nil {
		return arg{}, err
	}
	text := p.src[start:end]
	path, err := jsonpath.Parse(text)
	if err != nil {
		var se *jsonpath.SyntaxError
		if errors.As(err, &se) {
			return arg{}, p.fail(start+se.Pos, "path %s: %s", text, se.Msg)
		}
		return arg{}, p.fail(start, "path %s: %v", text, err)
	}
	p.pos = end
	return arg{kind: argPath, pos: start, path: path}, nil
}

func (p *parser) pathEnd() (int, error) {
	depth := 0
	var quote byte
	for i := p.pos; i < len(p.src); i++ {
		c := p.src[i]
		switch {
		case quote != 0:
			if c == '\\' {
				i++
			} else if c == quote {
				quote = 0
			}
		case depth > 0 && (c == '\'' || c == '"'):
			quote = c
		case c == '[' || c == '(':
			depth++
		case c == ']' || c == ')':
			if depth == 0 {
				return i, nil
			}
			depth--
		case depth == 0 && (c == ',' || isSpace(c)):
			return i, nil
		}
	}
	if quote != 0 || depth > 0 {
		return 0, p.fail(p.pos, "path is not closed")
	}
	return len(p.src), nil
}
