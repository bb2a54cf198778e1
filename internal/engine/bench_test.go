package engine

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/mie-kafka/mie/events"
)

// loopMachine is a Pass/Choice loop of n rounds: each round is a Pass
// that counts and a Choice that tests the count, two transitions.
func loopMachine(n int) string {
	return fmt.Sprintf(`{"StartAt":"Count","States":{
		"Count":{"Type":"Pass","Parameters":{"i.$":"States.MathAdd($.i, 1)"},"Next":"More"},
		"More":{"Type":"Choice","Choices":[{"Variable":"$.i","NumericLessThan":%d,"Next":"Count"}],"Default":"Done"},
		"Done":{"Type":"Succeed"}}}`, n)
}

// chainMachine is n states alternating Pass and Choice, in a line.
func chainMachine(n int) string {
	var b strings.Builder
	b.WriteString(`{"StartAt":"S0","States":{`)
	for i := 0; i < n; i++ {
		next := fmt.Sprintf("S%d", i+1)
		if i > 0 {
			b.WriteByte(',')
		}
		switch {
		case i == n-1:
			fmt.Fprintf(&b, `"S%d":{"Type":"Succeed"}`, i)
		case i%2 == 0:
			fmt.Fprintf(&b, `"S%d":{"Type":"Pass","Result":{"step":%d},"ResultPath":"$.last","Next":"%s"}`, i, i, next)
		default:
			fmt.Fprintf(&b, `"S%d":{"Type":"Choice","Choices":[{"Variable":"$.last.step","NumericGreaterThanEquals":0,"Next":"%s"}],"Default":"%s"}`, i, next, next)
		}
	}
	b.WriteString(`}}`)
	return b.String()
}

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
	cmd := benchStart(loopMachine(rounds), `{"i":0}`)
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
	cmd := benchStart(chainMachine(20), `{}`)
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
