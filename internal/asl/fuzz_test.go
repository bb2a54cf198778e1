package asl

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
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
