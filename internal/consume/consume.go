package consume

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
)

// commitTimeout bounds the last commit after a signal.
const commitTimeout = 10 * time.Second

// Run follows cfg.Topic until ctx is done or delivery fails for good. On
// ctx's end it commits what was delivered and returns nil.
func Run(ctx context.Context, cfg Config) error {
	cfg = cfg.withDefaults()
	if err := cfg.Validate(); err != nil {
		return err
	}
	c := &consumer{cfg: cfg, log: cfg.Logger, pending: map[int32]*kgo.Record{}}
	if cfg.Webhook != "" {
		c.sink = &webhook{url: cfg.Webhook, client: cfg.HTTPClient, timeout: cfg.WebhookTimeout}
	} else {
		c.sink = newLines(cfg.Out)
	}
	// A plain client checks the cluster and topic before the group is
	// joined, and serves the offset look-ups when partitions are assigned.
	admin, err := kgo.NewClient(kgo.SeedBrokers(cfg.Brokers...), kgo.ClientID(cfg.ClientID))
	if err != nil {
		return fmt.Errorf("kafka client: %w", err)
	}
	defer admin.Close()
	c.adm = kadm.NewClient(admin)
	if err := c.preflight(ctx); err != nil {
		if ctx.Err() != nil {
			return nil // stopped while starting
		}
		return err
	}
	cl, err := kgo.NewClient(
		kgo.SeedBrokers(cfg.Brokers...),
		kgo.ClientID(cfg.ClientID),
		kgo.ConsumerGroup(cfg.Group),
		kgo.ConsumeTopics(cfg.Topic),
		kgo.FetchIsolationLevel(kgo.ReadCommitted()),
		kgo.DisableAutoCommit(),
		kgo.BlockRebalanceOnPoll(),
		// A partition without a commit starts here; position() then
		// places it as --from says. Data loss never skips ahead.
		kgo.ConsumeStartOffset(kgo.NewOffset().AtStart()),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()),
		kgo.AdjustFetchOffsetsFn(c.position),
		kgo.OnPartitionsRevoked(c.revoked),
		kgo.OnPartitionsLost(c.lost),
		kgo.FetchMaxWait(500*time.Millisecond),
	)
	if err != nil {
		return fmt.Errorf("kafka client: %w", err)
	}
	defer cl.Close()
	// commit (also called from the revoke callback) uses the client only
	// once something was delivered, which takes a poll, after this.
	c.mu.Lock()
	c.cl = cl
	c.mu.Unlock()
	c.log.Info("following the change stream", "topic", cfg.Topic, "group", cfg.Group, "from", cfg.From.String(),
		"output", c.output(), "brokers", cfg.Brokers)
	err = c.loop(ctx)
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), commitTimeout)
	defer cancel()
	if cerr := c.commit(cctx); cerr != nil {
		err = errors.Join(err, cerr)
	}
	cl.AllowRebalance()
	return err
}

type consumer struct {
	cfg  Config
	log  *slog.Logger
	adm  *kadm.Client // plain client: metadata and offset look-ups
	cl   *kgo.Client  // the group member
	sink sink

	partitions int32

	mu         sync.Mutex
	pending    map[int32]*kgo.Record // last delivered, not yet committed, per partition
	lastCommit time.Time
}

func (c *consumer) output() string {
	if c.cfg.Webhook != "" {
		return c.cfg.Webhook
	}
	return "stdout"
}

// preflight checks that the cluster answers and the topic exists, so that
// a wrong address or prefix is an error, not a silent wait.
func (c *consumer) preflight(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, c.cfg.StartTimeout)
	defer cancel()
	details, err := c.adm.ListTopics(ctx, c.cfg.Topic)
	if err != nil {
		return fmt.Errorf("kafka at %v does not answer: %w", c.cfg.Brokers, err)
	}
	d, ok := details[c.cfg.Topic]
	if !ok || d.Err != nil || len(d.Partitions) == 0 {
		return fmt.Errorf("topic %q does not exist on %v: is the engine running there, and is --topic-prefix right?", c.cfg.Topic, c.cfg.Brokers)
	}
	c.partitions = int32(len(d.Partitions))
	for p := range c.cfg.From.Partitions {
		if p >= c.partitions {
			return fmt.Errorf("--from: partition %d does not exist: topic %s has partitions 0 to %d", p, c.cfg.Topic, c.partitions-1)
		}
	}
	return nil
}

