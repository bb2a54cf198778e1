package jsonata

import (
	"errors"
	"testing"
)

// The examples of AWS's "Transforming data with JSONata in Step Functions"
// (docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html),
// with the outputs the page states.
func TestAWSDocsExamples(t *testing.T) {
	tests := []struct {
		name, input, vars, value, want string
	}{{
		name:  "conversion from JSONPath",
		input: `{"title": "Doctor"}`,
		vars:  `{"customerName": "María"}`,
		value: `{"static": "Hello", "title": "{% $states.input.title %}", "name": "{% $customerName %}", "not-evaluated": "$customerName"}`,
		want:  `{"name":"María","not-evaluated":"$customerName","static":"Hello","title":"Doctor"}`,
	}, {
		name:  "input and output",
		input: `{"customer": {"firstName": "Martha", "lastName": "Rivera"}, "order": {"items": 7, "total": 27.91}}`,
		value: `{"lastName": "{% 'Last=>' & $states.input.customer.lastName %}", "orderValue": "{% $states.input.order.total %}"}`,
		want:  `{"lastName":"Last=>Rivera","orderValue":27.91}`,
	}, {
		name: "filtering",
		input: `{"products": [{"calories": 140, "flavour": "Cola", "name": "Product-1"},
			{"calories": 0, "flavour": "Cola", "name": "Product-2"},
			{"calories": 160, "flavour": "Orange", "name": "Product-3"},
			{"calories": 100, "flavour": "Orange", "name": "Product-4"},
			{"calories": 0, "flavour": "Lime", "name": "Product-5"}]}`,
		value: `{"dietProducts": "{% $states.input.products[calories=0] %}"}`,
		want:  `{"dietProducts":[{"calories":0,"flavour":"Cola","name":"Product-2"},{"calories":0,"flavour":"Lime","name":"Product-5"}]}`,
	}, {
		name:  "$partition",
		input: `{"chunkSize": 2}`,
		value: `{"arrayPartition": "{% $partition([1,2,3,4], $states.input.chunkSize) %}"}`,
		want:  `{"arrayPartition":[[1,2],[3,4]]}`,
	}, {
		name:  "$range",
		value: `{"arrayRange": "{% $range(0, 10, 2) %}"}`,
		want:  `{"arrayRange":[0,2,4,6,8,10]}`,
	}, {
		name:  "$parse",
		input: `{"json_string": "{\"a\": [1, 2.5, null]}"}`,
		value: `{"deserializedPayload": "{% $parse($states.input.json_string) %}"}`,
		want:  `{"deserializedPayload":{"a":[1,2.5,null]}}`,
	}, {
		name:  "Items array with an expression element",
		vars:  `{"two": 2}`,
		value: `[1, "{% $two %}", 3]`,
		want:  `[1,2,3]`,
	}, {
		name:  "Condition",
		input: `{"desired_price": 10}`,
		vars:  `{"current_price": 9.5}`,
		value: `"{% $current_price <= $states.input.desired_price %}"`,
		want:  `true`,
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := CompileValue("Output", decode(t, tt.value))
			if err != nil {
				t.Fatal(err)
			}
			got, err := v.Eval(bindings(t, tt.input, tt.vars))
			if err != nil {
				t.Fatal(err)
			}
			if s := encode(t, got); s != tt.want {
				t.Errorf("got  %s\nwant %s", s, tt.want)
			}
		})
	}
}

