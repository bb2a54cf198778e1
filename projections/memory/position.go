package memory

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"sync"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/mie-kafka/mie/internal/broker"
)

// tracker, embedded in every memory projection, follows how far a projection has read each partition of its
// topic, transaction markers included, so that readers can wait for a
// record to be applied (wait) or for everything committed so far (sync):
// read-your-writes across processes.
type tracker struct {
	topic string
	ready chan struct{}

	mu  sync.Mutex
	pos map[int32]int64 // the next offset to read
	// moved is closed and replaced whenever pos advances.
	moved chan struct{}
	// client lists stable offsets for sync; set while run runs.
	client *kgo.Client
}

func newTracker(topic string) *tracker {
	return &tracker{topic: topic, ready: make(chan struct{}), pos: map[int32]int64{}, moved: make(chan struct{})}
}

// run follows the topic, applying each data record, until ctx ends.
func (t *tracker) run(ctx context.Context, kafka broker.Config, log *slog.Logger, apply func(*kgo.Record)) error {
	cl, err := kgo.NewClient(kafka.Opts()...)
	if err != nil {
		return fmt.Errorf("follow %s: %w", t.topic, err)
	}
	t.mu.Lock()
	t.client = cl
	t.mu.Unlock()
	defer func() {
		t.mu.Lock()
		t.client = nil
		t.mu.Unlock()
		cl.Close()
	}()
	return follow(ctx, kafka, t.topic, log, t.ready, apply, t.passed)
}

func (t *tracker) passed(partition int32, next int64) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if next > t.pos[partition] {
		t.pos[partition] = next
		close(t.moved)
		t.moved = make(chan struct{})
	}
}

// position is the next offset to read of a partition.
func (t *tracker) position(partition int32) int64 {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.pos[partition]
}

// Ready is closed once the projection has replayed the log as it stood at
// start.
func (t *tracker) Ready() <-chan struct{} { return t.ready }

// Positions returns the next offset to read of each partition read so far.
func (t *tracker) Positions() map[int32]int64 {
	t.mu.Lock()
	defer t.mu.Unlock()
	return maps.Clone(t.pos)
}

// waitFor blocks until done holds for the positions.
func (t *tracker) waitFor(ctx context.Context, what string, done func(pos map[int32]int64) bool) error {
	for {
		t.mu.Lock()
		ok, moved := done(t.pos), t.moved
		t.mu.Unlock()
		if ok {
			return nil
		}
		select {
		case <-moved:
		case <-ctx.Done():
			return fmt.Errorf("waiting for %s %s to be projected: %w", t.topic, what, ctx.Err())
		}
	}
}

// wait blocks until the record at offset, or a marker past it, was read.
func (t *tracker) wait(ctx context.Context, partition int32, offset int64) error {
	return t.waitFor(ctx, fmt.Sprintf("%d@%d", partition, offset), func(pos map[int32]int64) bool {
		return pos[partition] > offset
	})
}

// Sync blocks until everything committed to the topic when it was called
// has been read: a read after it sees every change committed before it
// (read-your-writes across processes).
func (t *tracker) Sync(ctx context.Context) error {
	select {
	case <-t.ready:
	case <-ctx.Done():
		return fmt.Errorf("%s projection not ready: %w", t.topic, ctx.Err())
	}
	t.mu.Lock()
	cl := t.client
	t.mu.Unlock()
	if cl == nil {
		return errors.New(t.topic + " projection is not running")
	}
	ends, err := broker.StableEnds(ctx, cl, t.topic)
	if err != nil {
		return fmt.Errorf("%s projection: %w", t.topic, err)
	}
	return t.waitFor(ctx, "stable end", func(pos map[int32]int64) bool {
		for p, end := range ends {
			if pos[p] < end {
				return false
			}
		}
		return true
	})
}
