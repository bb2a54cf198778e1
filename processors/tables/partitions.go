package tables

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/mie-kafka/mie/internal/broker"
	"github.com/mie-kafka/mie/internal/tables"
)

// partition holds the items of one owned tables partition.
type partition struct {
	ready bool
	items map[string]stored
}

// stored is an item as the owner holds it, with its table incarnation.
type stored struct {
	tableID string
	item    tables.Item
}

func newPartition() *partition { return &partition{items: map[string]stored{}} }

// current returns the item under key if it belongs to the incarnation.
func (st *partition) current(key, tableID string) tables.Item {
	if s, ok := st.items[key]; ok && s.tableID == tableID {
		return s.item
	}
	return nil
}

// assigned and revoked run on the group's goroutine and only queue the
// change for the next batch (kgo calls revoked holding the session's
// lock, which a batch in hand needs to end its transaction).
func (p *Processor) assigned(_ context.Context, _ *kgo.Client, gained map[string][]int32) {
	if parts := gained[p.cfg.Catalog.TableRequests()]; len(parts) > 0 {
		p.queueChange(true, parts)
		p.log.Info("partitions assigned", "partitions", parts)
	}
}

func (p *Processor) revoked(_ context.Context, _ *kgo.Client, lost map[string][]int32) {
	if parts := lost[p.cfg.Catalog.TableRequests()]; len(parts) > 0 {
		p.queueChange(false, parts)
		p.log.Info("partitions revoked", "partitions", parts)
	}
}

type partitionChange struct {
	gained bool
	parts  []int32
}

func (p *Processor) queueChange(gained bool, parts []int32) {
	p.changesMu.Lock()
	defer p.changesMu.Unlock()
	p.changes = append(p.changes, partitionChange{gained: gained, parts: parts})
}

// applyChanges applies queued assignments and revocations, in order.
func (p *Processor) applyChanges() {
	p.changesMu.Lock()
	changes := p.changes
	p.changes = nil
	p.changesMu.Unlock()
	for _, c := range changes {
		for _, part := range c.parts {
			switch {
			case !c.gained:
				delete(p.part, part)
			case p.part[part] == nil:
				p.part[part] = newPartition()
			}
		}
	}
}

// settleWait bounds how long a rebuild waits for transactions pending on
// its partitions (a dead owner's open one is aborted after the
// transaction timeout and not waited for).
const settleWait = 3 * time.Second

// rebuildPending folds the tables topic for every owned partition that is
// not ready, from its start (it is compacted: one record per item, give
// or take) to its end of committed transactions.
func (p *Processor) rebuildPending(ctx context.Context) error {
	var todo []int32
	for part, st := range p.part {
		if !st.ready {
			todo = append(todo, part)
		}
	}
	if len(todo) == 0 {
		return nil
	}
	sort.Slice(todo, func(i, j int) bool { return todo[i] < todo[j] })
	cl, err := kgo.NewClient(p.cfg.Kafka.Opts()...)
	if err != nil {
		return fmt.Errorf("tables processor: rebuild client: %w", err)
	}
	ends, settled, err := broker.SettledEnds(ctx, cl, p.cfg.Catalog.Tables(), todo, settleWait)
	cl.Close()
	if err != nil {
		return fmt.Errorf("tables processor: rebuild: %w", err)
	}
	if !settled {
		p.log.Warn("rebuilding with a transaction still open on owned partitions (a dead instance's, to be aborted)", "partitions", todo)
	}
	fresh := map[int32]*partition{}
	want, from := map[int32]int64{}, map[int32]int64{}
	for _, part := range todo {
		fresh[part], want[part], from[part] = newPartition(), ends[part], 0
	}
	n := 0
	err = p.cfg.Kafka.ReadCommittedFrom(ctx, p.cfg.Catalog.Tables(), from, want, func(r *kgo.Record) error {
		n++
		c, err := tables.ChangeOf(r)
		if err != nil {
			p.log.Warn("tables record skipped in rebuild", "partition", r.Partition, "offset", r.Offset, "err", err)
			return nil
		}
		st := fresh[r.Partition]
		if c.Item == nil {
			delete(st.items, c.Key)
		} else {
			st.items[c.Key] = stored{tableID: c.TableID, item: c.Item}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("tables processor: rebuild partitions %v: %w", todo, err)
	}
	for part, st := range fresh {
		st.ready = true
		p.part[part] = st
	}
	p.log.Info("partitions rebuilt", "partitions", todo, "records", n)
	return nil
}
