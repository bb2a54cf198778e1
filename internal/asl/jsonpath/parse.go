package jsonpath

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxFilterDepth bounds nested filters and parentheses so a hostile path
// cannot exhaust the stack.
const maxFilterDepth = 32

type parser struct {
	src   string
	pos   int
	depth int // filter / parenthesis nesting
}

func (p *parser) fail(pos int, format string, args ...any) error {
	return &SyntaxError{Path: p.src, Pos: pos, Msg: fmt.Sprintf(format, args...)}
}

func (p *parser) eof() bool { return p.pos >= len(p.src) }

func (p *parser) peek() byte {
	if p.pos < len(p.src) {
		return p.src[p.pos]
	}
	return 0
}

func (p *parser) skipSpace() {
	for p.pos < len(p.src) {
		switch p.src[p.pos] {
		case ' ', '\t', '\n', '\r':
			p.pos++
		default:
			return
		}
	}
}

func (p *parser) parsePath() (*Path, error) {
	if p.src == "" {
		return nil, p.fail(0, "empty path; a path starts with '$'")
	}
	if p.src[0] != '$' {
		return nil, p.fail(0, "a path starts with '$'")
	}
	path := &Path{src: p.src}
	p.pos = 1
	switch {
	case p.peek() == '$':
		path.root = RootContext
		p.pos = 2
	case isVarStart(p.src[p.pos:]):
		path.root = RootVariable
		start := p.pos
		for !p.eof() {
			r, n := utf8.DecodeRuneInString(p.src[p.pos:])
			if r != '_' && !unicode.IsLetter(r) && !unicode.IsDigit(r) {
				break
			}
			p.pos += n
		}
		path.variable = p.src[start:p.pos]
	}
	segs, err := p.parseSegments(false)
	if err != nil {
		return nil, err
	}
	if !p.eof() {
		return nil, p.fail(p.pos, "unexpected %q; expected '.' or '['", p.src[p.pos])
	}
	path.segs = segs
	path.finish()
	return path, nil
}

func isVarStart(s string) bool {
	if s == "" {
		return false
	}
	r, _ := utf8.DecodeRuneInString(s)
	return r == '_' || unicode.IsLetter(r)
}

// parseSegments reads segments while the next byte is '.' or '['. In a
// filter (inFilter) a dot name also ends at an operator or space.
func (p *parser) parseSegments(inFilter bool) ([]segment, error) {
	var segs []segment
	for !p.eof() {
		var scan bool
		start := p.pos
		switch p.peek() {
		case '.':
			if strings.HasPrefix(p.src[p.pos:], "..") {
				scan = true
				p.pos += 2
			} else {
				p.pos++
			}
			if p.eof() {
				return nil, p.fail(p.pos, "a path must not end with '.' or '..'")
			}
			if p.peek() == '.' {
				return nil, p.fail(p.pos, "unexpected '.'")
			}
		case '[':
		default:
			return segs, nil
		}
		seg, err := p.parseSelector(inFilter)
		if err != nil {
			return nil, err
		}
		seg.scan = scan
		seg.pos = start
		segs = append(segs, seg)
		if seg.kind == selFunc && !inFilter && !p.eof() {
			return nil, p.fail(p.pos, "a function must end the path")
		}
	}
	return segs, nil
}

// parseSelector reads what follows '.', '..' or starts with '['.
func (p *parser) parseSelector(inFilter bool) (segment, error) {
	switch p.peek() {
	case '[':
		return p.parseBracket()
	case '*':
		p.pos++
		return segment{kind: selWildcard}, nil
	}
	return p.parseDotName(inFilter)
}

func (p *parser) parseDotName(inFilter bool) (segment, error) {
	start := p.pos
	for !p.eof() {
		c := p.peek()
		if c == '.' || c == '[' || c == '(' {
			break
		}
		if c == ' ' || c == '\t' || c == '\n' || c == '\r' {
			if inFilter {
				break
			}
			return segment{}, p.fail(p.pos, "use bracket notation ['my name'] for a name with blanks")
		}
		if inFilter && strings.IndexByte("=!<>&|),]~", c) >= 0 {
			break
		}
		p.pos++
	}
	name := p.src[start:p.pos]
	if name == "" {
		return segment{}, p.fail(start, "expected a name, '*' or '['")
	}
	if p.peek() != '(' {
		return segment{kind: selName, name: name}, nil
	}
	// name(...): Jayway's functions. Step Functions does not support them
	// (the path never matches), but accepts them in a definition.
	depth := 0
	for !p.eof() {
		switch p.peek() {
		case '(':
			depth++
		case ')':
			depth--
		}
		p.pos++
		if depth == 0 {
			return segment{kind: selFunc, name: name}, nil
		}
	}
	return segment{}, p.fail(p.pos, "function %s( is not closed with ')'", name)
}

