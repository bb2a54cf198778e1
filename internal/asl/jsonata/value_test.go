package jsonata

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/mie-kafka/mie/internal/asl/failure"
)

func TestTemplate(t *testing.T) {
	tests := []struct {
		s, expr string
		ok      bool
	}{
		{"{% $x %}", "$x", true},
		{"{%$x%}", "$x", true},
		{"{%\n  $x\n%}", "$x", true},
		{"{%%}", "", true},
		{"{%}", "", false},
		{" {% $x %}", "", false},
		{"{% $x %} ", "", false},
		{"a {% $x %} b", "", false},
		{"$customerName", "", false},
		{"{% a %} and {% b %}", "a %} and {% b", true},
	}
	for _, tt := range tests {
		expr, ok := Template(tt.s)
		if expr != tt.expr || ok != tt.ok {
			t.Errorf("Template(%q) = %q, %v; want %q, %v", tt.s, expr, ok, tt.expr, tt.ok)
		}
	}
}

func TestValueLiterals(t *testing.T) {
	for _, s := range []string{
		`"a {% $x %} b"`, `"100%}"`, `"{ % $x % }"`, `42`, `1.5`, `true`, `null`,
		`{"a": [1, {"b": "{%"}]}`,
	} {
		v := decode(t, s)
		c, err := CompileValue("Output", v)
		if s == `{"a": [1, {"b": "{%"}]}` {
			var ce *CompileError
			if !errors.As(err, &ce) || ce.Field != "Output/a[1]/b" || ce.Pointer != "/Output/a/1/b" {
				t.Errorf("%s: got %v, want an error at Output/a[1]/b", s, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", s, err)
			continue
		}
		got, err := c.Eval(Bindings{})
		if err != nil {
			t.Errorf("%s: %v", s, err)
			continue
		}
		if want := encode(t, v); encode(t, got) != want {
			t.Errorf("%s: got %s", s, encode(t, got))
		}
	}
}

// AWS fails a state whose field evaluates to nothing, naming the field:
// "The JSONata expression '...' specified for the field 'Output/v' returned
// nothing (undefined)."
func TestValueUndefined(t *testing.T) {
	tests := []struct{ field, value, path string }{
		{"Output", `{"v": "{% $states.input.missing %}"}`, "Output/v"},
		{"Output", `{"a": {"b": "{% $states.input.missing %}"}}`, "Output/a/b"},
		{"Output", `"{% $states.input.missing %}"`, "Output"},
		{"Output", `{"values": ["{% $states.input.missing %}", 1]}`, "Output/values[0]"},
		{"Output", `{"a": {"b": [[1, "{% $states.input.missing %}"]]}}`, "Output/a/b[0][1]"},
		{"Assign", `{"x": {"y": "{% $states.input.missing %}"}}`, "Assign/x/y"},
		{"Choices[1]/Condition", `"{% $states.input.missing %}"`, "Choices[1]/Condition"},
		{"Seconds", `"{%   $states.input.missing   %}"`, "Seconds"},
	}
	for _, tt := range tests {
		v, err := CompileValue(tt.field, decode(t, tt.value))
		if err != nil {
			t.Fatal(err)
		}
		_, err = v.Eval(bindings(t, "{}", ""))
		want := "The JSONata expression '$states.input.missing' specified for the field '" + tt.path + "' returned nothing (undefined)."
		var fe *failure.Error
		if !errors.As(err, &fe) || fe.Name != failure.QueryEvaluationError || fe.Cause != want {
			t.Errorf("%s: got %v\nwant %s", tt.value, err, want)
		}
	}
}

func TestValueErrorNamesField(t *testing.T) {
	v, err := CompileValue("Arguments", decode(t, `{"Payload": {"id": "{% 1 + 'a' %}"}}`))
	if err != nil {
		t.Fatal(err)
	}
	_, err = v.Eval(bindings(t, "{}", ""))
	want := `The JSONata expression '1 + 'a'' specified for the field 'Arguments/Payload/id' threw an error during evaluation. T2002: `
	var fe *failure.Error
	if !errors.As(err, &fe) || len(fe.Cause) < len(want) || fe.Cause[:len(want)] != want {
		t.Errorf("got %v\nwant prefix %s", err, want)
	}
}

func TestCompileValueErrors(t *testing.T) {
	_, err := CompileValue("Arguments", decode(t, `{"Payload": {"id": "{% a[1,2) %}", "ok": "{% $x %}"}, "list": ["{% phone %}"], "open": "{% $x"}`))
	var got []string
	for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
		ce := e.(*CompileError)
		got = append(got, ce.Kind.String()+" "+ce.Field+" "+ce.Pointer)
	}
	want := []string{
		"INVALID_JSONATA_EXPRESSION Arguments/Payload/id /Arguments/Payload/id",
		"UNSUPPORTED_JSONATA_EXPRESSION Arguments/list[0] /Arguments/list/0",
		"INVALID_JSONATA_EXPRESSION Arguments/open /Arguments/open",
	}
	if encode(t, got) != encode(t, want) {
		t.Errorf("got  %v\nwant %v", got, want)
	}
}

// Numbers come back as json.Number written as AWS writes them.
func TestNumbers(t *testing.T) {
	tests := []struct{ in, want string }{
		{`1`, `1`}, {`1.0`, `1`}, {`-0`, `0`}, {`1e2`, `100`}, {`27.91`, `27.91`},
		{`0.000001`, `0.000001`}, {`1e-7`, `1e-7`}, {`1.5e300`, `1.5e+300`},
		{`123456789012345678`, `123456789012345678`},
		{`9007199254740993`, `9007199254740993`},
		{`-9223372036854775808`, `-9223372036854775808`},
		{`18446744073709551616`, `18446744073709552000`},
		{`[1, 2.5, {"a": 3}]`, `[1,2.5,{"a":3}]`},
	}
	for _, tt := range tests {
		got := evalExpr(t, `$states.input`, bindings(t, tt.in, ""))
		if got != tt.want {
			t.Errorf("%s: got %s, want %s", tt.in, got, tt.want)
		}
	}
	e, _ := Compile(`$states.input.n`)
	v, err := e.Eval(Bindings{States: map[string]any{"input": map[string]any{"n": 3}}})
	if err != nil || v != json.Number("3") {
		t.Errorf("an int binding: got %#v, %v", v, err)
	}
}

func TestBindings(t *testing.T) {
	b := bindings(t, `{"a": 1}`, `{"count": 2, "name": "x", "list": [1, 2], "nothing": null}`)
	b.States.(map[string]any)["context"] = map[string]any{"Execution": map[string]any{"Id": "arn:x"}}
	tests := []struct{ expr, want string }{
		{`$count + $states.input.a`, `3`},
		{`$name & $states.context.Execution.Id`, `"xarn:x"`},
		{`$sum($list)`, `3`},
		{`$nothing`, `null`},
		{`$unknown`, `undefined`},
		{`$states.result`, `undefined`},
		{`($count := 10; $count)`, `10`},
		{`$map([1], function($count){ $count })`, `[1]`},
	}
	for _, tt := range tests {
		if got := evalExpr(t, tt.expr, b); got != tt.want {
			t.Errorf("%s: got %s, want %s", tt.expr, got, tt.want)
		}
	}
	if got := evalExpr(t, `$states`, Bindings{}); got != "undefined" {
		t.Errorf("no States: got %s", got)
	}
}

func TestUsesStates(t *testing.T) {
	v, err := CompileValue("Output", decode(t, `{"a": "{% $states.result.x %}", "b": ["{% $states.input %}"]}`))
	if err != nil {
		t.Fatal(err)
	}
	for member, want := range map[string]bool{"result": true, "input": true, "errorOutput": false, "context": false} {
		if got := v.UsesStates(member); got != want {
			t.Errorf("UsesStates(%q) = %v", member, got)
		}
	}
	e, _ := Compile(`$lookup($states, "errorOutput")`)
	if !e.UsesStates("errorOutput") {
		t.Error("$states used whole: want true")
	}
}

func TestConcurrentEval(t *testing.T) {
	e, err := Compile(`$map($states.input.arr, function($v){ $v * $k })`)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan string)
	for i := range 8 {
		go func() {
			b := bindings(t, `{"arr": [1, 2]}`, `{"k": `+string(rune('1'+i))+`}`)
			var last string
			for range 200 {
				v, err := e.Eval(b)
				if err != nil {
					last = err.Error()
					break
				}
				last = encode(t, v)
			}
			done <- last
		}()
	}
	for range 8 {
		if got := <-done; got[0] != '[' {
			t.Error(got)
		}
	}
}
