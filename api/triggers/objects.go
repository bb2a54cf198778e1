package triggers

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/broker"
	"github.com/mie-kafka/mie/internal/problem"
)

// Producer names the writers of ObjectCreated in the API role (uploads
// and the S3 endpoint) in their envelopes.
const Producer = "mie-objects"

// Notifier is what the API role's writers call for each object: it
// records the ObjectCreated on the objects topic, then fires the matching
// rules at once (so that an upload can answer with its executions). When
// the record cannot be written the write's answer is an error (503) and
// the client retries; once it is written, the objects consumer fires the
// rules again after a crash, which starts nothing twice.
type Notifier struct {
	Client *kgo.Client
	Topic  string
	Firer  *Firer
}

// ObjectCreated records ev and fires its rules.
func (n *Notifier) ObjectCreated(ctx context.Context, ev *events.ObjectCreated) ([]Fired, error) {
	env, err := events.New(events.ObjectKey(ev.Bucket, ev.Key), Producer, ev)
	if err != nil {
		return nil, err
	}
	rec, err := env.Record(n.Topic)
	if err != nil {
		return nil, err
	}
	if err := n.Client.ProduceSync(ctx, rec).FirstErr(); err != nil {
		return nil, fmt.Errorf("%w: record the object-created event: %v", problem.ErrUnavailable, err)
	}
	return n.Firer.Fire(ctx, ev), nil
}

// Consumer fires the rules of every ObjectCreated on the objects topic:
// those the aws-sdk:s3 worker emits in its tasks' transactions, and, again
// (a no-op unless the API crashed in between), those the API role wrote.
// It reads committed records in the consumer group mie-triggers and
// commits a batch once its rules are fired.
type Consumer struct {
	Kafka broker.Config
	Topic string
	Group string
	Firer *Firer
	Log   *slog.Logger
}

// Run consumes until ctx ends.
func (c *Consumer) Run(ctx context.Context) error {
	cl, err := kgo.NewClient(c.Kafka.Opts(kgo.ConsumerGroup(c.Group), kgo.ConsumeTopics(c.Topic),
		kgo.FetchIsolationLevel(kgo.ReadCommitted()), kgo.DisableAutoCommit(),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))...)
	if err != nil {
		return fmt.Errorf("objects consumer: %w", err)
	}
	defer cl.Close()
	for {
		fetches := cl.PollFetches(ctx)
		if ctx.Err() != nil {
			return nil
		}
		fetches.EachError(func(topic string, p int32, err error) {
			if !errors.Is(err, context.Canceled) {
				c.Log.Warn("objects consumer: fetch", "topic", topic, "partition", p, "err", err)
			}
		})
		fetches.EachRecord(func(r *kgo.Record) {
			_, p, err := events.DecodeRecord(r)
			ev, ok := p.(*events.ObjectCreated)
			if err != nil || !ok {
				c.Log.Warn("objects consumer: not an ObjectCreated, skipped", "partition", r.Partition, "offset", r.Offset, "err", err)
				return
			}
			c.Firer.Fire(ctx, ev)
		})
		if err := cl.CommitUncommittedOffsets(ctx); err != nil && ctx.Err() == nil {
			c.Log.Warn("objects consumer: commit", "err", err)
		}
	}
}
