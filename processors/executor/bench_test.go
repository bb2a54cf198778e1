package executor

import (
	"fmt"
	"io"
	"log/slog"
	"maps"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/broker"
	"github.com/mie-kafka/mie/internal/execution"
	"github.com/mie-kafka/mie/internal/execution/executiontest"
	"github.com/mie-kafka/mie/internal/topics"
	"github.com/mie-kafka/mie/internal/transact"
)

// BenchmarkBatch is the work of one executor batch of 100 operator results
// apart from Kafka: Executor.handle decodes each record, decides with the
// execution engine and encodes every record the batch produces, into a
// producer that counts instead of sending. 50 executions of 3 stages of 2
// operators run stage A; each gets both results, so half the results
// complete a stage and dispatch the next one.
//
// The validated variant also checks every input against its JSON Schema
// (Config.ValidateInputs): what that costs.
func BenchmarkBatch(b *testing.B) {
	b.Run("plain", func(b *testing.B) { benchmarkBatch(b, false) })
	b.Run("validated", func(b *testing.B) { benchmarkBatch(b, true) })
}

func benchmarkBatch(b *testing.B, validate bool) {
	const executions = 50
	now := time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)
	cat := topics.New("", topics.DefaultPartitions)
	x, err := New(Config{Config: transact.Config{Kafka: broker.Config{Brokers: []string{"127.0.0.1:1"}}, Catalog: cat,
		TransactionalID: "bench", Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Clock: func() time.Time { return now }},
		ValidateInputs: validate})
	if err != nil {
		b.Fatal(err)
	}
	template := map[string]*execution.Execution{}
	var batch []*kgo.Record
	for i := range executions {
		id := fmt.Sprintf("0190f0d2-7a3c-7cc1-9d4e-%012d", i)
		ex, _ := execution.Start(executiontest.Command(id, "asset", now, 3, 2), now)
		o := execution.Handle(ex, &events.AdmitExecution{ExecutionId: id}, now, execution.Options{})
		template[id] = ex
		for _, t := range o.Tasks {
			env, err := events.New(id, "worker", executiontest.Complete(&t.Task))
			if err != nil {
				b.Fatal(err)
			}
			env.CorrelationID = id
			rec, err := env.Record(cat.Results())
			if err != nil {
				b.Fatal(err)
			}
			rec.Offset = int64(len(batch))
			batch = append(batch, rec)
		}
	}

	b.ReportAllocs()
	in, out := 0, 0
	for b.Loop() {
		b.StopTimer()
		p := newPartition()
		p.ready = true
		for id, ex := range template {
			p.execs[id] = &held{legacy: cloneLegacy(ex)}
		}
		x.part = map[int32]*partition{0: p}
		produced := 0
		prod := transact.NewProducerFunc(func(*kgo.Record, func(*kgo.Record, error)) { produced++ })
		tb := transact.OfflineBatch(x.cfg.Config, prod, batch, now)
		b.StartTimer()
		for _, r := range batch {
			x.handle(tb, r, now)
		}
		// Per execution: OperatorCompleted, then OperatorCompleted,
		// StageCompleted, StageStarted and two OperatorDispatched with
		// their two tasks.
		if produced != executions*8 || prod.Err() != nil {
			b.Fatalf("batch produced %d records (%v), want %d", produced, prod.Err(), executions*8)
		}
		in, out = in+len(batch), out+produced
	}
	b.ReportMetric(float64(out)*float64(len(batch))/float64(in), "produced/op")
	b.ReportMetric(float64(in)/b.Elapsed().Seconds(), "records/s")
}

// cloneLegacy deep-copies a version-1 execution's state.
func cloneLegacy(x *execution.Execution) *execution.Execution {
	c := *x
	c.Nodes = make(map[string]*execution.Node, len(x.Nodes))
	for k, n := range x.Nodes {
		nn := *n
		c.Nodes[k] = &nn
	}
	c.Globals.Media = maps.Clone(x.Globals.Media)
	c.Globals.MetaData = maps.Clone(x.Globals.MetaData)
	return &c
}
