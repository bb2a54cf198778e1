package relay

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/mie-kafka/mie/internal/broker"
	"github.com/mie-kafka/mie/internal/deadletter"
	"github.com/mie-kafka/mie/internal/delay"
	"github.com/mie-kafka/mie/internal/topics"
)

// DefaultGroup is the relay's consumer group and handler name.
const DefaultGroup = "mie-relay"

// fetchMaxWait bounds a fetch's long poll. A resumed partition joins only
// the next fetch request, so this is also how late a record may be seen
// after its partition resumes; keep it well under the smallest tier.
const fetchMaxWait = 250 * time.Millisecond

// retryBackoff is how long the relay waits before forwarding again after a
// produce failed.
const retryBackoff = time.Second

// DefaultSessionTimeout is the default of Config.SessionTimeout.
const DefaultSessionTimeout = 10 * time.Second

// DefaultMaxForwardFailures is the default of Config.MaxForwardFailures.
const DefaultMaxForwardFailures = 3

// ErrUndeliverable marks a record the relay could not deliver to its target.
var ErrUndeliverable = errors.New("undeliverable")

// Config configures a Relay.
type Config struct {
	Kafka   broker.Config
	Catalog topics.Catalog
	// Group is the consumer group; default "mie-relay" with the catalog's
	// prefix.
	Group string
	// SessionTimeout is how soon the group notices a dead relay, whose
	// partitions wait until then; default 10s.
	SessionTimeout time.Duration
	// Tiers are the delay tiers consumed, each on Catalog.Tier(d); default
	// topics.Tiers. Producers must delay into the same tiers.
	Tiers  []time.Duration
	Logger *slog.Logger
	// Clock is the relay's time, compared with due times and record
	// timestamps; default time.Now.
	Clock func() time.Time
	// MaxForwardFailures is how often forwarding one record may fail with
	// an error that retrying does not cure (its target topic does not
	// exist, the record is too large) before it is dead-lettered
	// (undeliverable), so that it does not hold up its tier partition for
	// ever; default 3.
	MaxForwardFailures int
}

// Validate reports every problem with the configuration.
func (c Config) Validate() error {
	var errs []error
	if err := c.Kafka.Validate(); err != nil {
		errs = append(errs, err)
	}
	if c.Tiers != nil {
		if err := delay.CheckTiers(c.Tiers); err != nil {
			errs = append(errs, err)
		}
	}
	if c.MaxForwardFailures < 0 {
		errs = append(errs, fmt.Errorf("relay: MaxForwardFailures %d is negative", c.MaxForwardFailures))
	}
	return errors.Join(errs...)
}

// Relay forwards delayed records from the tier topics to their targets when
// they are due.
type Relay struct {
	cfg   Config
	log   *slog.Logger
	tiers []time.Duration          // ascending
	tier  map[string]time.Duration // tier topic -> tier

	mu    sync.Mutex
	parts map[partition]*queue // assigned partitions; guarded by mu

	// backoffUntil is set after a failed produce; used by Run's goroutine
	// only.
	backoffUntil time.Time
}

type partition struct {
	topic string
	part  int32
}

// queue holds one partition's consumed, not yet forwarded records in
// offset order.
type queue struct {
	items  []item
	paused bool
}

type item struct {
	rec    *kgo.Record
	target string
	due    time.Time
	// release is when the record leaves its tier: min(due, timestamp +
	// tier). Zero for a dead letter.
	release time.Time
	// bad is why the record is dead-lettered instead, and reason its
	// dead-letter reason code.
	bad    error
	reason string
	// fails counts forwards that failed with a permanent error.
	fails int
}

