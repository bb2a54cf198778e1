package execution_test

import (
	"testing"
	"time"

	"github.com/mie-kafka/mie/internal/execution"
	"github.com/mie-kafka/mie/internal/execution/executiontest"
)

var benchNow = time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)

// BenchmarkFold applies every event of a finished execution of 3 stages of 2
// operators (21 events) to an empty state, as a rebuild or a projection does.
func BenchmarkFold(b *testing.B) {
	_, evs := executiontest.Run(executiontest.Command("x1", "a1", benchNow, 3, 2), benchNow)
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		x := &execution.Execution{}
		for _, e := range evs {
			if err := x.Apply(benchNow, e); err != nil {
				b.Fatal(err)
			}
		}
		if x.Status != execution.StatusComplete {
			b.Fatalf("folded to %s", x.Status)
		}
		n += len(evs)
	}
	b.ReportMetric(float64(len(evs)), "events/op")
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "records/s")
}

// BenchmarkDecide runs one execution of 3 stages of 2 operators through the
// deciders: Start, Admit and 6 operator results, 8 input records.
func BenchmarkDecide(b *testing.B) {
	cmd := executiontest.Command("x1", "a1", benchNow, 3, 2)
	const inputs = 8
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		x, _ := executiontest.Run(cmd, benchNow)
		if x.Status != execution.StatusComplete {
			b.Fatalf("ended %s", x.Status)
		}
		n += inputs
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "records/s")
}
