// Package transact is the one runtime every exactly-once processor runs on
// (the executor, admission and the workers): it owns the consumer-group
// transactional session with the engine's settings, the poll loop, one
// transaction per batch that aborts when any of its records failed to
// produce, the drain of the batch in hand on shutdown, the restart of a
// failed session, and the poison/dead-letter path of records whose handler
// keeps failing. A processor is a Batch function handed to a Runtime.
package transact

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/mie-kafka/mie/internal/broker"
)

// Defaults for Session.
const (
	DefaultTransactionTimeout = 10 * time.Second
	DefaultSessionTimeout     = 10 * time.Second
)

// Callback is a partition assignment callback.
type Callback func(context.Context, *kgo.Client, map[string][]int32)

// sessionSpec describes one processor's transactional consumer group.
type sessionSpec struct {
	Group           string
	TransactionalID string
	Topics          []string
	// TransactionTimeout bounds how long a crashed instance's open
	// transaction blocks readers; default 10s.
	TransactionTimeout time.Duration
	// SessionTimeout is how soon the group notices a dead member; default 10s.
	SessionTimeout time.Duration
	// OnAssigned and OnRevoked are optional; OnRevoked also serves lost
	// partitions.
	OnAssigned, OnRevoked Callback
}

// open starts the session: read-committed, from the start of topics the
// group has never committed, producing without linger.
func open(k broker.Config, s sessionSpec, extra ...kgo.Opt) (*kgo.GroupTransactSession, error) {
	if s.TransactionTimeout == 0 {
		s.TransactionTimeout = DefaultTransactionTimeout
	}
	if s.SessionTimeout == 0 {
		s.SessionTimeout = DefaultSessionTimeout
	}
	opts := []kgo.Opt{
		kgo.ConsumerGroup(s.Group),
		kgo.ConsumeTopics(s.Topics...),
		kgo.TransactionalID(s.TransactionalID),
		kgo.TransactionTimeout(s.TransactionTimeout),
		kgo.FetchIsolationLevel(kgo.ReadCommitted()),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()),
		kgo.ProducerLinger(0),
	}
	opts = append(opts, broker.SessionOpts(s.SessionTimeout)...)
	if s.OnAssigned != nil {
		opts = append(opts, kgo.OnPartitionsAssigned(s.OnAssigned))
	}
	if s.OnRevoked != nil {
		opts = append(opts, kgo.OnPartitionsRevoked(s.OnRevoked), kgo.OnPartitionsLost(s.OnRevoked))
	}
	sess, err := kgo.NewGroupTransactSession(k.Opts(append(opts, extra...)...)...)
	if err != nil {
		return nil, fmt.Errorf("%s: new transactional session: %w", s.Group, err)
	}
	return sess, nil
}

// Loop runs session until ctx is done, starting it again a second after it
// fails: a transactional client whose End failed cannot go on, a new one can.
func Loop(ctx context.Context, log *slog.Logger, name string, session func(context.Context) error) error {
	for {
		err := session(ctx)
		if ctx.Err() != nil {
			return nil
		}
		log.Error(name+" session failed; restarting", "err", err)
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(time.Second):
		}
	}
}

// Detach returns a context for finishing the batch in hand: it outlives
// ctx's cancellation (so SIGTERM drains cleanly) but by at most grace.
func Detach(ctx context.Context, grace time.Duration) (context.Context, context.CancelFunc) {
	work, cancel := context.WithCancel(context.WithoutCancel(ctx))
	stop := context.AfterFunc(ctx, func() {
		t := time.NewTimer(grace)
		defer t.Stop()
		select {
		case <-t.C:
			cancel()
		case <-work.Done():
		}
	})
	return work, func() { stop(); cancel() }
}

// Producer sends a batch's records and remembers the first failure, so that
// the batch can be aborted instead of committed.
type Producer struct {
	send func(*kgo.Record, func(*kgo.Record, error))
	mu   sync.Mutex
	err  error
}

// NewProducer produces through sess in the current transaction.
func NewProducer(ctx context.Context, sess *kgo.GroupTransactSession) *Producer {
	return NewProducerFunc(func(r *kgo.Record, promise func(*kgo.Record, error)) { sess.Produce(ctx, r, promise) })
}

// NewProducerFunc produces through send (benchmarks count instead).
func NewProducerFunc(send func(*kgo.Record, func(*kgo.Record, error))) *Producer {
	return &Producer{send: send}
}

// Produce sends r.
func (p *Producer) Produce(r *kgo.Record) {
	p.send(r, func(_ *kgo.Record, err error) {
		if err != nil {
			p.Fail(err)
		}
	})
}

// ProduceThen is Produce, and calls written with the record, its offset
// set, once the broker has it (before End returns).
func (p *Producer) ProduceThen(r *kgo.Record, written func(*kgo.Record)) {
	p.send(r, func(r *kgo.Record, err error) {
		if err != nil {
			p.Fail(err)
			return
		}
		written(r)
	})
}

// Fail records a failure of the batch.
func (p *Producer) Fail(err error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.err = errors.Join(p.err, err)
}

// Err returns what failed, if anything.
func (p *Producer) Err() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.err
}

// End commits the transaction unless a produce failed, in which case it
// aborts; it reports whether the batch committed.
func (p *Producer) End(ctx context.Context, sess *kgo.GroupTransactSession) (bool, error) {
	// Produce promises complete during the flush: only after it is the
	// batch's outcome known.
	if err := sess.Client().Flush(ctx); err != nil {
		p.Fail(err)
	}
	want := kgo.TryCommit
	if p.Err() != nil {
		want = kgo.TryAbort
	}
	return sess.End(ctx, want)
}
