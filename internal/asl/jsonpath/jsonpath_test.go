package jsonpath_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/mie-kafka/mie/internal/asl/jsonpath"
	"github.com/mie-kafka/mie/internal/asl/jsonvalue"
)

func decode(t testing.TB, s string) any {
	t.Helper()
	d := json.NewDecoder(strings.NewReader(s))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		t.Fatalf("decode %s: %v", s, err)
	}
	return v
}

func jsonText(v any) string { return jsonvalue.MustMarshal(v) }

func TestParse(t *testing.T) {
	tests := []struct {
		path      string
		root      jsonpath.Root
		variable  string
		definite  bool
		reference bool
	}{
		{"$", jsonpath.RootInput, "", true, true},
		{"$.a", jsonpath.RootInput, "", true, true},
		{"$.a.b[0]", jsonpath.RootInput, "", true, true},
		{"$['a']['b'][0]", jsonpath.RootInput, "", true, true},
		{`$["a b"]`, jsonpath.RootInput, "", true, true},
		{"$.abc.['def ghi']", jsonpath.RootInput, "", true, true}, // AWS "Using JSONPath paths"
		{"$['a.b']", jsonpath.RootInput, "", true, true},
		{"$.detail-type", jsonpath.RootInput, "", true, true},
		{"$.héllo.日本", jsonpath.RootInput, "", true, true},
		{"$.a[-1]", jsonpath.RootInput, "", true, true},
		{"$[0][1]", jsonpath.RootInput, "", true, true},
		{"$$", jsonpath.RootContext, "", true, true},
		{"$$.Execution.Id", jsonpath.RootContext, "", true, true},
		{"$$.Map.Item.Value", jsonpath.RootContext, "", true, true},
		{"$myVar", jsonpath.RootVariable, "myVar", true, true},
		{"$my_var2.field[0]", jsonpath.RootVariable, "my_var2", true, true},
		{"$café.x", jsonpath.RootVariable, "café", true, true},
		{"$['a','b']", jsonpath.RootInput, "", true, false},
		{"$['a','b'].c", jsonpath.RootInput, "", false, false},
		{"$.a[*]", jsonpath.RootInput, "", false, false},
		{"$.a.*", jsonpath.RootInput, "", false, false},
		{"$[*][*]", jsonpath.RootInput, "", false, false},
		{"$.a[0,1]", jsonpath.RootInput, "", false, false},
		{"$.a[1:]", jsonpath.RootInput, "", false, false},
		{"$.a[-2:]", jsonpath.RootInput, "", false, false},
		{"$.a[:2]", jsonpath.RootInput, "", false, false},
		{"$.a[ 0 : 2 ]", jsonpath.RootInput, "", false, false},
		{"$..a", jsonpath.RootInput, "", false, false},
		{"$..*", jsonpath.RootInput, "", false, false},
		{"$..[0]", jsonpath.RootInput, "", false, false},
		{"$.a[?(@.price < 10)]", jsonpath.RootInput, "", false, false},
		{"$.a[?(@.price < 10 && @.x == 'y' || !@.z)]", jsonpath.RootInput, "", false, false},
		{"$.a[?(@.name =~ /^ab.*/i)]", jsonpath.RootInput, "", false, false},
		{"$.a[?(@.n in [1, 2, 'x'])]", jsonpath.RootInput, "", false, false},
		{"$.a[?(@.tags subsetof ['a','b'])]", jsonpath.RootInput, "", false, false},
		{"$.a[?(@.p <= $['max'])]", jsonpath.RootInput, "", false, false},
		{"$.a[?((@.a == 1) || (@.b != {'k': [true, null]}))]", jsonpath.RootInput, "", false, false},
		{"$.a[?(@.list size 2)]", jsonpath.RootInput, "", false, false},
		{"$.a[?(@.list empty false)]", jsonpath.RootInput, "", false, false},
		{"$.a.length()", jsonpath.RootInput, "", true, false},
		{"$myVar[*].x", jsonpath.RootVariable, "myVar", false, false},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			p, err := jsonpath.Parse(tt.path)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if p.String() != tt.path || p.Root() != tt.root || p.Variable() != tt.variable ||
				p.Definite() != tt.definite || p.Reference() != tt.reference {
				t.Errorf("got String=%q Root=%v Variable=%q Definite=%v Reference=%v",
					p.String(), p.Root(), p.Variable(), p.Definite(), p.Reference())
			}
			_, err = jsonpath.ParseReference(tt.path)
			if (err == nil) != tt.reference {
				t.Errorf("ParseReference error = %v, want reference=%v", err, tt.reference)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		path string
		pos  int
		msg  string
	}{
		{"", 0, "empty path"},
		{"a.b", 0, "starts with '$'"},
		{"$.", 2, "must not end"},
		{"$..", 3, "must not end"},
		{"$...a", 3, "unexpected '.'"},
		{"$.a.", 4, "must not end"},
		{"$a b", 2, "unexpected ' '"},
		{"$.a b", 3, "bracket notation"},
		{"$#", 1, "expected '.' or '['"},
		{"$['a'", 5, "not closed"},
		{"$['a]", 2, "not closed"},
		{"$[a]", 2, "after '['"},
		{"$[]", 2, "after '['"},
		{"$[", 1, "not closed"},
		{"$['a',]", 6, "quoted name"},
		{"$[0:1:2]", 5, "step"},
		{"$[:]", 3, "start or an end"},
		{"$[0,]", 4, "index after ','"},
		{"$[99999999999]", 2, "not an index"},
		{"$['a']b", 6, "expected '.' or '['"},
		{"$[?@.a]", 3, "expected '('"},
		{"$[?(@.a ==)]", 10, "expected a value"},
		{"$[?(@.a == 1]", 12, "expected ')'"},
		{"$[?(@.a =~ 'x')]", 11, "regular expression"},
		{"$[?(@.a =~ /(/)]", 11, "bad regular expression"},
		{"$[?(1)]", 5, "comparison operator"},
		{"$[?(@.a empty 1)]", 14, "true or false"},
		{"$.a.length().b", 12, "must end the path"},
		{"$.f(", 4, "not closed"},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			_, err := jsonpath.Parse(tt.path)
			var se *jsonpath.SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("Parse(%q) error = %v, want a *SyntaxError", tt.path, err)
			}
			if se.Pos != tt.pos || !strings.Contains(se.Msg, tt.msg) {
				t.Errorf("got pos %d %q, want pos %d containing %q", se.Pos, se.Msg, tt.pos, tt.msg)
			}
		})
	}
}

func TestParseReferenceRejects(t *testing.T) {
	for s, pos := range map[string]int{"$.a[*]": 3, "$..a": 1, "$.a[0:1]": 3, "$.a[0,1]": 3, "$['a','b']": 1,
		"$.a[?(@.b)]": 3, "$.a.length()": 3, "$.*": 1, "$$.x.*": 4} {
		_, err := jsonpath.ParseReference(s)
		var se *jsonpath.SyntaxError
		if !errors.As(err, &se) || se.Pos != pos {
			t.Errorf("ParseReference(%q) error = %v, want a SyntaxError at %d", s, err, pos)
		}
	}
}
