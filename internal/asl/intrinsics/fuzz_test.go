package intrinsics_test

import (
	"errors"
	"testing"

	"github.com/mie-kafka/mie/internal/asl/failure"
	"github.com/mie-kafka/mie/internal/asl/intrinsics"
	"github.com/mie-kafka/mie/internal/asl/jsonpath"
)

// FuzzIntrinsicParse: Parse never panics or hangs; errors are
// *SyntaxErrors with a position inside the expression; what parses
// evaluates to a value or a failure, never a panic.
func FuzzIntrinsicParse(f *testing.F) {
	for _, s := range []string{
		"States.Format('Hello {}', $.name)", `States.Format('\{\} \'{}\' \\', 1)`, awsNested,
		"States.Array(1, -2.5e3, true, false, null, 'x', $$.Execution.Id, $greeting)",
		"States.ArrayRange(1, 9, 2)", "States.MathRandom(1, 999, 42)", "States.JsonMerge($.a, $.b, false)",
		"States.Hash('x', 'SHA-256')", "States.Base64Decode('aGVsbG8=')", "States.StringSplit('a,b', ',')",
		"States.ArrayPartition(States.Array(1,2,3), 2)", "States.UUID()", "States.StringToJson('{\"a\":1}')",
	} {
		f.Add(s)
	}
	e := env(f, `{"name": "n", "a": {"x": 1}, "b": {}, "list": [1, 2]}`)
	f.Fuzz(func(t *testing.T, s string) {
		c, err := intrinsics.Parse(s)
		if err != nil {
			var se *intrinsics.SyntaxError
			if !errors.As(err, &se) || se.Pos < 0 || se.Pos > len(s) {
				t.Fatalf("Parse(%q): %v", s, err)
			}
			return
		}
		if !intrinsics.Looks(s) {
			t.Fatalf("%q parses but Looks says it is no call", s)
		}
		_, err = c.Eval(e)
		var fe *failure.Error
		var nf *jsonpath.NotFoundError
		var le *jsonpath.LimitError
		if err != nil && !errors.As(err, &fe) && !errors.As(err, &nf) && !errors.As(err, &le) {
			t.Fatalf("Eval(%q): %v", s, err)
		}
	})
}
