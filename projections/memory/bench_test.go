package memory

import (
	"fmt"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/broker"
	"github.com/mie-kafka/mie/internal/execution/executiontest"
	"github.com/mie-kafka/mie/internal/topics"
)

// BenchmarkApplyRecord folds pre-built records of finished executions of 3
// stages of 2 operators (21 events each) into the projection, one record
// per op. The projection is replaced, off the clock, each time the records
// run out, so that its size stays bounded.
func BenchmarkApplyRecord(b *testing.B) {
	const executions = 1000
	now := time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)
	cat := topics.New("", topics.DefaultPartitions)
	var recs []*kgo.Record
	for i := range executions {
		id := fmt.Sprintf("0190f0d2-7a3c-7cc1-9d4e-%012d", i)
		_, evs := executiontest.Run(executiontest.Command(id, fmt.Sprintf("asset-%d", i%100), now.Add(time.Duration(i)*time.Second), 3, 2), now)
		for _, e := range evs {
			env, err := events.New(id, "bench", e)
			if err != nil {
				b.Fatal(err)
			}
			rec, err := env.Record(cat.Executions())
			if err != nil {
				b.Fatal(err)
			}
			recs = append(recs, rec)
		}
	}
	fresh := func() *Projection {
		p, err := New(Config{Kafka: broker.Config{Brokers: []string{"localhost:9092"}}, Catalog: cat,
			Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
		if err != nil {
			b.Fatal(err)
		}
		return p
	}
	p := fresh()
	b.SetBytes(int64(len(recs[len(recs)/2].Value)))
	b.ReportAllocs()
	i, n := 0, 0
	for b.Loop() {
		if i == len(recs) {
			b.StopTimer()
			if p.Applied() != int64(len(recs)) {
				b.Fatalf("applied %d of %d records", p.Applied(), len(recs))
			}
			p, i = fresh(), 0
			b.StartTimer()
		}
		p.applyRecord(recs[i])
		i++
		n++
	}
	if p.Applied() != int64(i) {
		b.Fatalf("applied %d of %d records", p.Applied(), i)
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "records/s")
}
