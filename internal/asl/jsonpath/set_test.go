package jsonpath_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/mie-kafka/mie/internal/asl/failure"
	"github.com/mie-kafka/mie/internal/asl/jsonpath"
)

func TestSet(t *testing.T) {
	tests := []struct {
		name, doc, path, value, want string
	}{
		// AWS "Specifying state output using ResultPath": "$" replaces the input.
		{"replace", `{"comment": "This is a test", "details": "Default example", "who": "Step Functions"}`,
			"$", `"Hello, Step Functions!"`, `"Hello, Step Functions!"`},
		// Same page: "$.taskresult" includes the result with the input.
		{"include", `{"comment": "This is a test", "details": "Default example", "who": "Step Functions"}`,
			"$.taskresult", `"Hello, Step Functions!"`,
			`{"comment":"This is a test","details":"Default example","taskresult":"Hello, Step Functions!","who":"Step Functions"}`},
		{"overwrite", `{"a": 1, "b": 2}`, "$.a", `{"x": true}`, `{"a":{"x":true},"b":2}`},
		{"create intermediates", `{}`, "$.a.b.c", `1`, `{"a":{"b":{"c":1}}}`},
		{"into existing object", `{"a": {"k": 0}}`, "$.a.b", `1`, `{"a":{"b":1,"k":0}}`},
		{"bracket name", `{}`, "$['a b']['c.d']", `1`, `{"a b":{"c.d":1}}`},
		{"array element", `{"list": [1, 2, 3]}`, "$.list[1]", `"x"`, `{"list":[1,"x",3]}`},
		{"array last", `{"list": [1, 2, 3]}`, "$.list[-1]", `"x"`, `{"list":[1,2,"x"]}`},
		{"into array element", `{"list": [{"a": 1}]}`, "$.list[0].b", `2`, `{"list":[{"a":1,"b":2}]}`},
		{"array root", `[{"a": 1}, {}]`, "$[1].payload", `5`, `[{"a":1},{"payload":5}]`},
		{"null value", `{"a": 1}`, "$.b", `null`, `{"a":1,"b":null}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := decode(t, tt.doc)
			before := jsonText(doc)
			out, err := jsonpath.MustParse(tt.path).Set(doc, decode(t, tt.value))
			if err != nil {
				t.Fatalf("Set: %v", err)
			}
			if got := jsonText(out); got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
			if jsonText(doc) != before {
				t.Errorf("Set modified its input: %s became %s", before, jsonText(doc))
			}
		})
	}
}

func TestSetFailures(t *testing.T) {
	tests := []struct {
		name, doc, path, cause string
	}{
		// states-language.net "ResultPath": input "foo" with "$.x" cannot apply.
		{"string input", `"foo"`, "$.x", `Unable to apply ReferencePath $.x to input "foo"`},
		{"array input", `[1]`, "$.x", `Unable to apply ReferencePath $.x to input [1]`},
		{"scalar on the way", `{"a": 1}`, "$.a.b", `Unable to apply ReferencePath $.a.b to input {"a":1}`},
		{"null on the way", `{"a": null}`, "$.a.b", "Unable to apply ReferencePath $.a.b"},
		{"index out of range", `{"list": [1]}`, "$.list[3]", "Unable to apply ReferencePath $.list[3]"},
		{"index on object", `{"list": {}}`, "$.list[0]", "Unable to apply ReferencePath $.list[0]"},
		{"missing array", `{}`, "$.list[0]", "Unable to apply ReferencePath $.list[0]"},
		{"missing array deep", `{}`, "$.a.list[0].b", "Unable to apply ReferencePath $.a.list[0].b"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := jsonpath.MustParse(tt.path).Set(decode(t, tt.doc), "r")
			var fe *failure.Error
			if !errors.As(err, &fe) {
				t.Fatalf("Set error = %v, want a *failure.Error", err)
			}
			if fe.Name != failure.ResultPathMatchFailure || !strings.Contains(fe.Cause, tt.cause) {
				t.Errorf("got %v, want %s containing %q", fe, failure.ResultPathMatchFailure, tt.cause)
			}
		})
	}
}

func TestSetNeedsReferencePath(t *testing.T) {
	_, err := jsonpath.MustParse("$.a[*]").Set(map[string]any{}, 1)
	var fe *failure.Error
	if err == nil || errors.As(err, &fe) {
		t.Fatalf("Set with an indefinite path: error = %v, want a plain error", err)
	}
}
