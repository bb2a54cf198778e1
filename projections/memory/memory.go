// Package memory is the in-memory projection of executions: it reads every
// partition of the executions topic from the start (read committed) and
// folds each event with view.Folder (the engines' own Apply). It has no consumer group and no
// checkpoint: every start rebuilds it by replaying the topic from offset 0,
// the way `mie projections rebuild` rebuilds a ClickHouse projection, and
// the API serves only once the replay reached the log's end as of start.
//
// It holds each execution's current state, with the workflow and state
// machine shared by all executions of one workflow version, and only the
// log positions of its events: History reads them back from the topic.
package memory

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"reflect"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/mie-kafka/mie/internal/view"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/broker"
	"github.com/mie-kafka/mie/internal/topics"
	"github.com/mie-kafka/mie/projections"
)

// Name is the projection's stable name.
const Name = "memory-executions"

// Config configures the projection.
type Config struct {
	Kafka   broker.Config
	Catalog topics.Catalog
	Logger  *slog.Logger
}

// Projection is the memory projection.
type Projection struct {
	cfg Config
	log *slog.Logger

	mu    sync.RWMutex
	execs map[string]*entry
	// history is where each execution's events sit in the log.
	history map[string]*positions
	reader  *logReader
	// shapes holds the workflow and machine of each workflow version seen,
	// shared by its executions (they are never modified once queued).
	shapes  map[string]shape
	waiters map[string][]chan struct{}
	// active indexes executions that are not Complete or Error by asset.
	active  map[string]map[string]struct{}
	applied int64
	*tracker
}

var _ projections.Executions = (*Projection)(nil)

// New returns an empty projection; Run fills it.
func New(cfg Config) (*Projection, error) {
	if err := cfg.Kafka.Validate(); err != nil {
		return nil, err
	}
	if cfg.Logger == nil {
		return nil, errors.New("memory projection: Logger is required")
	}
	return &Projection{
		cfg: cfg, log: cfg.Logger.With("projection", Name),
		execs: map[string]*entry{}, history: map[string]*positions{},
		reader: newLogReader(cfg.Kafka, cfg.Catalog.Executions()), shapes: map[string]shape{},
		waiters: map[string][]chan struct{}{}, active: map[string]map[string]struct{}{},
		tracker: newTracker(cfg.Catalog.Executions()),
	}, nil
}

// Run consumes the executions topic until ctx is cancelled.
func (p *Projection) Run(ctx context.Context) error {
	return p.tracker.run(ctx, p.cfg.Kafka, p.log, p.applyRecord)
}

func (p *Projection) applyRecord(r *kgo.Record) {
	env, pl, err := events.DecodeRecord(r)
	if err != nil {
		p.log.Error("skipping undecodable event", "topic", r.Topic, "partition", r.Partition, "offset", r.Offset, "err", err)
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if r.Offset < p.tracker.position(r.Partition) {
		return // a record read before (a redelivery) changes nothing
	}
	x := p.execs[env.Key]
	q, queued := pl.(*events.ExecutionQueued)
	if x == nil {
		if events.IsMapRunEvent(pl) {
			return // a map run's own history: no execution of its own
		}
		if !queued {
			p.log.Error("skipping event before its execution's ExecutionQueued", "type", env.Type, "key", env.Key, "offset", r.Offset)
			return
		}
		x = &entry{}
	}
	if queued {
		p.share(q)
	}
	if err := x.fold.Apply(env.Time, pl); err != nil {
		p.log.Error("skipping event", "type", env.Type, "err", err)
		return
	}
	x.view = nil
	p.execs[env.Key] = x
	p.index(env.Key, x)
	h := p.history[env.Key]
	if h == nil {
		h = &positions{partition: r.Partition}
		p.history[env.Key] = h
	}
	h.offsets = append(h.offsets, r.Offset)
	p.applied++
	for _, w := range p.waiters[env.Key] {
		close(w)
	}
	delete(p.waiters, env.Key)
}

// Applied returns the number of events folded so far.
func (p *Projection) Applied() int64 {
	p.mu.RLock()
	defer p.mu.RUnlock()
	return p.applied
}

// entry is one execution: its fold, and its view once rendered (until
// the next event).
type entry struct {
	fold view.Folder
	view *view.Execution
}

// rendered returns the entry's view; the caller holds p.mu.
func (e *entry) rendered() *view.Execution {
	if e.view == nil {
		e.view = e.fold.View()
	}
	return e.view
}

// Execution implements projections.Executions.
func (p *Projection) Execution(_ context.Context, id string) (*view.Execution, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	x, ok := p.execs[id]
	if !ok {
		return nil, view.NotFound(id)
	}
	return x.rendered().Clone(), nil
}

// Executions implements projections.Executions.
func (p *Projection) Executions(_ context.Context, f view.Filter) ([]*view.Execution, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []*view.Execution
	for _, e := range p.execs {
		x := e.rendered()
		if (f.Status == "" || x.Status == f.Status) && (f.AssetId == "" || x.AssetId == f.AssetId) &&
			(f.StateMachine == "" || x.Run != nil && x.Run.StateMachine != nil && x.Run.StateMachine.Name == f.StateMachine) {
			out = append(out, x)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].Created.Equal(out[j].Created) {
			return out[i].Created.After(out[j].Created)
		}
		return out[i].Id > out[j].Id
	})
	if f.Limit > 0 && len(out) > f.Limit {
		out = out[:f.Limit]
	}
	for i := range out {
		out[i] = out[i].Clone()
	}
	return out, nil
}

