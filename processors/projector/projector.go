package projector

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mie-kafka/mie/internal/problem"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/mie-kafka/mie/internal/broker"
	"github.com/mie-kafka/mie/internal/deadletter"
	"github.com/mie-kafka/mie/internal/topics"
)

// Config configures one projector: one projection, one consumer group.
type Config struct {
	Definition Definition
	Kafka      broker.Config
	Catalog    topics.Catalog
	Sink       Sink
	// Generations, when set, is checked before every write: when another
	// generation went live (a rebuild swapped its tables in), the
	// projector drops the batch and goes on as that generation, with its
	// consumer group. Without it the projector is generation Generation.
	Generations Generations
	// Generation is the generation written when Generations is nil
	// (rebuilds); default 1.
	Generation uint32
	// Group overrides the consumer group (default Group(name, generation)).
	Group string
	// FlushRows and FlushInterval flush a batch when it holds that many
	// records or is that old: ClickHouse wants thousands of rows per
	// insert and about one insert per second per table. Defaults 5000, 1s.
	FlushRows     int
	FlushInterval time.Duration
	// Backoff spaces retries of transient sink and DLQ failures; default
	// 200ms doubling up to 30s.
	Backoff Backoff
	// SessionTimeout of the consumer group; default 10s.
	SessionTimeout time.Duration
	// UntilCaughtUp makes Run return nil once the group's position has
	// reached the topic's stable end on every partition (rebuilds).
	UntilCaughtUp bool
	// Progress, when set, is called after every flush.
	Progress func(Progress)
	Logger   *slog.Logger
}

// Validate joins every problem with c.
func (c Config) Validate() error {
	var errs []error
	if c.Definition.Name == "" || c.Definition.New == nil || c.Definition.Topic == nil {
		errs = append(errs, errors.New("projector: Definition is required"))
	}
	if err := c.Kafka.Validate(); err != nil {
		errs = append(errs, err)
	}
	if c.Sink == nil {
		errs = append(errs, errors.New("projector: Sink is required"))
	}
	if c.Logger == nil {
		errs = append(errs, errors.New("projector: Logger is required"))
	}
	if c.FlushRows < 0 || c.FlushInterval < 0 {
		errs = append(errs, errors.New("projector: FlushRows and FlushInterval must not be negative"))
	}
	return errors.Join(errs...)
}

func (c *Config) defaults() {
	if c.FlushRows == 0 {
		c.FlushRows = 5000
	}
	if c.FlushInterval == 0 {
		c.FlushInterval = time.Second
	}
	if c.Backoff.Min == 0 {
		c.Backoff.Min = 200 * time.Millisecond
	}
	if c.Backoff.Max == 0 {
		c.Backoff.Max = 30 * time.Second
	}
	if c.SessionTimeout == 0 {
		c.SessionTimeout = 10 * time.Second
	}
	if c.Generation == 0 {
		c.Generation = 1
	}
}

// Projector folds one topic into the sink.
type Projector struct {
	cfg Config
	log *slog.Logger

	mu     sync.Mutex
	status Progress
	// flushes counts the batches written, and writes the sink's Write
	// calls that succeeded (tests).
	flushes atomic.Int64
	polled  atomic.Int64
}

// New validates cfg and applies defaults.
func New(cfg Config) (*Projector, error) {
	cfg.defaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return &Projector{cfg: cfg, log: cfg.Logger.With("projection", cfg.Definition.Name)}, nil
}

// errGenerationChanged stops one generation's run when another went live.
var errGenerationChanged = errors.New("projection generation changed")

// Run consumes until ctx ends (then it writes and commits the batch in
// hand), the projection is caught up (UntilCaughtUp), or a permanent
// failure. A transient sink failure is retried, never skipped.
func (p *Projector) Run(ctx context.Context) error {
	for {
		gen := p.cfg.Generation
		if p.cfg.Generations != nil {
			err := retry(ctx, p.cfg.Backoff, func() error {
				var err error
				gen, err = p.cfg.Generations.Generation(ctx, p.cfg.Definition.Name)
				return err
			}, p.logRetry("read generation"))
			if err != nil {
				if ctx.Err() != nil {
					return nil
				}
				return fmt.Errorf("projection %s: generation: %w", p.cfg.Definition.Name, err)
			}
		}
		err := p.runGeneration(ctx, gen)
		if errors.Is(err, errGenerationChanged) {
			p.log.Info("a rebuilt generation went live; following it", "from", gen)
			continue
		}
		return err
	}
}

func (p *Projector) logRetry(what string) func(int, error) {
	return func(n int, err error) {
		p.log.Warn("transient failure; retrying", "op", what, "retry", n+1, "err", err)
	}
}

// Group is the consumer group this projector uses for generation gen.
func (p *Projector) group(gen uint32) string {
	if p.cfg.Group != "" {
		return p.cfg.Group
	}
	return Group(p.cfg.Catalog, p.cfg.Definition.Name, gen)
}

