package executor

import (
	"context"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/mie-kafka/mie/internal/broker"
)

// queuedSlack is how much earlier than an execution's creation time a
// reload seeks: the executor's and the API's clocks may differ.
const queuedSlack = time.Minute

// reload reads an ended execution back from its executions partition,
// from its ExecutionQueued at offset (or, when offset is 0, from about
// when it was queued) to the stable end, for a redrive of an execution the
// executor no longer holds. Nil when it cannot be read (the redrive is
// then dead-lettered as an unknown execution). It also returns where the
// execution's ExecutionQueued is.
func (x *Executor) reload(ctx context.Context, part int32, id string, offset int64, queuedAt time.Time) (*held, int64) {
	cl, err := kgo.NewClient(x.cfg.Kafka.Opts()...)
	if err != nil {
		x.log.Error("redrive: reload client", "execution", id, "err", err)
		return nil, 0
	}
	topic := x.cfg.Catalog.Executions()
	if offset == 0 && !queuedAt.IsZero() {
		if at, err := broker.OffsetAt(ctx, kadm.NewClient(cl), topic, part, queuedAt.Add(-queuedSlack)); err == nil {
			offset = at
		} else {
			x.log.Warn("redrive: seeking by time failed; reading the partition from the start", "execution", id, "err", err)
		}
	}
	ends, err := broker.StableEnds(ctx, cl, topic)
	cl.Close()
	if err != nil || ends[part] <= offset {
		x.log.Error("redrive: the execution's log cannot be read", "execution", id, "offset", offset, "err", err)
		return nil, 0
	}
	st := newPartition()
	err = x.cfg.Kafka.ReadCommittedFrom(ctx, x.cfg.Catalog.Executions(), map[int32]int64{part: offset},
		map[int32]int64{part: ends[part]}, func(r *kgo.Record) error {
			if string(r.Key) != id {
				return nil
			}
			_, err := foldRecord(st, r)
			return err
		})
	if err != nil {
		x.log.Error("redrive: fold the execution again", "execution", id, "err", err)
		return nil, 0
	}
	return st.execs[id], st.queued[id]
}
