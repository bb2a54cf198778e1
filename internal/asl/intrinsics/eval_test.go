package intrinsics_test

import (
	"encoding/json"
	"errors"
	"regexp"
	"strings"
	"testing"

	"github.com/mie-kafka/mie/internal/asl/failure"
	"github.com/mie-kafka/mie/internal/asl/intrinsics"
	"github.com/mie-kafka/mie/internal/asl/jsonpath"
	"github.com/mie-kafka/mie/internal/asl/jsonvalue"
)

func decode(t testing.TB, s string) any {
	t.Helper()
	d := json.NewDecoder(strings.NewReader(s))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		t.Fatalf("decode %s: %v", s, err)
	}
	return v
}

// env resolves $ against input, $$ against a fixed context and $vars.
func env(t testing.TB, input string) intrinsics.Env {
	in := decode(t, input)
	ctx := decode(t, `{"Execution": {"Id": "arn:exec", "Input": {"suffix": "run"}}}`)
	vars := map[string]any{"greeting": "hi", "list": []any{"x", "y"}}
	return intrinsics.Env{Resolve: func(p *jsonpath.Path) (any, error) {
		switch p.Root() {
		case jsonpath.RootContext:
			return p.Get(ctx)
		case jsonpath.RootVariable:
			return p.Get(vars[p.Variable()])
		}
		return p.Get(in)
	}}
}

func eval(t *testing.T, expr, input string) (any, error) {
	t.Helper()
	c, err := intrinsics.Parse(expr)
	if err != nil {
		t.Fatalf("Parse(%s): %v", expr, err)
	}
	return c.Eval(env(t, input))
}

// The examples of AWS's "Intrinsic functions for JSONPath states" page,
// with the results it states.
func TestEvalAWSExamples(t *testing.T) {
	tests := []struct{ expr, input, want string }{
		{"States.Format('Hello, my name is {}.', $.name)", `{"name": "Arnav", "template": "Hello, my name is {}."}`, `"Hello, my name is Arnav."`},
		{"States.Format($.template, $.name)", `{"name": "Arnav", "template": "Hello, my name is {}."}`, `"Hello, my name is Arnav."`},
		{"States.StringToJson($.escapedJsonString)", `{"escapedJsonString": "{\"foo\": \"bar\"}"}`, `{"foo":"bar"}`},
		{"States.JsonToString($.unescapedJson)", `{"unescapedJson": {"foo": "bar"}}`, `"{\"foo\":\"bar\"}"`},
		{"States.Array($.Id)", `{"Id": 123456}`, `[123456]`},
		{"States.ArrayPartition($.inputArray, 4)", `{"inputArray": [1,2,3,4,5,6,7,8,9]}`, `[[1,2,3,4],[5,6,7,8],[9]]`},
		{"States.ArrayContains($.inputArray, $.lookingFor)", `{"inputArray": [1,2,3,4,5,6,7,8,9], "lookingFor": 5}`, `true`},
		{"States.ArrayRange(1, 9, 2)", `{}`, `[1,3,5,7,9]`},
		{"States.ArrayGetItem($.inputArray, $.index)", `{"inputArray": [1,2,3,4,5,6,7,8,9], "index": 5}`, `6`},
		{"States.ArrayLength($.inputArray)", `{"inputArray": [1,2,3,4,5,6,7,8,9]}`, `9`},
		{"States.ArrayUnique($.inputArray)", `{"inputArray": [1,2,3,3,3,3,3,3,4]}`, `[1,2,3,4]`},
		{"States.Base64Encode($.input)", `{"input": "Data to encode"}`, `"RGF0YSB0byBlbmNvZGU="`},
		{"States.Base64Decode($.base64)", `{"base64": "RGF0YSB0byBlbmNvZGU="}`, `"Data to encode"`},
		{"States.JsonMerge($.json1, $.json2, false)", `{"json1": {"a": {"a1": 1, "a2": 2}, "b": 2}, "json2": {"a": {"a3": 1, "a4": 2}, "c": 3}}`,
			`{"a":{"a3":1,"a4":2},"b":2,"c":3}`},
		{"States.MathAdd($.value1, $.step)", `{"value1": 111, "step": -1}`, `110`},
		{"States.StringSplit($.inputString, $.splitter)", `{"inputString": "1,2,3,4,5", "splitter": ","}`, `["1","2","3","4","5"]`},
		{"States.StringSplit($.inputString, $.splitter)", `{"inputString": "This.is+a,test=string", "splitter": ".+,="}`, `["This","is","a","test","string"]`},
		// The page's nine-call example has three {} for two values, which
		// Eval rejects (see TestEvalErrors); with two {} it works.
		{strings.Replace(awsNested, "'{}.{}.{}'", "'{}.{}'", 1),
			`{"ImageRecipe": {"Arn": "arn:aws:imagebuilder:us-east-1:123456789012:image-recipe/my-recipe.v1/1.0.0"}}`, `"1.0"`},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			v, err := eval(t, tt.expr, tt.input)
			if err != nil {
				t.Fatalf("Eval: %v", err)
			}
			if got := jsonvalue.MustMarshal(v); got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}
}

