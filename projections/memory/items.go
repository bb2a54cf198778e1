package memory

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/mie-kafka/mie/internal/broker"
	"github.com/mie-kafka/mie/internal/tables"
	"github.com/mie-kafka/mie/internal/topics"
)

// ItemsName is the items projection's stable name.
const ItemsName = "memory-items"

// ItemsConfig configures the items projection.
type ItemsConfig struct {
	Kafka   broker.Config
	Catalog topics.Catalog
	Logger  *slog.Logger
}

// Items is the memory projection of the tables topic: every table
// incarnation's items, which the DynamoDB API reads (GetItem, Query,
// Scan) and the owner of each item writes through the tables processor.
// Items are kept by incarnation (TableId): a table deleted and created
// again under its name starts empty.
type Items struct {
	cfg ItemsConfig
	log *slog.Logger

	mu   sync.RWMutex
	incs map[string]*incarnation
	*tracker
}

// incarnation holds one table incarnation's items by record key, with an
// index by partition key value built on the first Query.
type incarnation struct {
	items  map[string]tables.Item
	hash   string // the indexed attribute, once indexed
	byHash map[string]map[string]struct{}
	bytes  int64
}

// NewItems returns an empty projection; Run fills it.
func NewItems(cfg ItemsConfig) (*Items, error) {
	var errs []error
	if err := cfg.Kafka.Validate(); err != nil {
		errs = append(errs, err)
	}
	if cfg.Logger == nil {
		errs = append(errs, errors.New("memory items projection: Logger is required"))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return &Items{cfg: cfg, log: cfg.Logger.With("projection", ItemsName), incs: map[string]*incarnation{},
		tracker: newTracker(cfg.Catalog.Tables())}, nil
}

// Run consumes the tables topic until ctx is cancelled.
func (p *Items) Run(ctx context.Context) error {
	return p.tracker.run(ctx, p.cfg.Kafka, p.log, p.applyRecord)
}

func (p *Items) applyRecord(r *kgo.Record) {
	c, err := tables.ChangeOf(r)
	if err != nil {
		p.log.Warn("tables record skipped", "partition", r.Partition, "offset", r.Offset, "err", err)
		return
	}
	p.Apply(c)
}

// Apply folds one change.
func (p *Items) Apply(c tables.Change) {
	p.mu.Lock()
	defer p.mu.Unlock()
	inc := p.incs[c.TableID]
	if inc == nil {
		inc = &incarnation{items: map[string]tables.Item{}}
		p.incs[c.TableID] = inc
	}
	if old, ok := inc.items[c.Key]; ok {
		inc.bytes -= int64(old.Size())
		inc.unindex(c.Key, old)
	}
	if c.Item == nil {
		delete(inc.items, c.Key)
		return
	}
	inc.items[c.Key] = c.Item
	inc.bytes += int64(c.Item.Size())
	inc.index(c.Key, c.Item)
}

func hashOf(it tables.Item, attr string) string {
	b, _ := it[attr].MarshalJSON()
	return string(b)
}

func (inc *incarnation) index(key string, it tables.Item) {
	if inc.byHash == nil {
		return
	}
	h := hashOf(it, inc.hash)
	set := inc.byHash[h]
	if set == nil {
		set = map[string]struct{}{}
		inc.byHash[h] = set
	}
	set[key] = struct{}{}
}

func (inc *incarnation) unindex(key string, it tables.Item) {
	if inc.byHash == nil {
		return
	}
	h := hashOf(it, inc.hash)
	delete(inc.byHash[h], key)
	if len(inc.byHash[h]) == 0 {
		delete(inc.byHash, h)
	}
}

// Forget drops a deleted table incarnation's items.
func (p *Items) Forget(tableID string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	delete(p.incs, tableID)
}

// Get returns an item of the table's current incarnation, or nil.
func (p *Items) Get(s *tables.Schema, key tables.Item) tables.Item {
	p.mu.RLock()
	defer p.mu.RUnlock()
	if inc := p.incs[s.Table.TableId]; inc != nil {
		return inc.items[s.ItemKey(key)]
	}
	return nil
}

// WithHash returns the items whose partition key is v.
func (p *Items) WithHash(s *tables.Schema, v tables.Value) []tables.Item {
	p.mu.Lock()
	defer p.mu.Unlock()
	inc := p.incs[s.Table.TableId]
	if inc == nil {
		return nil
	}
	if inc.byHash == nil || inc.hash != s.Key.Hash {
		inc.hash, inc.byHash = s.Key.Hash, map[string]map[string]struct{}{}
		for k, it := range inc.items {
			inc.index(k, it)
		}
	}
	b, _ := v.MarshalJSON()
	set := inc.byHash[string(b)]
	out := make([]tables.Item, 0, len(set))
	for k := range set {
		out = append(out, inc.items[k])
	}
	return out
}

// All returns every item of the table's current incarnation.
func (p *Items) All(s *tables.Schema) []tables.Item {
	p.mu.RLock()
	defer p.mu.RUnlock()
	inc := p.incs[s.Table.TableId]
	if inc == nil {
		return nil
	}
	out := make([]tables.Item, 0, len(inc.items))
	for _, it := range inc.items {
		out = append(out, it)
	}
	return out
}

// Stats returns the table's item count and size in bytes.
func (p *Items) Stats(s *tables.Schema) (count int, bytes int64) {
	p.mu.RLock()
	defer p.mu.RUnlock()
	if inc := p.incs[s.Table.TableId]; inc != nil {
		return len(inc.items), inc.bytes
	}
	return 0, 0
}

// SyncPartition blocks until everything committed to one partition of
// the tables topic when it was called has been applied: a read after it
// sees every committed write of the items on that partition.
func (p *Items) SyncPartition(ctx context.Context, partition int32) error {
	p.tracker.mu.Lock()
	cl := p.tracker.client
	p.tracker.mu.Unlock()
	if cl == nil {
		return errors.New("items projection is not running")
	}
	ends, err := broker.StableEnds(ctx, cl, p.tracker.topic)
	if err != nil {
		return fmt.Errorf("items projection: %w", err)
	}
	end := ends[partition]
	return p.tracker.waitFor(ctx, fmt.Sprintf("partition %d", partition), func(pos map[int32]int64) bool {
		return pos[partition] >= end
	})
}
