package transact_test

import (
	"context"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/mie-kafka/mie/internal/deadletter"
	"github.com/mie-kafka/mie/internal/kafkatest"
	"github.com/mie-kafka/mie/internal/topics"
	"github.com/mie-kafka/mie/internal/transact"
)

// copier copies every record to out in the batch's transaction; a record
// whose value is "poison" panics its handler.
func copier(out string, ticks *atomic.Int64) transact.ProcessorFunc {
	return func(ctx context.Context, b *transact.Batch) error {
		if b.Tick {
			ticks.Add(1)
		}
		if len(b.Records) == 0 {
			return nil
		}
		if err := b.Begin(); err != nil {
			return err
		}
		b.Each(func(r *kgo.Record) {
			if string(r.Value) == "poison" {
				panic("cannot handle " + string(r.Key))
			}
			b.Out.Produce(&kgo.Record{Topic: out, Key: r.Key, Value: r.Value})
		})
		_, err := b.End()
		return err
	}
}

// TestRuntimeCopiesOnceAndDeadLettersPoison: every good record reaches the
// output exactly once, the poison record is dead-lettered with its reason
// after MaxHandlerFailures aborted batches (so the records behind it flow),
// and the tick runs without records.
func TestRuntimeCopiesOnceAndDeadLettersPoison(t *testing.T) {
	kafka, cat := kafkatest.Start(t)
	in, out := cat.Prefix+"in", cat.Prefix+"out"
	kafkatest.Ensure(t, kafka, append(cat.Specs(), topics.Spec{Name: in, Partitions: 1}, topics.Spec{Name: out, Partitions: 1})...)
	var ticks atomic.Int64
	rt, err := transact.NewRuntime(transact.Config{
		Name: "copier", Kafka: kafka, Catalog: cat, Topics: []string{in}, TransactionalID: "copier-" + cat.Prefix,
		SessionTimeout: 6 * time.Second, Tick: 50 * time.Millisecond, MaxHandlerFailures: 2,
		Logger: slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelError + 1})),
	}, copier(out, &ticks))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- rt.Run(ctx) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
	}()

	var recs []*kgo.Record
	for _, v := range []string{"a", "b", "poison", "c", "d"} {
		recs = append(recs, &kgo.Record{Topic: in, Key: []byte(v), Value: []byte(v)})
	}
	kafkatest.Produce(t, kafka, recs...)
	got := kafkatest.Collect(t, kafkatest.Client(t, kafka, out), 4)
	var keys []string
	for _, r := range got {
		keys = append(keys, string(r.Key))
	}
	if strings.Join(keys, ",") != "a,b,c,d" {
		t.Fatalf("copied %v, want a,b,c,d once each", keys)
	}
	dl := kafkatest.Collect(t, kafkatest.Client(t, kafka, cat.DLQ()), 1)[0]
	h := map[string]string{}
	for _, x := range dl.Headers {
		h[x.Key] = string(x.Value)
	}
	if h[deadletter.HeaderReason] != deadletter.ReasonHandlerFailed || h[deadletter.HeaderHandler] != "copier" ||
		!strings.Contains(h[deadletter.HeaderError], "cannot handle poison") || string(dl.Value) != "poison" {
		t.Errorf("dead letter %q with headers %v, want the poison record, reason %s, handler copier", dl.Value, h, deadletter.ReasonHandlerFailed)
	}
	kafkatest.Eventually(t, "ticks without records", func() bool { return ticks.Load() >= 2 })
}

func TestConfigValidateJoinsEveryProblem(t *testing.T) {
	err := transact.Config{Tick: -time.Second, MaxPollRecords: -1}.Validate()
	for _, want := range []string{"Name is required", "no Kafka brokers", "no Topics", "TransactionalID is required",
		"Logger is required", "Tick -1s is negative", "MaxPollRecords -1"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Validate() = %v, want it to mention %q", err, want)
		}
	}
}