func (p *Projector) runGeneration(ctx context.Context, gen uint32) error {
	def := p.cfg.Definition
	topic := def.Topic(p.cfg.Catalog)
	group := p.group(gen)
	var assignChanged atomic.Bool
	onChange := func(context.Context, *kgo.Client, map[string][]int32) { assignChanged.Store(true) }
	cl, err := kgo.NewClient(p.cfg.Kafka.Opts(
		kgo.ConsumerGroup(group),
		kgo.ConsumeTopics(topic),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()),
		kgo.FetchIsolationLevel(kgo.ReadCommitted()),
		kgo.KeepControlRecords(),
		kgo.DisableAutoCommit(),
		kgo.BlockRebalanceOnPoll(),
		kgo.SessionTimeout(p.cfg.SessionTimeout),
		kgo.FetchMaxWait(min(p.cfg.FlushInterval, 500*time.Millisecond)),
		kgo.OnPartitionsAssigned(onChange),
		kgo.OnPartitionsRevoked(onChange),
		kgo.OnPartitionsLost(onChange),
	)...)
	if err != nil {
		return fmt.Errorf("projection %s: %w", def.Name, err)
	}
	defer cl.Close()
	p.log.Info("projector started", "group", group, "topic", topic, "generation", gen)
	r := &run{p: p, cl: cl, topic: topic, group: group, gen: gen, folder: def.New(), started: time.Now()}
	defer cl.AllowRebalance()
	for {
		if r.batch.empty() && assignChanged.Swap(false) {
			// Partitions moved: states of keys that are no longer ours
			// may go stale, so start from the sink again.
			r.folder.Reset()
		}
		wait := p.cfg.FlushInterval
		if !r.batch.empty() {
			wait = max(time.Until(r.batch.since.Add(p.cfg.FlushInterval)), time.Millisecond)
		}
		pctx, cancel := context.WithTimeout(ctx, wait)
		fs := cl.PollRecords(pctx, p.cfg.FlushRows-r.batch.records())
		cancel()
		if ctx.Err() != nil || fs.IsClientClosed() {
			// Drain: the batch in hand is written and committed.
			return r.drain()
		}
		fs.EachError(func(t string, part int32, err error) {
			if !errors.Is(err, context.DeadlineExceeded) && !errors.Is(err, context.Canceled) {
				p.log.Warn("fetch error", "topic", t, "partition", part, "err", err)
			}
		})
		fs.EachRecord(func(rec *kgo.Record) {
			p.polled.Add(1)
			r.batch.add(rec)
		})
		if r.batch.empty() {
			cl.AllowRebalance()
			if p.cfg.UntilCaughtUp && ctx.Err() == nil {
				done, err := r.caughtUp(ctx)
				if err != nil || done {
					return err
				}
			}
			continue
		}
		if r.batch.records() < p.cfg.FlushRows && time.Since(r.batch.since) < p.cfg.FlushInterval {
			continue
		}
		if err := r.flush(ctx); err != nil {
			if errors.Is(err, errGenerationChanged) || ctx.Err() == nil {
				return err
			}
			return nil // stopped while retrying: nothing committed, all redelivered
		}
		cl.AllowRebalance()
		if ctx.Err() != nil {
			return nil // stopped: the batch is committed
		}
		if p.cfg.UntilCaughtUp {
			done, err := r.caughtUp(ctx)
			if err != nil || done {
				return err
			}
		}
	}
}

// Status returns the projector's latest progress.
func (p *Projector) Status() Progress {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.status.clone()
}

// Polled is the number of records polled so far, transaction markers
// included.
func (p *Projector) Polled() int64 { return p.polled.Load() }

// Flushes is the number of batches written and committed so far.
func (p *Projector) Flushes() int64 { return p.flushes.Load() }

// deadLetter writes bad records to the DLQ, retrying until they are
// acknowledged: their offsets are committed right after.
func (r *run) deadLetter(ctx context.Context, bad []Bad) error {
	if len(bad) == 0 {
		return nil
	}
	recs := make([]*kgo.Record, 0, len(bad))
	for _, b := range bad {
		raw := b.Raw
		if raw == nil {
			raw = r.batch.raw[pos{b.Record.Partition, b.Record.Offset}]
		}
		if raw == nil {
			return fmt.Errorf("dead letter %d@%d: record not in the batch", b.Record.Partition, b.Record.Offset)
		}
		r.p.log.Error("record to the dead-letter topic", "partition", raw.Partition, "offset", raw.Offset, "reason", b.Reason, "err", b.Err)
		recs = append(recs, deadletter.Record(r.p.cfg.Catalog.DLQ(), raw, b.Reason, r.group, b.Err))
	}
	return retry(ctx, r.p.cfg.Backoff, func() error {
		return problem.Transient(r.cl.ProduceSync(ctx, recs...).FirstErr())
	}, r.p.logRetry("dead letter"))
}
