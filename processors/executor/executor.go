// Package executor is the stage processor: it consumes commands and operator
// results in a consumer group and, per batch and in one Kafka transaction,
// emits execution events, operator tasks, admission records and the consumed
// offsets. Its state is rebuilt by folding the executions topic.
package executor

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/deadletter"
	"github.com/mie-kafka/mie/internal/delay"
	"github.com/mie-kafka/mie/internal/engine"
	"github.com/mie-kafka/mie/internal/execution"
	"github.com/mie-kafka/mie/internal/transact"
	"github.com/mie-kafka/mie/schemas"
)

// Name is the handler's stable name: its consumer group and producer name.
const Name = "mie-executor"

// Config configures an executor instance. The embedded transact.Config
// is the session's (Kafka, Catalog, TransactionalID, timeouts,
// MaxPollRecords, MaxHandlerFailures, Clock, Logger); Name, Topics and Tick
// are the executor's own.
type Config struct {
	transact.Config
	// SweepInterval is how often operator timeouts are checked; default 1s.
	SweepInterval time.Duration
	// Options are the legacy deciders' (version-1 MIE executions).
	Options execution.Options
	// Engine tunes the States Language interpreter: its Resolver sends
	// Task resources to functions and task topics.
	Engine engine.Options
	// ValidateInputs checks every input record that decodes against its
	// JSON Schema, and dead-letters a mismatch (schema-invalid).
	// Off by default: it costs 20-300 µs a record, more than decoding
	// (docs/retries.md). A record that does not decode is always checked,
	// so that its dead letter names what is wrong.
	ValidateInputs bool
	// EndedRetention is how long an ended execution's id is remembered, so
	// that late inputs for it are ignored rather than dead-lettered as
	// unknown; default 1h. It also bounds how far back a rebuild reads.
	EndedRetention time.Duration
	// CheckpointInterval is how often the executor records, per
	// partition, where a rebuild may start (executor-state); default 10s.
	CheckpointInterval time.Duration
	// Producer names this instance on the records it writes; default Name.
	Producer string
}

func (c *Config) defaults() {
	c.Name = Name
	c.Topics = []string{c.Catalog.Commands(), c.Catalog.Results()}
	if c.SweepInterval == 0 {
		c.SweepInterval = time.Second
	}
	c.Tick = c.SweepInterval
	if c.Clock == nil {
		c.Clock = time.Now
	}
	if c.Producer == "" {
		c.Producer = Name
	}
	if c.EndedRetention == 0 {
		c.EndedRetention = time.Hour
	}
	if c.CheckpointInterval == 0 {
		c.CheckpointInterval = 10 * time.Second
	}
}

// Validate joins every problem.
func (c Config) Validate() error {
	errs := []error{c.Config.Validate()}
	if c.EndedRetention < 0 || c.CheckpointInterval < 0 {
		errs = append(errs, fmt.Errorf("executor: EndedRetention %s and CheckpointInterval %s must not be negative", c.EndedRetention, c.CheckpointInterval))
	}
	return errors.Join(errs...)
}

// partition is the state of one owned partition.
type partition struct {
	ready bool
	execs map[string]*held
	// ended remembers executions that ended within EndedRetention, when
	// they ended; their state is dropped, their ids kept so that late
	// inputs for them are recognized.
	ended map[string]time.Time
	// queued is where the ExecutionQueued of each execution held (in execs
	// or ended) sits in the executions partition, once known.
	queued map[string]int64
	// next is at most the offset of the next record written to the
	// executions partition; checkpointed is the last Floor recorded.
	next, checkpointed int64
}

func newPartition() *partition {
	return &partition{execs: map[string]*held{}, ended: map[string]time.Time{}, queued: map[string]int64{}}
}

// Executor runs the stage processor.
type Executor struct {
	cfg    Config
	log    *slog.Logger
	schema *schemas.Validator
	rt     *transact.Runtime
	mu     sync.Mutex
	part   map[int32]*partition

	changesMu sync.Mutex
	changes   []partitionChange

	// ck is the checkpointing state (checkpoint.go).
	ck checkpoints
	// rebuildRead and rebuildSkipped count the executions records rebuilds
	// read, and those they skipped (executions ended before the floor).
	rebuildRead, rebuildSkipped atomic.Int64
}

// Rebuilt returns how many executions records this executor's rebuilds
// have read so far, and how many of those belonged to executions that had
// ended before the checkpoint they started from.
func (x *Executor) Rebuilt() (read, skipped int64) {
	return x.rebuildRead.Load(), x.rebuildSkipped.Load()
}

