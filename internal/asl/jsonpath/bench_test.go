package jsonpath_test

import (
	"testing"

	"github.com/mie-kafka/mie/internal/asl/jsonpath"
)

func BenchmarkGetDefinite(b *testing.B) {
	doc := decode(b, `{"a": {"b": [{"c": 1}, 2]}, "x": "y"}`)
	p := jsonpath.MustParse("$.a.b[0].c")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := p.Get(doc); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkGetFilter(b *testing.B) {
	doc := decode(b, storeInput)
	p := jsonpath.MustParse("$.store.book[?(@.price < 10 && @.category == 'fiction')].title")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := p.Get(doc); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkGetDeepScan(b *testing.B) {
	doc := decode(b, storeInput)
	p := jsonpath.MustParse("$..price")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := p.Get(doc); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSet(b *testing.B) {
	doc := decode(b, `{"a": {"b": 1, "c": 2}, "x": "y"}`)
	p := jsonpath.MustParse("$.a.result")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := p.Set(doc, "r"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParse(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := jsonpath.Parse("$.store.book[?(@.price < 10)].title"); err != nil {
			b.Fatal(err)
		}
	}
}

// TestGetDefiniteDoesNotAllocate guards the interpreter's hot path.
func TestGetDefiniteDoesNotAllocate(t *testing.T) {
	doc := decode(t, `{"a": {"b": [{"c": 1}, 2]}}`)
	p := jsonpath.MustParse("$.a.b[0].c")
	if n := testing.AllocsPerRun(100, func() { _, _ = p.Get(doc) }); n != 0 {
		t.Errorf("Get of a definite path allocates %v times", n)
	}
}
