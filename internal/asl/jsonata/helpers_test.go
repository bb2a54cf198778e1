package jsonata

import (
	"bytes"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/mie-kafka/mie/internal/asl/failure"
)

// decode parses JSON as internal/asl does, numbers as json.Number.
func decode(t testing.TB, s string) any {
	t.Helper()
	if s == "" {
		return nil
	}
	d := json.NewDecoder(bytes.NewReader([]byte(s)))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		t.Fatalf("decode %s: %v", s, err)
	}
	return v
}

func encode(t testing.TB, v any) string {
	t.Helper()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		t.Fatalf("encode %#v: %v", v, err)
	}
	return string(bytes.TrimSpace(b.Bytes()))
}

// bindings binds $states.input to input and the variables vars (JSON).
func bindings(t testing.TB, input, vars string) Bindings {
	t.Helper()
	b := Bindings{
		States: map[string]any{"input": decode(t, input)},
		Random: func() float64 { return 0.25 },
		UUID:   func() string { return "8a3f1a2e-0c5b-4c6e-9a4e-2b7d1f0e9c11" },
		Now:    func() time.Time { return time.Date(2024, 11, 22, 10, 30, 0, 123e6, time.UTC) },
	}
	if vars != "" {
		m := decode(t, vars).(map[string]any)
		b.Vars = func(name string) (any, bool) { v, ok := m[name]; return v, ok }
	}
	return b
}

// evalExpr compiles and evaluates expr, returning the JSON text of the
// result, "undefined", or the failure's cause.
func evalExpr(t testing.TB, expr string, b Bindings) string {
	t.Helper()
	e, err := Compile(expr)
	if err != nil {
		return "compile: " + err.Error()
	}
	v, err := e.Eval(b)
	if err != nil {
		var fe *failure.Error
		if !errors.As(err, &fe) || fe.Name != failure.QueryEvaluationError {
			t.Fatalf("%s: error is not a QueryEvaluationError: %#v", expr, err)
		}
		return "error: " + fe.Cause
	}
	if v == Undefined {
		return "undefined"
	}
	return encode(t, v)
}
