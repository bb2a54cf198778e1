package executor

import (
	"context"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/mie-kafka/mie/internal/broker"
)

// reload reads an ended execution back from its executions partition,
// from its ExecutionQueued at offset to the stable end, for a redrive of
// an execution the executor no longer holds. Nil when it cannot be read
// (the redrive is then dead-lettered as an unknown execution).
func (x *Executor) reload(ctx context.Context, part int32, id string, offset int64) *held {
	cl, err := kgo.NewClient(x.cfg.Kafka.Opts()...)
	if err != nil {
		x.log.Error("redrive: reload client", "execution", id, "err", err)
		return nil
	}
	ends, err := broker.StableEnds(ctx, cl, x.cfg.Catalog.Executions())
	cl.Close()
	if err != nil || ends[part] <= offset {
		x.log.Error("redrive: the execution's log cannot be read", "execution", id, "offset", offset, "err", err)
		return nil
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
		return nil
	}
	return st.execs[id]
}
