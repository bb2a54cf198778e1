package intrinsics_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/mie-kafka/mie/internal/asl/intrinsics"
)

// awsNested is the nine-call example of AWS's "Intrinsic functions" page.
const awsNested = `States.Format('{}.{}.{}', States.ArrayGetItem(States.StringSplit(States.ArrayGetItem(States.StringSplit($.ImageRecipe.Arn, '/'), 2), '.'), 0), States.ArrayGetItem(States.StringSplit(States.ArrayGetItem(States.StringSplit($.ImageRecipe.Arn, '/'), 2), '.'), 1))`

func TestLooks(t *testing.T) {
	for s, want := range map[string]bool{
		"States.Format('x')": true,
		"States.UUID()":      true,
		"States.Nope(":       true, // looks like one; Parse says it is unknown
		"States.Format":      false,
		"States.(":           false,
		"$.a":                false,
		"$$.States.Format(":  false,
		" States.UUID()":     false,
		"states.UUID()":      false,
	} {
		if got := intrinsics.Looks(s); got != want {
			t.Errorf("Looks(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestParse(t *testing.T) {
	tests := []struct {
		expr, name string
		paths      []string
	}{
		{"States.Format('Hello, my name is {}.', $.name)", "States.Format", []string{"$.name"}},
		{"States.Format($.template, $.name)", "States.Format", []string{"$.template", "$.name"}},
		{awsNested, "States.Format", []string{"$.ImageRecipe.Arn", "$.ImageRecipe.Arn"}},
		{"States.Array()", "States.Array", nil},
		{"States.UUID()", "States.UUID", nil},
		{"States.Array( $.a , $.b )", "States.Array", []string{"$.a", "$.b"}},
		{`States.Array('it\'s', '\{\}', '\\', -1, 1.5e3, 0, true, false, null)`, "States.Array", nil},
		{"States.Array($$.Execution.Id, $myVar.x[0], $['a b'])", "States.Array", []string{"$$.Execution.Id", "$myVar.x[0]", "$['a b']"}},
		{"States.Array($.a[?(@.b == 'x, y)')], $.c[0,1])", "States.Array", []string{"$.a[?(@.b == 'x, y)')]", "$.c[0,1]"}},
		{"States.MathRandom(1, 999)", "States.MathRandom", nil},
		{"States.MathRandom(1, 999, 42)", "States.MathRandom", nil},
		{"States.ArrayRange(1, 1001, 1)", "States.ArrayRange", nil}, // too long: an Eval error, as in AWS
		{"States.StringToJson()", "States.StringToJson", nil},       // wrong arity: an Eval error, as in AWS
		{"States.JsonMerge($.a, $.b, false)", "States.JsonMerge", []string{"$.a", "$.b"}},
		{strings.Repeat("States.Array(", 10) + "1" + strings.Repeat(")", 10), "States.Array", nil},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			c, err := intrinsics.Parse(tt.expr)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if c.String() != tt.expr || c.Name() != tt.name {
				t.Errorf("String %q Name %q", c.String(), c.Name())
			}
			var paths []string
			for _, p := range c.Paths() {
				paths = append(paths, p.String())
			}
			if strings.Join(paths, " ") != strings.Join(tt.paths, " ") {
				t.Errorf("Paths = %q, want %q", paths, tt.paths)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		expr string
		pos  int
		msg  string
	}{
		{"States.Format('{}', $.a", 23, "expected ',' or ')'"},
		{"States.Format('{}' $.a)", 19, "expected ',' or ')'"},
		{"States.Nope(1)", 0, "unknown intrinsic function States.Nope"},
		{"States.format('x')", 0, "unknown intrinsic function States.format"},
		{"Foo.Bar()", 0, "expected an intrinsic function"},
		{"States.", 7, "expected a function name"},
		{"States.Format", 13, "expected '('"},
		{"States.Format('a", 14, "not closed"},
		{`States.Format('a\nb')`, 16, `invalid escape \n`},
		{`States.Format('a\`, 16, "unfinished escape"},
		{"States.Array(1.)", 15, "digit after '.'"},
		{"States.Array(.5)", 13, "unexpected '.'"},
		{"States.Array(01)", 13, "must not start with 0"},
		{"States.Array(1e)", 15, "exponent"},
		{"States.Array(12ab)", 15, "after a number"},
		{"States.Array([1,2])", 13, "unexpected '['"},
		{"States.Array({})", 13, "unexpected '{'"},
		{`States.Array("x")`, 13, "unexpected '\"'"},
		{"States.Array(truex)", 13, "unexpected 't'"},
		{"States.Array(1,)", 15, "expected an argument after ','"},
		{"States.Array(,1)", 13, "unexpected ','"},
		{"States.Array(", 13, "expected an argument or ')'"},
		{"States.Array($.a) trailing", 17, "after the call"},
		{"States.Array($.a..)", 18, "path $.a..: a path must not end"},
		{"States.Array($.a[0)", 18, "path $.a[0): unexpected ')'"},
		{"States.Array($.a[?(@.b == 'x)]", 13, "path is not closed"},
		{strings.Repeat("States.Array(", 11) + "1" + strings.Repeat(")", 11), 130, "nest deeper than 10"},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			_, err := intrinsics.Parse(tt.expr)
			var se *intrinsics.SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("Parse(%q) error = %v, want a *SyntaxError", tt.expr, err)
			}
			if se.Pos != tt.pos || !strings.Contains(se.Msg, tt.msg) {
				t.Errorf("got pos %d %q, want pos %d containing %q", se.Pos, se.Msg, tt.pos, tt.msg)
			}
			if !strings.Contains(err.Error(), "position") {
				t.Errorf("message %q does not say where", err)
			}
		})
	}
}
