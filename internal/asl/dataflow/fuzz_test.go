package dataflow_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/mie-kafka/mie/internal/asl/dataflow"
	"github.com/mie-kafka/mie/internal/asl/failure"
)

// FuzzTemplate: any JSON compiles to a Template or a *TemplateError, and a
// Template evaluates to a value or a *failure.Error, never a panic.
func FuzzTemplate(f *testing.F) {
	for _, s := range []string{
		`{"a.$": "$.x", "b": [1, {"c.$": "States.Format('{}', $.y)"}]}`,
		`{"e.$": "$$.Execution.Id", "v.$": "$limit", "l": "$.not"}`,
		`{"x.$": "$.list[?(@ > 1)]", "y.$": "States.ArrayRange(1, $.n, 1)"}`,
		`[{"k.$": "$"}, 5, null]`, `"plain"`, `{"a": 1, "a.$": "$.a"}`, `{"bad.$": 3}`,
	} {
		f.Add(s, `{"x": 1, "y": "z", "n": 3, "list": [1, 2, 3]}`)
	}
	f.Fuzz(func(t *testing.T, tmplText, inputText string) {
		var tv, in any
		d := json.NewDecoder(strings.NewReader(tmplText))
		d.UseNumber()
		if d.Decode(&tv) != nil {
			return
		}
		d = json.NewDecoder(strings.NewReader(inputText))
		d.UseNumber()
		if d.Decode(&in) != nil {
			return
		}
		tmpl, err := dataflow.CompileTemplate(tv)
		if err != nil {
			var te *dataflow.TemplateError
			if !errors.As(err, &te) {
				t.Fatalf("CompileTemplate: %v", err)
			}
			return
		}
		s := scope(t, `{}`)
		s.Input = in
		if _, err := tmpl.Eval(s); err != nil {
			var fe *failure.Error
			if !errors.As(err, &fe) {
				t.Fatalf("Eval: %v (%T)", err, err)
			}
		}
	})
}