// JSONata itself, through the library and the bridge's fixes.
func TestJSONata(t *testing.T) {
	input := `{"a": 1, "s": "Hello World", "arr": [1, 2, 3], "o": {"k": "v", "n": {"z": 2}},
		"p": [{"name": "p1", "c": 140}, {"name": "p2", "c": 0}], "big": 9223372036854775807, "nul": null}`
	tests := []struct{ expr, want string }{
		{`$states.input.a + 1`, `2`},
		{`0.1 + 0.2`, `0.30000000000000004`},
		{`1 / 3`, `0.3333333333333333`},
		{`$states.input.arr[-1]`, `3`},
		{`$sum($states.input.arr)`, `6`},
		{`$map($states.input.arr, function($v){ $v * 2 })`, `[2,4,6]`},
		{`$filter($states.input.arr, function($v){ $v > 1 })`, `[2,3]`},
		{`$reduce($states.input.arr, function($a, $b){ $a + $b })`, `6`},
		{`$states.input.arr ~> $map(function($v){ $v + 1 })`, `[2,3,4]`},
		{`($x := 5; $x * 2)`, `10`},
		{`($f := function($n){ $n <= 1 ? 1 : $n * $f($n - 1) }; $f(5))`, `120`},
		{`/* a comment */ $states.input.a`, `1`},
		{`"a/*b*/c"`, `"a/*b*/c"`},
		{`$match("abc123", /[0-9]+/).match`, `"123"`},
		{`$states.input.s ~> $replace(/o/, "0")`, `"Hell0 W0rld"`},
		{`$string(1e20)`, `"100000000000000000000"`},
		{`1e21`, `1e+21`},
		{`$states.input.big`, `9223372036854775807`},
		{`$states.input.nul`, `null`},
		{`$type($states.input.nul)`, `"null"`},
		{`$exists($states.input.nul)`, `true`},
		{`$states.input.missing`, `undefined`},
		{`{"a": $states.input.missing}`, `{}`},
		{`$states.input.o ~> |n|{"z": 3}|`, `{"k":"v","n":{"z":3}}`},
		{`$states.input.p^(>c).name`, `["p1","p2"]`},
		{`$states.input.p{name: c}`, `{"p1":140,"p2":0}`},
		{`$states.input.p.name.$uppercase()`, `["P1","P2"]`},
		{`$states.input.s.$substring(0, 2)`, `"He"`},
		{`$states.input.p.$lookup("name")`, `["p1","p2"]`},
		{`[1..3, 5, 7..8]`, `[1,2,3,5,7,8]`},
		{`[0..2][1]`, `1`},
		{`$states.input.arr[[0..1]]`, `[1,2]`},
		{`[$states.input.a..$count([1..4])]`, `[1,2,3,4]`},
		{`[3..1]`, `[]`},
		{`$formatNumber(1234.5, "#,##0.00")`, `"1,234.50"`},
		{`$formatNumber(0, "0e0")`, `"0e0"`},
		{`$formatNumber(0, "0.00")`, `"0.00"`},
		{`$formatNumber(1234.5, "0.0e0")`, `"1.2e3"`},
		{`$single([1])`, `1`},
		{`$single([1, 2], function($v){ $v > 1 })`, `2`},
		{`$single([1, 2])`, `error: The JSONata expression '$single([1, 2])' threw an error during evaluation. D3138: The $single() function expected exactly 1 matching result.  Instead it matched more.`},
		{`$encodeUrlComponent("a b&c")`, `"a%20b%26c"`},
		{`$encodeUrl("https://x.org/a b?q=1&r=é")`, `"https://x.org/a%20b?q=1&r=%C3%A9"`},
		{`$assert(1 = 2, "nope")`, `error: The JSONata expression '$assert(1 = 2, "nope")' threw an error during evaluation. D3141: nope`},
		{`$error("boom")`, `error: The JSONata expression '$error("boom")' threw an error during evaluation. D3137: boom`},
		{`$now()`, `"2024-11-22T10:30:00.123Z"`},
		{`$millis()`, `1732271400123`},
		{`$now('[Y0001]-[M01]-[D01]')`, `"2024-11-22"`},
		{`$shuffle([1])`, `[1]`},
		{`$eval("1 + 1")`, `error: The JSONata expression '$eval("1 + 1")' threw an error during evaluation. T1006: Attempted to invoke a non-function`},
		{`1 + "a"`, `error: The JSONata expression '1 + "a"' threw an error during evaluation. T2002: The right side of the "+" operator must evaluate to a number`},
		{`$abs("a")`, `error: The JSONata expression '$abs("a")' threw an error during evaluation. T0410: Argument 1 of function "abs" does not match function signature`},
		{`$power(10, 400)`, `error: The JSONata expression '$power(10, 400)' threw an error during evaluation. D3061: The power function has resulted in a value that cannot be represented as a JSON number: base=10, exponent=400`},
		{`$sqrt(-1)`, `error: The JSONata expression '$sqrt(-1)' threw an error during evaluation. D3060: The sqrt function cannot be applied to a negative number: -1`},
		{`function($x){ $x }`, `undefined`},
		{`[1, function($x){ $x }]`, `[1,null]`},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			if got := evalExpr(t, tt.expr, bindings(t, input, "")); got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
}

func TestCompileErrors(t *testing.T) {
	tests := []struct {
		expr string
		kind CompileKind
		code string
		pos  int
	}{
		{`a[1,2)`, Invalid, "S0202", 3},
		{`"unterminated`, Invalid, "S0101", 1},
		{`1 +`, Invalid, "S0207", -2},
		{`/* open`, Invalid, "S0106", 0},
		{``, Invalid, "S0207", 0},
		{`phone`, Unsupported, "", -1},
		{`$states.input.a + phone`, Unsupported, "", -1},
		{`$$.a`, Unsupported, "", -1},
		{`$`, Unsupported, "", -1},
		{`$map($states.input.a, function($x){ b })`, Unsupported, "", -1},
		{`$states.input.p#$i`, Unsupported, "", 15},
		{`$states.input.p@$x`, Unsupported, "", 15},
		{`$states.input.a.%.b`, Unsupported, "", 16},
		{`$__mie_check(1)`, Unsupported, "", 0},
		{`1 ! 2`, Invalid, "S0201", 2},
		{`1 ~ $f`, Invalid, "S0201", 2},
		{`function( )<!<<<`, Invalid, "S0201", 12}, // the library's parser loops for ever on it
		{`$states.input.a ?: 1`, Invalid, "", -2},
		{`$states.input.a ?? 1`, Invalid, "", -2},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			_, err := Compile(tt.expr)
			var ce *CompileError
			if !errors.As(err, &ce) {
				t.Fatalf("got %v, want a CompileError", err)
			}
			if ce.Kind != tt.kind || (tt.code != "" && ce.Code != tt.code) || (tt.pos != -2 && ce.Pos != tt.pos) {
				t.Errorf("got %v (kind %v code %q pos %d), want kind %v code %q pos %d", ce, ce.Kind, ce.Code, ce.Pos, tt.kind, tt.code, tt.pos)
			}
		})
	}
}

func TestLegalNamesAfterTheFirstStep(t *testing.T) {
	for _, expr := range []string{
		`$states.input.items[value > 3]`,
		`$states.input.items^(>value)`,
		`$states.input.items{name: value}`,
		`$states.input ~> |items|{"x": 1}|`,
		`$x.a.b`,
		`$states.input.items.(a + b)`,
	} {
		if _, err := Compile(expr); err != nil {
			t.Errorf("%s: %v", expr, err)
		}
	}
}
