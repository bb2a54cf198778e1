// Package reaper finds segments left pending past a deadline and either
// re-drives them (starts their window again) or, after MaxRedrives
// re-drives, fails them. Each action is a SegmentStatusChanged with a
// Reason on the segments topic, so no segment stays pending for ever and
// nothing needs cleaning by hand.
//
// The reaper is a member of the consumer group mie-reaper on the segments
// topic: each instance folds and sweeps only the partitions it owns, so
// several instances never act on the same segment (but during a rebalance).
// It commits no offsets: a partition it is assigned is read from the start,
// and swept once it has caught up with the log.
package reaper

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/mie-kafka/mie/internal/view"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/broker"
	"github.com/mie-kafka/mie/internal/topics"
)

// Name is the reaper's stable name: its consumer group (with the
// catalog's prefix, Catalog.Group) and its Producer.
const Name = "mie-reaper"

// Defaults applied by New.
const (
	DefaultMaxRedrives = 2
	DefaultInterval    = time.Minute
)

// Redriver acts on a stale segment's window.
type Redriver interface {
	// Redrive processes the window again (a new execution; the stale one
	// is cancelled if it still runs) and returns the new execution id.
	Redrive(ctx context.Context, seg view.Segment) (string, error)
	// Abandon stops the window's execution if it still runs.
	Abandon(ctx context.Context, seg view.Segment) error
}

// Config configures a Reaper.
type Config struct {
	Kafka   broker.Config
	Catalog topics.Catalog
	// Deadline: a segment pending with no transition for this long is
	// stale. Transitions include the GPU task's deferrals, so it must be
	// longer than the longest deferral.
	Deadline time.Duration
	// MaxRedrives: a stale segment re-driven this many times fails
	// instead; default 2. Negative means never re-drive.
	MaxRedrives int
	// Interval between sweeps; default the smaller of a minute and
	// Deadline/4.
	Interval time.Duration
	Redriver Redriver
	// Now is the clock; default time.Now.
	Now func() time.Time
	// SessionTimeout is how soon the group notices a dead reaper; default
	// 10s.
	SessionTimeout time.Duration
	Logger         *slog.Logger
}

// Validate joins every problem with the configuration.
func (c Config) Validate() error {
	var errs []error
	if err := c.Kafka.Validate(); err != nil {
		errs = append(errs, err)
	}
	if c.Catalog.Partitions <= 0 {
		errs = append(errs, errors.New("reaper: Catalog is required (topics.New)"))
	}
	if c.Deadline <= 0 {
		errs = append(errs, errors.New("reaper: Deadline must be positive"))
	}
	if c.Interval < 0 {
		errs = append(errs, errors.New("reaper: Interval must not be negative"))
	}
	if c.Redriver == nil {
		errs = append(errs, errors.New("reaper: Redriver is required"))
	}
	if c.Logger == nil {
		errs = append(errs, errors.New("reaper: Logger is required"))
	}
	return errors.Join(errs...)
}

