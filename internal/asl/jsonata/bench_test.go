package jsonata

import (
	"testing"
	"time"
)

const benchInput = `{"customer": {"firstName": "Martha", "lastName": "Rivera"},
	"order": {"items": [{"sku": "a", "qty": 2, "price": 3.5}, {"sku": "b", "qty": 1, "price": 10}], "total": 17}}`

func benchBindings(b *testing.B) Bindings {
	return Bindings{
		States: map[string]any{"input": decode(b, benchInput)},
		Vars:   func(string) (any, bool) { return nil, false },
		Now:    func() time.Time { return time.Unix(0, 0) },
	}
}

func BenchmarkCompile(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Compile(`$states.input.order.items[qty > 1].{"sku": sku, "cost": qty * price}`); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEvalField(b *testing.B) {
	e, err := Compile(`$states.input.customer.lastName`)
	if err != nil {
		b.Fatal(err)
	}
	bb := benchBindings(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := e.Eval(bb); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEvalTransform(b *testing.B) {
	e, err := Compile(`$states.input ~> |order.items|{"cost": qty * price}, ["price"]|`)
	if err != nil {
		b.Fatal(err)
	}
	bb := benchBindings(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := e.Eval(bb); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEvalLambda(b *testing.B) {
	e, err := Compile(`$sum($map($states.input.order.items, function($i){ $i.qty * $i.price }))`)
	if err != nil {
		b.Fatal(err)
	}
	bb := benchBindings(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := e.Eval(bb); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkValueEval(b *testing.B) {
	v, err := CompileValue("Arguments", decode(b, `{"FunctionName": "f", "Payload": {
		"name": "{% $states.input.customer.firstName & ' ' & $states.input.customer.lastName %}",
		"total": "{% $states.input.order.total %}", "skus": "{% $states.input.order.items.sku %}"}}`))
	if err != nil {
		b.Fatal(err)
	}
	bb := benchBindings(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := v.Eval(bb); err != nil {
			b.Fatal(err)
		}
	}
}
