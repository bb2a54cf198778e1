package jsonpath_test

import (
	"encoding/json"
	"os"
	"testing"

	"github.com/mie-kafka/mie/internal/asl/jsonpath"
	"github.com/mie-kafka/mie/internal/asl/jsonvalue"
)

// jaywayDivergences are the cases where this package follows AWS rather
// than Jayway JsonPath, and why.
var jaywayDivergences = map[string]string{
	"$[?(@ > 1)]":      "AWS documents that @ matches objects only, never scalars",
	"$.bar.length()":   "AWS does not support path functions (the path is not found)",
	"$..book.length()": "AWS does not support path functions (the path is not found)",
}

// TestJaywayConformance compares Get with Jayway JsonPath 2.9.0 on every
// case of testdata/jayway/cases.json; testdata/jayway/jayway.json holds
// Jayway's answers (regenerate.sh makes it, with Java and Maven).
func TestJaywayConformance(t *testing.T) {
	data, err := os.ReadFile("testdata/jayway/jayway.json")
	if err != nil {
		t.Fatal(err)
	}
	var cases []struct {
		Path   string
		Doc    json.RawMessage
		Jayway struct {
			Definite *bool
			Value    json.RawMessage
			Error    string
		}
	}
	if err := json.Unmarshal(data, &cases); err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		doc := decode(t, string(c.Doc))
		name := c.Path + " on " + jsonvalue.MustMarshal(doc)
		if len(name) > 80 {
			name = name[:80]
		}
		t.Run(name, func(t *testing.T) {
			if why, ok := jaywayDivergences[c.Path]; ok {
				t.Skip(why)
			}
			p, err := jsonpath.Parse(c.Path)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			got, err := p.Get(doc)
			if c.Jayway.Error != "" {
				if err == nil {
					t.Fatalf("got %s, Jayway fails: %s", jsonvalue.MustMarshal(got), c.Jayway.Error)
				}
				return
			}
			if err != nil {
				t.Fatalf("Get: %v; Jayway gives %s", err, c.Jayway.Value)
			}
			want := decode(t, string(c.Jayway.Value))
			if !jsonvalue.Equal(got, want) {
				t.Errorf("got %s, Jayway gives %s", jsonvalue.MustMarshal(got), jsonvalue.MustMarshal(want))
			}
			if p.Definite() != *c.Jayway.Definite {
				t.Errorf("Definite() = %v, Jayway says %v", p.Definite(), *c.Jayway.Definite)
			}
		})
	}
}