func (c Config) withDefaults() Config {
	if c.MaxRedrives == 0 {
		c.MaxRedrives = DefaultMaxRedrives
	}
	if c.MaxRedrives < 0 {
		c.MaxRedrives = 0
	}
	if c.Interval == 0 {
		c.Interval = min(DefaultInterval, max(c.Deadline/4, 10*time.Millisecond))
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.SessionTimeout == 0 {
		c.SessionTimeout = 10 * time.Second
	}
	return c
}

// Reaper sweeps stale pending segments.
type Reaper struct {
	cfg Config
	log *slog.Logger

	mu    sync.Mutex
	parts map[int32]*partition
}

// partition is the fold of one owned partition.
type partition struct {
	rows map[string]*row
	// pos is the next offset to read (markers included); end the stable
	// end to reach before sweeping, -1 until known.
	pos, end int64
}

type row struct {
	seg view.Segment
	// acted is when this reaper last acted on the segment; it waits a
	// Deadline before acting again, even before its event is read back.
	acted time.Time
}

// New validates cfg and applies its defaults.
func New(cfg Config) (*Reaper, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	return &Reaper{cfg: cfg, log: cfg.Logger.With("processor", Name), parts: map[int32]*partition{}}, nil
}

// Run folds the owned partitions and sweeps every Interval until ctx ends.
func (r *Reaper) Run(ctx context.Context) error {
	topic := r.cfg.Catalog.Segments()
	cl, err := kgo.NewClient(r.cfg.Kafka.Opts(append(broker.SessionOpts(r.cfg.SessionTimeout),
		kgo.ConsumerGroup(r.cfg.Catalog.Group(Name)),
		kgo.ConsumeTopics(topic),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()),
		kgo.DisableAutoCommit(),
		kgo.FetchIsolationLevel(kgo.ReadCommitted()),
		kgo.KeepControlRecords(),
		kgo.FetchMaxWait(200*time.Millisecond),
		kgo.ProducerLinger(0),
		kgo.OnPartitionsAssigned(r.assigned),
		kgo.OnPartitionsRevoked(r.revoked),
		kgo.OnPartitionsLost(r.revoked),
	)...)...)
	if err != nil {
		return fmt.Errorf("reaper: %w", err)
	}
	defer cl.Close()
	next := r.cfg.Now().Add(r.cfg.Interval)
	for {
		pctx, cancel := context.WithTimeout(ctx, max(time.Until(next), time.Millisecond))
		fs := cl.PollFetches(pctx)
		cancel()
		if ctx.Err() != nil || fs.IsClientClosed() {
			return nil
		}
		fs.EachError(func(t string, p int32, err error) {
			if !errors.Is(err, context.DeadlineExceeded) && !errors.Is(err, context.Canceled) {
				r.log.Warn("fetch error", "partition", p, "err", err)
			}
		})
		fs.EachRecord(r.fold)
		if !r.cfg.Now().Before(next) {
			r.sweep(ctx, cl)
			next = r.cfg.Now().Add(r.cfg.Interval)
		}
	}
}

func (r *Reaper) assigned(_ context.Context, _ *kgo.Client, m map[string][]int32) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, ps := range m {
		for _, p := range ps {
			r.parts[p] = &partition{rows: map[string]*row{}, end: -1}
		}
	}
}

func (r *Reaper) revoked(_ context.Context, _ *kgo.Client, m map[string][]int32) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, ps := range m {
		for _, p := range ps {
			delete(r.parts, p)
		}
	}
}

func (r *Reaper) fold(rec *kgo.Record) {
	r.mu.Lock()
	defer r.mu.Unlock()
	part := r.parts[rec.Partition]
	if part == nil {
		return // revoked meanwhile
	}
	part.pos = max(part.pos, rec.Offset+1)
	if rec.Attrs.IsControl() {
		return
	}
	env, p, err := events.DecodeRecord(rec)
	e, ok := p.(*events.SegmentStatusChanged)
	if err != nil || !ok {
		r.log.Warn("skipping segment record", "partition", rec.Partition, "offset", rec.Offset, "type", env.Type, "err", err)
		return
	}
	cur := part.rows[e.SegmentId]
	if cur == nil {
		cur = &row{seg: view.Segment{Created: env.Time}}
		part.rows[e.SegmentId] = cur
	} else if !e.Follows(cur.seg.Status) {
		return // void, as in the projection
	}
	redrives := e.Redrives
	if cur.seg.Status == events.SegmentPending {
		redrives = max(redrives, cur.seg.Redrives) // else a new round
	}
	cur.seg.SegmentStatusChanged = *e
	cur.seg.Redrives = redrives
	cur.seg.Updated = env.Time
	// Only the status, the window and the counters matter here.
	cur.seg.Transcript, cur.seg.Caption = "", ""
}