// TestEval covers each function's rules; the behaviours marked "AWS" were
// observed on Step Functions where they differ from its documentation.
func TestEval(t *testing.T) {
	tests := []struct{ expr, input, want string }{
		// Format
		{`States.Format('Name: \'{}\', Surname: "{}"', $.a, $.b)`, `{"a": "Gabriel", "b": "Moreira"}`, `"Name: 'Gabriel', Surname: \"Moreira\""`},
		{`States.Format('\{\} {} \\', 1)`, `{}`, `"{} 1 \\"`},
		{"States.Format('{}|{}|{}|{}|{}', $.n, $.b, $.i, $.f, $.o)", `{"n": null, "b": false, "i": -1, "f": 3.5, "o": {"k": [1]}}`, `"null|false|-1|3.5|{\"k\":[1]}"`},
		{"States.Format('no placeholders')", `{}`, `"no placeholders"`},
		{"States.Format('  {}  ', $.a)", `{"a": "x"}`, `"  x  "`},
		{"States.Format('{}:{}', $.name, $$.Execution.Input.suffix)", `{"name": "job"}`, `"job:run"`},
		{"States.Format('{} {}', $greeting, $list[1])", `{}`, `"hi y"`},
		{"States.Format('arn:{}:{}', $.svc, States.JsonToString($.obj))", `{"svc": "lambda", "obj": {"k": 1}}`, `"arn:lambda:{\"k\":1}"`},
		// StringToJson / JsonToString
		{"States.StringToJson($.s)", `{"s": " [1, 2.50, \"x\"] "}`, `[1,2.50,"x"]`},
		{"States.StringToJson($.s)", `{"s": "null"}`, `null`},
		{"States.StringToJson($.s)", `{"s": ""}`, `null`}, // AWS
		{"States.StringToJson(States.JsonToString($.o))", `{"o": {"a": 1, "n": {"ok": true}}}`, `{"a":1,"n":{"ok":true}}`},
		{"States.JsonToString($.o)", `{"o": "a<b>&"}`, `"\"a<b>&\""`},
		{"States.JsonToString($.o)", `{"o": [null, "", 0, true, [0]]}`, `"[null,\"\",0,true,[0]]"`},
		// Array
		{"States.Array()", `{}`, `[]`},
		{"States.Array(42, true, null, 'hello', -1.5e2)", `{}`, `[42,true,null,"hello",-1.5e2]`},
		{"States.Array(1, States.Array(2, 3))", `{}`, `[1,[2,3]]`},
		{"States.Array($.items[*].id)", `{"items": [{"id": 1}, {"id": 2}]}`, `[[1,2]]`},
		// ArrayPartition
		{"States.ArrayPartition($.a, 10)", `{"a": [1, 2, 3]}`, `[[1,2,3]]`},
		{"States.ArrayPartition($.a, 3)", `{"a": []}`, `[]`},
		{"States.ArrayPartition($.a, 2.6)", `{"a": [1, 2, 3, 4, 5]}`, `[[1,2],[3,4],[5]]`}, // AWS truncates
		{"States.ArrayPartition($.a, 2147483647)", `{"a": [1, 2, 3]}`, `[[1,2,3]]`},
		// ArrayContains
		{"States.ArrayContains($.a, null)", `{"a": [1, null, 3]}`, `true`},
		{"States.ArrayContains($.a, $.t)", `{"a": [{"a": 1}, {"b": 2}], "t": {"a": 1}}`, `true`},
		{"States.ArrayContains($.a, $.t)", `{"a": [{"a": 1}], "t": {"a": 1, "extra": null}}`, `false`},
		{"States.ArrayContains($.a, false)", `{"a": [0, 1, -1]}`, `false`},
		{"States.ArrayContains($.a, true)", `{"a": ["true", "false"]}`, `true`}, // AWS compares text
		{"States.ArrayContains($.a, 9007199254740991)", `{"a": ["9007199254740991"]}`, `true`},
		{"States.ArrayContains($.a, 1)", `{"a": []}`, `false`},
		// ArrayRange
		{"States.ArrayRange(1, 5, 1)", `{}`, `[1,2,3,4,5]`},
		{"States.ArrayRange(-2, 2, 2)", `{}`, `[-2,0,2]`},
		{"States.ArrayRange(3, 3, -1)", `{}`, `[3]`},
		{"States.ArrayRange(5, 1, -2)", `{}`, `[5,3,1]`},
		{"States.ArrayRange(5, 1, 1)", `{}`, `[]`},
		{"States.ArrayRange(1.4, 5.6, 2.2)", `{}`, `[1,3,5]`},
		{"States.ArrayRange(1.6, 1.4, 1)", `{}`, `[1]`},         // AWS truncates
		{"States.ArrayRange(5.4, -0.6, -2.4)", `{}`, `[5,3,1]`}, // AWS truncates
		{"States.ArrayRange(States.MathAdd($.b, 1), States.MathAdd($.b, 5), 2)", `{"b": 0}`, `[1,3,5]`},
		// ArrayGetItem
		{"States.ArrayGetItem($.a, 0)", `{"a": [null]}`, `null`},
		{"States.ArrayGetItem(States.Array('x', 'y', 'z'), 1)", `{}`, `"y"`},
		{"States.ArrayGetItem($.a, 1.2)", `{"a": [10, 20, 30]}`, `20`}, // AWS truncates
		{"States.ArrayGetItem($.a, 999)", `{"a": []}`, `null`},         // AWS
		// ArrayLength / ArrayUnique
		{"States.ArrayLength($.a)", `{"a": []}`, `0`},
		{"States.ArrayUnique($.a)", `{"a": [{"a": 1, "b": 2}, {"b": 2, "a": 1}]}`, `[{"a":1,"b":2}]`},
		// Base64
		{"States.Base64Encode('')", `{}`, `""`},
		{"States.Base64Encode($.s)", `{"s": "こんにちは"}`, `"44GT44KT44Gr44Gh44Gv"`},
		{"States.Base64Encode('🚀')", `{}`, `"8J+agA=="`},
		{"States.Base64Decode('4pyT')", `{}`, `"✓"`},
		{"States.Base64Decode('YWJjAGRlZg==')", `{}`, `"abc\u0000def"`},
		{"States.Base64Decode(' YWJjZA== ')", `{}`, `"abcd"`}, // AWS tolerates blanks
		{"States.Base64Decode('abc')", `{}`, "\"i\uFFFD\""},   // AWS decodes unpadded input; 0xB7 is not UTF-8
		{"States.Base64Decode(States.Base64Encode($.s))", `{"s": "hello"}`, `"hello"`},
		// Hash
		{"States.Hash('hello', 'MD5')", `{}`, `"5d41402abc4b2a76b9719d911017c592"`},
		{"States.Hash('hello', 'SHA-1')", `{}`, `"aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d"`},
		{"States.Hash('hello', 'SHA-256')", `{}`, `"2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"`},
		{"States.Hash('hello', 'SHA-384')", `{}`, `"59e1748777448c69de6b800d7a33bbfb9ff1b463e44354c3553bcdb9c666fa90125a3c79f90397bdf5f6a13de828684f"`},
		{"States.Hash('hello', 'SHA-512')", `{}`, `"9b71d224bd62f3785d96d46ad3ea3d73319bfbc2890caadae2dff72519673ca72323c3d99ba5c11d7c7acc6e14b8c5da0c4663475c2e5c3adef46f73bcdec043"`},
		{"States.Hash('', 'SHA-256')", `{}`, `"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"`},
		{"States.Hash('🚀', 'SHA-256')", `{}`, `"ebbc0b2870eb323f2b6cffa5c493ceef81ae7eb36afc73d4e0367301631daec5"`},
		{"States.Hash(123, 'MD5')", `{}`, `"202cb962ac59075b964b07152d234b70"`}, // AWS hashes the text
		{"States.Hash(States.Format('{}:{}', $.a, $.b), 'SHA-256')", `{"a": "x", "b": "y"}`, `"1274e286686b54fe765ec40735665b4bf789cee2a5b22124c5e0491a88e15271"`},
		// JsonMerge
		{"States.JsonMerge($.a, $.b, false)", `{"a": {"x": 1, "y": 2}, "b": {"y": 3, "z": 4}}`, `{"x":1,"y":3,"z":4}`},
		{"States.JsonMerge($.a, $.b, false)", `{"a": {"n": {"l": true}, "k": 1}, "b": {"n": null}}`, `{"k":1,"n":null}`},
		{"States.JsonMerge($.a, $.b, 'false')", `{"a": {}, "b": {"x": 1}}`, `{"x":1}`}, // AWS treats it as false
		// MathAdd
		{"States.MathAdd(-5, 3)", `{}`, `-2`},
		{"States.MathAdd($.a, $.b)", `{"a": 1.6, "b": 2.7}`, `5`}, // AWS rounds
		{"States.MathAdd($.a, $.b)", `{"a": 0.1, "b": 0.2}`, `0`},
		{"States.MathAdd(2147483646, 1)", `{}`, `2147483647`},
		{"States.MathAdd(-2147483647, -1)", `{}`, `-2147483648`},
		{"States.MathAdd(States.MathAdd($.x, 1), 2)", `{"x": 5}`, `8`},
		// StringSplit
		{"States.StringSplit($.s, ',')", `{"s": "a,,b,"}`, `["a","b"]`}, // AWS drops empty pieces
		{"States.StringSplit($.s, ',')", `{"s": ""}`, `[]`},
		{"States.StringSplit($.s, '')", `{"s": "abc"}`, `["abc"]`},
		{"States.StringSplit($.s, 'ab')", `{"s": "1a2b3ab4"}`, `["1","2","3","4"]`},
		{"States.StringSplit(States.Format('{}-{}', $.a, $.b), '-')", `{"a": "x", "b": "y"}`, `["x","y"]`},
		// UUID is checked in TestUUID; MathRandom in TestMathRandom.
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			v, err := eval(t, tt.expr, tt.input)
			if err != nil {
				t.Fatalf("Eval: %v", err)
			}
			if got := jsonvalue.MustMarshal(v); got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}
}

