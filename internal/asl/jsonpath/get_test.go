package jsonpath_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/mie-kafka/mie/internal/asl/jsonpath"
)

// specInput is the Paths example of the States Language specification
// (states-language.net, "Paths"), with the "jar" member of AWS's older
// "Reference Paths" page.
const specInput = `{
  "foo": 123,
  "bar": ["a", "b", "c"],
  "car": {"cdr": true},
  "jar": [{"a": 1}, {"a": 5}, {"a": 2}, {"a": 7}, {"a": 3}]
}`

// storeInput is Jayway JsonPath's README document.
const storeInput = `{
  "store": {
    "book": [
      {"category": "reference", "author": "Nigel Rees", "title": "Sayings of the Century", "price": 8.95},
      {"category": "fiction", "author": "Evelyn Waugh", "title": "Sword of Honour", "price": 12.99},
      {"category": "fiction", "author": "Herman Melville", "title": "Moby Dick", "isbn": "0-553-21311-3", "price": 8.99},
      {"category": "fiction", "author": "J. R. R. Tolkien", "title": "The Lord of the Rings", "isbn": "0-395-19395-8", "price": 22.99}
    ],
    "bicycle": {"color": "red", "price": 19.95}
  },
  "expensive": 10
}`

func TestGet(t *testing.T) {
	tests := []struct {
		name, doc, path, want string
	}{
		// states-language.net "Paths" and AWS "Using JSONPath paths".
		{"spec foo", specInput, "$.foo", `123`},
		{"spec bar", specInput, "$.bar", `["a","b","c"]`},
		{"spec car.cdr", specInput, "$.car.cdr", `true`},
		{"aws filter >=", specInput, "$.jar[?(@.a >= 5)]", `[{"a":5},{"a":7}]`},
		// states-language.net "Parameters" example.
		{"spec vals[0]", `{"flagged": 7, "vals": [0, 10, 20, 30, 40, 50]}`, "$.vals[0]", `0`},
		{"spec vals[3:]", `{"flagged": 7, "vals": [0, 10, 20, 30, 40, 50]}`, "$.vals[3:]", `[30,40,50]`},
		{"root", specInput, "$", `{"bar":["a","b","c"],"car":{"cdr":true},"foo":123,"jar":[{"a":1},{"a":5},{"a":2},{"a":7},{"a":3}]}`},
		{"negative index", specInput, "$.bar[-1]", `"c"`},
		{"negative index 2", specInput, "$.bar[-3]", `"a"`},
		{"bracket", specInput, "$['car']['cdr']", `true`},
		{"dot bracket", `{"abc": {"def ghi": 1}}`, "$.abc.['def ghi']", `1`},
		{"name with dot", `{"a.b": 1, "a": {"b": 2}}`, "$['a.b']", `1`},
		{"dot name with dash", `{"detail-type": "x"}`, "$.detail-type", `"x"`},
		{"unicode", `{"héllo": {"日本": 3}}`, "$.héllo.日本", `3`},
		{"escaped quote", `{"it's": 1}`, `$['it\'s']`, `1`},
		{"null value", `{"a": null}`, "$.a", `null`},
		{"array root", `[[1, 2], [3]]`, "$[0][1]", `2`},
		{"names union merges", `{"a": 1, "b": 2, "c": 3}`, "$['a','b','x']", `{"a":1,"b":2}`},
		{"names union iterates", `{"a": {"v": 1}, "b": {"v": 2}}`, "$['a','b'].v", `[1,2]`},
		// Jayway README examples (object members come out in key order).
		{"authors", storeInput, "$.store.book[*].author", `["Nigel Rees","Evelyn Waugh","Herman Melville","J. R. R. Tolkien"]`},
		{"all authors", storeInput, "$..author", `["Nigel Rees","Evelyn Waugh","Herman Melville","J. R. R. Tolkien"]`},
		{"store.*", `{"store": {"book": [1], "bicycle": {"c": 1}}}`, "$.store.*", `[{"c":1},[1]]`},
		{"store..price", storeInput, "$.store..price", `[19.95,8.95,12.99,8.99,22.99]`},
		{"third book", storeInput, "$..book[2].title", `["Moby Dick"]`},
		{"second to last", storeInput, "$..book[-2].title", `["Moby Dick"]`},
		{"first two", storeInput, "$..book[0,1].title", `["Sayings of the Century","Sword of Honour"]`},
		{"slice to", storeInput, "$.store.book[:2].price", `[8.95,12.99]`},
		{"slice between", storeInput, "$.store.book[1:2].price", `[12.99]`},
		{"slice last two", storeInput, "$.store.book[-2:].price", `[8.99,22.99]`},
		{"slice from", storeInput, "$.store.book[2:].price", `[8.99,22.99]`},
		{"slice past end", storeInput, "$.store.book[3:10].price", `[22.99]`},
		{"slice empty", storeInput, "$.store.book[3:1]", `[]`},
		{"isbn exists", storeInput, "$..book[?(@.isbn)].title", `["Moby Dick","The Lord of the Rings"]`},
		{"not isbn", storeInput, "$.store.book[?(!@.isbn)].title", `["Sayings of the Century","Sword of Honour"]`},
		{"price < 10", storeInput, "$.store.book[?(@.price < 10)].title", `["Sayings of the Century","Moby Dick"]`},
		{"price <= $", storeInput, "$..book[?(@.price <= $['expensive'])].title", `["Sayings of the Century","Moby Dick"]`},
		{"regex i", storeInput, "$..book[?(@.author =~ /.*REES/i)].title", `["Sayings of the Century"]`},
		{"regex whole", storeInput, "$..book[?(@.author =~ /Rees/)].title", `[]`},
		{"and", storeInput, "$.store.book[?(@.category == 'fiction' && @.price < 10)].title", `["Moby Dick"]`},
		{"or", storeInput, "$.store.book[?(@.price > 20 || @.price < 9)].price", `[8.95,8.99,22.99]`},
		{"parens", storeInput, "$.store.book[?(!(@.price > 10) && @.isbn)].price", `[8.99]`},
		{"in", storeInput, "$.store.book[?(@.author in ['Nigel Rees', 'Herman Melville'])].price", `[8.95,8.99]`},
		{"nin", storeInput, "$.store.book[?(@.category nin ['fiction'])].price", `[8.95]`},
		{"!= missing", storeInput, "$.store.book[?(@.isbn != '0-553-21311-3')].price", `[8.95,12.99,22.99]`},
		{"filter on object", `{"a": {"b": 1}}`, "$[?(@.a.b == 1)]", `[{"a":{"b":1}}]`},
		{"filter skips scalars", `[1, 6, {"v": 7}]`, "$[?(@.v > 5)]", `[{"v":7}]`},
		{"filter == number string", `[{"v": 1}, {"v": "1"}, {"v": "1.0"}]`, "$[?(@.v == '1')]", `[{"v":1},{"v":"1"}]`},
		{"filter == string number", `[{"v": 1}, {"v": "1"}, {"v": "1.0"}]`, "$[?(@.v == 1)]", `[{"v":1},{"v":"1"}]`},
		{"filter number equal", `[{"v": 1.0}, {"v": 2}]`, "$[?(@.v == 1)]", `[{"v":1.0}]`},
		{"filter strings <", `[{"v": "a"}, {"v": "c"}, {"v": 1}]`, "$[?(@.v < 'b')]", `[{"v":"a"}]`},
		{"filter null", `[{"v": null}, {"v": 0}, {}]`, "$[?(@.v == null)]", `[{"v":null}]`},
		{"filter exists null", `[{"v": null}, {"w": 0}]`, "$[?(@.v)]", `[{"v":null}]`},
		{"filter bool", `[{"v": true}, {"v": false}]`, "$[?(@.v == true)]", `[{"v":true}]`},
		{"filter json", `[{"v": [1, 2]}, {"v": [2]}]`, "$[?(@.v == [1,2])]", `[{"v":[1,2]}]`},
		{"filter size", `[{"v": [1, 2]}, {"v": "ab"}, {"v": [1]}]`, "$[?(@.v size 2)]", `[{"v":[1,2]},{"v":"ab"}]`},
		{"filter empty", `[{"v": []}, {"v": ""}, {"v": [1]}]`, "$[?(@.v empty true)]", `[{"v":[]},{"v":""}]`},
		{"filter subsetof", `[{"v": ["a"]}, {"v": ["a", "z"]}]`, "$[?(@.v subsetof ['a','b'])]", `[{"v":["a"]}]`},
		{"filter anyof", `[{"v": ["a", "z"]}, {"v": ["z"]}]`, "$[?(@.v anyof ['a','b'])]", `[{"v":["a","z"]}]`},
		{"filter noneof", `[{"v": ["a", "z"]}, {"v": ["z"]}]`, "$[?(@.v noneof ['a','b'])]", `[{"v":["z"]}]`},
		{"filter contains", `[{"v": ["a", "z"]}, {"v": "xaz"}, {"v": "q"}]`, "$[?(@.v contains 'a')]", `[{"v":["a","z"]},{"v":"xaz"}]`},
		{"filter nested path", `[{"a": {"b": [5]}}, {"a": {}}]`, "$[?(@.a.b[0] == 5)]", `[{"a":{"b":[5]}}]`},
		{"filter regex number", `[{"v": 42}, {"v": 7}]`, "$[?(@.v =~ /4\\d/)]", `[{"v":42}]`},
		{"wildcard object", `{"b": 2, "a": 1}`, "$.*", `[1,2]`},
		{"wildcard scalar", `{"a": 1}`, "$.a[*]", `[]`},
		{"wildcard null", `{"a": null}`, "$.a[*]", `[]`},
		{"wildcard then missing", `[{"x": 1}, {}, 3]`, "$[*].x", `[1]`},
		{"wildcard then index", `[[1, 2], [3], 4]`, "$[*][1]", `[2]`},
		{"flatten", `[[1, 2], [3]]`, "$[*][*]", `[1,2,3]`}, // AWS "Flattening an array of arrays"
		{"indexes union", `["a", "b", "c"]`, "$[2,0,5]", `["c","a"]`},
		{"deep scan order", `{"a": {"x": 1, "b": {"x": 2}}, "x": 0}`, "$..x", `[0,1,2]`},
		{"deep scan all", `{"a": {"b": 1}, "c": [2, [3]]}`, "$..*", `[{"b":1},[2,[3]],1,2,[3],3]`},
		{"deep scan index leaf", `[[1, 2], [3]]`, "$..[0]", `[[1,2],1,3]`},
		{"deep scan filter", `{"a": [{"p": 1}, {"p": 5}], "b": {"p": 9}}`, "$..[?(@.p > 2)]", `[{"p":5},{"p":9}]`},
		{"variable root", `{"field": [7]}`, "$myVar.field[0]", `7`},
		{"context root", `{"Execution": {"Id": "arn:x"}}`, "$$.Execution.Id", `"arn:x"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := jsonpath.MustParse(tt.path).Get(decode(t, tt.doc))
			if err != nil {
				t.Fatalf("Get: %v", err)
			}
			if got := jsonText(v); got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}
}

func TestGetNotFound(t *testing.T) {
	tests := []struct {
		name, doc, path, reason string
	}{
		{"missing leaf", `{}`, "$.a", "No results for path: $['a']"},
		{"missing middle", `{}`, "$.a.b", "Missing property in path $['a']"},
		{"missing deep", `{"a": {}}`, "$.a.b.c", "Missing property in path $['a']['b']"},
		{"missing before wildcard", `{}`, "$.a[*]", "Missing property in path $['a']"},
		{"missing before filter", `{}`, "$.a[?(@.b)]", "Missing property in path $['a']"},
		{"index out of range", `{"a": [1]}`, "$.a[5]", "No results for path: $['a'][5]"},
		{"negative out of range", `{"a": [1]}`, "$.a[-2]", "No results for path: $['a'][-2]"},
		{"index on object", `{"a": {"b": 1}}`, "$.a[0]", `Filter: [0] can only be applied to arrays. Current context is: {"b":1}`},
		{"index on null", `{"a": null}`, "$.a[0]", "The path $['a'] is null"},
		{"name on array", `{"a": [1]}`, "$.a.b", "Expected to find an object with property ['b'] in path $['a'] but found 'array'"},
		{"name on string", `"foo"`, "$.x", "Expected to find an object with property ['x'] in path $ but found 'string'"},
		{"slice on object", `{"a": {}}`, "$.a[1:]", "Filter: [1:] can only be applied to arrays"},
		{"filter on scalar", `{"a": 1}`, "$.a[?(@.b)]", "Filter: [?] can not be applied to primitives"},
		{"function", `{"Jobs": [0, 1]}`, "$.Jobs.sum()", "functions such as sum() are not supported"},
		{"length", `{"a": [1]}`, "$.a.length()", "not supported"},
		{"names union on scalar", `{"a": 1}`, "$.a['x','y']", "Expected to find an object"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := jsonpath.MustParse(tt.path).Get(decode(t, tt.doc))
			var nf *jsonpath.NotFoundError
			if !errors.As(err, &nf) {
				t.Fatalf("Get error = %v, want a *NotFoundError", err)
			}
			if nf.Path != tt.path || !strings.Contains(nf.Reason, tt.reason) {
				t.Errorf("got %+v, want path %q and reason containing %q", nf, tt.path, tt.reason)
			}
			if !strings.Contains(err.Error(), tt.path) {
				t.Errorf("message %q does not name the path", err)
			}
		})
	}
}

// TestGetAcceptsGoNumbers: documents built in Go (float64, int) work in
// filters like decoded ones.
func TestGetAcceptsGoNumbers(t *testing.T) {
	doc := []any{map[string]any{"v": 3}, map[string]any{"v": 12.5}, map[string]any{"v": int64(40)}}
	v, err := jsonpath.MustParse("$[?(@.v > 10)].v").Get(doc)
	if err != nil {
		t.Fatal(err)
	}
	if got := jsonText(v); got != `[12.5,40]` {
		t.Errorf("got %s", got)
	}
}

// TestGetLimit: nested deep scans on a deep document stop with a
// *LimitError instead of running for minutes.
func TestGetLimit(t *testing.T) {
	doc := any(1)
	for range 200 {
		doc = []any{doc, doc}
	}
	_, err := jsonpath.MustParse("$..*..*..*").Get(doc)
	var le *jsonpath.LimitError
	if !errors.As(err, &le) || !strings.Contains(err.Error(), "$..*..*..*") {
		t.Fatalf("error = %v, want a LimitError naming the path", err)
	}
	_, err = jsonpath.MustParse("$[?(@..x)]").Get([]any{map[string]any{"a": doc}})
	if !errors.As(err, &le) {
		t.Fatalf("error in a filter = %v, want a LimitError", err)
	}
}
