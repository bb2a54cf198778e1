package tables

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"sort"
)

// MarshalJSON writes DynamoDB's JSON form: {"S":"x"}, {"N":"1.5"},
// {"B":"<base64>"}, {"BOOL":true}, {"NULL":true}, {"M":{...}},
// {"L":[...]}, {"SS":[...]}, {"NS":[...]}, {"BS":[...]}. Map members are
// written in key order, so that equal values encode equally.
func (v Value) MarshalJSON() ([]byte, error) {
	var buf bytes.Buffer
	if err := v.encode(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func (v Value) encode(buf *bytes.Buffer) error {
	str := func(s string) {
		b, _ := json.Marshal(s)
		buf.Write(b)
	}
	buf.WriteString(`{"` + v.kind.String() + `":`)
	switch v.kind {
	case S, N:
		str(v.str)
	case B:
		str(base64.StdEncoding.EncodeToString([]byte(v.str)))
	case BOOL, NULL:
		if v.b {
			buf.WriteString("true")
		} else {
			buf.WriteString("false")
		}
	case M:
		if err := encodeMap(buf, v.m); err != nil {
			return err
		}
	case L:
		buf.WriteByte('[')
		for i, x := range v.l {
			if i > 0 {
				buf.WriteByte(',')
			}
			if err := x.encode(buf); err != nil {
				return err
			}
		}
		buf.WriteByte(']')
	case SS, NS, BS:
		buf.WriteByte('[')
		for i, x := range v.l {
			if i > 0 {
				buf.WriteByte(',')
			}
			if v.kind == BS {
				str(base64.StdEncoding.EncodeToString([]byte(x.str)))
			} else {
				str(x.str)
			}
		}
		buf.WriteByte(']')
	default:
		return fmt.Errorf("tables: cannot encode a value that does not exist")
	}
	buf.WriteByte('}')
	return nil
}

func encodeMap(buf *bytes.Buffer, m map[string]Value) error {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	buf.WriteByte('{')
	for i, k := range keys {
		if i > 0 {
			buf.WriteByte(',')
		}
		b, _ := json.Marshal(k)
		buf.Write(b)
		buf.WriteByte(':')
		if err := m[k].encode(buf); err != nil {
			return err
		}
	}
	buf.WriteByte('}')
	return nil
}

// UnmarshalJSON reads DynamoDB's JSON form strictly: exactly one data
// type, N as a string holding a valid number (returned in canonical
// form), NULL true, sets non-empty and without duplicates. Errors are
// *Error: SerializationException for JSON of the wrong shape,
// ValidationException for values DynamoDB refuses.
func (v *Value) UnmarshalJSON(data []byte) error {
	out, err := decodeValue(data, 0)
	if err != nil {
		return err
	}
	*v = out
	return nil
}

// maxDepth is DynamoDB's limit on nesting of lists and maps.
const maxDepth = 32

func decodeValue(data []byte, depth int) (Value, error) {
	if depth > maxDepth {
		return Value{}, invalid("Nesting Levels have exceeded supported limits")
	}
	var members map[string]json.RawMessage
	if err := json.Unmarshal(data, &members); err != nil || members == nil {
		return Value{}, Errorf(SerializationException, "an AttributeValue must be an object such as {\"S\": \"text\"}, not %.60s", data)
	}
	var kind Kind
	var raw json.RawMessage
	for name, r := range members {
		k, ok := KindOf(name)
		if !ok || bytes.Equal(bytes.TrimSpace(r), []byte("null")) {
			continue // unknown members are ignored, as AWS's deserializer does
		}
		if kind != KindNone {
			return Value{}, invalid("Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes")
		}
		kind, raw = k, r
	}
	if kind == KindNone {
		return Value{}, invalid("Supplied AttributeValue is empty, must contain exactly one of the supported datatypes")
	}
	return decodeKind(kind, raw, depth)
}

func decodeKind(kind Kind, raw json.RawMessage, depth int) (Value, error) {
	wrong := func(want string) (Value, error) {
		return Value{}, Errorf(SerializationException, "the %s member of an AttributeValue must be %s, not %.60s", kind, want, raw)
	}
	switch kind {
	case S:
		var s string
		if json.Unmarshal(raw, &s) != nil {
			return wrong("a string")
		}
		return String(s), nil
	case N:
		var s string
		if json.Unmarshal(raw, &s) != nil {
			return wrong("a string holding a number")
		}
		return Number(s)
	case B:
		b, ok := decodeBase64(raw)
		if !ok {
			return wrong("a base64 string")
		}
		return Binary(b), nil
	case BOOL, NULL:
		var b bool
		if json.Unmarshal(raw, &b) != nil {
			return wrong("true or false")
		}
		if kind == NULL {
			if !b {
				return Value{}, invalid("One or more parameter values were invalid: Null attribute value types must have the value of true")
			}
			return Null(), nil
		}
		return Bool(b), nil
	case M:
		return decodeMapValue(raw, depth)
	case L:
		var elems []json.RawMessage
		if json.Unmarshal(raw, &elems) != nil || elems == nil {
			return wrong("a list")
		}
		l := make([]Value, len(elems))
		for i, e := range elems {
			x, err := decodeValue(e, depth+1)
			if err != nil {
				return Value{}, err
			}
			l[i] = x
		}
		return List(l), nil
	}
	return decodeSet(kind, raw)
}

func decodeMapValue(raw json.RawMessage, depth int) (Value, error) {
	var members map[string]json.RawMessage
	if json.Unmarshal(raw, &members) != nil || members == nil {
		return Value{}, Errorf(SerializationException, "the M member of an AttributeValue must be an object, not %.60s", raw)
	}
	m := make(map[string]Value, len(members))
	for k, e := range members {
		x, err := decodeValue(e, depth+1)
		if err != nil {
			return Value{}, err
		}
		m[k] = x
	}
	return Map(m), nil
}

func decodeSet(kind Kind, raw json.RawMessage) (Value, error) {
	var elems []json.RawMessage
	if json.Unmarshal(raw, &elems) != nil || elems == nil {
		return Value{}, Errorf(SerializationException, "the %s member of an AttributeValue must be a list of strings, not %.60s", kind, raw)
	}
	members := make([]Value, len(elems))
	for i, e := range elems {
		var x Value
		var err error
		switch kind {
		case BS:
			b, ok := decodeBase64(e)
			if !ok {
				return Value{}, Errorf(SerializationException, "the members of a BS must be base64 strings, not %.60s", e)
			}
			x = Binary(b)
		default:
			var s string
			if json.Unmarshal(e, &s) != nil {
				return Value{}, Errorf(SerializationException, "the members of a %s must be strings, not %.60s", kind, e)
			}
			x = String(s)
			if kind == NS {
				x, err = Number(s)
			}
		}
		if err != nil {
			return Value{}, err
		}
		members[i] = x
	}
	return newSet(kind, members)
}

func decodeBase64(raw json.RawMessage) ([]byte, bool) {
	var s string
	if json.Unmarshal(raw, &s) != nil {
		return nil, false
	}
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return nil, false
	}
	return b, true
}
