package worker

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/deadletter"
	"github.com/mie-kafka/mie/internal/transact"
)

// Producer names the worker role in the envelopes it writes.
const Producer = "worker"

// Defaults applied by New.
const (
	DefaultConcurrency  = 16
	DefaultDrainTimeout = 30 * time.Second
	// batchPerSlot bounds one transaction to this many tasks per
	// concurrency slot, so that a rebalance abort loses little work.
	batchPerSlot = 4
)

// Config configures a Runtime. The embedded transact.Config is its
// session: Kafka, Catalog, SessionTimeout, DrainTimeout (how long the
// in-flight batch may run on after Run's context ends; default 30s, past
// it handler contexts are cancelled and the batch is redelivered) and
// Logger; Name, Group, Topics and MaxPollRecords follow from Topic and
// Concurrency.
type Config struct {
	transact.Config
	// Topic is the task topic to consume, e.g. Catalog.Task(impl).
	Topic string
	// Handler runs the operator.
	Handler Handler
	// DataPlane, when set, lets handlers store asset metadata and media
	// (Outputs); their changes commit in the task's transaction.
	DataPlane *DataPlane
	// Concurrency bounds the tasks run at once; default 16.
	Concurrency int
}

// Validate reports every problem with the configuration.
func (c Config) Validate() error {
	var errs []error
	if c.Topic == "" {
		errs = append(errs, errors.New("worker: no task Topic"))
	}
	if c.Handler == nil {
		errs = append(errs, errors.New("worker: no Handler"))
	}
	if c.Concurrency < 0 {
		errs = append(errs, fmt.Errorf("worker: Concurrency %d is negative", c.Concurrency))
	}
	// The session's settings, with what withDefaults derives filled in.
	errs = append(errs, c.withDefaults().Config.Validate())
	return errors.Join(errs...)
}

// withDefaults names the session after the topic: the group and the
// handler named in dead letters are "mie-worker-" + Topic (the topic
// carries the catalog's prefix). TransactionalID defaults to the group
// plus a random suffix; set a stable per-instance value (a pod name) so
// that a restart aborts the transaction its predecessor left open at once
// rather than after the transaction timeout.
func (c Config) withDefaults() Config {
	if c.Name == "" {
		c.Name = "mie-worker-" + c.Topic
	}
	if c.Group == "" {
		c.Group = c.Name
	}
	c.Topics = []string{c.Topic}
	if c.TransactionalID == "" {
		c.TransactionalID = c.Group + "-" + events.NewID()
	}
	if c.Concurrency == 0 {
		c.Concurrency = DefaultConcurrency
	}
	if c.DrainTimeout == 0 {
		c.DrainTimeout = DefaultDrainTimeout
	}
	c.MaxPollRecords = batchPerSlot * c.Concurrency
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	return c
}

// Runtime consumes one task topic and runs its tasks with one Handler.
type Runtime struct {
	cfg Config
	log *slog.Logger
	rt  *transact.Runtime
}

// New validates cfg and applies its defaults.
func New(cfg Config) (*Runtime, error) {
	cfg = cfg.withDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	r := &Runtime{cfg: cfg, log: cfg.Logger.With("worker", cfg.Group, "topic", cfg.Topic)}
	rc := cfg.Config
	rc.Logger = r.log
	var err error
	if r.rt, err = transact.NewRuntime(rc, transact.ProcessorFunc(r.batch)); err != nil {
		return nil, err
	}
	return r, nil
}

// Run consumes tasks until ctx ends, then finishes the in-flight batch (see
// Config.DrainTimeout), leaves the group and returns nil. Each polled batch
// is one transaction: the tasks run concurrently, one result (or dead
// letter) per record is produced, and the consumed offsets commit with them.
// An aborted transaction rewinds to the committed offsets, so the batch is
// redelivered. A session that fails (its client cannot go on) is logged and
// started anew a second later; Run itself returns nil.
func (r *Runtime) Run(ctx context.Context) error { return r.rt.Run(ctx) }

// batch runs one poll's tasks in one transaction. Cancelling ctx does not
// abandon the batch: it gets DrainTimeout more.
func (r *Runtime) batch(ctx context.Context, b *transact.Batch) error {
	if len(b.Records) == 0 {
		return nil
	}
	if err := b.Begin(); err != nil {
		return err
	}
	for _, rec := range r.process(ctx, b.Records) {
		b.Out.Produce(rec)
	}
	committed, err := b.End()
	if err != nil {
		// The client cannot go on; the session is started anew and the
		// batch redelivered.
		return fmt.Errorf("%d tasks will be redelivered: %w", len(b.Records), err)
	}
	if !committed {
		r.log.Info("transaction aborted; the batch will be redelivered", "tasks", len(b.Records))
	}
	return nil
}

