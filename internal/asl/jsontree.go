package asl

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// object is a JSON object as written: its keys in order, and the keys that
// appear more than once (encoding/json would keep the last silently).
// Values are the package's JSON value model with *object for objects.
type object struct {
	keys []string
	vals map[string]any
	dups []string
}

func (o *object) get(k string) (any, bool) {
	v, ok := o.vals[k]
	return v, ok
}

// maxJSONDepth bounds nesting as encoding/json does.
const maxJSONDepth = 10000

// jsonError is a syntax problem with where it is.
type jsonError struct {
	line, col int
	msg       string
}

func (e *jsonError) Error() string {
	return fmt.Sprintf("line %d, column %d: %s", e.line, e.col, e.msg)
}

// decodeTree decodes one JSON value, objects as *object, numbers as
// json.Number. It accepts exactly what encoding/json accepts and decodes
// strings as it does (invalid UTF-8 and lone surrogates become U+FFFD);
// FuzzDecodeTree holds it to that.
func decodeTree(b []byte) (any, error) {
	d := &decoder{b: b}
	d.space()
	v, err := d.value(0)
	if err == nil {
		if d.space(); d.i < len(d.b) {
			err = d.fail("invalid character %s after top-level value", quoteChar(d.b[d.i]))
		}
	}
	if err != nil {
		line, col := lineCol(b, int64(d.i))
		return nil, &jsonError{line: line, col: col, msg: err.Error()}
	}
	return v, nil
}

// decoder is a recursive-descent JSON parser over b; i is the position.
type decoder struct {
	b []byte
	i int
}

func (d *decoder) fail(format string, args ...any) error { return fmt.Errorf(format, args...) }

func (d *decoder) eof() error {
	d.i = len(d.b)
	return errors.New("unexpected end of JSON input")
}

func (d *decoder) space() {
	for d.i < len(d.b) {
		switch d.b[d.i] {
		case ' ', '\t', '\n', '\r':
			d.i++
		default:
			return
		}
	}
}

func (d *decoder) value(depth int) (any, error) {
	if depth > maxJSONDepth {
		return nil, d.fail("exceeded max depth of %d", maxJSONDepth)
	}
	if d.i >= len(d.b) {
		return nil, d.eof()
	}
	switch c := d.b[d.i]; {
	case c == '{':
		return d.object(depth)
	case c == '[':
		return d.array(depth)
	case c == '"':
		return d.str()
	case c == '-' || (c >= '0' && c <= '9'):
		return d.number()
	case c == 't':
		return true, d.literal("true")
	case c == 'f':
		return false, d.literal("false")
	case c == 'n':
		return nil, d.literal("null")
	default:
		return nil, d.fail("invalid character %s looking for beginning of value", quoteChar(c))
	}
}

func (d *decoder) literal(word string) error {
	for j := 0; j < len(word); j++ {
		if d.i >= len(d.b) {
			return d.eof()
		}
		if d.b[d.i] != word[j] {
			return d.fail("invalid character %s in literal %s", quoteChar(d.b[d.i]), word)
		}
		d.i++
	}
	return nil
}

func (d *decoder) object(depth int) (*object, error) {
	d.i++ // '{'
	o := &object{vals: map[string]any{}}
	d.space()
	if d.i < len(d.b) && d.b[d.i] == '}' {
		d.i++
		return o, nil
	}
	for {
		if d.i >= len(d.b) {
			return nil, d.eof()
		}
		if d.b[d.i] != '"' {
			return nil, d.fail("invalid character %s looking for beginning of object key string", quoteChar(d.b[d.i]))
		}
		k, err := d.str()
		if err != nil {
			return nil, err
		}
		if d.space(); d.i >= len(d.b) {
			return nil, d.eof()
		}
		if d.b[d.i] != ':' {
			return nil, d.fail("invalid character %s after object key", quoteChar(d.b[d.i]))
		}
		d.i++
		d.space()
		v, err := d.value(depth + 1)
		if err != nil {
			return nil, err
		}
		if _, seen := o.vals[k]; seen {
			o.dups = append(o.dups, k)
		} else {
			o.keys = append(o.keys, k)
		}
		o.vals[k] = v
		if d.space(); d.i >= len(d.b) {
			return nil, d.eof()
		}
		switch d.b[d.i] {
		case ',':
			d.i++
			d.space()
		case '}':
			d.i++
			return o, nil
		default:
			return nil, d.fail("invalid character %s after object key:value pair", quoteChar(d.b[d.i]))
		}
	}
}

func (d *decoder) array(depth int) ([]any, error) {
	d.i++ // '['
	arr := []any{}
	d.space()
	if d.i < len(d.b) && d.b[d.i] == ']' {
		d.i++
		return arr, nil
	}
	for {
		v, err := d.value(depth + 1)
		if err != nil {
			return nil, err
		}
		arr = append(arr, v)
		if d.space(); d.i >= len(d.b) {
			return nil, d.eof()
		}
		switch d.b[d.i] {
		case ',':
			d.i++
			d.space()
		case ']':
			d.i++
			return arr, nil
		default:
			return nil, d.fail("invalid character %s after array element", quoteChar(d.b[d.i]))
		}
	}
}

