package jsonata

import (
	"strings"
	"unicode/utf8"
)

// The scanner is a light JSONata lexer run before the library's parser. It
// does three things the library cannot: it blanks out /* */ comments (the
// library has no comment syntax), it refuses the JSONata 2.0 syntax the
// library would silently misread (the @ and # bindings, which it lexes as
// part of a field name, and the % parent operator, which it lexes as
// modulo), and it finds where the bridge inserts its guard calls. It only
// classifies tokens; the library's parser remains the judge of syntax, so a
// malformed expression the scanner lets through still fails to compile.

type tokKind uint8

const (
	tokOp tokKind = iota
	tokName
	tokVar
	tokString
	tokRegex
	tokNumber
)

type token struct {
	kind   tokKind
	start  int    // byte offset of the first byte
	end    int    // byte offset just past the token
	text   string // the operator's or name's text; empty for literals
	prefix bool   // the token stands where an operand is expected
}

// operatorChars end a name; they are jsonata-js's operator characters.
const operatorChars = ".[]{}(),@#;:?+-*/%|=<>^&!~"

var multiOps = []string{"..", ":=", "!=", "<=", ">=", "~>", "**", "?:", "??"}

// endsOperand reports whether a token ends an operand, so that the token
// after it is in operator (infix) position.
func (t token) endsOperand() bool {
	switch t.kind {
	case tokOp:
		switch t.text {
		case ")", "]", "}":
			return true
		case "*", "**":
			return t.prefix // a wildcard, not multiplication
		}
		return false
	case tokName:
		// The keywords are operators; "function" is followed by "(".
		switch t.text {
		case "and", "or", "in":
			return false
		}
		return true
	}
	return true
}

// scanned is an expression after scanning: clean is the text with comments
// blanked (same length, so positions still point into the original).
type scanned struct {
	clean   string
	toks    []token
	nesting int // deepest bracket nesting or prefix-operator run
}

// scan tokenises src. It fails only on what the library would accept and
// misread, on an unterminated comment, on names the bridge reserves, and on
// nesting deep enough to exhaust the parser's stack.
func scan(src string) (*scanned, *CompileError) {
	b := []byte(src)
	s := &scanned{}
	depth, run := 0, 0
	prefix := true
	for i := 0; i < len(b); {
		c := b[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
			continue
		case c == '/' && i+1 < len(b) && b[i+1] == '*':
			end := strings.Index(src[i+2:], "*/")
			if end < 0 {
				return nil, syntaxErr(i, "S0106", "Comment has no closing tag")
			}
			for j := i; j < i+2+end+2; j++ {
				if b[j] != '\n' {
					b[j] = ' '
				}
			}
			i += 2 + end + 2
			continue
		}
		t, next, ce := scanToken(src, b, i, prefix)
		if ce != nil {
			return nil, ce
		}
		i = next
		depth, run = track(t, depth, run)
		if depth > s.nesting {
			s.nesting = depth
		}
		if run > s.nesting {
			s.nesting = run
		}
		if s.nesting > MaxNesting {
			return nil, syntaxErr(t.start, "S0201", "Expression nested too deeply to parse")
		}
		s.toks = append(s.toks, t)
		prefix = !t.endsOperand()
	}
	s.clean = string(b)
	if ce := checkSignatures(s); ce != nil {
		return nil, ce
	}
	return s, nil
}

// signatureChars are the characters of a lambda's type signature,
// function($x)<n-s?:a<n>>. The library's parser loops for ever on a
// signature its lexer cannot tokenise ("<!"), so anything else is refused
// before it is parsed.
const signatureChars = "bnsloaufjx<>()-?+:| \t\r\n"

func checkSignatures(s *scanned) *CompileError {
	for i, t := range s.toks {
		if t.kind != tokName || (t.text != "function" && t.text != "λ") || i+1 >= len(s.toks) || !isOp(s.toks[i+1], "(") {
			continue
		}
		j := matching(s.toks, i+1)
		if j < 0 || j+1 >= len(s.toks) || !isOp(s.toks[j+1], "<") {
			continue
		}
		depth := 0
		for k := s.toks[j+1].start; k < len(s.clean); k++ {
			c := s.clean[k]
			if c == '{' {
				break
			}
			if strings.IndexByte(signatureChars, c) < 0 {
				return syntaxErr(k, "S0201", "Syntax error in function signature")
			}
			if c == '<' {
				depth++
			} else if c == '>' {
				if depth--; depth == 0 {
					break
				}
			}
		}
	}
	return nil
}

