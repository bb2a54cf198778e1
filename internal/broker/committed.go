package broker

import (
	"context"
	"fmt"

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
