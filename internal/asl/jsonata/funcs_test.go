package jsonata

import (
	"strings"
	"testing"
)

// The functions Step Functions adds, with the argument rules and edge
// cases documented in doc.go.
func TestStepFunctionsFunctions(t *testing.T) {
	tests := append(append([]struct{ expr, want string }{}, partitionAndRangeCases...), hashRandomParseCases...)
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			got := evalExpr(t, tt.expr, bindings(t, "{}", ""))
			want := tt.want
			if strings.HasPrefix(want, "threw") {
				want = "error: The JSONata expression '" + tt.expr + "' " + want
			}
			if got != want {
				t.Errorf("got  %s\nwant %s", got, want)
			}
		})
	}
}

const threw = "threw an error during evaluation. "

var partitionAndRangeCases = []struct{ expr, want string }{
	// $partition
	{`$partition([1,2,3,4,5,6,7,8,9], 3)`, `[[1,2,3],[4,5,6],[7,8,9]]`},
	{`$partition([1,2,3,4,5], 2)`, `[[1,2],[3,4],[5]]`},
	{`$partition([1,2,3], 2.9)`, `[[1,2],[3]]`},
	{`$partition([1,2,3], 10)`, `[[1,2,3]]`},
	{`$partition([1,2,3])`, `[[1,2,3]]`},
	{`$partition([], 2)`, `undefined`},
	{`$partition([1,2], 0)`, `undefined`},
	{`$partition([1,2], -0.5)`, `undefined`},
	{`$partition($states.input.missing, 2)`, `undefined`},
	{`$partition([1,2], -2)`, threw + `D3137: Second argument must be zero or greater`},
	{`$partition("ab", 1)`, threw + `T0412: Argument 1 of function "partition" must be an array of undefined`},
	{`$partition([1], "2")`, threw + `T0410: Argument 2 of function "partition" does not match function signature`},
	{`$partition([1], 1, 1)`, threw + `T0410: Argument 3 of function "partition" does not match function signature`},
	{`$partition([1,2,3], 1e300)`, threw + `D3137: Argument 2 of function "partition" is out of range`},
	// $range
	{`$range(0, 10, 2)`, `[0,2,4,6,8,10]`},
	{`$range(1, 9, 2)`, `[1,3,5,7,9]`},
	{`$range(10, 0, -3)`, `[10,7,4,1]`},
	{`$range(-1.7, 2, 1)`, `[-1,0,1,2]`},
	{`$range(5, 5, 1)`, `5`},
	{`$range(0, 10)`, `undefined`},
	{`$range(0, 10, 0)`, `undefined`},
	{`$range(10, 0, 1)`, `undefined`},
	{`$range(0, 10, -1)`, `undefined`},
	{`$range("a", 10, 1)`, threw + `T0410: Argument 1 of function "range" does not match function signature`},
	{`$range(0, $states.input.missing, 1)`, threw + `T0410: Argument 2 of function "range" does not match function signature`},
	{`$range(0, 1, 1, 1)`, threw + `T0410: Argument 4 of function "range" does not match function signature`},
	{`$count($range(1, 360145, 1))`, `360145`},
	{`$range(1, 360146, 1)`, "threw an error during evaluation: Expression evaluation memory limit exceeded: Check for excessive memory usage"},
	{`$range(1, 9e18, 1e9)`, "threw an error during evaluation: Expression evaluation memory limit exceeded: Check for excessive memory usage"},
}

var hashRandomParseCases = []struct{ expr, want string }{
	// $hash
	{`$hash("abc", "MD5")`, `"900150983cd24fb0d6963f7d28e17f72"`},
	{`$hash("abc", "SHA-1")`, `"a9993e364706816aba3e25717850c26c9cd0d89d"`},
	{`$hash("abc", "SHA-256")`, `"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"`},
	{`$hash("abc", "SHA-384")`, `"cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7"`},
	{`$hash("abc", "SHA-512")`, `"ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"`},
	{`$hash("é", "MD5")`, `"66ddcd97cfdeabb2f6fb8a999b4bc76f"`},
	{`$hash("abc")`, `undefined`},
	{`$hash("abc", "sha-256")`, threw + `D3137: Hash algorithm 'sha-256' must be one of SHA-1, SHA-384, SHA-256, SHA-512, MD5`},
	{`$hash(1, "MD5")`, threw + `T0410: Argument 1 of function "hash" does not match function signature`},
	{`$hash("a", 1)`, threw + `T0410: Argument 2 of function "hash" does not match function signature`},
	// $random
	{`$random()`, `0.25`},
	{`$random(42)`, `0.7275636800328681`},
	{`$random(42.9)`, `0.7275636800328681`},
	{`$random(0)`, `0.730967787376657`},
	{`$random("a")`, threw + `T0410: Argument 1 of function "random" does not match function signature`},
	{`$random(1, 2)`, threw + `T0410: Argument 2 of function "random" does not match function signature`},
	// $uuid
	{`$uuid()`, `"8a3f1a2e-0c5b-4c6e-9a4e-2b7d1f0e9c11"`},
	{`$uuid(1)`, threw + `T0410: Argument 1 of function "uuid" does not match function signature`},
	// $parse
	{`$parse('{"a": 1, "b": [true, null, "x", 1.5e3]}')`, `{"a":1,"b":[true,null,"x",1500]}`},
	{`$parse('"s"')`, `"s"`},
	{`$parse('null')`, `null`},
	{`$parse('12345678901234567890')`, `12345678901234567000`},
	{`$parse($states.input.missing)`, `undefined`},
	{`$parse('')`, threw + `D3137: Invalid JSON`},
	{`$parse('{"a": 1} x')`, threw + `D3137: Invalid JSON`},
	{`$parse('{"a": 1, "a": 2}')`, threw + `D3137: Invalid JSON`},
	{`$parse('{a: 1}')`, threw + `D3137: Invalid JSON`},
	{`$parse(1)`, threw + `T0410: Argument 1 of function "parse" does not match function signature`},
	{`$parse('[]', 1)`, threw + `T0410: Argument 2 of function "parse" does not match function signature`},
	// as values
	{`$map([[1,2,3],[4]], function($a){ $partition($a, 2) })`, `[[[1,2],[3]],[[4]]]`},
	{`[1,2,3] ~> $partition(1)`, `[[1],[2],[3]]`},
}

// A variable shadows a function of the same name, as bindings shadow
// functions in JSONata.
func TestVariableShadowsFunction(t *testing.T) {
	got := evalExpr(t, `$range`, bindings(t, "{}", `{"range": "mine"}`))
	if got != `"mine"` {
		t.Errorf("got %s", got)
	}
}