// scanToken reads the token starting at b[i].
func scanToken(src string, b []byte, i int, prefix bool) (token, int, *CompileError) {
	t := token{start: i, prefix: prefix}
	c := b[i]
	switch {
	case c == '"' || c == '\'' || c == '`':
		t.kind = tokString
		if c == '`' {
			t.kind = tokName
		}
		i = skipQuoted(b, i)
	case c == '/' && prefix:
		t.kind = tokRegex
		i = skipRegex(b, i)
	case c >= '0' && c <= '9' && prefix:
		t.kind = tokNumber
		i = skipNumber(b, i)
	case c == '$':
		t.kind = tokVar
		j := i + 1
		if j < len(b) && b[j] == '$' {
			j++
		}
		i = skipName(b, j)
		t.text = src[t.start:i]
		if strings.HasPrefix(t.text, reservedPrefix) {
			return t, i, unsupportedErr(t.start, "Variable names starting with '"+reservedPrefix+"' are reserved")
		}
	case strings.IndexByte(operatorChars, c) >= 0:
		t.kind = tokOp
		t.text = string(c)
		for _, op := range multiOps {
			if strings.HasPrefix(src[i:], op) {
				t.text = op
				break
			}
		}
		i += len(t.text)
		if err := checkOperator(t); err != nil {
			return t, i, err
		}
	default:
		t.kind = tokName
		i = skipName(b, i)
		t.text = src[t.start:i]
	}
	t.end = i
	return t, i, nil
}

// checkOperator refuses the JSONata 2.0 syntax the library lacks, and a
// lone ! or ~, on which the library's lexer stops advancing.
func checkOperator(t token) *CompileError {
	switch {
	case t.text == "!" || t.text == "~":
		return syntaxErr(t.start, "S0201", `Syntax error: "`+t.text+`"`)
	case t.text == "@":
		return unsupportedErr(t.start, "The context variable binding operator @ is not supported")
	case t.text == "#":
		return unsupportedErr(t.start, "The positional variable binding operator # is not supported")
	case t.text == "%" && t.prefix:
		return unsupportedErr(t.start, "The parent operator % is not supported")
	}
	return nil
}

// track follows bracket depth and runs of prefix operators, the two ways
// an expression makes the recursive-descent parser recurse.
func track(t token, depth, run int) (int, int) {
	if t.kind != tokOp {
		return depth, 0
	}
	switch t.text {
	case "(", "[", "{":
		return depth + 1, 0
	case ")", "]", "}":
		return depth - 1, 0
	case "-":
		if t.prefix {
			return depth, run + 1
		}
	}
	return depth, 0
}

func skipQuoted(b []byte, i int) int {
	q := b[i]
	for i++; i < len(b); i++ {
		switch b[i] {
		case '\\':
			if q != '`' {
				i++
			}
		case q:
			return i + 1
		}
	}
	return len(b)
}

func skipRegex(b []byte, i int) int {
	for i++; i < len(b); i++ {
		switch b[i] {
		case '\\':
			i++
		case '/':
			i++
			for i < len(b) && (b[i] == 'i' || b[i] == 'm') {
				i++
			}
			return i
		}
	}
	return len(b)
}

func skipNumber(b []byte, i int) int {
	for i < len(b) {
		c := b[i]
		switch {
		case c >= '0' && c <= '9', c == 'e', c == 'E':
		case c == '.' && !(i+1 < len(b) && b[i+1] == '.'):
		case (c == '+' || c == '-') && (b[i-1] == 'e' || b[i-1] == 'E'):
		default:
			return i
		}
		i++
	}
	return i
}

func skipName(b []byte, i int) int {
	for i < len(b) {
		r, n := utf8.DecodeRune(b[i:])
		if r == ' ' || r == '\t' || r == '\n' || r == '\r' ||
			(r < utf8.RuneSelf && strings.IndexByte(operatorChars, byte(r)) >= 0) {
			return i
		}
		i += n
	}
	return i
}