// position runs when partitions are assigned: those with a committed
// offset resume there; the others start where --from says, clamped to the
// records that exist.
func (c *consumer) position(ctx context.Context, offsets map[string]map[int32]kgo.Offset) (map[string]map[int32]kgo.Offset, error) {
	parts := offsets[c.cfg.Topic]
	if len(parts) == 0 {
		return offsets, nil
	}
	starts, err := c.adm.ListStartOffsets(ctx, c.cfg.Topic)
	if err == nil {
		err = starts.Error()
	}
	if err != nil {
		return nil, fmt.Errorf("list start offsets of %s: %w", c.cfg.Topic, err)
	}
	ends, err := c.adm.ListCommittedOffsets(ctx, c.cfg.Topic) // read_committed ends
	if err == nil {
		err = ends.Error()
	}
	if err != nil {
		return nil, fmt.Errorf("list end offsets of %s: %w", c.cfg.Topic, err)
	}
	var byTime map[int32]kadm.ListedOffset
	if c.cfg.From.Mode == FromTime {
		listed, err := c.adm.ListOffsetsAfterMilli(ctx, c.cfg.From.Time.UnixMilli(), c.cfg.Topic)
		if err == nil {
			err = listed.Error()
		}
		if err != nil {
			return nil, fmt.Errorf("list offsets of %s after %s: %w", c.cfg.Topic, c.cfg.From.Time, err)
		}
		byTime = listed[c.cfg.Topic]
	}
	noCommit := kgo.NewOffset().AtStart().EpochOffset().Offset
	positions := map[int32]int64{}
	for p, o := range parts {
		at := o.EpochOffset().Offset
		if at != noCommit {
			positions[p] = at
			continue
		}
		lo, hi := starts[c.cfg.Topic][p].Offset, ends[c.cfg.Topic][p].Offset
		switch c.cfg.From.Mode {
		case FromStart:
			at = lo
		case FromEnd:
			at = hi
		case FromOffset:
			at = c.cfg.From.Offset
		case FromPartitions:
			at = lo
			if want, ok := c.cfg.From.Partitions[p]; ok {
				at = want
			}
		case FromTime:
			at = hi
			if o, ok := byTime[p]; ok && o.Err == nil && o.Offset >= 0 {
				at = o.Offset
			}
		}
		at = min(max(at, lo), hi)
		parts[p] = kgo.NewOffset().At(at)
		positions[p] = at
	}
	c.log.Info("partitions assigned", "topic", c.cfg.Topic, "offsets", positions)
	if c.cfg.OnPositioned != nil {
		c.cfg.OnPositioned(positions)
	}
	return offsets, nil
}

// revoked commits what was delivered from partitions being taken away.
// With BlockRebalanceOnPoll this runs between batches, after their commit,
// so normally nothing is pending.
func (c *consumer) revoked(ctx context.Context, _ *kgo.Client, lost map[string][]int32) {
	if err := c.commit(ctx); err != nil {
		c.log.Warn("commit before giving up partitions failed; their delivered changes may be delivered again", "err", err)
	}
	c.lost(ctx, nil, lost)
}

// lost forgets pending offsets of partitions this member no longer owns.
func (c *consumer) lost(_ context.Context, _ *kgo.Client, lost map[string][]int32) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, p := range lost[c.cfg.Topic] {
		delete(c.pending, p)
	}
}