// TestArrayUniqueOrder: AWS returns the values in Java HashSet order
// ([true, false] gives [false, true]); the expected results were printed
// by Java 21's new ArrayList<>(new HashSet<>(list)) over json-smart's
// objects.
func TestArrayUniqueOrder(t *testing.T) {
	tests := []struct{ in, want string }{
		{`[null, null, true, true, false, false, 1, 1, 1.1, 0, -0, "HelloWorld", "HelloWorld", [], [], [null], [null], {"a":1,"b":2}, {"a":1,"b":2}, {"a":1,"b":1}]`,
			`[null,0,{"a":1,"b":2},1,[],{"a":1,"b":1},1.1,true,"HelloWorld",false,[null]]`},
		{`[true, false, true, false]`, `[false,true]`},
		{`[[1,2],[1,2],[2,1]]`, `[[2,1],[1,2]]`},
		{`[null, null, 1, null]`, `[null,1]`},
		{`["a","b","a","c","b"]`, `["a","b","c"]`},
		{`[1,2,3,3,3,3,3,3,4]`, `[1,2,3,4]`},
		{`["k0","k1","k2","k3","k4","k5","k6","k7","k8","k9","k10","k11","k12","k13","k14","k15","k16","k17","k18","k19","k0"]`,
			`["k0","k1","k2","k3","k4","k5","k11","k6","k10","k7","k13","k8","k12","k9","k15","k14","k17","k16","k19","k18"]`},
		{`[3000000000, 9007199254740993, 1e2, 100, 100.0, -5, 123456789012345678901234567890, -123456789012345678901234567890, 0.5, "é🚀"]`,
			`[3000000000,0.5,9007199254740993,"é🚀",100,-5,-123456789012345678901234567890,123456789012345678901234567890,100.0]`},
		{`[{"x":[1,{"y":null}]}, {"b":true,"a":"s"}, [[]], {}, [{}]]`, `[[[]],{},{"x":[1,{"y":null}]},{"a":"s","b":true},[{}]]`},
	}
	for _, tt := range tests {
		v, err := eval(t, "States.ArrayUnique($.a)", `{"a": `+tt.in+`}`)
		if err != nil {
			t.Fatal(err)
		}
		if !jsonvalue.Equal(v, decode(t, tt.want)) {
			t.Errorf("ArrayUnique(%s) = %s, Java gives %s", tt.in, jsonvalue.MustMarshal(v), tt.want)
		}
	}
}