// New validates cfg and applies its defaults.
func New(cfg Config) (*Relay, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if cfg.Group == "" {
		cfg.Group = cfg.Catalog.Group(DefaultGroup)
	}
	if cfg.SessionTimeout == 0 {
		cfg.SessionTimeout = DefaultSessionTimeout
	}
	if cfg.Tiers == nil {
		cfg.Tiers = topics.Tiers
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Clock == nil {
		cfg.Clock = time.Now
	}
	if cfg.MaxForwardFailures == 0 {
		cfg.MaxForwardFailures = DefaultMaxForwardFailures
	}
	tiers := slices.Sorted(slices.Values(cfg.Tiers))
	tier := make(map[string]time.Duration, len(tiers))
	for _, d := range tiers {
		tier[cfg.Catalog.Tier(d)] = d
	}
	return &Relay{
		cfg:   cfg,
		log:   cfg.Logger.With("relay", cfg.Group),
		tiers: tiers,
		tier:  tier,
		parts: map[partition]*queue{},
	}, nil
}

// Run relays until ctx ends, then leaves the group and returns nil; records
// held but not forwarded are not committed and go to the next owner. It
// waits on a timer for the earliest held record or on new fetches, and
// pauses fetching of partitions whose head is not yet due, so at most about
// one fetch per partition is held in memory.
func (r *Relay) Run(ctx context.Context) error {
	opts := append([]kgo.Opt{
		kgo.ConsumerGroup(r.cfg.Group),
		kgo.ConsumeTopics(slices.Sorted(func(yield func(string) bool) {
			for t := range r.tier {
				if !yield(t) {
					return
				}
			}
		})...),
		kgo.DisableAutoCommit(),
		kgo.FetchMaxWait(fetchMaxWait),
		// Delayed records are written in the executor's transactions.
		kgo.FetchIsolationLevel(kgo.ReadCommitted()),
		kgo.OnPartitionsAssigned(r.assigned),
		kgo.OnPartitionsRevoked(r.revoked),
		kgo.OnPartitionsLost(r.revoked),
	}, broker.SessionOpts(r.cfg.SessionTimeout)...)
	cl, err := kgo.NewClient(r.cfg.Kafka.Opts(opts...)...)
	if err != nil {
		return fmt.Errorf("relay %s: new client: %w", r.cfg.Group, err)
	}
	defer cl.Close()
	for {
		r.forwardDue(ctx, cl)
		pollCtx, cancel := ctx, context.CancelFunc(func() {})
		if wake, ok := r.settle(cl); ok {
			pollCtx, cancel = context.WithTimeout(ctx, wake.Sub(r.cfg.Clock()))
		}
		fetches := cl.PollFetches(pollCtx)
		cancel()
		if ctx.Err() != nil || fetches.IsClientClosed() {
			return nil
		}
		fetches.EachError(func(topic string, p int32, err error) {
			if !errors.Is(err, context.DeadlineExceeded) && !errors.Is(err, context.Canceled) {
				r.log.Warn("fetch failed", "topic", topic, "partition", p, "err", err)
			}
		})
		r.hold(fetches)
	}
}

func (r *Relay) assigned(_ context.Context, _ *kgo.Client, a map[string][]int32) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for t, ps := range a {
		for _, p := range ps {
			r.parts[partition{t, p}] = &queue{}
		}
	}
}

// revoked drops the held records of partitions we no longer own: their
// offsets are uncommitted, so the next owner reads them again.
func (r *Relay) revoked(_ context.Context, cl *kgo.Client, rv map[string][]int32) {
	r.mu.Lock()
	defer r.mu.Unlock()
	resume := map[string][]int32{}
	for t, ps := range rv {
		for _, p := range ps {
			k := partition{t, p}
			if q := r.parts[k]; q != nil && q.paused {
				resume[t] = append(resume[t], p)
			}
			delete(r.parts, k)
		}
	}
	if len(resume) > 0 {
		cl.ResumeFetchPartitions(resume)
	}
}

// hold queues fetched records behind those already held.
func (r *Relay) hold(fetches kgo.Fetches) {
	r.mu.Lock()
	defer r.mu.Unlock()
	fetches.EachPartition(func(p kgo.FetchTopicPartition) {
		q := r.parts[partition{p.Topic, p.Partition}]
		if q == nil {
			return // revoked since the fetch: the next owner reads it
		}
		for _, rec := range p.Records {
			q.items = append(q.items, r.classify(rec))
		}
	})
}

func (r *Relay) classify(rec *kgo.Record) item {
	target, due, err := delay.Parse(rec)
	if err != nil {
		return item{rec: rec, bad: err, reason: deadletter.ReasonBadRelayHeaders}
	}
	if _, loop := r.tier[target]; loop {
		return item{rec: rec, bad: fmt.Errorf("%w: target %s is a relay tier", delay.ErrBadHeaders, target), reason: deadletter.ReasonBadRelayHeaders}
	}
	release := rec.Timestamp.Add(r.tier[rec.Topic])
	if due.Before(release) {
		release = due
	}
	return item{rec: rec, target: target, due: due, release: release}
}

// outgoing is what a released record becomes: a dead letter, the record
// delivered to its target, or the record delayed again in a tier.
func (r *Relay) outgoing(it item, now time.Time) *kgo.Record {
	switch {
	case it.bad != nil:
		r.log.Warn("dead-lettering relay record", "topic", it.rec.Topic, "partition", it.rec.Partition,
			"offset", it.rec.Offset, "reason", it.bad)
		return deadletter.Record(r.cfg.Catalog.DLQ(), it.rec, it.reason, r.cfg.Group, it.bad)
	case !it.due.After(now):
		return delay.Forward(it.rec, it.target, now)
	default:
		return delay.Redelay(it.rec, it.target, it.due, now, r.cfg.Catalog, r.tiers)
	}
}

