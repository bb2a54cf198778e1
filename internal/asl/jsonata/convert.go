package jsonata

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"

	"github.com/blues/jsonata-go/jtypes"
)

// The library's value model differs from internal/asl's in three ways the
// conversions below bridge: numbers are float64 (a json.Number is a string
// to it), JSON null is a nil *interface{} (a bare nil is undefined to its
// functions, and $type panics on it), and results may hold Go slices and
// maps of any element type, functions and regular expressions.

// libNull is the library's JSON null.
var libNull = (*any)(nil)

// maxExactInt is 2^53: integers beyond it are kept as int64 so that an
// identifier passed through an expression keeps every digit (arithmetic on
// it is float64, as in JavaScript).
const maxExactInt = 1 << 53

// toLib converts a JSON value to the library's model. It copies a container
// only when something inside it changes.
func toLib(v any) (any, error) {
	switch v := v.(type) {
	case nil:
		return libNull, nil
	case bool, string, float64:
		return v, nil
	case json.Number:
		return numberToLib(v)
	case int:
		return intToLib(int64(v)), nil
	case int64:
		return intToLib(v), nil
	case int32:
		return float64(v), nil
	case uint64:
		if v > math.MaxInt64 {
			return float64(v), nil
		}
		return intToLib(int64(v)), nil
	case float32:
		return float64(v), nil
	case []any:
		return sliceToLib(v)
	case map[string]any:
		return mapToLib(v)
	}
	return nil, fmt.Errorf("jsonata: %T is not a JSON value", v)
}

func numberToLib(n json.Number) (any, error) {
	if i, err := strconv.ParseInt(string(n), 10, 64); err == nil {
		return intToLib(i), nil
	}
	f, err := strconv.ParseFloat(string(n), 64)
	if err != nil && !isRangeErr(err) {
		return nil, fmt.Errorf("jsonata: invalid number %q", string(n))
	}
	return f, nil
}

func isRangeErr(err error) bool {
	var ne *strconv.NumError
	return errors.As(err, &ne) && ne.Err == strconv.ErrRange
}

func intToLib(i int64) any {
	if i > maxExactInt || i < -maxExactInt {
		return i
	}
	return float64(i)
}

func sliceToLib(s []any) (any, error) {
	var out []any
	for i, e := range s {
		c, err := toLib(e)
		if err != nil {
			return nil, err
		}
		if out == nil && !same(c, e) {
			out = make([]any, len(s))
			copy(out, s[:i])
		}
		if out != nil {
			out[i] = c
		}
	}
	if out == nil {
		return s, nil
	}
	return out, nil
}

func mapToLib(m map[string]any) (any, error) {
	var out map[string]any
	for k, e := range m {
		c, err := toLib(e)
		if err != nil {
			return nil, err
		}
		if out == nil && !same(c, e) {
			out = make(map[string]any, len(m))
			for k2, e2 := range m {
				out[k2] = e2
			}
		}
		if out != nil {
			out[k] = c
		}
	}
	if out == nil {
		return m, nil
	}
	return out, nil
}

// same reports whether toLib returned its argument unchanged.
func same(c, e any) bool {
	switch e.(type) {
	case bool, string, float64:
		return true
	case []any:
		cs, ok := c.([]any)
		es := e.([]any)
		return ok && len(cs) == len(es) && (len(cs) == 0 || &cs[0] == &es[0])
	case map[string]any:
		cm, ok := c.(map[string]any)
		return ok && reflect.ValueOf(cm).UnsafePointer() == reflect.ValueOf(e).UnsafePointer()
	}
	return false
}

// fromLib converts a library result to the JSON model, charging every
// scalar eight bytes, every string and key its length against budget (AWS
// bounds one value at MaxValueBytes the same way). ok is false for a value
// JSON cannot hold at the top level (a function, a regular expression).
func fromLib(v reflect.Value, budget *int64) (out any, ok bool, err error) {
	if !v.IsValid() {
		return nil, false, nil
	}
	if jtypes.IsCallable(v) {
		return nil, false, nil
	}
	if v.Kind() == reflect.Ptr && v.IsNil() {
		return nil, true, charge(budget, 8)
	}
	v = jtypes.Resolve(v)
	if !v.IsValid() {
		return nil, true, charge(budget, 8)
	}
	switch v.Kind() {
	case reflect.Bool:
		return v.Bool(), true, charge(budget, 8)
	case reflect.String:
		return v.String(), true, charge(budget, int64(v.Len()))
	case reflect.Float32, reflect.Float64:
		return numberFromLib(v.Float()), true, charge(budget, 8)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return json.Number(strconv.FormatInt(v.Int(), 10)), true, charge(budget, 8)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return json.Number(strconv.FormatUint(v.Uint(), 10)), true, charge(budget, 8)
	case reflect.Slice, reflect.Array:
		return sliceFromLib(v, budget)
	case reflect.Map:
		return mapFromLib(v, budget)
	}
	return nil, false, nil
}

func charge(budget *int64, n int64) error {
	*budget -= n
	if *budget < 0 {
		return errMemory
	}
	return nil
}

func sliceFromLib(v reflect.Value, budget *int64) (any, bool, error) {
	out := make([]any, 0, v.Len())
	for i := 0; i < v.Len(); i++ {
		e, ok, err := fromLib(v.Index(i), budget)
		if err != nil {
			return nil, false, err
		}
		if !ok {
			e = nil // as JSON.stringify writes a function in an array
		}
		out = append(out, e)
	}
	return out, true, nil
}

func mapFromLib(v reflect.Value, budget *int64) (any, bool, error) {
	out := make(map[string]any, v.Len())
	iter := v.MapRange()
	for iter.Next() {
		k := jtypes.Resolve(iter.Key())
		if k.Kind() != reflect.String {
			continue
		}
		e, ok, err := fromLib(iter.Value(), budget)
		if err != nil {
			return nil, false, err
		}
		if !ok {
			continue // as JSON.stringify drops a function-valued key
		}
		if err := charge(budget, int64(k.Len())); err != nil {
			return nil, false, err
		}
		out[k.String()] = e
	}
	return out, true, nil
}

// numberFromLib writes a number as AWS does: JavaScript's notation, and
// the name JavaScript gives a value JSON has no literal for.
func numberFromLib(f float64) any {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	}
	return json.Number(formatJS(f))
}

// formatJS is ECMAScript's Number::toString: positional notation from 1e-7
// up to 1e21, exponent notation ("1e+21", "1.5e-7") outside it.
func formatJS(f float64) string {
	if f == 0 {
		return "0"
	}
	if a := math.Abs(f); a >= 1e21 || a < 1e-6 {
		s := strconv.FormatFloat(f, 'e', -1, 64)
		mant, exp, _ := strings.Cut(s, "e")
		sign := exp[0]
		exp = strings.TrimLeft(exp[1:], "0")
		return mant + "e" + string(sign) + exp
	}
	return strconv.FormatFloat(f, 'f', -1, 64)
}