func (c *consumer) loop(ctx context.Context) error {
	for {
		fs := c.cl.PollRecords(ctx, c.cfg.MaxPollRecords)
		if ctx.Err() != nil || fs.IsClientClosed() {
			return nil
		}
		fs.EachError(func(topic string, p int32, err error) {
			if !errors.Is(err, context.Canceled) {
				c.log.Warn("fetch failed; the client retries", "topic", topic, "partition", p, "err", err)
			}
		})
		var err error
		fs.EachRecord(func(r *kgo.Record) {
			if err == nil && ctx.Err() == nil {
				err = c.deliver(ctx, r)
			}
		})
		if err != nil {
			return err
		}
		if ctx.Err() != nil {
			return nil
		}
		if err := c.commit(ctx); errors.Is(err, errPermanent) {
			return err
		} else if err != nil {
			c.log.Warn("commit failed; retried after the next batch", "err", err)
		}
		c.cl.AllowRebalance()
	}
}

// deliver hands one record to the sink, retrying with backoff, and marks
// it for commit once delivered. It returns nil when ctx ends first (the
// record stays uncommitted).
func (c *consumer) deliver(ctx context.Context, r *kgo.Record) error {
	if c.cfg.Filter != nil && !c.cfg.Filter(r) {
		return c.delivered(ctx, r)
	}
	ch := changeOf(r)
	if ch.Error != "" {
		c.log.Warn("record is not an engine envelope; passed on with its raw value", "partition", r.Partition, "offset", r.Offset, "err", ch.Error)
	}
	var body []byte
	var err error
	if c.cfg.Render != nil {
		body, ch.headers, err = c.cfg.Render(r)
	} else {
		body, err = json.Marshal(ch)
	}
	if err != nil {
		return fmt.Errorf("encode %s/%d@%d: %w", r.Topic, r.Partition, r.Offset, err)
	}
	for attempt := 1; ; attempt++ {
		err := c.sink.Deliver(ctx, &ch, body)
		if err == nil {
			break
		}
		if ctx.Err() != nil {
			return nil
		}
		if errors.Is(err, errPermanent) {
			return fmt.Errorf("deliver %s/%d@%d: %w", r.Topic, r.Partition, r.Offset, err)
		}
		if c.cfg.MaxAttempts > 0 && attempt >= c.cfg.MaxAttempts {
			return fmt.Errorf("deliver %s/%d@%d: giving up after %d attempts: %w", r.Topic, r.Partition, r.Offset, attempt, err)
		}
		if attempt == 1 {
			// Delivery is stuck: make what got through durable first.
			if cerr := c.commit(ctx); cerr != nil {
				c.log.Warn("commit failed", "err", cerr)
			}
		}
		wait := c.backoff(attempt)
		c.log.Warn("delivery failed; retrying", "partition", r.Partition, "offset", r.Offset, "attempt", attempt, "retry_in", wait, "err", err)
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-t.C:
		}
	}
	return c.delivered(ctx, r)
}

// delivered marks r for commit, and commits when one is due.
func (c *consumer) delivered(ctx context.Context, r *kgo.Record) error {
	c.mu.Lock()
	c.pending[r.Partition] = r
	due := time.Since(c.lastCommit) >= c.cfg.CommitInterval
	c.mu.Unlock()
	if due {
		if err := c.commit(ctx); errors.Is(err, errPermanent) {
			return err
		} else if err != nil {
			c.log.Warn("commit failed; retried later", "err", err)
		}
	}
	return nil
}

// backoff is the wait after the attempt-th failure: RetryMin doubled per
// attempt, capped at RetryMax, jittered to between half and all of it.
func (c *consumer) backoff(attempt int) time.Duration {
	d := c.cfg.RetryMin
	for i := 1; i < attempt && d < c.cfg.RetryMax; i++ {
		d *= 2
	}
	d = min(d, c.cfg.RetryMax)
	if d <= 1 {
		return d
	}
	return d/2 + rand.N(d/2+1)
}

// commit flushes the sink and commits the delivered offsets.
func (c *consumer) commit(ctx context.Context) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.lastCommit = time.Now()
	if len(c.pending) == 0 {
		return nil
	}
	if err := c.sink.Flush(); err != nil {
		return err
	}
	recs := make([]*kgo.Record, 0, len(c.pending))
	for _, r := range c.pending {
		recs = append(recs, r)
	}
	if err := c.cl.CommitRecords(ctx, recs...); err != nil {
		return fmt.Errorf("commit offsets: %w", err)
	}
	clear(c.pending)
	return nil
}
