package executor

import (
	"log/slog"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/kafkatest"
	"github.com/mie-kafka/mie/internal/transact"
)

// TestReadFloorsFindsTheLatest: each executions partition's checkpoints go
// to their own executor-state partition under one key, and readFloors
// finds the latest whether it is the last of hundreds or sits behind a
// window it must widen, and reports nothing for a partition never
// checkpointed.
func TestReadFloorsFindsTheLatest(t *testing.T) {
	kafka, cat := kafkatest.Start(t)
	x, err := New(Config{Config: transact.Config{Kafka: kafka, Catalog: cat, TransactionalID: "t", Logger: slog.New(slog.DiscardHandler)}})
	if err != nil {
		t.Fatal(err)
	}
	x.ck.parts = kafkatest.Partitions
	write := func(p int32, floor int64) *kgo.Record {
		env, err := events.New(x.checkpointKey(p), "test", &events.ExecutorCheckpoint{Partition: p, Floor: floor, Written: time.Now()})
		if err != nil {
			t.Fatal(err)
		}
		r, err := env.Record(cat.ExecutorState())
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	var recs []*kgo.Record
	for f := range int64(300) {
		recs = append(recs, write(0, f))
	}
	recs = append(recs, write(1, 7))
	res := kafkatest.Client(t, kafka).ProduceSync(t.Context(), recs...)
	if err := res.FirstErr(); err != nil {
		t.Fatal(err)
	}
	for _, r := range res {
		var ck events.ExecutorCheckpoint
		env, _ := events.FromRecord(r.Record)
		pl, _ := env.Decode()
		ck = *pl.(*events.ExecutorCheckpoint)
		if r.Record.Partition != ck.Partition {
			t.Fatalf("the checkpoint of partition %d (key %s) landed on partition %d", ck.Partition, r.Record.Key, r.Record.Partition)
		}
	}
	start := time.Now()
	got := x.readFloors(t.Context(), []int32{0, 1})
	t.Logf("read the latest of 300 in %s", time.Since(start))
	if len(got) != 2 || got[0] != 299 || got[1] != 7 {
		t.Fatalf("readFloors = %v, want map[0:299 1:7]", got)
	}

	// Behind the latest of partition 1, a hundred checkpoints of another
	// executions partition that shares its executor-state partition (3,
	// with 2 executor-state partitions): the window has to widen.
	recs = append(recs[:0], write(1, 42))
	for f := range int64(100) {
		recs = append(recs, write(3, f))
	}
	if err := kafkatest.Client(t, kafka).ProduceSync(t.Context(), recs...).FirstErr(); err != nil {
		t.Fatal(err)
	}
	start = time.Now()
	got = x.readFloors(t.Context(), []int32{1})
	if len(got) != 1 || got[1] != 42 {
		t.Fatalf("readFloors = %v, want map[1:42]", got)
	}
	t.Logf("found behind 100 others in %s", time.Since(start))
}
