package dynamodb

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/broker"
	"github.com/mie-kafka/mie/internal/tables"
	"github.com/mie-kafka/mie/internal/topics"
)

// Producer names the API on the records it writes.
const Producer = "mie-api-dynamodb"

// requester sends item operations to the tables processor and waits for
// their answers: this instance's answers are keyed by its reply id, so
// they all land on one partition of table-replies, the one it reads
// (from where it stood when the requester started).
type requester struct {
	client  *kgo.Client
	kafka   broker.Config
	cat     topics.Catalog
	replyTo string
	log     *slog.Logger

	ready chan struct{}
	mu    sync.Mutex
	wait  map[string]chan *events.TableOperationAnswered
}

func newRequester(client *kgo.Client, kafka broker.Config, cat topics.Catalog, replyTo string, log *slog.Logger) *requester {
	return &requester{client: client, kafka: kafka, cat: cat, replyTo: replyTo, log: log,
		ready: make(chan struct{}), wait: map[string]chan *events.TableOperationAnswered{}}
}

// PartitionOf is the partition a key's records land on: the default
// partitioner's (murmur2, as Kafka's Java clients), which every mie
// producer uses.
func PartitionOf(key string, partitions int32) int32 {
	p := kgo.StickyKeyPartitioner(nil).ForTopic("")
	return int32(p.Partition(&kgo.Record{Key: []byte(key)}, int(partitions)))
}

// Run reads this instance's answers until ctx ends.
func (r *requester) Run(ctx context.Context) error {
	topic := r.cat.TableReplies()
	part := PartitionOf(r.replyTo, r.cat.Partitions)
	ends, err := kadm.NewClient(r.client).ListEndOffsets(ctx, topic)
	if err == nil {
		err = ends.Error()
	}
	if err != nil {
		return fmt.Errorf("dynamodb replies: %w", err)
	}
	end, _ := ends.Lookup(topic, part)
	cl, err := kgo.NewClient(r.kafka.Opts(
		kgo.ConsumePartitions(map[string]map[int32]kgo.Offset{topic: {part: kgo.NewOffset().At(end.Offset)}}),
		kgo.FetchIsolationLevel(kgo.ReadCommitted()),
		kgo.FetchMaxWait(200*time.Millisecond),
	)...)
	if err != nil {
		return fmt.Errorf("dynamodb replies: %w", err)
	}
	defer cl.Close()
	close(r.ready)
	for {
		fs := cl.PollFetches(ctx)
		if ctx.Err() != nil || fs.IsClientClosed() {
			return nil
		}
		fs.EachError(func(t string, p int32, err error) {
			r.log.Warn("fetch error", "topic", t, "partition", p, "err", err)
		})
		fs.EachRecord(r.deliver)
	}
}

func (r *requester) deliver(rec *kgo.Record) {
	if string(rec.Key) != r.replyTo {
		return // another instance's, on the same partition
	}
	_, p, err := events.DecodeRecord(rec)
	a, ok := p.(*events.TableOperationAnswered)
	if err != nil || !ok {
		r.log.Warn("table reply skipped", "offset", rec.Offset, "err", err)
		return
	}
	r.mu.Lock()
	ch := r.wait[a.RequestId]
	delete(r.wait, a.RequestId)
	r.mu.Unlock()
	if ch != nil {
		ch <- a
	}
}

// do sends an operation on the item with record key key and waits for
// its answer. It returns the partition the item lives on.
func (r *requester) do(ctx context.Context, key string, op *events.TableOperation) (*events.TableOperationAnswered, int32, error) {
	select {
	case <-r.ready:
	case <-ctx.Done():
		return nil, 0, tables.Errorf(tables.ServiceUnavailable, "the API is not ready to send table operations: %v", ctx.Err())
	}
	op.ReplyTo = r.replyTo
	env, err := events.New(key, Producer, op)
	if err != nil {
		return nil, 0, err
	}
	env.CorrelationID = op.RequestId
	rec, err := env.Record(r.cat.TableRequests())
	if err != nil {
		return nil, 0, err
	}
	ch := make(chan *events.TableOperationAnswered, 1)
	r.mu.Lock()
	r.wait[op.RequestId] = ch
	r.mu.Unlock()
	defer func() {
		r.mu.Lock()
		delete(r.wait, op.RequestId)
		r.mu.Unlock()
	}()
	res := r.client.ProduceSync(ctx, rec)
	if err := res.FirstErr(); err != nil {
		return nil, 0, tables.Errorf(tables.ServiceUnavailable, "the operation could not be sent: %v", err)
	}
	part := res[0].Record.Partition
	select {
	case a := <-ch:
		return a, part, nil
	case <-ctx.Done():
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return nil, part, tables.Errorf(tables.ServiceUnavailable,
				"the tables processor did not answer in time (is a worker running aws.dynamodb?); the operation may still be applied")
		}
		return nil, part, ctx.Err()
	}
}
