package sfn

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/broker"
	"github.com/mie-kafka/mie/internal/definitions"
	"github.com/mie-kafka/mie/internal/topics"
)

// MaxPollers bounds the GetActivityTask polls waiting on one activity in
// one instance (AWS's limit of 1,000 per activity).
const MaxPollers = 1000

// ErrTooManyPollers is Next's error when MaxPollers polls wait already.
var ErrTooManyPollers = errors.New("too many GetActivityTask polls wait on this activity")

// DispatcherName is the dispatcher's consumer group (under the catalog's
// prefix): every API instance shares it, so each activity task goes to
// one instance, which hands it to one of its pollers.
const DispatcherName = "mie-activities"

// DispatcherConfig configures a Dispatcher.
type DispatcherConfig struct {
	Kafka   broker.Config
	Catalog topics.Catalog
	// Buffer is how many tasks of one activity wait in memory for a
	// poller before its topic's fetches pause; default 64.
	Buffer int
	// SessionTimeout is the group's; default 10s.
	SessionTimeout time.Duration
	Logger         *slog.Logger
}

// Dispatcher consumes every activity's task topic (by pattern, so new
// activities are found) in one consumer group and hands each task to one
// GetActivityTask poller. Delivery is at least once: a task handed out
// just before a crash or a rebalance may be handed out again, and
// answering its token twice is harmless (the second answer is
// TaskTimedOut).
type Dispatcher struct {
	cfg DispatcherConfig
	cl  *kgo.Client

	mu     sync.Mutex
	queues map[string]*taskQueue
}

// taskQueue is one activity topic's tasks and pollers.
type taskQueue struct {
	recs    []*kgo.Record
	waiters []chan *kgo.Record
	paused  bool
}

// NewDispatcher builds a Dispatcher; it consumes nothing until Run.
func NewDispatcher(cfg DispatcherConfig) (*Dispatcher, error) {
	if cfg.Buffer <= 0 {
		cfg.Buffer = 64
	}
	if cfg.SessionTimeout <= 0 {
		cfg.SessionTimeout = 10 * time.Second
	}
	if cfg.Logger == nil {
		return nil, errors.New("sfn dispatcher: Logger is required")
	}
	if err := cfg.Kafka.Validate(); err != nil {
		return nil, fmt.Errorf("sfn dispatcher: %w", err)
	}
	d := &Dispatcher{cfg: cfg, queues: map[string]*taskQueue{}}
	opts := append(broker.SessionOpts(cfg.SessionTimeout),
		kgo.ConsumeTopics(definitions.ActivityTopicPattern(cfg.Catalog).String()), kgo.ConsumeRegex(),
		kgo.ConsumerGroup(cfg.Catalog.Group(DispatcherName)), kgo.FetchIsolationLevel(kgo.ReadCommitted()),
		kgo.AutoCommitMarks(), kgo.MetadataMaxAge(10*time.Second),
		kgo.OnPartitionsRevoked(d.dropPartitions), kgo.OnPartitionsLost(d.dropPartitions))
	cl, err := kgo.NewClient(cfg.Kafka.Opts(opts...)...)
	if err != nil {
		return nil, fmt.Errorf("sfn dispatcher client: %w", err)
	}
	d.cl = cl
	return d, nil
}

// Run consumes until ctx is done.
func (d *Dispatcher) Run(ctx context.Context) error {
	defer d.cl.Close()
	for {
		fetches := d.cl.PollFetches(ctx)
		if fetches.IsClientClosed() || ctx.Err() != nil {
			return nil
		}
		fetches.EachError(func(topic string, p int32, err error) {
			if !errors.Is(err, context.Canceled) {
				d.cfg.Logger.Warn("activity tasks fetch failed", "topic", topic, "partition", p, "err", err)
			}
		})
		fetches.EachRecord(d.offer)
	}
}

// offer gives a fetched task to a waiting poller, or queues it.
func (d *Dispatcher) offer(r *kgo.Record) {
	d.mu.Lock()
	defer d.mu.Unlock()
	q := d.queue(r.Topic)
	for len(q.waiters) > 0 {
		w := q.waiters[0]
		q.waiters = q.waiters[1:]
		select {
		case w <- r:
			return
		default: // that poller gave up
		}
	}
	q.recs = append(q.recs, r)
	if len(q.recs) >= d.cfg.Buffer && !q.paused {
		q.paused = true
		d.cl.PauseFetchTopics(r.Topic)
	}
}