func (p *parser) parseBracket() (segment, error) {
	open := p.pos
	p.pos++ // '['
	p.skipSpace()
	var seg segment
	var err error
	switch c := p.peek(); {
	case c == '*':
		p.pos++
		seg = segment{kind: selWildcard}
	case c == '\'' || c == '"':
		seg, err = p.parseNames()
	case c == '?':
		seg, err = p.parseFilterSelector()
	case c == '-' || c == ':' || (c >= '0' && c <= '9'):
		seg, err = p.parseIndexes()
	case c == 0:
		return segment{}, p.fail(open, "'[' is not closed with ']'")
	default:
		return segment{}, p.fail(p.pos, "unexpected %q after '['; expected a quoted name, a number, '*', ':' or '?('", c)
	}
	if err != nil {
		return segment{}, err
	}
	p.skipSpace()
	if p.peek() != ']' {
		if p.eof() {
			return segment{}, p.fail(p.pos, "'[' at position %d is not closed with ']'", open)
		}
		return segment{}, p.fail(p.pos, "unexpected %q; expected ']'", p.peek())
	}
	p.pos++
	return seg, nil
}

func (p *parser) parseNames() (segment, error) {
	var names []string
	for {
		name, err := p.parseQuoted()
		if err != nil {
			return segment{}, err
		}
		names = append(names, name)
		p.skipSpace()
		if p.peek() != ',' {
			break
		}
		p.pos++
		p.skipSpace()
		if c := p.peek(); c != '\'' && c != '"' {
			return segment{}, p.fail(p.pos, "expected a quoted name after ','")
		}
	}
	if len(names) == 1 {
		return segment{kind: selName, name: names[0]}, nil
	}
	return segment{kind: selNames, names: names}, nil
}

// parseQuoted reads a '...' or "..." string with backslash escapes.
func (p *parser) parseQuoted() (string, error) {
	quote := p.src[p.pos]
	start := p.pos
	p.pos++
	var b strings.Builder
	for !p.eof() {
		c := p.src[p.pos]
		switch {
		case c == quote:
			p.pos++
			return b.String(), nil
		case c == '\\':
			if err := p.readEscape(&b); err != nil {
				return "", err
			}
			continue
		default:
			b.WriteByte(c)
		}
		p.pos++
	}
	return "", p.fail(start, "string is not closed with %c", quote)
}

func (p *parser) readEscape(b *strings.Builder) error {
	at := p.pos
	p.pos++ // backslash
	if p.eof() {
		return p.fail(at, "unfinished escape")
	}
	c := p.src[p.pos]
	p.pos++
	switch c {
	case 'b':
		b.WriteByte('\b')
	case 'f':
		b.WriteByte('\f')
	case 'n':
		b.WriteByte('\n')
	case 'r':
		b.WriteByte('\r')
	case 't':
		b.WriteByte('\t')
	case 'u':
		if p.pos+4 > len(p.src) {
			return p.fail(at, `\u needs four hex digits`)
		}
		n, err := strconv.ParseUint(p.src[p.pos:p.pos+4], 16, 16)
		if err != nil {
			return p.fail(at, `\u needs four hex digits`)
		}
		b.WriteRune(rune(n))
		p.pos += 4
	default:
		// \' \" \\ \/ and any other character stand for themselves.
		b.WriteByte(c)
	}
	return nil
}

func (p *parser) parseIndexes() (segment, error) {
	first, hasFirst, err := p.parseInt()
	if err != nil {
		return segment{}, err
	}
	p.skipSpace()
	if p.peek() == ':' {
		p.pos++
		p.skipSpace()
		seg := segment{kind: selSlice, from: first, hasFrom: hasFirst}
		seg.to, seg.hasTo, err = p.parseInt()
		if err != nil {
			return segment{}, err
		}
		p.skipSpace()
		if p.peek() == ':' {
			return segment{}, p.fail(p.pos, "a slice step is not supported")
		}
		if !seg.hasFrom && !seg.hasTo {
			return segment{}, p.fail(p.pos, "a slice needs a start or an end")
		}
		return seg, nil
	}
	if !hasFirst {
		return segment{}, p.fail(p.pos, "expected an index")
	}
	indexes := []int{first}
	for p.peek() == ',' {
		p.pos++
		p.skipSpace()
		n, ok, err := p.parseInt()
		if err != nil {
			return segment{}, err
		}
		if !ok {
			return segment{}, p.fail(p.pos, "expected an index after ','")
		}
		indexes = append(indexes, n)
		p.skipSpace()
	}
	if len(indexes) == 1 {
		return segment{kind: selIndex, index: first}, nil
	}
	return segment{kind: selIndexes, indexes: indexes}, nil
}

// parseInt reads an optional signed integer; ok is false when there is
// none.
func (p *parser) parseInt() (n int, ok bool, err error) {
	start := p.pos
	if p.peek() == '-' {
		p.pos++
	}
	for !p.eof() && p.peek() >= '0' && p.peek() <= '9' {
		p.pos++
	}
	if p.pos == start {
		return 0, false, nil
	}
	v, err := strconv.ParseInt(p.src[start:p.pos], 10, 32)
	if err != nil {
		return 0, false, p.fail(start, "%q is not an index", p.src[start:p.pos])
	}
	return int(v), true, nil
}

func (p *parser) parseFilterSelector() (segment, error) {
	p.pos++ // '?'
	p.skipSpace()
	if p.peek() != '(' {
		return segment{}, p.fail(p.pos, "expected '(' after '?'; a filter is written [?(...)]")
	}
	p.pos++
	expr, err := p.parseFilterOr()
	if err != nil {
		return segment{}, err
	}
	p.skipSpace()
	if p.peek() != ')' {
		return segment{}, p.fail(p.pos, "expected ')' to close the filter")
	}
	p.pos++
	return segment{kind: selFilter, filter: expr}, nil
}
