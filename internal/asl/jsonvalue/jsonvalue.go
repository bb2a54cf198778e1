// Package jsonvalue holds the few operations on the JSON value model of
// internal/asl (see package failure) that JSONPath filters, intrinsic
// functions and the data-flow pipeline share: reading numbers of any Go
// numeric type, deep equality with numeric equivalence, and rendering JSON
// text the way Step Functions prints it.
package jsonvalue

import (
	"bytes"
	"encoding/json"
	"math"
	"math/big"
	"strconv"
)

// Float returns v as a float64 when v is a JSON number: json.Number,
// float64, float32 or a Go integer type.
func Float(v any) (float64, bool) {
	switch n := v.(type) {
	case json.Number:
		f, err := strconv.ParseFloat(string(n), 64)
		return f, err == nil
	case float64:
		return n, true
	case float32:
		return float64(n), true
	case int:
		return float64(n), true
	case int64:
		return float64(n), true
	case int32:
		return float64(n), true
	case uint:
		return float64(n), true
	case uint64:
		return float64(n), true
	case uint32:
		return float64(n), true
	}
	return 0, false
}

// IsNumber reports whether v is a JSON number.
func IsNumber(v any) bool {
	_, ok := Float(v)
	return ok
}

// Int returns v as an int64 when v is a JSON number with an integral value
// that fits in an int64 ("3", "3.0", "3e2" all count).
func Int(v any) (int64, bool) {
	switch n := v.(type) {
	case int:
		return int64(n), true
	case int64:
		return n, true
	case int32:
		return int64(n), true
	case json.Number:
		if i, err := strconv.ParseInt(string(n), 10, 64); err == nil {
			return i, true
		}
	}
	f, ok := Float(v)
	if !ok || f != math.Trunc(f) || f < math.MinInt64 || f >= math.MaxInt64 {
		return 0, false
	}
	return int64(f), true
}

// CompareNumbers compares two JSON numbers exactly (as decimals, the way
// Java's BigDecimal does): -1, 0 or +1, and false when either is not a
// number.
func CompareNumbers(a, b any) (int, bool) {
	if x, ok := a.(json.Number); ok {
		if y, ok := b.(json.Number); ok {
			if i, err := strconv.ParseInt(string(x), 10, 64); err == nil {
				if j, err := strconv.ParseInt(string(y), 10, 64); err == nil {
					return cmpInt(i, j), true
				}
			}
		}
	}
	// Rounding to float64 keeps order, so different floats order their
	// exact values; only equal floats need the exact comparison.
	fa, ok := Float(a)
	if !ok {
		return 0, false
	}
	fb, ok := Float(b)
	if !ok {
		return 0, false
	}
	switch {
	case fa < fb:
		return -1, true
	case fa > fb:
		return 1, true
	}
	ra, ok := rat(a)
	if !ok {
		return 0, false
	}
	rb, ok := rat(b)
	if !ok {
		return 0, false
	}
	return ra.Cmp(rb), true
}

func cmpInt(i, j int64) int {
	switch {
	case i < j:
		return -1
	case i > j:
		return 1
	}
	return 0
}

func rat(v any) (*big.Rat, bool) {
	if n, ok := v.(json.Number); ok {
		r, ok := new(big.Rat).SetString(string(n))
		return r, ok
	}
	if i, ok := v.(int64); ok {
		return new(big.Rat).SetInt64(i), true
	}
	if i, ok := v.(int); ok {
		return new(big.Rat).SetInt64(int64(i)), true
	}
	f, ok := Float(v)
	if !ok || math.IsInf(f, 0) || math.IsNaN(f) {
		return nil, false
	}
	return new(big.Rat).SetFloat64(f), true
}

// Equal reports whether a and b are the same JSON value. Numbers are equal
// when their values are (1 and 1.0 are equal), objects when they have the
// same keys with equal values, arrays when equal element by element.
func Equal(a, b any) bool {
	switch x := a.(type) {
	case nil:
		return b == nil
	case bool:
		y, ok := b.(bool)
		return ok && x == y
	case string:
		y, ok := b.(string)
		return ok && x == y
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !Equal(x[i], y[i]) {
				return false
			}
		}
		return true
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k, xv := range x {
			yv, ok := y[k]
			if !ok || !Equal(xv, yv) {
				return false
			}
		}
		return true
	}
	c, ok := CompareNumbers(a, b)
	return ok && c == 0
}

// Marshal renders v as compact JSON text: no insignificant space, no HTML
// escaping (Jackson, which Step Functions uses, escapes neither), numbers
// as they were written. Object keys come out sorted, since a Go map has no
// order (AWS keeps the input's order).
func Marshal(v any) (string, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return "", err
	}
	return string(bytes.TrimSuffix(b.Bytes(), []byte{'\n'})), nil
}

// MustMarshal is Marshal for values known to be JSON (error messages); a
// value that is not renders as its Go form.
func MustMarshal(v any) string {
	s, err := Marshal(v)
	if err != nil {
		return "<not JSON>"
	}
	return s
}

// Int64 returns n as a JSON number.
func Int64(n int64) json.Number { return json.Number(strconv.FormatInt(n, 10)) }

// FromFloat returns f as a JSON number: integral values without a
// fraction, others in the shortest form that reads back the same.
func FromFloat(f float64) json.Number {
	if f == math.Trunc(f) && math.Abs(f) < 1e15 {
		return json.Number(strconv.FormatInt(int64(f), 10))
	}
	return json.Number(strconv.FormatFloat(f, 'g', -1, 64))
}
