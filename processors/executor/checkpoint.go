package executor

import (
	"context"
	"strconv"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/broker"
	"github.com/mie-kafka/mie/internal/transact"
)

// Checkpoints bound what a rebuild reads. Without them an executor that
// gains a partition, or rebuilds after an aborted batch, folds the
// partition's whole history, which grows forever. A checkpoint records a
// partition's floor: the lowest offset of an ExecutionQueued among the
// executions the executor still holds (running, or ended within
// EndedRetention). Everything below it belongs to executions that ended
// long enough ago to be forgotten, so a rebuild starts there and skips the
// events of executions whose ExecutionQueued it did not read.
//
// A checkpoint is written in the same transaction as the events it
// accounts for, on the compacted executor-state topic keyed by partition,
// at most once per CheckpointInterval, only when a floor moved up, and only
// in a batch that consumed records (so that its commit is fenced).

// checkpoints is the executor's checkpointing state.
type checkpoints struct {
	next time.Time // when the next checkpoint is due

	// mu guards written, which the client's produce callbacks fill while a
	// batch is in flight.
	mu      sync.Mutex
	written []written
	// pending are the floors written in the batch in flight.
	pending map[int32]int64
}

// written is one record the batch in flight wrote to executions.
type written struct {
	partition int32
	offset    int64
	id        string
	queued    bool
}

func (c *checkpoints) wrote(partition int32, offset int64, id string, queued bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.written = append(c.written, written{partition: partition, offset: offset, id: id, queued: queued})
}

// checkpoint writes the floors that moved up, when one is due, and
// forgets the executions that ended more than EndedRetention ago. The
// caller holds x.mu.
func (x *Executor) checkpoint(out *transact.Producer, now time.Time) {
	if now.Before(x.ck.next) {
		return
	}
	x.ck.next = now.Add(x.cfg.CheckpointInterval)
	x.ck.pending = map[int32]int64{}
	forget := now.Add(-x.cfg.EndedRetention)
	for n, p := range x.part {
		if !p.ready {
			continue
		}
		p.forget(forget)
		f := p.floor(forget)
		if f <= p.checkpointed {
			continue
		}
		env, err := events.New(strconv.Itoa(int(n)), x.cfg.Producer, &events.ExecutorCheckpoint{Partition: n, Floor: f, Written: now})
		if err != nil {
			out.Fail(err)
			return
		}
		rec, err := env.Record(x.cfg.Catalog.ExecutorState())
		if err != nil {
			out.Fail(err)
			return
		}
		out.Produce(rec)
		x.ck.pending[n] = f
	}
}

// settle applies, once the batch's transaction has ended, where its events
// landed and which checkpoints it recorded. An aborted batch changes
// nothing: its partitions are rebuilt. The caller holds x.mu.
func (x *Executor) settle(committed bool) {
	x.ck.mu.Lock()
	ws := x.ck.written
	x.ck.written = nil
	x.ck.mu.Unlock()
	pending := x.ck.pending
	x.ck.pending = nil
	if !committed {
		return
	}
	for _, w := range ws {
		p := x.part[w.partition]
		if p == nil {
			continue
		}
		p.next = max(p.next, w.offset+1)
		if !w.queued {
			continue
		}
		_, ended := p.ended[w.id]
		if _, held := p.execs[w.id]; held || ended {
			p.queued[w.id] = w.offset
		}
	}
	for n, f := range pending {
		if p := x.part[n]; p != nil {
			p.checkpointed = max(p.checkpointed, f)
		}
	}
}

// forget drops the executions that ended before t.
func (p *partition) forget(t time.Time) {
	for id, at := range p.ended {
		if at.Before(t) {
			delete(p.ended, id)
			delete(p.queued, id)
		}
	}
}

// floor is the offset a rebuild of this partition may start from once the
// executions that ended before forget are forgotten: the lowest
// ExecutionQueued offset of an execution still held, or, for one whose
// offset is not known yet (started in the batch in flight) and when none
// is held, next.
func (p *partition) floor(forget time.Time) int64 {
	f := p.next
	for id := range p.execs {
		if o, ok := p.queued[id]; ok && o < f {
			f = o
		}
	}
	for id, at := range p.ended {
		if o, ok := p.queued[id]; ok && o < f && !at.Before(forget) {
			f = o
		}
	}
	return f
}

// readFloors reads the last checkpoint of every partition. Checkpoints
// only make a rebuild shorter: when they cannot be read, the rebuild
// starts at offset 0, as without them.
func (x *Executor) readFloors(ctx context.Context) map[int32]int64 {
	topic := x.cfg.Catalog.ExecutorState()
	floors := map[int32]int64{}
	cl, err := kgo.NewClient(x.cfg.Kafka.Opts()...)
	if err != nil {
		x.log.Warn("cannot read checkpoints; rebuilding from the start", "err", err)
		return floors
	}
	ends, err := broker.StableEnds(ctx, cl, topic)
	cl.Close()
	if err == nil {
		err = x.cfg.Kafka.ReadCommitted(ctx, topic, ends, func(r *kgo.Record) error {
			env, err := events.FromRecord(r)
			if err != nil {
				x.log.Warn("ignoring an unreadable checkpoint", "offset", r.Offset, "err", err)
				return nil
			}
			pl, err := env.Decode()
			ck, ok := pl.(*events.ExecutorCheckpoint)
			if err != nil || !ok || ck.Floor < 0 {
				x.log.Warn("ignoring an unreadable checkpoint", "offset", r.Offset, "type", env.Type, "err", err)
				return nil
			}
			floors[ck.Partition] = ck.Floor
			return nil
		})
	}
	if err != nil {
		x.log.Warn("cannot read checkpoints; rebuilding from the start", "topic", topic, "err", err)
		return map[int32]int64{}
	}
	return floors
}
