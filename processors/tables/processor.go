// Package tables is the tables processor: the one owner of every item.
// It consumes two topics in one consumer group, each batch in one Kafka
// transaction:
//
//   - tasks.builtin.aws.dynamodb, the Step Functions dynamodb tasks
//     (keyed by execution): each is checked and forwarded as a
//     TableOperation to table-requests, keyed by its item (or answered at
//     once when it is invalid);
//   - table-requests (keyed by item): each TableOperation is applied to
//     the item as this owner holds it, its new image (if any) written to
//     the tables topic, and its answer written where it goes (an
//     OperatorResult on results, or a TableOperationAnswered on
//     table-replies).
//
// table-requests and tables share partitioning, so the member that owns
// table-requests partition p holds exactly the items of tables partition
// p: it rebuilds them by folding that partition when it is assigned, and
// after any batch that did not commit. Operations on one item are applied
// one at a time in log order, each against the result of the one before,
// and commit with their writes and answers or not at all: a condition and
// its write never race, and no operation is applied twice.
// docs/tables.md describes the design.
package tables

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/mie-kafka/mie/internal/functions"
	"github.com/mie-kafka/mie/internal/tables"
	"github.com/mie-kafka/mie/internal/transact"
)

// Name is the processor's stable name: its consumer group and producer.
const Name = "mie-tables"

// Service is the service name of the integrations it serves.
const Service = "dynamodb"

// Resources is where tables are defined: the resources projection.
type Resources interface {
	Table(name string) (*tables.Schema, bool)
	// Sync returns once everything committed to the resources topic
	// when it was called has been applied.
	Sync(ctx context.Context) error
}

// Config configures the processor. The embedded transact.Config is the
// session's (Kafka, Catalog, TransactionalID, SessionTimeout, Logger);
// Name and Topics are the processor's own.
type Config struct {
	transact.Config
	Resources Resources
	// Producer names this instance on the records it writes; default
	// Name.
	Producer string
}

func (c *Config) defaults() error {
	c.Name = Name
	topic, err := c.Catalog.Task("builtin:" + functions.ServiceWorker(Service))
	if err != nil {
		return err
	}
	c.Topics = []string{topic, c.Catalog.TableRequests()}
	if c.Producer == "" {
		c.Producer = Name
	}
	return nil
}

// Validate joins every problem.
func (c Config) Validate() error {
	errs := []error{c.Config.Validate()}
	if c.Resources == nil {
		errs = append(errs, errors.New("tables processor: Resources is required"))
	}
	return errors.Join(errs...)
}

// Processor is the tables processor.
type Processor struct {
	cfg       Config
	log       *slog.Logger
	rt        *transact.Runtime
	taskTopic string

	mu   sync.Mutex
	part map[int32]*partition
	// synced is set once the resources were synced in the batch in hand.
	synced bool

	changesMu sync.Mutex
	changes   []partitionChange
}

// New validates cfg and returns a processor.
func New(cfg Config) (*Processor, error) {
	if err := cfg.defaults(); err != nil {
		return nil, fmt.Errorf("tables processor: %w", err)
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	p := &Processor{cfg: cfg, log: cfg.Logger.With("processor", Name), taskTopic: cfg.Topics[0], part: map[int32]*partition{}}
	rc := cfg.Config
	rc.Logger, rc.OnAssigned, rc.OnRevoked = p.log, p.assigned, p.revoked
	var err error
	if p.rt, err = transact.NewRuntime(rc, p); err != nil {
		return nil, err
	}
	p.cfg.Config = p.rt.Config()
	return p, nil
}

// Run processes until ctx is cancelled, then finishes the batch in hand.
func (p *Processor) Run(ctx context.Context) error { return p.rt.Run(ctx) }

// Batch handles one poll in one transaction.
func (p *Processor) Batch(ctx context.Context, b *transact.Batch) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.applyChanges()
	if err := p.rebuildPending(ctx); err != nil {
		return err
	}
	if len(b.Records) == 0 {
		return nil
	}
	if err := b.Begin(); err != nil {
		return err
	}
	p.synced = false
	b.Each(func(r *kgo.Record) {
		if r.Topic == p.taskTopic {
			p.route(ctx, b, r)
			return
		}
		p.applyRecord(ctx, b, r)
	})
	committed, err := b.End()
	if !committed {
		// The consumer is rewound to the committed offsets; the items
		// applied in memory during the batch must be rebuilt.
		p.log.Info("batch not committed; rebuilding owned partitions", "records", len(b.Records), "err", err)
		for _, st := range p.part {
			st.ready = false
		}
	}
	return err
}

// table looks a table up, syncing the resources once per batch when it
// is not (yet) known here.
func (p *Processor) table(ctx context.Context, name string) (*tables.Schema, bool) {
	s, ok := p.cfg.Resources.Table(name)
	if ok || p.synced {
		return s, ok
	}
	p.synced = true
	if err := p.cfg.Resources.Sync(ctx); err != nil {
		p.log.Warn("resources sync failed; answering from what is known", "err", err)
	}
	return p.cfg.Resources.Table(name)
}
