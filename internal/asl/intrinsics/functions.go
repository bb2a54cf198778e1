package intrinsics

import (
	"math"
	"strconv"
	"unicode/utf16"

	"github.com/mie-kafka/mie/internal/asl/jsonvalue"
)

// function is one intrinsic: its name, how many arguments it takes
// (maxArgs -1: any number) and its body, which gets the evaluated
// arguments.
type function struct {
	name             string
	minArgs, maxArgs int
	eval             func(c *Call, env Env, args []any) (any, error)
}

func (f *function) arity() string {
	switch {
	case f.maxArgs < 0:
		return "expected at least " + strconv.Itoa(f.minArgs) + " arguments"
	case f.minArgs == f.maxArgs:
		return "expected " + plural(f.minArgs, "argument")
	}
	return "expected " + strconv.Itoa(f.minArgs) + " to " + plural(f.maxArgs, "argument")
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return strconv.Itoa(n) + " " + word + "s"
}

// functions is every intrinsic Step Functions has in JSONPath mode.
var functions = map[string]*function{}

func init() {
	for _, f := range []*function{
		{"States.Format", 1, -1, evalFormat},
		{"States.StringToJson", 1, 1, evalStringToJSON},
		{"States.JsonToString", 1, 1, evalJSONToString},
		{"States.Array", 0, -1, evalArray},
		{"States.ArrayPartition", 2, 2, evalArrayPartition},
		{"States.ArrayContains", 2, 2, evalArrayContains},
		{"States.ArrayRange", 3, 3, evalArrayRange},
		{"States.ArrayGetItem", 2, 2, evalArrayGetItem},
		{"States.ArrayLength", 1, 1, evalArrayLength},
		{"States.ArrayUnique", 1, 1, evalArrayUnique},
		{"States.Base64Encode", 1, 1, evalBase64Encode},
		{"States.Base64Decode", 1, 1, evalBase64Decode},
		{"States.Hash", 2, 2, evalHash},
		{"States.JsonMerge", 3, 3, evalJSONMerge},
		{"States.MathRandom", 2, 3, evalMathRandom},
		{"States.MathAdd", 2, 2, evalMathAdd},
		{"States.StringSplit", 2, 2, evalStringSplit},
		{"States.UUID", 0, 0, evalUUID},
	} {
		functions[f.name] = f
	}
}

// Names lists the intrinsic functions, for a validator's messages.
func Names() []string {
	out := make([]string, 0, len(functions))
	for n := range functions {
		out = append(out, n)
	}
	return out
}

// maxChars is the input limit AWS puts on Base64Encode, Base64Decode and
// Hash: 10,000 characters.
const maxChars = 10000

// javaLength is a string's length as Java counts it (UTF-16 code units),
// which is what AWS's character limits count.
func javaLength(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

// truncInt reads a number the way AWS's ArrayRange, ArrayPartition,
// ArrayGetItem and MathRandom do: a fraction is dropped (Java's
// intValue); it must fit in an int32.
func truncInt(v any) (int64, bool) {
	if _, ok := v.(bool); ok {
		return 0, false
	}
	f, ok := jsonvalue.Float(v)
	if !ok || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, false
	}
	t := math.Trunc(f)
	if t < math.MinInt32 || t > math.MaxInt32 {
		return 0, false
	}
	return int64(t), true
}

// roundInt reads a number the way MathAdd does: rounded to the nearest
// integer, halves up (Java's Math.round); it must fit in an int32.
func roundInt(v any) (int64, bool) {
	if i, ok := jsonvalue.Int(v); ok {
		return i, i >= math.MinInt32 && i <= math.MaxInt32
	}
	f, ok := jsonvalue.Float(v)
	if !ok || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, false
	}
	r := math.Floor(f + 0.5)
	if r < math.MinInt32 || r > math.MaxInt32 {
		return 0, false
	}
	return int64(r), true
}

// text is a value as AWS turns it into a string: a string as it is,
// anything else as its JSON text (null is "null").
func text(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	return jsonvalue.MustMarshal(v)
}

// kind names a value's JSON type for messages.
func kind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "a boolean"
	case string:
		return "a string"
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	if jsonvalue.IsNumber(v) {
		return "a number"
	}
	return "not JSON"
}
