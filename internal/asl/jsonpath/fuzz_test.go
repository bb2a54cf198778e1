package jsonpath_test

import (
	"errors"
	"testing"

	"github.com/mie-kafka/mie/internal/asl/jsonpath"
)

// fuzzDoc exercises every kind of node.
const fuzzDoc = `{"a": {"b": [1, {"c": "x", "d": [true, null]}], "e.f": 2.5}, "list": [{"p": 1}, {"p": "1"}, 3, [4]], "s": "str"}`

// FuzzParse: Parse never panics; what parses evaluates without panicking,
// fails only with a *NotFoundError, and round-trips through String.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"$", "$.a.b[0]", "$..c", "$.list[?(@.p == '1' || @.p > 0)]", "$['a']['e.f']",
		"$.list[-1:]", "$.a.*", "$$.Execution.Id", "$var.x", "$[?(@.a =~ /x.*/i)]", "$['a','s']", "$.a.length()"} {
		f.Add(s)
	}
	doc := decode(f, fuzzDoc)
	f.Fuzz(func(t *testing.T, s string) {
		p, err := jsonpath.Parse(s)
		if err != nil {
			var se *jsonpath.SyntaxError
			if !errors.As(err, &se) || se.Pos < 0 || se.Pos > len(s) {
				t.Fatalf("Parse(%q): %v", s, err)
			}
			return
		}
		if p.String() != s {
			t.Fatalf("String() = %q, want %q", p.String(), s)
		}
		v, err := p.Get(doc)
		var nf *jsonpath.NotFoundError
		var le *jsonpath.LimitError
		if err != nil && !errors.As(err, &nf) && !errors.As(err, &le) {
			t.Fatalf("Get(%q): %v", s, err)
		}
		if err == nil && !p.Definite() {
			if _, ok := v.([]any); !ok {
				t.Fatalf("indefinite %q gave %T", s, v)
			}
		}
	})
}

// FuzzParseReference: a reference path parses as a definite Path, and Set
// never panics or modifies the document.
func FuzzParseReference(f *testing.F) {
	for _, s := range []string{"$", "$.a", "$.a.b[1].c", "$['x y'][0]", "$.list[-1]", "$.new.deep", "$.s.x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := jsonpath.ParseReference(s)
		if err != nil {
			return
		}
		if !p.Definite() || !p.Reference() {
			t.Fatalf("reference path %q is not definite", s)
		}
		doc := decode(t, fuzzDoc)
		before := jsonText(doc)
		if _, err := p.Set(doc, "v"); err != nil {
			var nf *jsonpath.NotFoundError
			if errors.As(err, &nf) {
				t.Fatalf("Set(%q): %v", s, err)
			}
		}
		if jsonText(doc) != before {
			t.Fatalf("Set(%q) modified the document", s)
		}
	})
}