// forwardDue produces every released head run, in partition order, and
// commits each partition up to its last acknowledged record.
func (r *Relay) forwardDue(ctx context.Context, cl *kgo.Client) {
	now := r.cfg.Clock()
	if now.Before(r.backoffUntil) {
		return
	}
	type run struct {
		key   partition
		q     *queue
		items []item
	}
	var runs []run
	r.mu.Lock()
	for k, q := range r.parts {
		n := 0
		for n < len(q.items) && !q.items[n].release.After(now) {
			n++
		}
		if n > 0 {
			runs = append(runs, run{k, q, slices.Clone(q.items[:n])})
		}
	}
	r.mu.Unlock()
	if len(runs) == 0 {
		return
	}

	var out []*kgo.Record
	for _, ru := range runs {
		for _, it := range ru.items {
			out = append(out, r.outgoing(it, now))
		}
	}
	failed := map[*kgo.Record]error{}
	for _, res := range cl.ProduceSync(ctx, out...) {
		if res.Err != nil {
			failed[res.Record] = res.Err
		}
	}

	// Per partition, only the acknowledged prefix counts as forwarded.
	done := make([]int, len(runs))
	headErr := make([]error, len(runs))
	var commit []*kgo.Record
	i := 0
	for ri, ru := range runs {
		for j := range ru.items {
			if err, ok := failed[out[i+j]]; ok {
				if ctx.Err() == nil {
					r.log.Warn("forwarding failed; retrying", "topic", ru.key.topic, "partition", ru.key.part,
						"offset", ru.items[j].rec.Offset, "to", out[i+j].Topic, "err", err)
				}
				headErr[ri] = err
				break
			}
			done[ri]++
		}
		i += len(ru.items)
		if done[ri] > 0 {
			commit = append(commit, ru.items[done[ri]-1].rec)
		}
	}
	if len(failed) > 0 {
		r.backoffUntil = now.Add(retryBackoff)
	}
	if len(commit) > 0 {
		if err := cl.CommitRecords(ctx, commit...); err != nil && ctx.Err() == nil {
			// Forwarded but not committed: forwarded again after a
			// rebalance or restart (at-least-once).
			r.log.Warn("committing relay offsets failed", "err", err)
		}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for ri, ru := range runs {
		if r.parts[ru.key] != ru.q {
			continue // revoked meanwhile
		}
		clear(ru.q.items[:done[ri]])
		ru.q.items = ru.q.items[done[ri]:]
		if headErr[ri] != nil && permanent(headErr[ri]) && len(ru.q.items) > 0 {
			head := &ru.q.items[0]
			if head.fails++; head.fails >= r.cfg.MaxForwardFailures && head.bad == nil {
				head.bad = fmt.Errorf("%w: forwarding to %s failed %d times: %w", ErrUndeliverable, head.target, head.fails, headErr[ri])
				head.reason = deadletter.ReasonUndeliverable
			}
		}
	}
}

// permanent reports whether a produce error is one that retrying does not
// cure.
func permanent(err error) bool {
	return errors.Is(err, kerr.UnknownTopicOrPartition) || errors.Is(err, kerr.InvalidTopicException) ||
		errors.Is(err, kerr.TopicAuthorizationFailed) || errors.Is(err, kerr.MessageTooLarge) ||
		errors.Is(err, kerr.RecordListTooLarge) || errors.Is(err, kerr.InvalidRecord)
}

// settle pauses partitions that hold records and resumes those that hold
// none, and returns when the earliest held record may be released.
func (r *Relay) settle(cl *kgo.Client) (wake time.Time, ok bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	pause, resume := map[string][]int32{}, map[string][]int32{}
	for k, q := range r.parts {
		if len(q.items) == 0 {
			q.items = nil
			if q.paused {
				q.paused = false
				resume[k.topic] = append(resume[k.topic], k.part)
			}
			continue
		}
		if !q.paused {
			q.paused = true
			pause[k.topic] = append(pause[k.topic], k.part)
		}
		if h := q.items[0].release; !ok || h.Before(wake) {
			wake, ok = h, true
		}
	}
	if len(pause) > 0 {
		cl.PauseFetchPartitions(pause)
	}
	if len(resume) > 0 {
		cl.ResumeFetchPartitions(resume)
	}
	if ok && wake.Before(r.backoffUntil) {
		wake = r.backoffUntil
	}
	return wake, ok
}
