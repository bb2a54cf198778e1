package asl

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mie-kafka/mie/internal/asl/failure"
)

// FuzzParse: Parse never panics or hangs, fails only with a
// *ValidationError holding an ERROR, and what it accepts holds the
// invariants the interpreter relies on. Seeds: every fixture in
// testdata/valid and testdata/invalid, and testdata/fuzz/FuzzParse.
func FuzzParse(f *testing.F) {
	for _, pattern := range []string{"testdata/valid/*.json", "testdata/invalid/*.json"} {
		files, _ := filepath.Glob(pattern)
		for _, file := range files {
			b, err := os.ReadFile(file)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, def []byte) {
		m, err := Parse(def)
		if err != nil {
			var ve *ValidationError
			if !errors.As(err, &ve) || len(ve.Problems) == 0 || ve.errorCount() == 0 {
				t.Fatalf("Parse error %T %v", err, err)
			}
			_ = ve.Error()
			return
		}
		if err := checkInvariants(m); err != nil {
			t.Fatalf("accepted a machine that breaks an invariant: %v", err)
		}
	})
}

// FuzzChoiceEval: a rule that parses evaluates against any input without
// panicking, and fails only with a *failure.Error.
func FuzzChoiceEval(f *testing.F) {
	f.Add(`{"Variable":"$.a","StringMatches":"x*\\*y"}`, `{"a":"x*y"}`)
	f.Add(`{"And":[{"Variable":"$.n","NumericLessThanPath":"$.m"},{"Not":{"Variable":"$v","IsNull":true}}]}`, `{"n":1,"m":2.5}`)
	f.Add(`{"Variable":"$.t","TimestampGreaterThanEqualsPath":"$$.State.EnteredTime"}`, `{"t":"2016-03-14T01:59:00Z"}`)
	f.Add(`{"Or":[{"Variable":"$.a[*].b","IsPresent":true},{"Variable":"$..c","BooleanEquals":false}]}`, `{"a":[{"b":1}],"c":true}`)
	ctx := map[string]any{"State": map[string]any{"EnteredTime": "2020-01-01T00:00:00Z"}}
	vars := func(n string) (any, bool) { return map[string]any{"x": nil}, n == "v" }
	f.Fuzz(func(t *testing.T, rule, input string) {
		def := machine(`"A":{"Type":"Choice","Choices":[` + strings.TrimSuffix(rule, "}") + `,"Next":"B"}],"Default":"B"},"B":{"Type":"Succeed"}`)
		m, err := Parse([]byte(def))
		if err != nil {
			return
		}
		in, err := decodeTree([]byte(input))
		if err != nil {
			return
		}
		for _, r := range m.State("A").(*Choice).Choices {
			if _, err := r.Condition.Eval(plain(in), vars, ctx); err != nil {
				var fe *failure.Error
				if !errors.As(err, &fe) {
					t.Fatalf("Eval error %T %v", err, err)
				}
			}
		}
	})
}
