package events

import (
	"encoding/json"
	"strconv"
	"time"
)

// The envelope is on every record of every engine topic, so its encoding
// is on the hot path of every processor. encoding/json validates and
// compacts the payload (a json.RawMessage) again on every encode, and on
// decode scans the whole record twice and copies the payload out. This
// file writes and reads the envelope's own fields directly and touches the
// payload only to validate it once. Its output is byte for byte what
// encoding/json writes, and its reading gives what encoding/json reads:
// anything outside the canonical form it writes (escapes, odd keys,
// whitespace, unknown fields, non-ASCII text) is left to encoding/json
// (TestCodecMatchesEncodingJSON, FuzzFromRecord).

// appendEnvelope appends the JSON of e, as json.Marshal would write it,
// when its payload is known to be compact JSON (it came from New). ok is
// false when e must go through encoding/json.
func appendEnvelope(b []byte, e *Envelope) (_ []byte, ok bool) {
	if !e.compact || e.Time.Year() < 0 || e.Time.Year() > 9999 {
		return b, false
	}
	b = append(b, `{"id":`...)
	b = appendString(b, e.ID)
	b = append(b, `,"kind":`...)
	b = appendString(b, string(e.Kind))
	b = append(b, `,"type":`...)
	b = appendString(b, e.Type)
	b = append(b, `,"version":`...)
	b = strconv.AppendInt(b, int64(e.Version), 10)
	b = append(b, `,"key":`...)
	b = appendString(b, e.Key)
	if e.CausationID != "" {
		b = append(b, `,"causationId":`...)
		b = appendString(b, e.CausationID)
	}
	if p := e.CausationPosition; p != nil {
		b = append(b, `,"causationPosition":{"topic":`...)
		b = appendString(b, p.Topic)
		b = append(b, `,"partition":`...)
		b = strconv.AppendInt(b, int64(p.Partition), 10)
		b = append(b, `,"offset":`...)
		b = strconv.AppendInt(b, p.Offset, 10)
		b = append(b, '}')
	}
	if e.CorrelationID != "" {
		b = append(b, `,"correlationId":`...)
		b = appendString(b, e.CorrelationID)
	}
	b = append(b, `,"time":"`...)
	b = e.Time.AppendFormat(b, time.RFC3339Nano)
	b = append(b, `","producer":`...)
	b = appendString(b, e.Producer)
	b = append(b, `,"data":`...)
	if e.Data == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, e.Data...)
	}
	return append(b, '}'), true
}

