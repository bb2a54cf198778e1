package broker

import (
	"context"
	"fmt"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
)

// Committed returns group's committed next offset for each partition of
// topic that it has committed.
func Committed(ctx context.Context, adm *kadm.Client, group, topic string) (map[int32]int64, error) {
	resp, err := adm.FetchOffsets(ctx, group)
	if err != nil {
		return nil, fmt.Errorf("committed offsets of %s: %w", group, err)
	}
	if err := resp.Error(); err != nil {
		return nil, fmt.Errorf("committed offsets of %s: %w", group, err)
	}
	out := map[int32]int64{}
	for part, o := range resp[topic] {
		if o.Err == nil && o.At >= 0 {
			out[part] = o.At
		}
	}
	return out, nil
}

// OffsetAt returns the first offset of topic's partition whose record
// timestamp is at or after t (the partition's end when none is), for
// seeking a partition to a time.
func OffsetAt(ctx context.Context, adm *kadm.Client, topic string, partition int32, t time.Time) (int64, error) {
	listed, err := adm.ListOffsetsAfterMilli(ctx, t.UnixMilli(), topic)
	if err != nil {
		return 0, fmt.Errorf("offsets of %s at %s: %w", topic, t.Format(time.RFC3339), err)
	}
	o, ok := listed.Lookup(topic, partition)
	if !ok {
		return 0, fmt.Errorf("offsets of %s at %s: no partition %d", topic, t.Format(time.RFC3339), partition)
	}
	if o.Err != nil {
		return 0, fmt.Errorf("offsets of %s/%d at %s: %w", topic, partition, t.Format(time.RFC3339), o.Err)
	}
	return o.Offset, nil
}
