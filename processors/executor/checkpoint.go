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
	// parts is the partition count of executor-state, as the last rebuild
	// found it; keys caches the record key of each executions partition's
	// checkpoint for it.
	parts int
	keys  map[int32]string

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
		env, err := events.New(x.checkpointKey(n), x.cfg.Producer, &events.ExecutorCheckpoint{Partition: n, Floor: f, Written: now})
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

// checkpointPartition is where the checkpoints of executions partition p
// go on executor-state, with parts partitions: p itself when it exists, so
// that each has a partition of its own and the latest is at its end.
func checkpointPartition(p int32, parts int) int32 {
	if parts <= 0 {
		return 0
	}
	return p % int32(parts)
}

// checkpointKey is the key of executions partition p's checkpoints: the
// first of "p/0", "p/1", ... that the producer's key hashing sends to
// checkpointPartition(p). One key per partition, so compaction keeps the
// latest of each. The caller holds x.mu.
func (x *Executor) checkpointKey(p int32) string {
	if k, ok := x.ck.keys[p]; ok {
		return k
	}
	topic := x.cfg.Catalog.ExecutorState()
	want := int(checkpointPartition(p, x.ck.parts))
	hash := kgo.StickyKeyPartitioner(nil).ForTopic(topic)
	k := strconv.Itoa(int(p))
	for i := 0; x.ck.parts > 1 && i < 1<<20; i++ {
		c := strconv.Itoa(int(p)) + "/" + strconv.Itoa(i)
		if hash.Partition(&kgo.Record{Key: []byte(c)}, x.ck.parts) == want {
			k = c
			break
		}
	}
	if x.ck.keys == nil {
		x.ck.keys = map[int32]string{}
	}
	x.ck.keys[p] = k
	return k
}

// readFloors reads the latest checkpoint of each of parts. It reads each
// one's executor-state partition from its end backwards, in growing
// windows, until it has found it or reached the start, so the cost does
// not grow with the checkpoints ever written (kfake never compacts).
// Checkpoints only make a rebuild shorter: when they cannot be read, the
// rebuild starts at offset 0, as without them. The caller holds x.mu.
func (x *Executor) readFloors(ctx context.Context, parts []int32) map[int32]int64 {
	topic := x.cfg.Catalog.ExecutorState()
	floors := map[int32]int64{}
	cl, err := kgo.NewClient(x.cfg.Kafka.Opts()...)
	if err != nil {
		x.log.Warn("cannot read checkpoints; rebuilding from the start", "err", err)
		return floors
	}
	ends, err := broker.StableEnds(ctx, cl, topic)
	cl.Close()
	if err != nil {
		x.log.Warn("cannot read checkpoints; rebuilding from the start", "topic", topic, "err", err)
		return floors
	}
	if len(ends) != x.ck.parts {
		x.ck.parts, x.ck.keys = len(ends), nil
	}
	want := map[int32]map[int32]bool{} // executor-state partition -> executions partitions
	for _, p := range parts {
		q := checkpointPartition(p, x.ck.parts)
		if want[q] == nil {
			want[q] = map[int32]bool{}
		}
		want[q][p] = true
	}
	for window := int64(16); len(want) > 0; window *= 8 {
		from, to := map[int32]int64{}, map[int32]int64{}
		for q := range want {
			from[q], to[q] = max(0, ends[q]-window), ends[q]
		}
		err := x.cfg.Kafka.ReadCommittedFrom(ctx, topic, from, to, func(r *kgo.Record) error {
			env, pl, err := events.DecodeRecord(r)
			ck, ok := pl.(*events.ExecutorCheckpoint)
			if err != nil || !ok || ck.Floor < 0 {
				x.log.Warn("ignoring an unreadable checkpoint", "partition", r.Partition, "offset", r.Offset, "type", env.Type, "err", err)
				return nil
			}
			if want[r.Partition][ck.Partition] {
				floors[ck.Partition] = ck.Floor // the log's order: the last is the latest
			}
			return nil
		})
		if err != nil {
			x.log.Warn("cannot read checkpoints; rebuilding from the start", "topic", topic, "err", err)
			return map[int32]int64{}
		}
		for q, ps := range want {
			for p := range ps {
				if _, ok := floors[p]; ok {
					delete(ps, p)
				}
			}
			if len(ps) == 0 || from[q] == 0 {
				delete(want, q)
			}
		}
	}
	return floors
}
