package tables

import "slices"

// AddNumbers returns a + sign·b for two N values, checked against
// DynamoDB's precision and range.
func AddNumbers(a, b Value, sign int) (Value, error) {
	x, err := parseNumber(a.str)
	if err != nil {
		return Value{}, err
	}
	y, err := parseNumber(b.str)
	if err != nil {
		return Value{}, err
	}
	z, err := x.add(y, sign)
	if err != nil {
		return Value{}, err
	}
	return Value{kind: N, str: z.String()}, nil
}

// Union returns the members of set a, then those of b that a lacks.
func Union(a, b Value) Value {
	out := slices.Clone(a.l)
	for _, m := range b.l {
		if !a.hasMember(m) {
			out = append(out, m)
		}
	}
	return Value{kind: a.kind, l: out}
}

// Difference returns set a without the members of b; ok is false when
// nothing is left (DynamoDB has no empty sets).
func Difference(a, b Value) (Value, bool) {
	var out []Value
	for _, m := range a.l {
		if !b.hasMember(m) {
			out = append(out, m)
		}
	}
	if len(out) == 0 {
		return Value{}, false
	}
	return Value{kind: a.kind, l: out}, true
}