// number reads a JSON number, kept as its text.
func (d *decoder) number() (json.Number, error) {
	start := d.i
	if d.b[d.i] == '-' {
		d.i++
	}
	if d.i >= len(d.b) {
		return "", d.eof()
	}
	switch c := d.b[d.i]; {
	case c == '0':
		d.i++
	case c >= '1' && c <= '9':
		d.digits()
	default:
		return "", d.fail("invalid character %s in numeric literal", quoteChar(c))
	}
	if d.i < len(d.b) && d.b[d.i] == '.' {
		d.i++
		if d.i >= len(d.b) {
			return "", d.eof()
		}
		if !isDigit(d.b[d.i]) {
			return "", d.fail("invalid character %s after decimal point in numeric literal", quoteChar(d.b[d.i]))
		}
		d.digits()
	}
	if d.i < len(d.b) && (d.b[d.i] == 'e' || d.b[d.i] == 'E') {
		d.i++
		if d.i < len(d.b) && (d.b[d.i] == '+' || d.b[d.i] == '-') {
			d.i++
		}
		if d.i >= len(d.b) {
			return "", d.eof()
		}
		if !isDigit(d.b[d.i]) {
			return "", d.fail("invalid character %s in exponent of numeric literal", quoteChar(d.b[d.i]))
		}
		d.digits()
	}
	return json.Number(d.b[start:d.i]), nil
}

func (d *decoder) digits() {
	for d.i < len(d.b) && isDigit(d.b[d.i]) {
		d.i++
	}
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// str reads a string: a copy of the bytes when there is nothing to
// unescape or repair, else decoded as encoding/json does.
func (d *decoder) str() (string, error) {
	d.i++ // '"'
	start := d.i
	for d.i < len(d.b) {
		c := d.b[d.i]
		switch {
		case c == '"':
			s := string(d.b[start:d.i])
			d.i++
			return s, nil
		case c == '\\' || c >= utf8.RuneSelf:
			return d.strSlow(start)
		case c < 0x20:
			return "", d.fail("invalid character %s in string literal", quoteChar(c))
		}
		d.i++
	}
	return "", d.eof()
}

func (d *decoder) strSlow(start int) (string, error) {
	out := make([]byte, 0, d.i-start+16)
	out = append(out, d.b[start:d.i]...)
	for d.i < len(d.b) {
		c := d.b[d.i]
		switch {
		case c == '"':
			d.i++
			return string(out), nil
		case c < 0x20:
			return "", d.fail("invalid character %s in string literal", quoteChar(c))
		case c == '\\':
			var err error
			if out, err = d.escape(out); err != nil {
				return "", err
			}
		case c < utf8.RuneSelf:
			out = append(out, c)
			d.i++
		default:
			r, size := utf8.DecodeRune(d.b[d.i:])
			out = utf8.AppendRune(out, r) // RuneError for invalid bytes
			d.i += size
		}
	}
	return "", d.eof()
}

// escape decodes the escape sequence at d.i, a backslash.
func (d *decoder) escape(out []byte) ([]byte, error) {
	d.i++
	if d.i >= len(d.b) {
		return nil, d.eof()
	}
	c := d.b[d.i]
	d.i++
	switch c {
	case '"', '\\', '/':
		return append(out, c), nil
	case 'b':
		return append(out, '\b'), nil
	case 'f':
		return append(out, '\f'), nil
	case 'n':
		return append(out, '\n'), nil
	case 'r':
		return append(out, '\r'), nil
	case 't':
		return append(out, '\t'), nil
	case 'u':
		r, err := d.hex4()
		if err != nil {
			return nil, err
		}
		if utf16.IsSurrogate(r) {
			r2 := unicode.ReplacementChar
			if d.i+1 < len(d.b) && d.b[d.i] == '\\' && d.b[d.i+1] == 'u' {
				save := d.i
				d.i += 2
				lo, err := d.hex4()
				if err != nil {
					return nil, err
				}
				if dec := utf16.DecodeRune(r, lo); dec != unicode.ReplacementChar {
					return utf8.AppendRune(out, dec), nil
				}
				d.i = save // not a pair: the second escape stands alone
			}
			return utf8.AppendRune(out, r2), nil
		}
		return utf8.AppendRune(out, r), nil
	}
	d.i--
	return nil, d.fail("invalid character %s in string escape code", quoteChar(c))
}

func (d *decoder) hex4() (rune, error) {
	var r rune
	for j := 0; j < 4; j++ {
		if d.i >= len(d.b) {
			return 0, d.eof()
		}
		c := d.b[d.i]
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c = c - 'a' + 10
		case c >= 'A' && c <= 'F':
			c = c - 'A' + 10
		default:
			return 0, d.fail("invalid character %s in \\u hexadecimal character escape", quoteChar(d.b[d.i]))
		}
		r = r*16 + rune(c)
		d.i++
	}
	return r, nil
}

// quoteChar formats c as encoding/json's errors do.
func quoteChar(c byte) string {
	if c == '\'' {
		return `'\''`
	}
	if c == '"' {
		return `'"'`
	}
	s := strconv.Quote(string(rune(c)))
	return "'" + s[1:len(s)-1] + "'"
}

// lineCol turns a byte offset into a 1-based line and column (in bytes).
func lineCol(b []byte, off int64) (int, int) {
	if off > int64(len(b)) {
		off = int64(len(b))
	}
	if off < 0 {
		off = 0
	}
	line, col := 1, 1
	for _, c := range b[:off] {
		if c == '\n' {
			line++
			col = 1
		} else {
			col++
		}
	}
	return line, col
}

// plain converts a decoded value to the package's JSON value model
// (map[string]any for objects), the form templates and payloads use.
func plain(v any) any {
	switch t := v.(type) {
	case *object:
		m := make(map[string]any, len(t.keys))
		for _, k := range t.keys {
			m[k] = plain(t.vals[k])
		}
		return m
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = plain(e)
		}
		return out
	}
	return v
}

// jsonKind names a value's JSON type for messages.
func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case string:
		return "string"
	case json.Number:
		return "number"
	case []any:
		return "array"
	case *object, map[string]any:
		return "object"
	}
	return fmt.Sprintf("%T", v)
}