// historyTimeout bounds reading one execution's events back from the log.
const historyTimeout = 30 * time.Second

// History implements projections.Executions: it reads the execution's
// events back from the executions topic at the positions it applied them.
func (p *Projection) History(ctx context.Context, id string) ([]events.Envelope, error) {
	p.mu.RLock()
	h, ok := p.history[id]
	var part int32
	var offs []int64
	if ok {
		part, offs = h.partition, slices.Clone(h.offsets)
	}
	p.mu.RUnlock()
	if !ok {
		return nil, view.NotFound(id)
	}
	ctx, cancel := context.WithTimeout(ctx, historyTimeout)
	defer cancel()
	recs, err := p.reader.read(ctx, part, offs)
	if err != nil {
		return nil, fmt.Errorf("history of execution %s: %w", id, err)
	}
	out := make([]events.Envelope, 0, len(recs))
	for _, r := range recs {
		env, err := events.FromRecord(r)
		if err != nil {
			return nil, fmt.Errorf("history of execution %s: offset %d: %w", id, r.Offset, err)
		}
		out = append(out, env)
	}
	return out, nil
}

// positions are where one execution's events sit: all on the partition of
// its key, at these offsets in order.
type positions struct {
	partition int32
	offsets   []int64
}

// shape is what every execution of one workflow version shares.
type shape struct {
	workflow   events.ExecutionWorkflow
	machine    events.Machine
	definition []byte
}

// share points a newly queued execution's workflow, legacy machine and
// definition at those of an earlier execution of the same workflow or
// state machine version when they are equal, so that thousands of
// executions hold one copy.
func (p *Projection) share(q *events.ExecutionQueued) {
	k := q.Workflow.Id + "\x00" + q.Workflow.Name + "\x00" + q.Workflow.Version
	if q.StateMachine != nil {
		k += "\x00" + q.StateMachine.Name + "\x00" + q.StateMachine.Version
	}
	if s, ok := p.shapes[k]; ok && reflect.DeepEqual(s.workflow, q.Workflow) && reflect.DeepEqual(s.machine, q.Machine) &&
		bytes.Equal(s.definition, q.Definition) {
		q.Workflow, q.Machine, q.Definition = s.workflow, s.machine, s.definition
		return
	}
	p.shapes[k] = shape{workflow: q.Workflow, machine: q.Machine, definition: q.Definition}
}

// WaitExecution implements projections.Executions.
func (p *Projection) WaitExecution(ctx context.Context, id string) error {
	p.mu.Lock()
	if _, ok := p.execs[id]; ok {
		p.mu.Unlock()
		return nil
	}
	ch := make(chan struct{})
	p.waiters[id] = append(p.waiters[id], ch)
	p.mu.Unlock()
	select {
	case <-ch:
		return nil
	case <-ctx.Done():
		p.mu.Lock()
		ws := p.waiters[id]
		for i, w := range ws {
			if w == ch {
				p.waiters[id] = append(ws[:i], ws[i+1:]...)
				break
			}
		}
		if len(p.waiters[id]) == 0 {
			delete(p.waiters, id)
		}
		p.mu.Unlock()
		return fmt.Errorf("waiting for execution %s to be projected: %w", id, ctx.Err())
	}
}

// ActiveExecution implements projections.Executions.
func (p *Projection) ActiveExecution(_ context.Context, assetId string) (string, bool, error) {
	p.mu.RLock()
	defer p.mu.RUnlock()
	for id := range p.active[assetId] {
		return id, true, nil
	}
	return "", false, nil
}

func (p *Projection) index(id string, e *entry) {
	asset, active := e.fold.AssetID(), e.fold.Active()
	if asset == "" {
		return
	}
	ids := p.active[asset]
	if active {
		if ids == nil {
			ids = map[string]struct{}{}
			p.active[asset] = ids
		}
		ids[id] = struct{}{}
		return
	}
	delete(ids, id)
	if len(ids) == 0 {
		delete(p.active, asset)
	}
}
