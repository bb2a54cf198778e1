package broker_test

import (
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/broker"
	"github.com/mie-kafka/mie/internal/kafkatest"
)

// TestSettledEndsWaitsForPendingTransactions: with a transaction open on a
// partition, SettledEnds gives up after its bound and says so; once the
// transaction commits, it returns an end past the transaction's records.
func TestSettledEndsWaitsForPendingTransactions(t *testing.T) {
	kafka, cat := kafkatest.Start(t)
	topic := cat.Executions()
	kafkatest.Produce(t, kafka, &kgo.Record{Topic: topic, Partition: 0, Value: []byte("before")})
	tx, err := kgo.NewClient(kafka.Opts(kgo.RecordPartitioner(kgo.ManualPartitioner()),
		kgo.TransactionalID("settle-"+events.NewID()), kgo.ProducerLinger(0))...)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Close()
	if err := tx.BeginTransaction(); err != nil {
		t.Fatal(err)
	}
	r, err := tx.ProduceSync(t.Context(), &kgo.Record{Topic: topic, Partition: 0, Value: []byte("in the transaction")}).First()
	if err != nil {
		t.Fatal(err)
	}
	cl := kafkatest.Client(t, kafka)

	ends, settled, err := broker.SettledEnds(t.Context(), cl, topic, []int32{0}, 300*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	if settled || ends[0] > r.Offset {
		t.Fatalf("with a transaction open at offset %d: settled %v, end %d; want not settled and an end at or before it", r.Offset, settled, ends[0])
	}

	committed := make(chan error, 1)
	go func() {
		time.Sleep(200 * time.Millisecond) // the commit comes while SettledEnds waits
		committed <- tx.EndTransaction(t.Context(), kgo.TryCommit)
	}()
	ends, settled, err = broker.SettledEnds(t.Context(), cl, topic, []int32{0}, kafkatest.Timeout)
	if err != nil {
		t.Fatal(err)
	}
	if err := <-committed; err != nil {
		t.Fatal(err)
	}
	if !settled || ends[0] <= r.Offset {
		t.Fatalf("after the commit: settled %v, end %d; want settled and an end past offset %d", settled, ends[0], r.Offset)
	}
}
