package asl

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/invalid/*.golden and testdata/warnings/*.golden")

// TestFixturesValid: the specification's examples, the reference video
// pipeline's machine and a JSONata machine parse without problems.
func TestFixturesValid(t *testing.T) {
	files, err := filepath.Glob("testdata/valid/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			def, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			m, err := Parse(def)
			if err != nil {
				t.Fatal(err)
			}
			if len(m.Warnings) > 0 {
				t.Errorf("warnings: %v", m.Warnings)
			}
		})
	}
}

// TestFixturesWarnings: each testdata/warnings/*.json parses, with the
// warnings of its .golden file (refresh with -update).
func TestFixturesWarnings(t *testing.T) {
	files, err := filepath.Glob("testdata/warnings/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			def, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			m, err := Parse(def)
			if err != nil {
				t.Fatal(err)
			}
			checkGolden(t, f, m.Warnings)
		})
	}
}

// TestFixturesInvalid compares every problem Parse reports for each
// testdata/invalid/*.json with its .golden file (refresh with -update).
func TestFixturesInvalid(t *testing.T) {
	files, err := filepath.Glob("testdata/invalid/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			def, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			_, err = Parse(def)
			var ve *ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("Parse = %v, want a *ValidationError", err)
			}
			checkGolden(t, f, ve.Problems)
		})
	}
}

// checkGolden compares problems, one per line, with file's .golden.
func checkGolden(t *testing.T, file string, problems []Problem) {
	t.Helper()
	var b strings.Builder
	for _, p := range problems {
		b.WriteString(p.String())
		b.WriteByte('\n')
	}
	golden := strings.TrimSuffix(file, ".json") + ".golden"
	if *update {
		if err := os.WriteFile(golden, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update)", err)
	}
	if !bytes.Equal([]byte(b.String()), want) {
		t.Errorf("problems differ from %s:\n%s\nwant:\n%s", golden, b.String(), want)
	}
}
