package memory

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/kafkatest"
)

// TestLogReaderReadsChosenOffsets: the reader that serves History returns
// exactly the records at the offsets asked for, in order, across gaps wide
// enough to make it seek, and names an offset whose record is not readable
// (here: written by an aborted transaction) instead of skipping it.
func TestLogReaderReadsChosenOffsets(t *testing.T) {
	kafka, cat := kafkatest.Start(t)
	topic := cat.Executions()
	cl, err := kgo.NewClient(kafka.Opts(kgo.RecordPartitioner(kgo.ManualPartitioner()),
		kgo.TransactionalID("logread-"+events.NewID()), kgo.ProducerLinger(0))...)
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	ctx := t.Context()
	write := func(commit bool, from, n int) []int64 {
		t.Helper()
		if err := cl.BeginTransaction(); err != nil {
			t.Fatal(err)
		}
		// One record per produce, so one per batch: a fetch returns
		// whole batches, and the reader can only seek between them.
		var offs []int64
		for i := from; i < from+n; i++ {
			r, err := cl.ProduceSync(ctx, &kgo.Record{Topic: topic, Partition: 0, Value: fmt.Appendf(nil, "v%d", i)}).First()
			if err != nil {
				t.Fatal(err)
			}
			offs = append(offs, r.Offset)
		}
		if err := cl.EndTransaction(ctx, kgo.TransactionEndTry(commit)); err != nil {
			t.Fatal(err)
		}
		return offs
	}
	committed := write(true, 0, 200)
	aborted := write(false, 200, 10)
	committed = append(committed, write(true, 210, 200)...)
	// (On Apache Kafka the markers may land just after EndTransaction:
	// a read-committed read waits for them.)

	lr := newLogReader(kafka, topic)
	lr.fetchBytes = 2 << 10 // a few dozen of these batches per fetch
	// Indexes into committed: neighbours, then gaps well past jumpGap.
	pick := []int{0, 1, 2, 100, 101, 199, 200, 300, 399}
	var offs []int64
	var want []string
	for _, i := range pick {
		offs = append(offs, committed[i])
		v := i
		if i >= 200 {
			v = i + 10 // the aborted ten sit between
		}
		want = append(want, fmt.Sprintf("v%d", v))
	}
	recs, err := lr.read(ctx, 0, offs)
	if err != nil {
		t.Fatalf("read(%v): %v", offs, err)
	}
	if len(recs) != len(want) {
		t.Fatalf("read %d records, want %d", len(recs), len(want))
	}
	for i, r := range recs {
		if r.Offset != offs[i] || string(r.Value) != want[i] {
			t.Errorf("record %d: offset %d value %q, want offset %d value %q", i, r.Offset, r.Value, offs[i], want[i])
		}
	}
	if n := lr.seeks.Load(); n < 2 {
		t.Errorf("the reader sought %d times across gaps of 98 and more records, want at least 2", n)
	}

	rctx, cancel := context.WithTimeout(ctx, kafkatest.Timeout)
	defer cancel()
	_, err = lr.read(rctx, 0, []int64{committed[5], aborted[3]})
	if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("offset %d is no longer in the log", aborted[3])) {
		t.Fatalf("reading an aborted record's offset: %v, want an error naming offset %d", err, aborted[3])
	}
}
