package transact

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/mie-kafka/mie/internal/broker"
	"github.com/mie-kafka/mie/internal/topics"
)

// Defaults of Config.
const (
	DefaultMaxPollRecords     = 2000
	DefaultDrainTimeout       = 30 * time.Second
	DefaultMaxHandlerFailures = 3
)

// Config is what every exactly-once processor is configured with. The
// runtime owns the session it describes: the consumer group, the
// transactional producer, the poll loop, the drain on shutdown, the restart
// of a failed session and the dead-letter path of records that cannot be
// handled.
type Config struct {
	// Name is the processor's stable name: the handler named in its dead
	// letters, and its consumer group (with the catalog's prefix) unless
	// Group is set.
	Name    string
	Kafka   broker.Config
	Catalog topics.Catalog
	// Topics are consumed in the group.
	Topics []string
	// Group is the consumer group; default Catalog.Group(Name).
	Group string
	// TransactionalID must be unique per live instance and stable across
	// its restarts, so that a restarted instance fences its old self.
	TransactionalID string
	// TransactionTimeout bounds how long a crashed instance's open
	// transaction blocks readers; default 10s.
	TransactionTimeout time.Duration
	// SessionTimeout is how soon the group notices a dead member; default
	// 10s.
	SessionTimeout time.Duration
	// MaxPollRecords bounds one batch; default 2000.
	MaxPollRecords int
	// DrainTimeout bounds how long the batch in hand may run on after the
	// context ends (SIGTERM); default 30s.
	DrainTimeout time.Duration
	// Tick, when positive, hands the processor a batch at least every Tick
	// even when nothing was polled (the executor's timeout sweep).
	Tick time.Duration
	// MaxHandlerFailures is how often handling one record may fail (panic)
	// before Batch.Each dead-letters it (handler-failed); each failure
	// aborts the batch, which is then polled again. Default 3.
	MaxHandlerFailures int
	// Clock is injectable for tests; default time.Now.
	Clock  func() time.Time
	Logger *slog.Logger
	// OnAssigned and OnRevoked are optional partition callbacks; OnRevoked
	// also serves lost partitions. They run on the group's goroutine while
	// kgo holds the session's lock: they must not wait for a batch.
	OnAssigned, OnRevoked Callback
}

func (c *Config) defaults() {
	if c.Group == "" {
		c.Group = c.Catalog.Group(c.Name)
	}
	if c.MaxPollRecords == 0 {
		c.MaxPollRecords = DefaultMaxPollRecords
	}
	if c.DrainTimeout == 0 {
		c.DrainTimeout = DefaultDrainTimeout
	}
	if c.MaxHandlerFailures == 0 {
		c.MaxHandlerFailures = DefaultMaxHandlerFailures
	}
	if c.Clock == nil {
		c.Clock = time.Now
	}
}

// Validate joins every problem with the configuration.
func (c Config) Validate() error {
	var errs []error
	if c.Name == "" {
		errs = append(errs, errors.New("transact: Name is required"))
	}
	if err := c.Kafka.Validate(); err != nil {
		errs = append(errs, err)
	}
	if len(c.Topics) == 0 {
		errs = append(errs, fmt.Errorf("%s: no Topics to consume", c.Name))
	}
	if c.TransactionalID == "" {
		errs = append(errs, fmt.Errorf("%s: TransactionalID is required", c.Name))
	}
	if c.Logger == nil {
		errs = append(errs, fmt.Errorf("%s: Logger is required", c.Name))
	}
	for name, d := range map[string]time.Duration{"TransactionTimeout": c.TransactionTimeout,
		"SessionTimeout": c.SessionTimeout, "DrainTimeout": c.DrainTimeout, "Tick": c.Tick} {
		if d < 0 {
			errs = append(errs, fmt.Errorf("%s: %s %s is negative", c.Name, name, d))
		}
	}
	if c.MaxPollRecords < 0 || c.MaxHandlerFailures < 0 {
		errs = append(errs, fmt.Errorf("%s: MaxPollRecords %d and MaxHandlerFailures %d must not be negative",
			c.Name, c.MaxPollRecords, c.MaxHandlerFailures))
	}
	return errors.Join(errs...)
}

// Processor handles one batch: what it produces through the batch between
// Begin and End commits with the consumed offsets, or not at all. It may
// return without beginning a transaction when there is nothing to do.
// Returning an error ends the session, which the runtime starts anew.
type Processor interface {
	Batch(ctx context.Context, b *Batch) error
}

