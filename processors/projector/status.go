package projector

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"

	"github.com/mie-kafka/mie/internal/broker"
	"github.com/mie-kafka/mie/internal/topics"
)

// GroupStatus is the progress of a projection's generation gen as Kafka
// sees it, whichever process runs it: its group's committed offsets
// against the topic's stable ends. This is the lag exposed by the API's
// GET /projections and GET /metrics and by mie projections status.
func GroupStatus(ctx context.Context, adm *kadm.Client, d Definition, cat topics.Catalog, gen uint32) (Progress, error) {
	topic, group := d.Topic(cat), Group(cat, d.Name, gen)
	committed, err := broker.Committed(ctx, adm, group, topic)
	if err != nil {
		return Progress{}, err
	}
	listed, err := adm.ListCommittedOffsets(ctx, topic)
	if err != nil {
		return Progress{}, fmt.Errorf("stable ends of %s: %w", topic, err)
	}
	ends := map[int32]int64{}
	var errs []error
	listed.Each(func(o kadm.ListedOffset) {
		if o.Err != nil {
			errs = append(errs, fmt.Errorf("%s/%d: %w", o.Topic, o.Partition, o.Err))
			return
		}
		ends[o.Partition] = o.Offset
	})
	if err := errors.Join(errs...); err != nil {
		return Progress{}, err
	}
	st := Progress{Projection: d.Name, Group: group, Generation: gen, Updated: time.Now()}
	for _, part := range slices.Sorted(maps.Keys(ends)) {
		at := committed[part]
		lag := max(ends[part]-at, 0)
		st.Lag += lag
		st.Partitions = append(st.Partitions, PartitionProgress{Partition: part, Position: at, End: ends[part], Lag: lag})
	}
	return st, nil
}
