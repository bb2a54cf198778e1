package tables

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// Kind is an AttributeValue's data type.
type Kind uint8

// The data types, by DynamoDB's descriptors.
const (
	KindNone Kind = iota
	S
	N
	B
	BOOL
	NULL
	M
	L
	SS
	NS
	BS
)

var kindNames = [...]string{KindNone: "", S: "S", N: "N", B: "B", BOOL: "BOOL", NULL: "NULL", M: "M", L: "L", SS: "SS", NS: "NS", BS: "BS"}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", k)
}

// KindOf reads a data type descriptor ("S", "NS", ...).
func KindOf(name string) (Kind, bool) {
	for k, n := range kindNames {
		if n != "" && n == name {
			return Kind(k), true
		}
	}
	return KindNone, false
}

// IsSet reports whether k is SS, NS or BS.
func (k Kind) IsSet() bool { return k == SS || k == NS || k == BS }

// Value is one AttributeValue. The zero Value is "no value" (an attribute
// that does not exist). Values are immutable once built: operations make
// new ones.
type Value struct {
	kind Kind
	// str holds S, N (canonical) and B (the bytes).
	str string
	b   bool
	m   map[string]Value
	// l holds L, and the members of SS, NS (canonical) and BS.
	l []Value
}

// Constructors.

func String(s string) Value        { return Value{kind: S, str: s} }
func Binary(b []byte) Value        { return Value{kind: B, str: string(b)} }
func Bool(b bool) Value            { return Value{kind: BOOL, b: b} }
func Null() Value                  { return Value{kind: NULL, b: true} }
func Map(m map[string]Value) Value { return Value{kind: M, m: m} }
func List(l []Value) Value         { return Value{kind: L, l: l} }

// Number returns an N value, checking the number.
func Number(s string) (Value, error) {
	c, err := canonicalNumber(s)
	if err != nil {
		return Value{}, err
	}
	return Value{kind: N, str: c}, nil
}

// newSet builds a set of kind k from members of its element kind,
// rejecting an empty set and duplicates, as DynamoDB does.
func newSet(k Kind, members []Value) (Value, error) {
	if len(members) == 0 {
		return Value{}, invalid("One or more parameter values were invalid: An %s may not be empty", setName(k))
	}
	seen := make(map[string]bool, len(members))
	for _, m := range members {
		if seen[m.str] {
			return Value{}, invalid("One or more parameter values were invalid: Input collection %s contains duplicates.", setDisplay(members))
		}
		seen[m.str] = true
	}
	return Value{kind: k, l: members}, nil
}

func setName(k Kind) string {
	switch k {
	case SS:
		return "string set "
	case NS:
		return "number set "
	}
	return "binary set "
}

func setDisplay(members []Value) string {
	parts := make([]string, len(members))
	for i, m := range members {
		parts[i] = m.str
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

// StringSet, NumberSet and BinarySet build sets.
func StringSet(ss ...string) (Value, error) {
	members := make([]Value, len(ss))
	for i, s := range ss {
		members[i] = String(s)
	}
	return newSet(SS, members)
}

func NumberSet(ns ...string) (Value, error) {
	members := make([]Value, len(ns))
	for i, s := range ns {
		n, err := Number(s)
		if err != nil {
			return Value{}, err
		}
		members[i] = n
	}
	return newSet(NS, members)
}

func BinarySet(bs ...[]byte) (Value, error) {
	members := make([]Value, len(bs))
	for i, b := range bs {
		members[i] = Binary(b)
	}
	return newSet(BS, members)
}

// Accessors.

// Kind returns the data type; KindNone for no value.
func (v Value) Kind() Kind { return v.kind }

// Exists reports whether v is a value (not an absent attribute).
func (v Value) Exists() bool { return v.kind != KindNone }

// Str returns an S's string, an N's canonical text or a B's bytes as a
// string.
func (v Value) Str() string { return v.str }

// BoolValue returns a BOOL's value.
func (v Value) BoolValue() bool { return v.b }

// MapValue returns an M's members (not to be modified).
func (v Value) MapValue() map[string]Value { return v.m }

// ListValue returns an L's elements, or a set's members (not to be
// modified).
func (v Value) ListValue() []Value { return v.l }

// elementKind is the kind of a set's members.
func (k Kind) elementKind() Kind {
	switch k {
	case SS:
		return S
	case NS:
		return N
	case BS:
		return B
	}
	return KindNone
}

// Equal reports whether v and o are the same value; sets compare as sets
// (order does not matter), numbers numerically.
func (v Value) Equal(o Value) bool {
	if v.kind != o.kind {
		return false
	}
	switch v.kind {
	case S, N, B:
		return v.str == o.str
	case BOOL, NULL:
		return v.b == o.b
	case M:
		if len(v.m) != len(o.m) {
			return false
		}
		for k, x := range v.m {
			y, ok := o.m[k]
			if !ok || !x.Equal(y) {
				return false
			}
		}
		return true
	case L:
		return slices.EqualFunc(v.l, o.l, Value.Equal)
	case SS, NS, BS:
		if len(v.l) != len(o.l) {
			return false
		}
		for _, x := range v.l {
			if !v.hasMember(x) || !o.hasMember(x) {
				return false
			}
		}
		return true
	}
	return true
}

// hasMember reports whether a set holds x.
func (v Value) hasMember(x Value) bool {
	for _, m := range v.l {
		if m.str == x.str {
			return true
		}
	}
	return false
}

// Compare orders two scalars of the same kind (S by UTF-8 bytes, N
// numerically, B by bytes): -1, 0, +1; ok is false for other kinds or
// mixed kinds, which DynamoDB never orders.
func (v Value) Compare(o Value) (c int, ok bool) {
	if v.kind != o.kind {
		return 0, false
	}
	switch v.kind {
	case S, B:
		return strings.Compare(v.str, o.str), true
	case N:
		a, _ := parseNumber(v.str)
		b, _ := parseNumber(o.str)
		if a == nil || b == nil {
			return 0, false
		}
		return a.cmp(b), true
	}
	return 0, false
}

// Size is the value's size as DynamoDB counts it toward the 400 KB item
// limit: strings and binaries by their bytes, numbers by about one byte
// per two significant digits plus one, 1 byte for BOOL and NULL, 3 bytes
// of overhead for each list and map plus their contents (map keys
// included), sets by their members.
func (v Value) Size() int {
	switch v.kind {
	case S, B:
		return len(v.str)
	case N:
		d := len(strings.TrimLeft(strings.ReplaceAll(strings.TrimPrefix(v.str, "-"), ".", ""), "0"))
		return (d+1)/2 + 1
	case BOOL, NULL:
		return 1
	case M:
		n := 3
		for k, x := range v.m {
			n += len(k) + x.Size() + 1
		}
		return n
	case L:
		n := 3
		for _, x := range v.l {
			n += x.Size() + 1
		}
		return n
	case SS, NS, BS:
		n := 0
		for _, x := range v.l {
			n += x.Size()
		}
		return n
	}
	return 0
}

// Len is what size() reports in an expression: the length in bytes of a
// string (UTF-8) or binary, the number of members of a set, list or map;
// ok is false for other kinds.
func (v Value) Len() (int, bool) {
	switch v.kind {
	case S, B:
		return len(v.str), true
	case M:
		return len(v.m), true
	case L, SS, NS, BS:
		return len(v.l), true
	}
	return 0, false
}

// String renders v in DynamoDB's JSON, for messages.
func (v Value) String() string {
	b, err := json.Marshal(v)
	if err != nil {
		return "<" + err.Error() + ">"
	}
	return string(b)
}
