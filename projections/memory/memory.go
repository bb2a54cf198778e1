// Package memory is the in-memory projection of executions: it reads every
// partition of the executions topic from the start (read committed) and
// folds each event with execution.Apply. It has no consumer group and no
// checkpoint: every start rebuilds it by replaying the topic from offset 0,
// the way `mie projections rebuild` rebuilds a ClickHouse projection, and
// the API serves only once the replay reached the log's end as of start.
package memory

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"sync"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/broker"
	"github.com/mie-kafka/mie/internal/execution"
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

	mu      sync.RWMutex
	execs   map[string]*execution.Execution
	history map[string][]events.Envelope
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
		execs: map[string]*execution.Execution{}, history: map[string][]events.Envelope{},
		waiters: map[string][]chan struct{}{}, active: map[string]map[string]struct{}{},
		tracker: newTracker(cfg.Catalog.Executions()),
	}, nil
}

// Run consumes the executions topic until ctx is cancelled.
func (p *Projection) Run(ctx context.Context) error {
	return p.tracker.run(ctx, p.cfg.Kafka, p.log, p.applyRecord)
}

func (p *Projection) applyRecord(r *kgo.Record) {
	env, err := events.FromRecord(r)
	if err != nil {
		p.log.Error("skipping undecodable event", "topic", r.Topic, "partition", r.Partition, "offset", r.Offset, "err", err)
		return
	}
	pl, err := env.Decode()
	if err != nil {
		p.log.Error("skipping undecodable event", "offset", r.Offset, "err", err)
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if r.Offset < p.tracker.position(r.Partition) {
		return // a record read before (a redelivery) changes nothing
	}
	x := p.execs[env.Key]
	if x == nil {
		if _, ok := pl.(*events.ExecutionQueued); !ok {
			p.log.Error("skipping event before its execution's ExecutionQueued", "type", env.Type, "key", env.Key, "offset", r.Offset)
			return
		}
		x = &execution.Execution{}
	}
	if err := x.Apply(env.Time, pl); err != nil {
		p.log.Error("skipping event", "type", env.Type, "err", err)
		return
	}
	p.execs[env.Key] = x
	p.index(x)
	p.history[env.Key] = append(p.history[env.Key], env)
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

// Execution implements projections.Executions.
func (p *Projection) Execution(_ context.Context, id string) (*execution.Execution, error) {
	p.mu.RLock()
	defer p.mu.RUnlock()
	x, ok := p.execs[id]
	if !ok {
		return nil, projections.NotFound(id)
	}
	return projections.Clone(x), nil
}

// Executions implements projections.Executions.
func (p *Projection) Executions(_ context.Context, f projections.Filter) ([]*execution.Execution, error) {
	p.mu.RLock()
	var out []*execution.Execution
	for _, x := range p.execs {
		if (f.Status == "" || x.Status == f.Status) && (f.AssetId == "" || x.AssetId == f.AssetId) {
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
		out[i] = projections.Clone(out[i])
	}
	p.mu.RUnlock()
	return out, nil
}

// History implements projections.Executions.
func (p *Projection) History(_ context.Context, id string) ([]events.Envelope, error) {
	p.mu.RLock()
	defer p.mu.RUnlock()
	h, ok := p.history[id]
	if !ok {
		return nil, projections.NotFound(id)
	}
	return append([]events.Envelope(nil), h...), nil
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

func (p *Projection) index(x *execution.Execution) {
	if x.AssetId == "" {
		return
	}
	ids := p.active[x.AssetId]
	if x.Active() {
		if ids == nil {
			ids = map[string]struct{}{}
			p.active[x.AssetId] = ids
		}
		ids[x.Id] = struct{}{}
		return
	}
	delete(ids, x.Id)
	if len(ids) == 0 {
		delete(p.active, x.AssetId)
	}
}
