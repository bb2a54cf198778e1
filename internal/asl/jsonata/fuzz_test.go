package jsonata

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// seeds are the expressions of testdata/seeds.txt, one a line, plus those
// of the other tests' tables.
func seeds(f *testing.F) []string {
	f.Helper()
	file, err := os.Open(filepath.Join("testdata", "seeds.txt"))
	if err != nil {
		f.Fatal(err)
	}
	defer file.Close()
	var out []string
	sc := bufio.NewScanner(file)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		if line := sc.Text(); line != "" && !strings.HasPrefix(line, "#") {
			out = append(out, line)
		}
	}
	return out
}

// FuzzCompile: compiling never panics or hangs, and an expression that
// compiles can be evaluated.
func FuzzCompile(f *testing.F) {
	for _, s := range seeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, expr string) {
		e, err := Compile(expr)
		if err != nil {
			if _, ok := err.(*CompileError); !ok {
				t.Fatalf("Compile(%q): %T %v", expr, err, err)
			}
			return
		}
		evalBounded(t, e, `{"a": 1, "arr": [1, "x", null, {"k": [true]}]}`)
	})
}

// FuzzEval: evaluating never panics, hangs or fails with anything but a
// QueryEvaluationError, whatever the input.
func FuzzEval(f *testing.F) {
	for _, s := range seeds(f) {
		f.Add(s, `{"a": 1, "s": "Hello", "arr": [3, 1, 2], "o": {"k": "v"}}`)
	}
	f.Add(`$states.input.a.b.c`, `[[[[[]]]]]`)
	f.Add(`$sum($states.input)`, `[1e308, 1e308]`)
	f.Fuzz(func(t *testing.T, expr, input string) {
		e, err := Compile(expr)
		if err != nil {
			return
		}
		evalBounded(t, e, input)
	})
}

func evalBounded(t *testing.T, e *Expr, input string) {
	t.Helper()
	var in any
	if parsed, err := parseStrict(input); err == nil {
		in = parsed
	}
	b := Bindings{
		States: map[string]any{"input": in},
		Vars:   func(name string) (any, bool) { return in, name == "v" },
		Random: func() float64 { return 0.5 },
		UUID:   func() string { return "u" },
		Now:    func() time.Time { return time.Unix(0, 0) },
	}
	start := time.Now()
	v, err := e.Eval(b)
	if d := time.Since(start); d > 3*Timeout {
		t.Fatalf("%q took %v", e.String(), d)
	}
	if err != nil {
		if !strings.HasPrefix(err.Error(), "States.QueryEvaluationError: ") {
			t.Fatalf("%q: %v", e.String(), err)
		}
		return
	}
	if v != Undefined {
		encode(t, v)
	}
}
