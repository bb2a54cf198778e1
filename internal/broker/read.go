package broker

import (
	"context"
	"errors"
	"fmt"

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
			}
		})
		if cbErr != nil {
			return cbErr
		}
	}
	return nil
}
