package memory

import (
	"context"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/mie-kafka/mie/internal/broker"
)

// logReader reads chosen records back from the log. The executions
// projection keeps only where each execution's events sit (partition and
// offsets) and reads them on demand, so its memory does not grow with the
// size of every event ever written: the log is the history.
type logReader struct {
	kafka broker.Config
	topic string
	// slots bounds the reads in flight (each is a short-lived client).
	slots chan struct{}
	// fetchBytes caps each fetch of the partition: a history is a few dozen
	// records, so fetches stay small and far ones are sought.
	fetchBytes int32
	// seeks counts the jumps over records nobody asked for.
	seeks atomic.Int64
}

// readerSlots is how many history reads run at once; more wait.
const readerSlots = 8

// jumpGap is how far ahead (in records) the next wanted offset must be for
// the reader to seek to it rather than read on through the records between.
const jumpGap = 64

func newLogReader(kafka broker.Config, topic string) *logReader {
	return &logReader{kafka: kafka, topic: topic, slots: make(chan struct{}, readerSlots), fetchBytes: 256 << 10}
}

// read returns the committed records at offsets (ascending) of one
// partition, in that order. A record missing from the log (deleted by
// retention, say) is an error naming the offset, never a silent gap.
func (lr *logReader) read(ctx context.Context, partition int32, offsets []int64) ([]*kgo.Record, error) {
	if len(offsets) == 0 {
		return nil, nil
	}
	select {
	case lr.slots <- struct{}{}:
		defer func() { <-lr.slots }()
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	cl, err := kgo.NewClient(lr.kafka.Opts(
		kgo.ConsumePartitions(map[string]map[int32]kgo.Offset{lr.topic: {partition: kgo.NewOffset().At(offsets[0])}}),
		kgo.FetchIsolationLevel(kgo.ReadCommitted()),
		kgo.FetchMaxWait(100*time.Millisecond),
		kgo.FetchMaxPartitionBytes(lr.fetchBytes),
	)...)
	if err != nil {
		return nil, fmt.Errorf("read %s[%d]: %w", lr.topic, partition, err)
	}
	defer cl.Close()
	out := make([]*kgo.Record, 0, len(offsets))
	next := offsets[0] // the next offset the consumer returns
	for len(out) < len(offsets) {
		fs := cl.PollFetches(ctx)
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("read %s[%d] offset %d: %w", lr.topic, partition, offsets[len(out)], err)
		}
		var ferr error
		fs.EachError(func(_ string, _ int32, err error) { ferr = err })
		if ferr != nil {
			return nil, fmt.Errorf("read %s[%d] offset %d: %w", lr.topic, partition, offsets[len(out)], ferr)
		}
		for it := fs.RecordIter(); !it.Done(); {
			r := it.Next()
			if len(out) == len(offsets) {
				break
			}
			want := offsets[len(out)]
			switch {
			case r.Offset < want:
				continue
			case r.Offset > want:
				return nil, fmt.Errorf("read %s[%d]: the record at offset %d is no longer in the log (the next is %d)",
					lr.topic, partition, want, r.Offset)
			}
			out = append(out, r)
			next = r.Offset + 1
		}
		if len(out) < len(offsets) && offsets[len(out)]-next > jumpGap {
			next = offsets[len(out)]
			lr.seeks.Add(1)
			cl.SetOffsets(map[string]map[int32]kgo.EpochOffset{lr.topic: {partition: {Epoch: -1, Offset: next}}})
		}
	}
	return out, nil
}