// process runs the batch's tasks, at most Concurrency at once, and returns
// one record to produce per input record, in input order.
func (r *Runtime) process(ctx context.Context, recs []*kgo.Record) []*kgo.Record {
	outs := make([][]*kgo.Record, len(recs))
	sem := make(chan struct{}, r.cfg.Concurrency)
	var wg sync.WaitGroup
	for i, rec := range recs {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			outs[i] = r.handle(ctx, rec)
		})
	}
	wg.Wait()
	var out []*kgo.Record
	for _, o := range outs {
		out = append(out, o...)
	}
	return out
}

// handle runs one task record and returns its result record (after the
// data plane changes the handler made, if any), or a dead letter if the
// record is not a task.
func (r *Runtime) handle(ctx context.Context, rec *kgo.Record) []*kgo.Record {
	one := func(rec *kgo.Record) []*kgo.Record { return []*kgo.Record{rec} }
	env, p, err := events.DecodeRecord(rec)
	if err != nil {
		return one(r.deadLetter(rec, deadletter.ReasonUndecodable, err))
	}
	t, ok := p.(*events.OperatorTaskRequest)
	if !ok {
		return one(r.deadLetter(rec, deadletter.ReasonUnexpectedType, fmt.Errorf("%w: record type %s is not an OperatorTask", events.ErrMalformed, env.Type)))
	}
	if err := t.LoadOperatorEvent(); err != nil {
		return one(r.deadLetter(rec, deadletter.ReasonInvalid, err))
	}
	if t.WorkflowExecutionId == "" {
		return one(r.deadLetter(rec, deadletter.ReasonInvalid, fmt.Errorf("%w: task has no WorkflowExecutionId", events.ErrMalformed)))
	}
	output := &Output{dp: r.cfg.DataPlane, task: t}
	em := &emitter{}
	res := output.apply(invoke(withEmitter(withOutput(ctx, output), em), r.cfg.Handler, t))
	changes, err := r.changes(&env, rec, t, output)
	if err == nil {
		// Records the handler emitted (see Emit) go in the same transaction.
		var emitted []*kgo.Record
		emitted, err = em.records(&env, rec, t)
		changes = append(changes, emitted...)
	}
	if err != nil {
		changes, res = nil, Failed(fmt.Sprintf("operator %s wrote data plane changes that cannot be encoded: %v", t.Name, err), "")
	}
	out, err := r.result(&env, rec, t, res)
	if err != nil {
		// The handler's output cannot be encoded (NaN, a channel, ...):
		// report that as the operator's failure.
		out, err = r.result(&env, rec, t, Failed(fmt.Sprintf("operator %s returned a result that cannot be encoded: %v", t.Name, err), ""))
		if err != nil {
			return one(r.deadLetter(rec, deadletter.ReasonUnencodableResult, err))
		}
	}
	r.log.Debug("task done", "execution", t.WorkflowExecutionId, "operator", t.Name,
		"task", t.TaskId, "phase", t.Phase, "status", res.Status, "dataplane_changes", len(changes))
	return append(changes, out)
}

// changes turns what the handler wrote to the data plane into records on
// the dataplane topic, keyed by asset id.
func (r *Runtime) changes(cause *events.Envelope, rec *kgo.Record, t *Task, o *Output) ([]*kgo.Record, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	var out []*kgo.Record
	for _, p := range o.changes {
		env, err := events.New(t.AssetId, Producer, p)
		if err != nil {
			return nil, err
		}
		env.CausedBy(cause, events.PositionOf(rec))
		kr, err := env.Record(r.cfg.Catalog.Dataplane())
		if err != nil {
			return nil, err
		}
		out = append(out, kr)
	}
	return out, nil
}

func (r *Runtime) result(cause *events.Envelope, rec *kgo.Record, t *Task, res Result) (*kgo.Record, error) {
	env, err := events.New(t.WorkflowExecutionId, Producer, resultOf(t, res))
	if err != nil {
		return nil, err
	}
	env.CausedBy(cause, events.PositionOf(rec))
	out, err := env.Record(r.cfg.Catalog.Results())
	if err == nil && len(out.Value) > MaxResultBytes {
		// Kafka would refuse it, aborting the batch again and again.
		return nil, fmt.Errorf("the result is %d bytes, over the limit of %d: keep large outputs in object storage and return references",
			len(out.Value), MaxResultBytes)
	}
	return out, err
}

// MaxResultBytes bounds an encoded result: a larger one is reported as the
// operator's failure, since Kafka (1 MiB per record by default) would refuse
// it and the task would be redelivered for ever.
const MaxResultBytes = 900 << 10

func (r *Runtime) deadLetter(rec *kgo.Record, reason string, err error) *kgo.Record {
	r.log.Warn("dead-lettering task record", "partition", rec.Partition, "offset", rec.Offset, "reason", reason, "err", err)
	return deadletter.Record(r.cfg.Catalog.DLQ(), rec, reason, r.cfg.Group, err)
}
