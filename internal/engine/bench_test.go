package engine

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/engine/enginebench"
)

func benchStart(def, input string) *events.StartExecution {
	return &events.StartExecution{ExecutionId: "bench", Created: t0, Input: json.RawMessage(input),
		Run: events.Run{Name: "bench", Definition: json.RawMessage(def),
			StateMachine: &events.StateMachineRef{Kind: events.KindStateMachine, Name: "bench"}}}
}

// BenchmarkPassChoiceTransitions decides a 1,000-round Pass/Choice loop
// (2,000 transitions, every event applied to the state) per iteration and
// reports transitions/s on one goroutine; the machine is parsed once (the
// executor caches parsed machines).
func BenchmarkPassChoiceTransitions(b *testing.B) {
	const rounds = 1000
	cmd := benchStart(enginebench.Loop(rounds), `{"i":0}`)
	opts := &Options{MaxTransitions: 10 * rounds, MaxHistory: 100 * rounds}
	b.ReportAllocs()
	start := time.Now()
	for b.Loop() {
		x, _ := Start(cmd, t0, opts)
		if x.Status != StatusSucceeded {
			b.Fatalf("status %s: %s %s", x.Status, x.Error, x.Cause)
		}
	}
	b.ReportMetric(float64(b.N)*2*rounds/time.Since(start).Seconds(), "transitions/s")
}

// BenchmarkChain20 decides a 20-state Pass/Choice machine from start to
// end per iteration: one execution's decisions.
func BenchmarkChain20(b *testing.B) {
	cmd := benchStart(enginebench.Chain(20), `{}`)
	opts := &Options{}
	b.ReportAllocs()
	start := time.Now()
	for b.Loop() {
		x, _ := Start(cmd, t0, opts)
		if x.Status != StatusSucceeded {
			b.Fatalf("status %s: %s %s", x.Status, x.Error, x.Cause)
		}
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "executions/s")
}
