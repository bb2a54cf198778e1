package intrinsics_test

import (
	"testing"

	"github.com/mie-kafka/mie/internal/asl/intrinsics"
)

func benchCall(b *testing.B, expr, input string) {
	c, err := intrinsics.Parse(expr)
	if err != nil {
		b.Fatal(err)
	}
	e := env(b, input)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.Eval(e); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkFormat(b *testing.B) {
	benchCall(b, "States.Format('Hello, {} from {}', $.name, $.city)", `{"name": "Ada", "city": "London"}`)
}

func BenchmarkMathAdd(b *testing.B) {
	benchCall(b, "States.MathAdd($.n, 1)", `{"n": 41}`)
}

func BenchmarkArrayGetItemSplit(b *testing.B) {
	benchCall(b, "States.ArrayGetItem(States.StringSplit($.arn, ':'), 4)", `{"arn": "arn:aws:states:us-east-1:123456789012:stateMachine:m"}`)
}

func BenchmarkHash(b *testing.B) {
	benchCall(b, "States.Hash($.s, 'SHA-256')", `{"s": "some data to hash"}`)
}

func BenchmarkParse(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := intrinsics.Parse(awsNested); err != nil {
			b.Fatal(err)
		}
	}
}