// New validates cfg and returns an executor.
func New(cfg Config) (*Executor, error) {
	cfg.defaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	v, err := schemas.New()
	if err != nil {
		return nil, fmt.Errorf("executor: %w", err)
	}
	x := &Executor{cfg: cfg, log: cfg.Logger.With("processor", Name), schema: v, part: map[int32]*partition{}}
	rc := cfg.Config
	rc.Logger, rc.OnAssigned, rc.OnRevoked = x.log, x.assigned, x.revoked
	if x.rt, err = transact.NewRuntime(rc, x); err != nil {
		return nil, err
	}
	x.cfg.Config = x.rt.Config()
	return x, nil
}

// Run processes until ctx is cancelled, then finishes the batch in hand,
// commits it and leaves the group.
func (x *Executor) Run(ctx context.Context) error { return x.rt.Run(ctx) }

// Batch handles one poll, or the sweep's tick, in one transaction.
func (x *Executor) Batch(ctx context.Context, b *transact.Batch) error {
	x.mu.Lock()
	defer x.mu.Unlock()

	x.applyChanges()
	if err := x.rebuildPending(ctx); err != nil {
		return err
	}
	now := b.Now.UTC()
	if len(b.Records) == 0 && !x.sweepDue(now) {
		// Nothing to consume or decide: no transaction. (Committing an
		// empty one costs more than nothing: kgo holds the session for
		// 500 ms after a commit that carried no offsets.)
		return nil
	}
	if err := b.Begin(); err != nil {
		return err
	}
	b.Each(func(r *kgo.Record) { x.handle(b, r, now) })
	if b.Tick && !b.Broken() {
		x.sweep(b, now)
	}
	if !b.Broken() && len(b.Records) > 0 {
		// Only in a batch that commits consumed offsets: the group
		// coordinator fences that commit by generation, so an instance
		// that lost its partitions without noticing cannot record a floor
		// for them. (A transaction with no offsets is not fenced.)
		x.checkpoint(b.Out, now)
	}
	committed, err := b.End()
	x.settle(committed)
	if !committed {
		// The consumer is rewound to the committed offsets; the state we
		// applied in memory must be rebuilt from the log.
		x.log.Info("batch not committed; rebuilding owned partitions", "records", len(b.Records), "err", err)
		for _, p := range x.part {
			p.ready = false
		}
	}
	return err
}

func (x *Executor) handle(b *transact.Batch, r *kgo.Record, now time.Time) {
	out := b.Out
	p := x.part[r.Partition]
	if p == nil || !p.ready {
		// Not ours (revoked mid-poll); the session aborts this batch.
		return
	}
	env, payload, err := events.DecodeRecord(r)
	if err != nil {
		b.DeadLetter(r, deadletter.ReasonUndecodable, x.explain(r, err))
		return
	}
	if x.cfg.ValidateInputs {
		if err := x.schema.Validate(r.Value); err != nil {
			b.DeadLetter(r, deadletter.ReasonSchemaInvalid, err)
			return
		}
	}
	cause := &inputRef{env: &env, pos: events.PositionOf(r)}
	id := env.Key
	if start, ok := payload.(*events.StartExecution); ok {
		if _, done := p.ended[id]; done || p.execs[id] != nil {
			return // duplicate start
		}
		if start.ExecutionId != id {
			b.DeadLetter(r, deadletter.ReasonKeyMismatch, fmt.Errorf("key %q, ExecutionId %q", id, start.ExecutionId))
			return
		}
		ex, o := x.start(start, now)
		p.execs[id] = ex
		x.emit(out, id, o, cause, now)
		x.retire(p, ex)
		return
	}
	if start, ok := payload.(*events.StartMapRun); ok {
		if _, done := p.ended[id]; done || p.execs[id] != nil {
			return // duplicate start
		}
		if start.MapRunId != id {
			b.DeadLetter(r, deadletter.ReasonKeyMismatch, fmt.Errorf("key %q, MapRunId %q", id, start.MapRunId))
			return
		}
		ex, o := x.startMapRun(start, now)
		p.execs[id] = ex
		x.emit(out, id, o, cause, now)
		x.retire(p, ex)
		return
	}
	ex := p.execs[id]
	if rd, ok := payload.(*events.RedriveExecution); ok && ex == nil {
		var queued int64
		if ex, queued = x.reload(b.Ctx(), r.Partition, id, rd.QueuedOffset, rd.QueuedAt); ex != nil {
			p.execs[id] = ex
			delete(p.ended, id)
			p.queued[id] = queued
		}
	}
	if ex == nil {
		_, done := p.ended[id]
		if _, admit := payload.(*events.AdmitExecution); admit {
			// A slot granted to an execution that is over (or unknown) goes
			// back at once.
			reason := "already ended"
			if !done {
				reason = "unknown execution"
			}
			x.emit(out, id, decided{admission: []events.Payload{
				&events.SlotReleased{ExecutionId: id, Reason: reason}}}, cause, now)
		}
		if done {
			return
		}
		b.DeadLetter(r, deadletter.ReasonUnknownExecution,
			fmt.Errorf("no execution %q (or it ended more than %s ago)", id, x.cfg.EndedRetention))
		return
	}
	x.emit(out, id, ex.handle(x, payload, now), cause, now)
	x.retire(p, ex)
}

