package jsonata

import (
	"math"
	"reflect"
	"strings"
	"unicode/utf8"

	jsonatalib "github.com/blues/jsonata-go"
	"github.com/blues/jsonata-go/jlib"
	"github.com/blues/jsonata-go/jtypes"
)

// The library's built-in functions are single shared objects, and every
// call writes the caller's context and the function's name into them, so
// two goroutines evaluating at once race, and a function reading its
// context (names.$uppercase()) can see the other evaluation's. The bridge
// therefore binds, per evaluation, a fresh instance of each built-in the
// expression names, made from the library's exported implementations with
// the library's argument conventions restated here.

var (
	undefinedFirst = jtypes.ArgUndefined(0)
	noArgs         = jtypes.ArgCountEquals(0)
	oneArg         = jtypes.ArgCountEquals(1)
)

func ext(fn any, undef, ctx jtypes.ArgHandler) jsonatalib.Extension {
	return jsonatalib.Extension{Func: fn, UndefinedHandler: undef, EvalContextHandler: ctx}
}

// libFuncs are the library's functions the bridge does not replace.
var libFuncs = map[string]jsonatalib.Extension{
	"string":             ext(jlib.String, undefinedFirst, noArgs),
	"length":             ext(utf8.RuneCountInString, undefinedFirst, noArgs),
	"substring":          ext(jlib.Substring, undefinedFirst, numbersOnly(1, 2)),
	"substringBefore":    ext(jlib.SubstringBefore, undefinedFirst, oneString),
	"substringAfter":     ext(jlib.SubstringAfter, undefinedFirst, oneString),
	"uppercase":          ext(strings.ToUpper, undefinedFirst, noArgs),
	"lowercase":          ext(strings.ToLower, undefinedFirst, noArgs),
	"trim":               ext(jlib.Trim, undefinedFirst, noArgs),
	"contains":           ext(jlib.Contains, undefinedFirst, oneArg),
	"split":              ext(jlib.Split, undefinedFirst, patternThenNumber(1)),
	"join":               ext(jlib.Join, undefinedFirst, nil),
	"match":              ext(jlib.Match, undefinedFirst, regexThenNumber),
	"replace":            ext(jlib.Replace, undefinedFirst, patternThenNumber(2)),
	"formatBase":         ext(jlib.FormatBase, undefinedFirst, noArgs),
	"base64encode":       ext(jlib.Base64Encode, undefinedFirst, noArgs),
	"base64decode":       ext(jlib.Base64Decode, undefinedFirst, noArgs),
	"decodeUrl":          ext(jlib.DecodeURL, undefinedFirst, noArgs),
	"decodeUrlComponent": ext(jlib.DecodeURL, undefinedFirst, noArgs),
	"number":             ext(jlib.Number, undefinedFirst, noArgs),
	"abs":                ext(math.Abs, undefinedFirst, noArgs),
	"floor":              ext(math.Floor, undefinedFirst, noArgs),
	"ceil":               ext(math.Ceil, undefinedFirst, noArgs),
	"round":              ext(jlib.Round, undefinedFirst, noArgs),
	"sum":                ext(jlib.Sum, undefinedFirst, nil),
	"max":                ext(jlib.Max, undefinedFirst, nil),
	"min":                ext(jlib.Min, undefinedFirst, nil),
	"average":            ext(jlib.Average, undefinedFirst, nil),
	"boolean":            ext(jlib.Boolean, undefinedFirst, noArgs),
	"not":                ext(jlib.Not, nil, noArgs),
	"exists":             ext(jlib.Exists, nil, nil),
	"distinct":           ext(jlib.Distinct, nil, nil),
	"count":              ext(jlib.Count, nil, nil),
	"reverse":            ext(jlib.Reverse, undefinedFirst, nil),
	"sort":               ext(jlib.Sort, undefinedFirst, nil),
	"zip":                ext(jlib.Zip, nil, nil),
	"append":             ext(jlib.Append, bothUndefined, nil),
	"map":                ext(jlib.Map, undefinedFirst, nil),
	"filter":             ext(jlib.Filter, undefinedFirst, nil),
	"reduce":             ext(jlib.Reduce, undefinedFirst, nil),
	"each":               ext(jlib.Each, undefinedFirst, noArgs),
	"sift":               ext(jlib.Sift, undefinedFirst, oneArg),
	"keys":               ext(jlib.Keys, undefinedFirst, noArgs),
	"lookup":             ext(lookup, undefinedFirst, oneString),
	"spread":             ext(jlib.Spread, undefinedFirst, noArgs),
	"merge":              ext(jlib.Merge, undefinedFirst, nil),
	"fromMillis":         ext(jlib.FromMillis, undefinedFirst, noArgs),
	"toMillis":           ext(jlib.ToMillis, undefinedFirst, noArgs),
	"type":               ext(jlib.TypeOf, undefinedFirst, noArgs),
}

// The context handlers: whether a call's arguments leave out the first
// one, which then comes from the context (names.$substring(1)).

func numbersOnly(counts ...int) jtypes.ArgHandler {
	return func(argv []reflect.Value) bool {
		for _, n := range counts {
			if len(argv) == n {
				for _, a := range argv {
					if !jtypes.IsNumber(a) {
						return false
					}
				}
				return true
			}
		}
		return false
	}
}

func oneString(argv []reflect.Value) bool { return len(argv) == 1 && jtypes.IsString(argv[0]) }

func isPattern(v reflect.Value) bool { return jtypes.IsString(v) || jtypes.IsCallable(v) }

// patternThenNumber: n patterns (string or regex), then an optional number.
func patternThenNumber(n int) jtypes.ArgHandler {
	return func(argv []reflect.Value) bool {
		if len(argv) != n && len(argv) != n+1 {
			return false
		}
		for _, a := range argv[:n] {
			if !isPattern(a) {
				return false
			}
		}
		return len(argv) == n || jtypes.IsNumber(argv[n])
	}
}

func regexThenNumber(argv []reflect.Value) bool {
	switch len(argv) {
	case 1:
		return jtypes.IsCallable(argv[0])
	case 2:
		return jtypes.IsCallable(argv[0]) && jtypes.IsNumber(argv[1])
	}
	return false
}

func bothUndefined(argv []reflect.Value) bool {
	return len(argv) == 2 && !argv[0].IsValid() && !argv[1].IsValid()
}

// lookup is $lookup(object, key): the key's value in an object, or the
// values in each object of an array, flattened.
func lookup(v reflect.Value, key string) (any, error) {
	r := resolve(v)
	if r.Kind() == reflect.Map {
		if e := r.MapIndex(reflect.ValueOf(key)); e.IsValid() {
			return e.Interface(), nil
		}
		return nil, jtypes.ErrUndefined
	}
	if r.Kind() != reflect.Slice {
		return nil, jtypes.ErrUndefined
	}
	var out []any
	for i := 0; i < r.Len(); i++ {
		e, err := lookup(r.Index(i), key)
		if err != nil {
			continue
		}
		if er := resolve(reflect.ValueOf(e)); er.Kind() == reflect.Slice {
			for j := 0; j < er.Len(); j++ {
				out = append(out, er.Index(j).Interface())
			}
			continue
		}
		out = append(out, e)
	}
	switch len(out) {
	case 0:
		return nil, jtypes.ErrUndefined
	case 1:
		return out[0], nil
	}
	return out, nil
}