func (d *Dispatcher) queue(topic string) *taskQueue {
	q, ok := d.queues[topic]
	if !ok {
		q = &taskQueue{}
		d.queues[topic] = q
	}
	return q
}

// Next waits for a task of topic until ctx is done; ok is false when none
// came. A record that is no activity task is skipped (and logged).
func (d *Dispatcher) Next(ctx context.Context, topic string) (ActivityTask, bool, error) {
	for {
		r, ok, err := d.take(ctx, topic)
		if err != nil || !ok {
			return ActivityTask{}, false, err
		}
		d.cl.MarkCommitRecords(r)
		t, err := activityTask(r)
		if err != nil {
			d.cfg.Logger.Warn("activity topic record skipped", "topic", r.Topic, "partition", r.Partition, "offset", r.Offset, "err", err)
			continue
		}
		return t, true, nil
	}
}

// take returns the next record of topic, waiting until ctx is done.
func (d *Dispatcher) take(ctx context.Context, topic string) (*kgo.Record, bool, error) {
	d.mu.Lock()
	q := d.queue(topic)
	if len(q.recs) > 0 {
		r := q.recs[0]
		q.recs = q.recs[1:]
		if q.paused && len(q.recs) < d.cfg.Buffer/2 {
			q.paused = false
			d.cl.ResumeFetchTopics(topic)
		}
		d.mu.Unlock()
		return r, true, nil
	}
	if len(q.waiters) >= MaxPollers {
		d.mu.Unlock()
		return nil, false, ErrTooManyPollers
	}
	w := make(chan *kgo.Record, 1)
	q.waiters = append(q.waiters, w)
	d.mu.Unlock()
	select {
	case r := <-w:
		return r, true, nil
	case <-ctx.Done():
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	for i, x := range q.waiters {
		if x == w {
			q.waiters = append(q.waiters[:i], q.waiters[i+1:]...)
			break
		}
	}
	select {
	case r := <-w: // handed over as we gave up: keep it first in line
		q.recs = append([]*kgo.Record{r}, q.recs...)
	default:
	}
	return nil, false, nil
}

// Watch makes the dispatcher look for new topics now (a new activity's).
func (d *Dispatcher) Watch(string) { d.cl.ForceMetadataRefresh() }

// dropPartitions forgets the queued tasks of partitions this instance no
// longer owns: their new owner reads them from the committed offsets.
func (d *Dispatcher) dropPartitions(ctx context.Context, cl *kgo.Client, lost map[string][]int32) {
	d.mu.Lock()
	for topic, parts := range lost {
		q, ok := d.queues[topic]
		if !ok {
			continue
		}
		kept := q.recs[:0]
		for _, r := range q.recs {
			if !containsPartition(parts, r.Partition) {
				kept = append(kept, r)
			}
		}
		q.recs = kept
	}
	d.mu.Unlock()
	if err := cl.CommitMarkedOffsets(ctx); err != nil && !errors.Is(err, context.Canceled) {
		d.cfg.Logger.Warn("activity task offsets not committed at rebalance", "err", err)
	}
}

func containsPartition(ps []int32, p int32) bool {
	for _, x := range ps {
		if x == p {
			return true
		}
	}
	return false
}

// activityTask reads a task record of an activity's topic.
func activityTask(r *kgo.Record) (ActivityTask, error) {
	env, err := events.FromRecord(r)
	if err != nil {
		return ActivityTask{}, err
	}
	p, err := env.Decode()
	if err != nil {
		return ActivityTask{}, err
	}
	t, ok := p.(*events.OperatorTaskRequest)
	if !ok || t.Token == "" {
		return ActivityTask{}, fmt.Errorf("a %s, not an activity task", env.Type)
	}
	return ActivityTask{ExecutionId: t.WorkflowExecutionId, Run: t.Run, Attempt: t.Attempt, Token: t.Token, Input: t.Payload}, nil
}