func TestMathRandom(t *testing.T) {
	c, _ := intrinsics.Parse("States.MathRandom($.start, $.end)")
	e := env(t, `{"start": 1, "end": 999}`)
	for _, r := range []float64{0, 0.5, 0.999999999} {
		e.Random = func() float64 { return r }
		v, err := c.Eval(e)
		if err != nil {
			t.Fatal(err)
		}
		n, _ := jsonvalue.Int(v)
		if n < 1 || n >= 999 {
			t.Errorf("Random %v gave %d, outside [1, 999)", r, n)
		}
	}
	// A seed gives one value, whatever Random says: Java's
	// new Random(seed).nextInt(end-start) plus start (values from Java 21).
	for expr, want := range map[string]string{
		"States.MathRandom(1, 100, 42)":                 "63",
		"States.MathRandom(2147483640, 2147483647, 1)":  "2147483644",
		"States.MathRandom(1.6, 5.4, 42)":               "3",
		"States.MathRandom(0, 1073741824, 7)":           "784582118",
		"States.MathRandom(-1000000, 1000000, -10)":     "281283",
		"States.MathRandom($.start, $.end, 0)":          "",
		"States.MathRandom(1, 10, 2.6)":                 "",
		"States.MathRandom(States.MathAdd(0, 1), 5, 3)": "",
	} {
		c, err := intrinsics.Parse(expr)
		if err != nil {
			t.Fatal(err)
		}
		first, err := c.Eval(e)
		if err != nil {
			t.Fatalf("%s: %v", expr, err)
		}
		again, _ := c.Eval(e)
		if jsonvalue.MustMarshal(first) != jsonvalue.MustMarshal(again) {
			t.Errorf("%s gave %v then %v", expr, first, again)
		}
		if want != "" && jsonvalue.MustMarshal(first) != want {
			t.Errorf("%s = %v, want %s", expr, first, want)
		}
	}
}

