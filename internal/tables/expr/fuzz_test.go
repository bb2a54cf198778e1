package expr_test

import (
	"encoding/json"
	"testing"

	"github.com/mie-kafka/mie/internal/tables"
	"github.com/mie-kafka/mie/internal/tables/expr"
)

// The fuzz targets parse arbitrary text with a fixed set of names and
// values and evaluate what parses against a fixed item: nothing may
// panic, every refusal is a ValidationException, and (the input being
// bounded) nothing may hang. Seeds are in testdata/fuzz/<target>.

var fuzzNames = map[string]string{"#a": "a", "#b": "Meta", "#c": "list", "#s": "JobStatus"}

const fuzzValues = `{":s": {"S": "STARTED"}, ":n": {"N": "3"}, ":b": {"B": "aGk="}, ":l": {"L": [{"S": "x"}]},
	":m": {"M": {"k": {"N": "1"}}}, ":ss": {"SS": ["a", "b"]}, ":ns": {"NS": ["1"]}, ":t": {"S": "SS"},
	":null": {"NULL": true}, ":bool": {"BOOL": true}}`

func fuzzAttrs(t *testing.T) *expr.Attributes {
	a, err := expr.NewAttributes(fuzzNames, json.RawMessage(fuzzValues))
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func checkRefusal(t *testing.T, src string, err error) {
	if err != nil && !tables.IsCode(err, tables.ValidationException) {
		t.Fatalf("%q: refused with %v, want a ValidationException", src, err)
	}
}

func FuzzCondition(f *testing.F) {
	f.Add("a = :s AND (attribute_exists(#b.k) OR size(#c) > :n)")
	item := tables.MustItem(job)
	f.Fuzz(func(t *testing.T, src string) {
		c, err := expr.ParseCondition(src, expr.WhatCondition, fuzzAttrs(t))
		checkRefusal(t, src, err)
		if err == nil {
			c.Eval(item)
			c.Eval(nil)
		}
	})
}

func FuzzUpdate(f *testing.F) {
	f.Add("SET a = if_not_exists(a, :n) + :n, #c = list_append(#c, :l) REMOVE x[1] ADD y :ss DELETE z :ns")
	item := tables.MustItem(job)
	f.Fuzz(func(t *testing.T, src string) {
		u, err := expr.ParseUpdate(src, fuzzAttrs(t))
		checkRefusal(t, src, err)
		if err != nil {
			return
		}
		for _, it := range []tables.Item{item, {}} {
			out, err := u.Apply(it)
			checkRefusal(t, src, err)
			if err == nil {
				// What an update makes must encode and decode back.
				if _, err := tables.DecodeItem(out.Encode()); err != nil {
					t.Fatalf("%q made an item that does not decode: %v", src, err)
				}
			}
		}
	})
}

func FuzzProjection(f *testing.F) {
	f.Add("JobId, Meta.codec, Outputs[1].format, #s")
	item := tables.MustItem(job)
	f.Fuzz(func(t *testing.T, src string) {
		p, err := expr.ParseProjection(src, fuzzAttrs(t))
		checkRefusal(t, src, err)
		if err == nil {
			p.Apply(item)
		}
	})
}

func FuzzKeyCondition(f *testing.F) {
	f.Add("JobId = :s AND begins_with(#a, :s)")
	f.Fuzz(func(t *testing.T, src string) {
		kc, err := expr.ParseKeyCondition(src, fuzzAttrs(t))
		checkRefusal(t, src, err)
		if err == nil {
			for _, p := range kc.Parts {
				p.Match(tables.String("STARTED"))
			}
		}
	})
}
