package jsonata

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"unicode/utf8"

	"github.com/blues/jsonata-go/jlib"
	"github.com/blues/jsonata-go/jtypes"
)

// Functions the bridge binds in place of the library's, where the library
// is missing a JSONata function AWS has, gets one wrong, or would take its
// input from outside Bindings (the clock, randomness).
var fixes = map[string]funcSpec{
	"now":                {2, now},
	"millis":             {0, millis},
	"shuffle":            {1, shuffle},
	"single":             {2, single},
	"assert":             {2, assert},
	"error":              {1, errorFn},
	"encodeUrl":          {1, encodeURL},
	"encodeUrlComponent": {1, encodeURLComponent},
	"pad":                {3, pad},
	"power":              {2, power},
	"formatNumber":       {3, formatNumber},
	"sqrt":               {1, sqrt},
}

// now is $now([picture [, timezone]]) at Bindings.Now.
func now(st *evalState, args []reflect.Value) (reflect.Value, error) {
	ms := st.clock().UnixMilli()
	var picture, tz jtypes.OptionalString
	if s, ok := str(arg(args, 0)); ok {
		picture = jtypes.NewOptionalString(s)
	}
	if s, ok := str(arg(args, 1)); ok {
		tz = jtypes.NewOptionalString(s)
	}
	s, err := jlib.FromMillis(ms, picture, tz)
	if err != nil {
		return undefined, err
	}
	return reflect.ValueOf(s), nil
}

// millis is $millis() at Bindings.Now.
func millis(st *evalState, _ []reflect.Value) (reflect.Value, error) {
	return reflect.ValueOf(float64(st.clock().UnixMilli())), nil
}

// shuffle is $shuffle(array) drawing from Bindings.Random.
func shuffle(st *evalState, args []reflect.Value) (reflect.Value, error) {
	a := arg(args, 0)
	if isUndefined(a) {
		return undefined, nil
	}
	items := asItems(a)
	draw := rand.Float64
	if st.b.Random != nil {
		draw = st.b.Random
	}
	for i := len(items) - 1; i > 0; i-- {
		j := int(draw() * float64(i+1))
		items[i], items[j] = items[j], items[i]
	}
	return reflect.ValueOf(items), nil
}

// asItems is a value as a fresh slice, a single value as one element.
func asItems(v reflect.Value) []any {
	r := resolve(v)
	if r.Kind() != reflect.Slice {
		return []any{v.Interface()}
	}
	items := make([]any, r.Len())
	for i := range items {
		items[i] = r.Index(i).Interface()
	}
	return items
}

// single is $single(array [, function]); the library requires the
// function.
func single(_ *evalState, args []reflect.Value) (reflect.Value, error) {
	a := arg(args, 0)
	if isUndefined(a) {
		return undefined, nil
	}
	items := asItems(a)
	fn, hasFn := jtypes.AsCallable(arg(args, 1))
	if !hasFn && !isUndefined(arg(args, 1)) {
		return undefined, signatureErr("single", 2)
	}
	var found reflect.Value
	matches := 0
	for i, item := range items {
		if hasFn {
			in := []reflect.Value{reflect.ValueOf(item), reflect.ValueOf(float64(i)), reflect.ValueOf(items)}
			res, err := fn.Call(in[:min(max(fn.ParamCount(), 1), 3)])
			if err != nil {
				return undefined, err
			}
			if !jlib.Boolean(res) {
				continue
			}
		}
		matches++
		if matches > 1 {
			return undefined, coded("D3138", "The $single() function expected exactly 1 matching result.  Instead it matched more.")
		}
		found = reflect.ValueOf(item)
	}
	if matches == 0 {
		return undefined, coded("D3139", "The $single() function expected exactly 1 matching result.  Instead it matched 0.")
	}
	return found, nil
}

// assert is $assert(condition [, message]), missing from the library.
func assert(_ *evalState, args []reflect.Value) (reflect.Value, error) {
	c := resolve(arg(args, 0))
	if c.Kind() != reflect.Bool {
		return undefined, signatureErr("assert", 1)
	}
	if c.Bool() {
		return undefined, nil
	}
	msg, ok := str(arg(args, 1))
	if !ok {
		msg = "$assert() statement failed"
	}
	return undefined, coded("D3141", "%s", msg)
}

// errorFn is $error([message]) with JSONata's code.
func errorFn(_ *evalState, args []reflect.Value) (reflect.Value, error) {
	msg, ok := str(arg(args, 0))
	if !ok {
		if !isUndefined(arg(args, 0)) {
			return undefined, signatureErr("error", 1)
		}
		msg = "$error() function evaluated"
	}
	return undefined, coded("D3137", "%s", msg)
}

// encodeURL and encodeURLComponent are JavaScript's encodeURI and
// encodeURIComponent; the library encodes a space as "+".
func encodeURL(_ *evalState, args []reflect.Value) (reflect.Value, error) {
	return encodeURI(args, "encodeUrl", ";,/?:@&=+$#")
}

func encodeURLComponent(_ *evalState, args []reflect.Value) (reflect.Value, error) {
	return encodeURI(args, "encodeUrlComponent", "")
}