// appendString appends s as a JSON string, escaped as encoding/json
// escapes it.
func appendString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if !plain(s[i]) {
			q, _ := json.Marshal(s) // a string always encodes
			return append(b, q...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// plain reports whether c stands for itself in a JSON string as
// encoding/json writes and reads it: printable ASCII other than the quote,
// the backslash and the characters it escapes for HTML.
func plain(c byte) bool {
	return c >= 0x20 && c < 0x7f && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&'
}

// parseEnvelope reads the canonical form appendEnvelope writes, with the
// payload validated but not copied (Data aliases v). ok is false for
// anything else, which encoding/json then reads.
func parseEnvelope(v []byte) (e Envelope, ok bool) {
	p := parser{b: v}
	if !p.byte('{') {
		return e, false
	}
	seen := 0
	for first := true; ; first = false {
		if p.byte('}') {
			break
		}
		if !first && !p.byte(',') {
			return e, false
		}
		key, ok := p.str()
		if !ok || !p.byte(':') {
			return e, false
		}
		var bit int
		switch key {
		case "id":
			bit = 1
			e.ID, ok = p.str()
		case "kind":
			var k string
			bit = 2
			k, ok = p.str()
			e.Kind = Kind(k)
		case "type":
			bit = 4
			e.Type, ok = p.str()
		case "version":
			bit = 8
			var n int64
			n, ok = p.int(64)
			e.Version = int(n)
		case "key":
			bit = 16
			e.Key, ok = p.str()
		case "causationId":
			bit = 32
			e.CausationID, ok = p.str()
		case "causationPosition":
			bit = 64
			e.CausationPosition, ok = p.position()
		case "correlationId":
			bit = 128
			e.CorrelationID, ok = p.str()
		case "time":
			bit = 256
			ok = p.time(&e.Time)
		case "producer":
			bit = 512
			e.Producer, ok = p.str()
		case "data":
			bit = 1024
			e.Data, ok = p.value()
		default:
			return e, false
		}
		if !ok || seen&bit != 0 {
			return e, false
		}
		seen |= bit
	}
	if p.i != len(p.b) {
		return e, false
	}
	return e, true
}

// parser reads the canonical form: no whitespace, plain strings.
type parser struct {
	b []byte
	i int
}

func (p *parser) byte(c byte) bool {
	if p.i < len(p.b) && p.b[p.i] == c {
		p.i++
		return true
	}
	return false
}

// str reads a string of plain characters only.
func (p *parser) str() (string, bool) {
	if !p.byte('"') {
		return "", false
	}
	start := p.i
	for p.i < len(p.b) {
		c := p.b[p.i]
		if c == '"' {
			s := string(p.b[start:p.i])
			p.i++
			return s, true
		}
		if !plain(c) {
			return "", false
		}
		p.i++
	}
	return "", false
}

// int reads a canonical integer (no leading zeros, plus sign or
// exponent) that fits in bits.
func (p *parser) int(bits int) (int64, bool) {
	start := p.i
	if p.i < len(p.b) && p.b[p.i] == '-' {
		p.i++
	}
	digits := p.i
	for p.i < len(p.b) && p.b[p.i] >= '0' && p.b[p.i] <= '9' {
		p.i++
	}
	if p.i == digits || (p.b[digits] == '0' && p.i-digits > 1) {
		return 0, false
	}
	if p.i < len(p.b) && (p.b[p.i] == '.' || p.b[p.i] == 'e' || p.b[p.i] == 'E') {
		return 0, false
	}
	n, err := strconv.ParseInt(string(p.b[start:p.i]), 10, bits)
	return n, err == nil
}

func (p *parser) position() (*Position, bool) {
	var pos Position
	if !p.byte('{') {
		return nil, false
	}
	for i, key := range [...]string{"topic", "partition", "offset"} {
		if i > 0 && !p.byte(',') {
			return nil, false
		}
		if k, ok := p.str(); !ok || k != key || !p.byte(':') {
			return nil, false
		}
		var ok bool
		var n int64
		switch key {
		case "topic":
			pos.Topic, ok = p.str()
		case "partition":
			n, ok = p.int(32)
			pos.Partition = int32(n)
		case "offset":
			pos.Offset, ok = p.int(64)
		}
		if !ok {
			return nil, false
		}
	}
	if !p.byte('}') {
		return nil, false
	}
	return &pos, true
}

// time reads a quoted RFC 3339 time as time.Time.UnmarshalJSON does.
func (p *parser) time(t *time.Time) bool {
	start := p.i
	if _, ok := p.str(); !ok {
		return false
	}
	return t.UnmarshalJSON(p.b[start:p.i]) == nil
}

// value reads the payload, an object (as every payload is), checked with
// json.Valid; anything else is left to encoding/json.
func (p *parser) value() (json.RawMessage, bool) {
	if p.i >= len(p.b) || p.b[p.i] != '{' {
		return nil, false
	}
	end, ok := skipObject(p.b, p.i)
	if !ok || !json.Valid(p.b[p.i:end]) {
		return nil, false
	}
	v := p.b[p.i:end:end]
	p.i = end
	return v, true
}

// skipObject returns the index just past the object that starts at b[i],
// following strings (and their escapes) and nesting only; json.Valid
// checks the rest.
func skipObject(b []byte, i int) (int, bool) {
	depth := 0
	for ; i < len(b); i++ {
		switch b[i] {
		case '"':
			for i++; i < len(b) && b[i] != '"'; i++ {
				if b[i] == '\\' {
					i++
				}
			}
			if i >= len(b) {
				return 0, false
			}
		case '{', '[':
			depth++
		case '}', ']':
			depth--
			if depth == 0 {
				return i + 1, true
			}
		}
	}
	return 0, false
}
