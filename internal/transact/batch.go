package transact

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/mie-kafka/mie/internal/deadletter"
)

// Batch is one poll handed to a Processor, and the transaction it may run
// in. Between Begin and End, what the processor produces through Out, the
// dead letters of Each and DeadLetter, and the consumed offsets commit
// together or not at all.
type Batch struct {
	// Records are the polled records, in partition order.
	Records []*kgo.Record
	// Tick reports that the batch is (also) the periodic tick of
	// Config.Tick; Records may be empty then.
	Tick bool
	// Now is when the batch was handed over, by Config.Clock.
	Now time.Time
	// Out produces in the transaction; nil until Begin.
	Out *Producer

	rt     *Runtime
	sess   *kgo.GroupTransactSession
	ctx    context.Context
	ended  bool
	broken bool
}

// Begin starts the batch's transaction.
func (b *Batch) Begin() error {
	if b.Out != nil {
		return errors.New("transaction already begun")
	}
	if err := b.sess.Begin(); err != nil {
		return fmt.Errorf("begin transaction: %w", err)
	}
	b.Out = NewProducer(b.ctx, b.sess)
	b.rt.poison.begin()
	return nil
}

// End commits the transaction unless a produce failed or a handler failed
// in Each, in which case it aborts. It reports whether the batch committed;
// an error means the session cannot go on (return it). An aborted batch is
// polled again from the committed offsets: the processor must drop the
// state it applied for it.
func (b *Batch) End() (committed bool, err error) {
	want := kgo.TryCommit
	if b.broken {
		want = kgo.TryAbort
	}
	return b.end(want)
}

func (b *Batch) end(want kgo.TransactionEndTry) (bool, error) {
	if b.Out == nil || b.ended {
		return false, errors.New("no transaction to end")
	}
	b.ended = true
	if err := b.sess.Client().Flush(b.ctx); err != nil {
		b.Out.Fail(err)
	}
	if b.Out.Err() != nil {
		want = kgo.TryAbort
	}
	committed, err := b.sess.End(b.ctx, want)
	b.rt.poison.end(committed)
	if perr := b.Out.Err(); perr != nil {
		b.rt.log.Error("produce failed; batch aborted", "err", perr)
	}
	if err != nil {
		return committed, fmt.Errorf("end transaction: %w", err)
	}
	return committed, nil
}

// Ctx is the batch's context: it outlives a shutdown's cancellation by
// Config.DrainTimeout.
func (b *Batch) Ctx() context.Context { return b.ctx }

// Broken reports whether a handler failed in this batch: the batch will
// abort, so the rest of it need not be handled.
func (b *Batch) Broken() bool { return b.broken }

// Each calls handle for every record not yet handled in a batch that is
// still sound, with the poison middleware around it: a panic fails the
// batch (it aborts and is polled again) and counts against the record,
// and a record that has failed Config.MaxHandlerFailures times is
// dead-lettered (handler-failed) instead of handled, so that the records
// behind it flow. Counts live in memory: a restart gives every record a
// fresh count, which costs a few more aborted batches and nothing else.
func (b *Batch) Each(handle func(r *kgo.Record)) {
	for _, r := range b.Records {
		if b.broken {
			return
		}
		if err, given := b.rt.poison.givenUp(recordKey(r), b.rt.cfg.MaxHandlerFailures); given {
			b.DeadLetter(r, deadletter.ReasonHandlerFailed, err)
			continue
		}
		b.Guard(recordKey(r), fmt.Sprintf("handling %s/%d@%d", r.Topic, r.Partition, r.Offset), func() { handle(r) })
	}
}

// Guard runs fn with the poison middleware for work that has no record of
// its own (the executor's sweep of one execution): a panic fails the batch
// and counts against key. It reports false when fn panicked or key has
// failed Config.MaxHandlerFailures times already (fn is then not run: the
// caller logs what that means for it).
func (b *Batch) Guard(key, what string, fn func()) (ok bool) {
	if b.rt.poison.count(key) >= b.rt.cfg.MaxHandlerFailures {
		return false
	}
	defer func() {
		if v := recover(); v != nil {
			err := fmt.Errorf("%s panicked: %v", what, v)
			n := b.rt.poison.failed(key, err)
			b.broken = true
			b.rt.log.Error("handler failed; aborting the batch to retry it", "what", what, "failures", n,
				"dead_letter_after", b.rt.cfg.MaxHandlerFailures, "err", err, "stack", string(debug.Stack()))
			if n >= b.rt.cfg.MaxHandlerFailures {
				b.rt.log.Error("handler keeps failing: given up", "what", what, "failures", n)
			}
			if b.Out != nil {
				b.Out.Fail(err)
			}
			ok = false
		}
	}()
	fn()
	return true
}

// DeadLetter sends r to the dead-letter topic with its reason, in the
// batch's transaction, so that the records behind it keep flowing.
func (b *Batch) DeadLetter(r *kgo.Record, reason string, err error) {
	b.rt.log.Warn("dead-lettering record", "topic", r.Topic, "partition", r.Partition, "offset", r.Offset,
		"reason", reason, "err", err)
	b.Out.Produce(deadletter.Record(b.rt.cfg.Catalog.DLQ(), r, reason, b.rt.cfg.Name, err))
}

// OfflineBatch is a batch with no session, for benchmarks and tests that
// drive a processor's record handling directly: it produces through out,
// dead-letters as a runtime named cfg.Name would, and cannot Begin or End.
func OfflineBatch(cfg Config, out *Producer, recs []*kgo.Record, now time.Time) *Batch {
	cfg.defaults()
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	rt := &Runtime{cfg: cfg, log: cfg.Logger, poison: newPoison()}
	return &Batch{Records: recs, Now: now, Out: out, rt: rt, ctx: context.Background()}
}
