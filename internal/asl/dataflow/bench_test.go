package dataflow_test

import (
	"testing"

	"github.com/mie-kafka/mie/internal/asl/dataflow"
)

const benchInput = `{"order": {"id": "o-1", "items": [{"sku": "a", "qty": 2}, {"sku": "b", "qty": 1}], "total": 12.5}, "customer": {"name": "Ada", "tier": "gold"}}`

func BenchmarkTemplateEval(b *testing.B) {
	tmpl, err := dataflow.CompileTemplate(decode(b, `{"id.$": "$.order.id", "first.$": "$.order.items[0].sku", "who.$": "$.customer.name",
		"exec.$": "$$.Execution.Id", "static": {"k": [1, 2]}}`))
	if err != nil {
		b.Fatal(err)
	}
	s := scope(b, benchInput)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := tmpl.Eval(s); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkTemplateEvalIntrinsic(b *testing.B) {
	tmpl, err := dataflow.CompileTemplate(decode(b, `{"label.$": "States.Format('{} for {}', $.order.id, $.customer.name)"}`))
	if err != nil {
		b.Fatal(err)
	}
	s := scope(b, benchInput)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := tmpl.Eval(s); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPassState is a Pass state's whole JSONPath processing:
// InputPath, Parameters, ResultPath and OutputPath; the interpreter's
// 500k transitions/s per core leave it 2µs.
func BenchmarkPassState(b *testing.B) {
	io, err := dataflow.CompileIO(decode(b, `{"InputPath": "$.order", "Parameters": {"id.$": "$.id", "n.$": "$.items[1].qty"},
		"ResultPath": "$.summary", "OutputPath": "$.summary"}`).(map[string]any))
	if err != nil {
		b.Fatal(err)
	}
	s := scope(b, benchInput)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		in, err := io.Input(s)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := io.Output(s, in); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "states/s")
}

// BenchmarkChoiceState is a Choice state's processing: InputPath and
// OutputPath absent, one Variable path read.
func BenchmarkChoiceState(b *testing.B) {
	io, err := dataflow.CompileIO(map[string]any{})
	if err != nil {
		b.Fatal(err)
	}
	v, err := dataflow.CompilePath("Variable", "$.customer.tier", true, false)
	if err != nil {
		b.Fatal(err)
	}
	s := scope(b, benchInput)
	b.ReportAllocs()
	for b.Loop() {
		in, err := io.Input(s)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := v.Select(s); err != nil {
			b.Fatal(err)
		}
		if _, err := io.OutputPath.Select(s); err != nil || in == nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "states/s")
}
