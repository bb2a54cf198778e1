package memory

import (
	"encoding/json"
	"log/slog"
	"testing"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/mie-kafka/mie/internal/broker"
	"github.com/mie-kafka/mie/projections/projectiontest"
)

// TestRedeliveryChangesNothing: the memory projection applies a record it
// has read before (the same partition and offset) once, so a redelivered
// batch gives the same state, history and event count.
func TestRedeliveryChangesNothing(t *testing.T) {
	p, err := New(Config{Kafka: broker.Config{Brokers: []string{"127.0.0.1:1"}}, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	s := projectiontest.Executions()
	var recs []*kgo.Record
	for i, e := range s.Events {
		env := e.Envelope(s.Name, i)
		v, err := json.Marshal(&env)
		if err != nil {
			t.Fatal(err)
		}
		recs = append(recs, &kgo.Record{Key: []byte(env.Key), Value: v, Partition: 0, Offset: int64(i)})
	}
	apply := func(rs []*kgo.Record) {
		for _, r := range rs {
			p.applyRecord(r)
			p.tracker.passed(r.Partition, r.Offset+1)
		}
	}
	half := len(recs) / 2
	apply(recs[:half])
	once, _ := json.Marshal(p.execs)
	apply(recs[:half]) // the same batch again
	if twice, _ := json.Marshal(p.execs); string(once) != string(twice) {
		t.Fatalf("redelivering a batch changed the state:\n%s\n%s", once, twice)
	}
	if p.applied != int64(half) {
		t.Fatalf("applied %d events after a redelivery, want %d", p.applied, half)
	}
	apply(recs)
	if p.applied != int64(len(recs)) {
		t.Fatalf("applied %d events, want %d", p.applied, len(recs))
	}
	for id, h := range p.history {
		seen := map[int64]bool{}
		for _, o := range h.offsets {
			if seen[o] {
				t.Errorf("history of %s holds offset %d twice", id, o)
			}
			seen[o] = true
		}
	}
}