// opts are the interpreter's options.
func (x *Executor) opts() *engine.Options { return &x.cfg.Engine }

// sweep fails the operator attempts of owned executions that ran past
// their timeout. A sweep that panics fails the batch and counts against
// its execution; one that has failed MaxHandlerFailures times is no longer
// swept (it has no input record to dead-letter), so its operators then
// never time out, which the log says loudly.
func (x *Executor) sweep(b *transact.Batch, now time.Time) {
	for _, p := range x.part {
		if !p.ready {
			continue
		}
		for id, ex := range p.execs {
			if d := ex.deadline(x); d.IsZero() || now.Before(d) {
				continue
			}
			b.Guard("sweep/"+id, "sweeping execution "+id, func() { x.sweepOne(b.Out, p, ex, now) })
			if b.Broken() {
				return
			}
		}
	}
}

// sweepDue reports whether an operator of an owned execution is past its
// timeout at now.
func (x *Executor) sweepDue(now time.Time) bool {
	for _, p := range x.part {
		if !p.ready {
			continue
		}
		for _, ex := range p.execs {
			if d := ex.deadline(x); !d.IsZero() && !now.Before(d) {
				return true
			}
		}
	}
	return false
}

func (x *Executor) sweepOne(out *transact.Producer, p *partition, ex *held, now time.Time) {
	x.emit(out, ex.id(), ex.sweep(x, now), &inputRef{}, now)
	x.retire(p, ex)
}

// explain adds to a decoding error what the record's JSON Schema says is
// wrong with it, for the dead letter.
func (x *Executor) explain(r *kgo.Record, err error) error {
	if verr := x.schema.Validate(r.Value); verr != nil {
		return fmt.Errorf("%w (%v)", err, verr)
	}
	return err
}

// retire drops an ended execution's state, remembering its id.
func (x *Executor) retire(p *partition, ex *held) {
	if ex.terminal() {
		id := ex.id()
		delete(p.execs, id)
		at := ex.ended()
		if at.IsZero() {
			at = x.cfg.Clock()
		}
		p.ended[id] = at
	}
}

type inputRef struct {
	env *events.Envelope
	pos *events.Position
}

// emit produces what deciding at now yielded for execution id: events on
// executions, tasks on their topics (delayed ones through the retry tiers,
// due at now plus their delay, which is what their events record), timers
// on commands (through the retry tiers too), admission records, and
// commands to other executions (a child's start, a parent's notice).
func (x *Executor) emit(out *transact.Producer, id string, o decided, cause *inputRef, now time.Time) {
	cat := x.cfg.Catalog
	send := func(topic string, p events.Payload, after time.Duration) {
		x.send(out, id, topic, p, after, cause, now)
	}
	for _, e := range o.events {
		send(cat.Executions(), e, 0)
	}
	for _, t := range o.tasks {
		send(t.topic, t.task, t.delay)
	}
	for i := range o.timers {
		send(cat.Commands(), &o.timers[i].Fired, max(o.timers[i].Delay, time.Millisecond))
	}
	for _, a := range o.admission {
		send(cat.Admission(), a, 0)
	}
	for _, c := range o.commands {
		x.send(out, c.Key, cat.Commands(), c.Payload, 0, cause, now)
	}
}

// send produces p keyed by key on topic, after a delay through the retry
// tiers when after > 0.
func (x *Executor) send(out *transact.Producer, key, topic string, p events.Payload, after time.Duration, cause *inputRef, now time.Time) {
	cat := x.cfg.Catalog
	env, err := events.New(key, x.cfg.Producer, p)
	if err != nil {
		out.Fail(err)
		return
	}
	if cause.env != nil {
		env.CausedBy(cause.env, cause.pos)
	}
	if env.CorrelationID == "" {
		env.CorrelationID = key
	}
	rec, err := env.Record(topic)
	if err != nil {
		out.Fail(err)
		return
	}
	if after > 0 {
		rec = delay.Delay(rec, now.Add(after), now, cat)
	}
	if topic == cat.Executions() {
		// Where the events land feeds the checkpoints.
		queued := isFirst(p)
		out.ProduceThen(rec, func(r *kgo.Record) { x.ck.wrote(r.Partition, r.Offset, key, queued) })
		return
	}
	out.Produce(rec)
}