func TestUUID(t *testing.T) {
	v, err := eval(t, "States.UUID()", `{}`)
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`).MatchString(v.(string)) {
		t.Errorf("%v is not a v4 UUID", v)
	}
	c, _ := intrinsics.Parse("States.UUID()")
	e := env(t, `{}`)
	e.UUID = func() string { return "fixed" }
	if v, _ := c.Eval(e); v != "fixed" {
		t.Errorf("Env.UUID not used: %v", v)
	}
}

// TestEvalErrors: every rule a function checks fails with States.Runtime
// and a Cause that names the function and the argument.
func TestEvalErrors(t *testing.T) {
	a10001 := strings.Repeat("a", 10001)
	tests := []struct{ expr, input, cause string }{
		{"States.Format('{} {}', $.a)", `{"a": "x"}`, "Invalid arguments in States.Format: the template has more {} than the 1 values given"},
		{awsNested, `{"ImageRecipe": {"Arn": "a/b/1.0.0"}}`, "the template has more {} than the 2 values given"},
		{"States.Format('{}', $.a, $.b)", `{"a": "x", "b": "y"}`, "Invalid arguments in States.Format: the template has 1 {} but 2 values are given"},
		{"States.Format($.t, $.a)", `{"t": 123, "a": "x"}`, "argument 1 (template) must be a string, not a number"},
		{"States.Format('Hello {', $.a)", `{"a": "x"}`, `argument 1 (template) has an unmatched '{'`},
		{"States.Format('Hello {{}}', $.a)", `{"a": "x"}`, `unmatched '{'`},
		{"States.Format('}')", `{}`, `unmatched '}'`},
		{"States.Format()", `{}`, "Invalid arguments in States.Format: expected at least 1 arguments, got 0"},
		{"States.StringToJson($.s)", `{"s": "{bad json}"}`, "Invalid arguments in States.StringToJson: argument 1 is not JSON text"},
		{"States.StringToJson($.s)", `{"s": "{\"a\":1"}`, "is not JSON text"},
		{"States.StringToJson($.s)", `{"s": "1 2"}`, "more follows the value"},
		{"States.StringToJson($.s)", `{"s": "undefined"}`, "is not JSON text"},
		{"States.StringToJson($.s)", `{"s": 123}`, "argument 1 must be a string, not a number"},
		{"States.StringToJson($.s)", `{"s": [1]}`, "must be a string, not an array"},
		{"States.StringToJson()", `{}`, "Invalid arguments in States.StringToJson: expected 1 argument, got 0"},
		{"States.StringToJson($.a, $.b)", `{"a": "1", "b": "2"}`, "expected 1 argument, got 2"},
		{"States.JsonToString()", `{}`, "expected 1 argument, got 0"},
		{"States.ArrayPartition('not-array', 2)", `{}`, "Invalid arguments in States.ArrayPartition: argument 1 must be an array, not a string"},
		{"States.ArrayPartition($.a, 0)", `{"a": [1]}`, "argument 2 (chunk size) must be a positive integer, not 0"},
		{"States.ArrayPartition($.a, 0.6)", `{"a": [1]}`, "(chunk size) must be a positive integer, not 0.6"},
		{"States.ArrayPartition($.a, -1)", `{"a": [1]}`, "positive integer"},
		{"States.ArrayPartition($.a, '2')", `{"a": [1]}`, `(chunk size) must be a positive integer, not 2`},
		{"States.ArrayPartition($.a, null)", `{"a": [1]}`, "not null"},
		{"States.ArrayPartition($.a)", `{"a": [1]}`, "expected 2 arguments, got 1"},
		{"States.ArrayContains('x', 'x')", `{}`, "Invalid arguments in States.ArrayContains: argument 1 must be an array, not a string"},
		{"States.ArrayContains($.a, 2, 3)", `{"a": [1]}`, "expected 2 arguments, got 3"},
		{"States.ArrayRange('a', 5, 1)", `{}`, "Invalid arguments in States.ArrayRange: argument 1 (first) must be an integer, not a"},
		{"States.ArrayRange(1, 'b', 1)", `{}`, "argument 2 (last) must be an integer"},
		{"States.ArrayRange(1, 5, 'c')", `{}`, "argument 3 (step) must be an integer"},
		{"States.ArrayRange(1, 10, 0)", `{}`, "argument 3 (step) must not be 0"},
		{"States.ArrayRange(1, 10, 0.49)", `{}`, "(step) must not be 0"},
		{"States.ArrayRange(1, 1001, 1)", `{}`, "the range has 1001 items; at most 1000 are allowed"},
		{"States.ArrayRange(1001, 1, -1)", `{}`, "at most 1000"},
		{"States.ArrayRange(1, 5)", `{}`, "expected 3 arguments, got 2"},
		{"States.ArrayGetItem('not-array', 0)", `{}`, "Invalid arguments in States.ArrayGetItem: argument 1 must be an array"},
		{"States.ArrayGetItem($.a, 3)", `{"a": [10, 20, 30]}`, "argument 2 (index) 3 is out of bounds for an array of 3 items"},
		{"States.ArrayGetItem($.a, -1)", `{"a": [10]}`, "(index) -1 is out of bounds"},
		{"States.ArrayGetItem($.a, '1')", `{"a": [10]}`, "(index) must be an integer, not 1"},
		{"States.ArrayLength($.a)", `{"a": {}}`, "Invalid arguments in States.ArrayLength: argument 1 must be an array, not an object"},
		{"States.ArrayUnique($.a)", `{"a": "x"}`, "Invalid arguments in States.ArrayUnique: argument 1 must be an array"},
		{"States.Base64Encode($.s)", `{"s": "` + a10001 + `"}`, "Invalid arguments in States.Base64Encode: argument 1 has 10001 characters; at most 10000 are allowed"},
		{"States.Base64Encode(123)", `{}`, "argument 1 must be a string, not a number"},
		{"States.Base64Encode($.o)", `{"o": {}}`, "must be a string, not an object"},
		{"States.Base64Encode('a', 'b')", `{}`, "expected 1 argument, got 2"},
		{"States.Base64Decode($.s)", `{"s": "` + a10001 + `"}`, "Invalid arguments in States.Base64Decode: argument 1 has 10001 characters"},
		{"States.Base64Decode(123)", `{}`, "must be a string, not a number"},
		{"States.Base64Decode('a')", `{}`, "argument 1 is not Base64"},
		{"States.Base64Decode()", `{}`, "expected 1 argument, got 0"},
		{"States.Hash($.s, 'SHA-256')", `{"s": "` + a10001 + `"}`, "Invalid arguments in States.Hash: argument 1 has 10001 characters"},
		{"States.Hash('x', 123)", `{}`, "argument 2 (algorithm) must be a string, not a number"},
		{"States.Hash('x', 'sha-256')", `{}`, `argument 2 (algorithm) "sha-256" is not one of MD5, SHA-1, SHA-256, SHA-384, SHA-512`},
		{"States.Hash('x', 'SHA256')", `{}`, "is not one of"},
		{"States.Hash('x', 'MD-5')", `{}`, "is not one of"},
		{"States.Hash('x', '')", `{}`, "is not one of"},
		{"States.Hash('hello')", `{}`, "expected 2 arguments, got 1"},
		{"States.JsonMerge($.a, $.b, true)", `{"a": {}, "b": {}}`, "Invalid arguments in States.JsonMerge: argument 3 (deep merge) must be false"},
		{"States.JsonMerge($.a, $.b, false)", `{"a": null, "b": {}}`, "argument 1 must be an object, not null"},
		{"States.JsonMerge($.a, $.b, false)", `{"a": {}, "b": "x"}`, "argument 2 must be an object, not a string"},
		{"States.JsonMerge($.a, $.b, false)", `{"a": [], "b": {}}`, "argument 1 must be an object, not an array"},
		{"States.JsonMerge($.a, $.b)", `{"a": {}, "b": {}}`, "expected 3 arguments, got 2"},
		{"States.MathRandom(1, 1)", `{}`, "Invalid arguments in States.MathRandom: start 1 must be less than end 1"},
		{"States.MathRandom(10, 5)", `{}`, "start 10 must be less than end 5"},
		{"States.MathRandom(1.4, 1.6)", `{}`, "start 1 must be less than end 1"}, // AWS truncates
		{"States.MathRandom('a', 10)", `{}`, "argument 1 (start) must be an integer, not a"},
		{"States.MathRandom(1, 'b')", `{}`, "argument 2 (end) must be an integer"},
		{"States.MathRandom(1, 10, 'seed')", `{}`, "argument 3 (seed) must be an integer, not seed"},
		{"States.MathRandom(1, 10, null)", `{}`, "argument 3 (seed) must be an integer, not null"},
		{"States.MathRandom(1)", `{}`, "expected 2 to 3 arguments, got 1"},
		{"States.MathRandom(1, 10, 5, 99)", `{}`, "expected 2 to 3 arguments, got 4"},
		{"States.MathAdd(2147483647, 1)", `{}`, "Invalid arguments in States.MathAdd: the sum 2147483648 is outside"},
		{"States.MathAdd(-2147483648, -1)", `{}`, "the sum -2147483649 is outside"},
		{"States.MathAdd(3000000000, 1)", `{}`, "argument 1 must be an integer between -2147483648 and 2147483647, not 3000000000"},
		{"States.MathAdd('a', 1)", `{}`, "argument 1 must be an integer"},
		{"States.MathAdd(1, '2')", `{}`, "argument 2 must be an integer"},
		{"States.MathAdd(null, 1)", `{}`, "argument 1 must be an integer between -2147483648 and 2147483647, not null"},
		{"States.MathAdd(true, 1)", `{}`, "not true"},
		{"States.MathAdd(-1, $.p)", `{"p": [1]}`, "argument 2 must be an integer"},
		{"States.MathAdd(1)", `{}`, "expected 2 arguments, got 1"},
		{"States.StringSplit($.v, ',')", `{"v": 123}`, "Invalid arguments in States.StringSplit: argument 1 must be a string, not a number"},
		{"States.StringSplit($.v, $.d)", `{"v": "a", "d": 1}`, "argument 2 (delimiter) must be a string, not a number"},
		{"States.StringSplit($.v, $.d)", `{"v": null, "d": ","}`, "argument 1 must be a string, not null"},
		{"States.StringSplit($.v, $.d)", `{"v": "a", "d": [","]}`, "not an array"},
		{"States.StringSplit($.v)", `{"v": "a"}`, "expected 2 arguments, got 1"},
		{"States.UUID(1)", `{}`, "Invalid arguments in States.UUID: expected 0 arguments, got 1"},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			_, err := eval(t, tt.expr, tt.input)
			var fe *failure.Error
			if !errors.As(err, &fe) {
				t.Fatalf("Eval error = %v, want a *failure.Error", err)
			}
			if fe.Name != failure.Runtime || !strings.Contains(fe.Cause, tt.cause) {
				t.Errorf("got %s: %s\nwant %s containing %q", fe.Name, fe.Cause, failure.Runtime, tt.cause)
			}
		})
	}
}

// TestEvalPathError: a path that does not resolve fails with Resolve's
// error, unchanged, even inside nested calls.
func TestEvalPathError(t *testing.T) {
	for _, expr := range []string{"States.Base64Encode($.missing)", "States.Array(1, States.Format('{}', $.missing))"} {
		_, err := eval(t, expr, `{}`)
		var nf *jsonpath.NotFoundError
		if !errors.As(err, &nf) || nf.Path != "$.missing" {
			t.Errorf("%s: error = %v, want the NotFoundError of $.missing", expr, err)
		}
	}
}
