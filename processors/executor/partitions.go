package executor

import (
	"cmp"
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/broker"
)

// assigned and revoked run on the consumer group's goroutine. They only
// queue the change, which the next batch applies: kgo calls revoked while
// holding the transactional session's lock, which a batch in hand needs to
// end its transaction, so waiting here for the batch would deadlock.

// assigned marks gained partitions for a rebuild before their first batch.
func (x *Executor) assigned(_ context.Context, _ *kgo.Client, gained map[string][]int32) {
	n := x.queueChange(true, gained)
	if n > 0 { // cooperative rebalances also call with nothing gained
		x.log.Info("partitions assigned", "partitions", gained)
	}
}

// revoked drops the state of partitions we no longer own. A batch in hand
// that holds their records is aborted by the session.
func (x *Executor) revoked(_ context.Context, _ *kgo.Client, lost map[string][]int32) {
	x.queueChange(false, lost)
	x.log.Info("partitions revoked", "partitions", lost)
}

type partitionChange struct {
	gained bool
	parts  []int32
}

func (x *Executor) queueChange(gained bool, m map[string][]int32) int {
	var parts []int32
	for _, ps := range m {
		parts = append(parts, ps...)
	}
	x.changesMu.Lock()
	defer x.changesMu.Unlock()
	x.changes = append(x.changes, partitionChange{gained: gained, parts: parts})
	return len(parts)
}

// applyChanges applies the queued assignments and revocations, in order.
// The caller holds x.mu.
func (x *Executor) applyChanges() {
	x.changesMu.Lock()
	changes := x.changes
	x.changes = nil
	x.changesMu.Unlock()
	for _, c := range changes {
		for _, p := range c.parts {
			switch {
			case !c.gained:
				delete(x.part, p)
			case x.part[p] == nil:
				x.part[p] = newPartition()
			}
		}
	}
}

// settleWait bounds how long a rebuild waits for the transactions pending
// on its partitions to end. Markers of a committed transaction follow
// within milliseconds; an open transaction of a dead instance takes the
// transaction timeout, and will be aborted, so it is not waited for.
const settleWait = 3 * time.Second

// rebuildPending folds the executions topic for every owned partition that
// is not ready, from its last checkpoint's floor (checkpoint.go) to its
// stable end. Commands, results and executions share partitioning, so
// executions partition p holds exactly the executions of commands
// partition p.
func (x *Executor) rebuildPending(ctx context.Context) error {
	var todo []int32
	for p, st := range x.part {
		if !st.ready {
			todo = append(todo, p)
		}
	}
	if len(todo) == 0 {
		return nil
	}
	sort.Slice(todo, func(i, j int) bool { return todo[i] < todo[j] })
	// Checkpoints first: one read now is never ahead of the events read
	// after it.
	floors := x.readFloors(ctx, todo)
	cl, err := kgo.NewClient(x.cfg.Kafka.Opts()...)
	if err != nil {
		return fmt.Errorf("executor: rebuild client: %w", err)
	}
	// Up to the end of every committed transaction: right after a
	// handoff, the previous owner's last commit may not have its markers
	// yet, and stopping short of it would lose its events.
	ends, settled, err := broker.SettledEnds(ctx, cl, x.cfg.Catalog.Executions(), todo, settleWait)
	cl.Close()
	if err != nil {
		return fmt.Errorf("executor: rebuild: %w", err)
	}
	if !settled {
		x.log.Warn("rebuilding with a transaction still open on owned partitions (a dead instance's, to be aborted)",
			"partitions", todo, "waited", settleWait)
	}
	want := map[int32]int64{}
	from := map[int32]int64{}
	fresh := map[int32]*partition{}
	for _, p := range todo {
		want[p], from[p] = ends[p], min(floors[p], ends[p])
		fresh[p] = newPartition()
		fresh[p].checkpointed = floors[p]
		fresh[p].next = ends[p]
	}
	var n, skipped int
	err = x.cfg.Kafka.ReadCommittedFrom(ctx, x.cfg.Catalog.Executions(), from, want, func(r *kgo.Record) error {
		n++
		folded, err := foldRecord(fresh[r.Partition], r)
		if !folded {
			skipped++
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("executor: rebuild partitions %v: %w", todo, err)
	}
	now := x.cfg.Clock()
	forget := now.Add(-x.cfg.EndedRetention)
	for p, st := range fresh {
		for id, ex := range st.execs {
			if ex.terminal() {
				delete(st.execs, id)
				st.ended[id] = cmp.Or(ex.ended(), now)
			}
		}
		st.forget(forget)
		st.ready = true
		x.part[p] = st
	}
	x.rebuildRead.Add(int64(n))
	x.rebuildSkipped.Add(int64(skipped))
	x.log.Info("partitions rebuilt", "partitions", todo, "events", n, "skipped", skipped, "from", from)
	return nil
}

// foldRecord folds one executions record into st. The events of an
// execution whose ExecutionQueued lies below where the rebuild started
// (it ended long ago) are skipped: folded is false.
func foldRecord(st *partition, r *kgo.Record) (folded bool, err error) {
	env, p, err := events.DecodeRecord(r)
	if err != nil {
		return false, err
	}
	ex := st.execs[env.Key]
	if ex == nil {
		if ex = foldFirst(p); ex == nil {
			return false, nil
		}
		st.execs[env.Key] = ex
		st.queued[env.Key] = r.Offset
	}
	return true, ex.apply(env.Time, p)
}