func encodeURI(args []reflect.Value, fn, reserved string) (reflect.Value, error) {
	a := arg(args, 0)
	if isUndefined(a) {
		return undefined, nil
	}
	s, ok := str(a)
	if !ok {
		return undefined, signatureErr(fn, 1)
	}
	if !utf8.ValidString(s) {
		return undefined, coded("D3140", "Malformed URL passed to $%s(): %q", fn, s)
	}
	const unreserved = "-_.!~*'()"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < utf8.RuneSelf && (isAlnum(c) || strings.IndexByte(unreserved, c) >= 0 || strings.IndexByte(reserved, c) >= 0) {
			b.WriteByte(c)
			continue
		}
		fmt.Fprintf(&b, "%%%02X", c)
	}
	return reflect.ValueOf(b.String()), nil
}

func isAlnum(c byte) bool {
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
}

// pad is the library's $pad with the width bounded, so one call cannot
// allocate gigabytes.
func pad(_ *evalState, args []reflect.Value) (reflect.Value, error) {
	a := arg(args, 0)
	if isUndefined(a) {
		return undefined, nil
	}
	s, ok := str(a)
	if !ok {
		return undefined, signatureErr("pad", 1)
	}
	w, err := integer(arg(args, 1), "pad", 2)
	if err != nil {
		return undefined, err
	}
	if w > MaxValueBytes || w < -MaxValueBytes {
		return undefined, errMemory
	}
	var chars jtypes.OptionalString
	if c, ok := str(arg(args, 2)); ok {
		chars = jtypes.NewOptionalString(c)
	}
	return reflect.ValueOf(jlib.Pad(s, int(w), chars)), nil
}

// parseStrict decodes exactly one JSON document, refusing what a lenient
// decoder accepts and AWS does not: trailing data, a repeated key and an
// empty string.
func parseStrict(s string) (any, error) {
	d := json.NewDecoder(strings.NewReader(s))
	d.UseNumber()
	v, err := decodeStrict(d)
	if err != nil {
		return nil, err
	}
	if _, err := d.Token(); err != io.EOF {
		return nil, errors.New("trailing data")
	}
	return v, nil
}

func decodeStrict(d *json.Decoder) (any, error) {
	t, err := d.Token()
	if err != nil {
		return nil, err
	}
	switch t {
	case json.Delim('['):
		arr := []any{}
		for d.More() {
			v, err := decodeStrict(d)
			if err != nil {
				return nil, err
			}
			arr = append(arr, v)
		}
		_, err := d.Token()
		return arr, err
	case json.Delim('{'):
		obj := map[string]any{}
		for d.More() {
			kt, err := d.Token()
			if err != nil {
				return nil, err
			}
			k := kt.(string)
			if _, dup := obj[k]; dup {
				return nil, errors.New("duplicate key")
			}
			if obj[k], err = decodeStrict(d); err != nil {
				return nil, err
			}
		}
		_, err := d.Token()
		return obj, err
	}
	return t, nil
}

// power and sqrt are the library's with jsonata-js's error codes.
func power(_ *evalState, args []reflect.Value) (reflect.Value, error) {
	if isUndefined(arg(args, 0)) {
		return undefined, nil
	}
	b, ok := number(arg(args, 0))
	if !ok {
		return undefined, signatureErr("power", 1)
	}
	x, ok := number(arg(args, 1))
	if !ok {
		return undefined, signatureErr("power", 2)
	}
	r := math.Pow(b, x)
	if math.IsNaN(r) || math.IsInf(r, 0) {
		return undefined, coded("D3061", "The power function has resulted in a value that cannot be represented as a JSON number: base=%s, exponent=%s", formatJS(b), formatJS(x))
	}
	return reflect.ValueOf(r), nil
}

func sqrt(_ *evalState, args []reflect.Value) (reflect.Value, error) {
	if isUndefined(arg(args, 0)) {
		return undefined, nil
	}
	x, ok := number(arg(args, 0))
	if !ok {
		return undefined, signatureErr("sqrt", 1)
	}
	if x < 0 {
		return undefined, coded("D3060", "The sqrt function cannot be applied to a negative number: %s", formatJS(x))
	}
	return reflect.ValueOf(math.Sqrt(x)), nil
}

// formatNumber is the library's $formatNumber, kept from its two infinite
// loops: scaling a zero or a non-finite value into an exponent picture's
// mantissa range never ends. A zero is formatted as a one whose first 1 is
// written 0 (the exponent of both is 0).
func formatNumber(_ *evalState, args []reflect.Value) (reflect.Value, error) {
	if isUndefined(arg(args, 0)) {
		return undefined, nil
	}
	x, ok := number(arg(args, 0))
	if !ok {
		return undefined, signatureErr("formatNumber", 1)
	}
	picture, ok := str(arg(args, 1))
	if !ok {
		return undefined, signatureErr("formatNumber", 2)
	}
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return undefined, coded("D1001", "Number out of range: %s", formatJS(x))
	}
	var opts jtypes.OptionalValue
	if o := arg(args, 2); o.IsValid() {
		opts.Set(o)
	}
	zero := x == 0 && (strings.ContainsAny(picture, "eE") || opts.IsSet())
	if zero {
		x = 1
	}
	out, err := jlib.FormatNumber(x, picture, opts)
	if err != nil {
		return undefined, err
	}
	if zero {
		out = strings.Replace(out, "1", "0", 1)
	}
	return reflect.ValueOf(out), nil
}