// ProcessorFunc is a Processor written as a function.
type ProcessorFunc func(ctx context.Context, b *Batch) error

func (f ProcessorFunc) Batch(ctx context.Context, b *Batch) error { return f(ctx, b) }

// Runtime runs one Processor on its transactional session.
type Runtime struct {
	cfg    Config
	log    *slog.Logger
	proc   Processor
	poison *poison
}

// NewRuntime validates cfg and returns the runtime of p.
func NewRuntime(cfg Config, p Processor) (*Runtime, error) {
	cfg.defaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if p == nil {
		return nil, fmt.Errorf("%s: no Processor", cfg.Name)
	}
	return &Runtime{cfg: cfg, log: cfg.Logger, proc: p, poison: newPoison()}, nil
}

// Config returns the configuration with its defaults applied.
func (r *Runtime) Config() Config { return r.cfg }

// Run processes until ctx is cancelled, then finishes the batch in hand
// (within DrainTimeout), commits it and leaves the group. A session that
// fails is logged and started anew a second later.
func (r *Runtime) Run(ctx context.Context) error {
	return Loop(ctx, r.log, r.cfg.Name, r.session)
}

func (r *Runtime) session(ctx context.Context) error {
	sess, err := open(r.cfg.Kafka, sessionSpec{
		Group: r.cfg.Group, TransactionalID: r.cfg.TransactionalID, Topics: r.cfg.Topics,
		TransactionTimeout: r.cfg.TransactionTimeout, SessionTimeout: r.cfg.SessionTimeout,
		OnAssigned: r.cfg.OnAssigned, OnRevoked: r.cfg.OnRevoked,
	})
	if err != nil {
		return err
	}
	defer sess.Close()
	r.log.Info(r.cfg.Name+" started", "group", r.cfg.Group, "transactional_id", r.cfg.TransactionalID)
	var nextTick time.Time
	if r.cfg.Tick > 0 {
		nextTick = r.cfg.Clock().Add(r.cfg.Tick)
	}
	for {
		pollCtx, cancel := ctx, context.CancelFunc(func() {})
		if !nextTick.IsZero() {
			pollCtx, cancel = context.WithDeadline(ctx, nextTick)
		}
		fs := sess.PollRecords(pollCtx, r.cfg.MaxPollRecords)
		cancel()
		if fs.IsClientClosed() || ctx.Err() != nil {
			return nil
		}
		r.logFetchErrors(fs)
		tick := !nextTick.IsZero() && !r.cfg.Clock().Before(nextTick)
		if fs.NumRecords() == 0 && !tick {
			continue
		}
		if err := r.batch(ctx, sess, fs.Records(), tick); err != nil {
			return err
		}
		if tick {
			// Counted from the batch's end, so that a slow batch never
			// leaves the next poll an expired deadline.
			nextTick = r.cfg.Clock().Add(r.cfg.Tick)
		}
	}
}

func (r *Runtime) logFetchErrors(fs kgo.Fetches) {
	var ferr error
	fs.EachError(func(t string, p int32, err error) {
		if !errors.Is(err, context.DeadlineExceeded) && !errors.Is(err, context.Canceled) {
			ferr = errors.Join(ferr, fmt.Errorf("fetch %s/%d: %w", t, p, err))
		}
	})
	if ferr != nil {
		r.log.Warn("fetch errors", "err", ferr)
	}
}

// batch hands one poll to the processor; the batch in hand is finished
// and committed even when ctx is cancelled, within DrainTimeout.
func (r *Runtime) batch(ctx context.Context, sess *kgo.GroupTransactSession, recs []*kgo.Record, tick bool) error {
	work, cancel := Detach(ctx, r.cfg.DrainTimeout)
	defer cancel()
	b := &Batch{Records: recs, Tick: tick, Now: r.cfg.Clock(), rt: r, sess: sess, ctx: work}
	err := r.proc.Batch(work, b)
	if b.Out != nil && !b.ended {
		// Begun and never ended (an error, a forgotten End): abort.
		if _, aerr := b.end(kgo.TryAbort); aerr != nil {
			err = errors.Join(err, aerr)
		}
	}
	if err != nil {
		return fmt.Errorf("%s: %w", r.cfg.Name, err)
	}
	return nil
}
