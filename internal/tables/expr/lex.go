// Package expr parses and evaluates DynamoDB's expressions: condition and
// filter expressions, update expressions, projection expressions and key
// condition expressions, with their ExpressionAttributeNames (#name) and
// ExpressionAttributeValues (:value). Errors are *tables.Error
// ValidationExceptions worded as DynamoDB words them.
//
// Parsing is a single pass over the input with no backtracking; the
// input is bounded (MaxExpressionBytes) and nesting is bounded
// (maxNesting), so no expression makes the parser recurse without end.
package expr

import (
	"fmt"
	"strings"
)

// MaxExpressionBytes is DynamoDB's limit on one expression's length.
const MaxExpressionBytes = 4096

type tokKind uint8

const (
	tEOF      tokKind = iota
	tName             // an attribute name as written: Title, _a1
	tNameRef          // #name
	tValueRef         // :value
	tNumber           // a list index: 0, 12
	tPunct            // ( ) [ ] , . = <> < <= > >= + -
)

type token struct {
	kind tokKind
	text string
	pos  int
}

// lexer splits an expression into tokens.
type lexer struct {
	src  string
	pos  int
	what string // "ConditionExpression", ... for messages
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isDigit(c byte) bool  { return c >= '0' && c <= '9' }
func isWord(c byte) bool   { return isLetter(c) || isDigit(c) || c == '_' }

func (l *lexer) next() (token, error) {
	for l.pos < len(l.src) && strings.IndexByte(" \t\r\n", l.src[l.pos]) >= 0 {
		l.pos++
	}
	if l.pos >= len(l.src) {
		return token{kind: tEOF, pos: l.pos}, nil
	}
	start := l.pos
	c := l.src[l.pos]
	switch {
	case c == '#' || c == ':':
		l.pos++
		for l.pos < len(l.src) && isWord(l.src[l.pos]) {
			l.pos++
		}
		if l.pos == start+1 {
			return token{}, l.syntax(string(c), start)
		}
		k := tNameRef
		if c == ':' {
			k = tValueRef
		}
		return token{kind: k, text: l.src[start:l.pos], pos: start}, nil
	case isDigit(c):
		for l.pos < len(l.src) && isDigit(l.src[l.pos]) {
			l.pos++
		}
		if l.pos < len(l.src) && isWord(l.src[l.pos]) {
			// A name may not start with a digit.
			for l.pos < len(l.src) && isWord(l.src[l.pos]) {
				l.pos++
			}
			return token{}, l.syntax(l.src[start:l.pos], start)
		}
		return token{kind: tNumber, text: l.src[start:l.pos], pos: start}, nil
	case isLetter(c) || c == '_':
		for l.pos < len(l.src) && isWord(l.src[l.pos]) {
			l.pos++
		}
		return token{kind: tName, text: l.src[start:l.pos], pos: start}, nil
	}
	for _, p := range []string{"<>", "<=", ">=", "(", ")", "[", "]", ",", ".", "=", "<", ">", "+", "-"} {
		if strings.HasPrefix(l.src[l.pos:], p) {
			l.pos += len(p)
			return token{kind: tPunct, text: p, pos: start}, nil
		}
	}
	return token{}, l.syntax(l.src[start:start+1], start)
}

// syntax is DynamoDB's syntax error: the token and the text around it.
func (l *lexer) syntax(tok string, at int) error {
	lo, hi := max(at-10, 0), min(at+len(tok)+10, len(l.src))
	if tok == "" {
		tok = "<EOF>"
	}
	return invalidf("Invalid %s: Syntax error; token: %q, near: %q", l.what, tok, l.src[lo:hi])
}

// tokens lexes the whole input.
func tokens(src, what string) ([]token, error) {
	if strings.TrimSpace(src) == "" {
		return nil, invalidf("Invalid %s: The expression can not be empty;", what)
	}
	if len(src) > MaxExpressionBytes {
		return nil, invalidf("Invalid %s: Expression size has exceeded the maximum allowed size; expression size: %d", what, len(src))
	}
	l := &lexer{src: src, what: what}
	var out []token
	for {
		t, err := l.next()
		if err != nil {
			return nil, err
		}
		out = append(out, t)
		if t.kind == tEOF {
			return out, nil
		}
	}
}

// keyword reports whether t is the (case-insensitive) keyword kw.
func (t token) keyword(kw string) bool { return t.kind == tName && strings.EqualFold(t.text, kw) }

func (t token) is(p string) bool { return t.kind == tPunct && t.text == p }

func (t token) String() string {
	if t.kind == tEOF {
		return "<EOF>"
	}
	return t.text
}

var _ fmt.Stringer = token{}
