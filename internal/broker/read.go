package broker

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
)

// StableEnds returns the last stable offset (read-committed end) of each
// partition of topic.
func StableEnds(ctx context.Context, cl *kgo.Client, topic string) (map[int32]int64, error) {
	listed, err := kadm.NewClient(cl).ListCommittedOffsets(ctx, topic)
	if err != nil {
		return nil, fmt.Errorf("list stable offsets of %s: %w", topic, err)
	}
	out := map[int32]int64{}
	var errs []error
	listed.Each(func(o kadm.ListedOffset) {
		if o.Err != nil {
			errs = append(errs, fmt.Errorf("%s/%d: %w", o.Topic, o.Partition, o.Err))
			return
		}
		out[o.Partition] = o.Offset
	})
	return out, errors.Join(errs...)
}

// SettledEnds returns the read-committed ends of parts of topic once no
// transaction holds them back: each partition's last stable offset has
// reached its high watermark. A transaction that has committed can hold
// the last stable offset back for a moment, until the broker has written
// its markers (docs/kafka.md, 7), and a reader that stopped at the earlier
// end would miss its records. An open transaction of a producer that died
// holds it until the broker aborts it; so after maxWait the ends are
// returned as they stand, with settled false.
func SettledEnds(ctx context.Context, cl *kgo.Client, topic string, parts []int32, maxWait time.Duration) (ends map[int32]int64, settled bool, err error) {
	adm := kadm.NewClient(cl)
	deadline := time.Now().Add(maxWait)
	wait := 10 * time.Millisecond
	for {
		ends, err := StableEnds(ctx, cl, topic)
		if err != nil {
			return nil, false, err
		}
		hw, err := adm.ListEndOffsets(ctx, topic)
		if err == nil {
			err = hw.Error()
		}
		if err != nil {
			return nil, false, fmt.Errorf("list end offsets of %s: %w", topic, err)
		}
		settled := true
		for _, p := range parts {
			if o, ok := hw.Lookup(topic, p); ok && ends[p] < o.Offset {
				settled = false
			}
		}
		if settled || !time.Now().Before(deadline) {
			return ends, settled, nil
		}
		select {
		case <-ctx.Done():
			return nil, false, ctx.Err()
		case <-time.After(wait):
		}
		wait = min(2*wait, 200*time.Millisecond)
	}
}

// ReadCommitted reads partitions of topic from the start up to the given
// read-committed ends, calling fn for every committed data record in order
// per partition. Control records (transaction markers) are read to know the
// position but not passed to fn, so a log that ends in a marker or in an
// aborted transaction is still read to its end.
func (c Config) ReadCommitted(ctx context.Context, topic string, ends map[int32]int64, fn func(*kgo.Record) error) error {
	return c.ReadCommittedFrom(ctx, topic, nil, ends, fn)
}

// ReadCommittedFrom is ReadCommitted starting each partition at from[p]
// (the start when absent) instead of the start.
func (c Config) ReadCommittedFrom(ctx context.Context, topic string, from, ends map[int32]int64, fn func(*kgo.Record) error) error {
	start := map[int32]kgo.Offset{}
	left := map[int32]int64{}
	for p, end := range ends {
		if end > from[p] {
			start[p] = kgo.NewOffset().At(from[p])
			if from[p] == 0 {
				start[p] = kgo.NewOffset().AtStart() // also past a log start moved by retention
			}
			left[p] = end
		}
	}
	if len(start) == 0 {
		return nil
	}
	cl, err := kgo.NewClient(c.Opts(
		kgo.ConsumePartitions(map[string]map[int32]kgo.Offset{topic: start}),
		kgo.FetchIsolationLevel(kgo.ReadCommitted()),
		kgo.KeepControlRecords(),
		// A partition read to its end is paused (below); until then a
		// fetch of it waits for new records, which never come, and holds
		// up the fetches of the others behind it.
		kgo.FetchMaxWait(250*time.Millisecond),
	)...)
	if err != nil {
		return fmt.Errorf("read %s: %w", topic, err)
	}
	defer cl.Close()
	for len(left) > 0 {
		fs := cl.PollFetches(ctx)
		if err := ctx.Err(); err != nil {
			return err
		}
		var ferr error
		fs.EachError(func(t string, p int32, err error) {
			ferr = errors.Join(ferr, fmt.Errorf("read %s/%d: %w", t, p, err))
		})
		if ferr != nil {
			return ferr
		}
		var cbErr error
		fs.EachRecord(func(r *kgo.Record) {
			end, ok := left[r.Partition]
			if !ok || cbErr != nil || r.Offset >= end {
				return
			}
			if !r.Attrs.IsControl() {
				cbErr = fn(r)
			}
			if r.Offset+1 >= end {
				delete(left, r.Partition)
				cl.PauseFetchPartitions(map[string][]int32{topic: {r.Partition}})
			}
		})
		if cbErr != nil {
			return cbErr
		}
	}
	return nil
}
