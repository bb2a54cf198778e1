// Package admission enforces MaxConcurrentWorkflows across every partition
// and instance. All requests, releases and limit changes meet on the
// single-partition admission topic; one group member at a time owns it,
// grants slots in FIFO order, and keeps its state in a compacted changelog
// written in the same transaction as the consumed offsets and the grants.
package admission

import (
	"context"
	"fmt"
	"log/slog"
	"sort"
	"sync"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/broker"
	"github.com/mie-kafka/mie/internal/deadletter"
	"github.com/mie-kafka/mie/internal/topics"
	"github.com/mie-kafka/mie/internal/transact"
)

// Name is the handler's stable name: consumer group and producer name.
const Name = "mie-admission"

// DefaultLimit is MIE's default MaxConcurrentWorkflows.
const DefaultLimit = 10

const limitKey = "__limit"

// Slot states.
const (
	Queued  = "Queued"
	Running = "Running"
)

// Config configures the admission processor: its transactional session
// (transact.Config; Name and Topics are the processor's own).
type Config struct {
	transact.Config
}

// Validate joins every problem.
func (c Config) Validate() error { return c.Config.Validate() }

// State is the admission state; its methods are pure decisions over it.
type State struct {
	Limit   int
	NextSeq int64
	Slots   map[string]events.AdmissionSlot
}

// NewState returns an empty state with the default limit.
func NewState() *State {
	return &State{Limit: DefaultLimit, Slots: map[string]events.AdmissionSlot{}}
}

// Change is one changelog write: a slot (nil Slot = tombstone) or the limit.
type Change struct {
	Key   string
	Slot  *events.AdmissionSlot
	Limit *events.AdmissionLimit
}

// Apply handles one admission record and returns the changelog writes.
func (s *State) Apply(p events.Payload) []Change {
	switch r := p.(type) {
	case *events.AdmissionRequested:
		if _, ok := s.Slots[r.ExecutionId]; ok {
			return nil
		}
		slot := events.AdmissionSlot{ExecutionId: r.ExecutionId, State: Queued, Seq: s.NextSeq}
		s.NextSeq++
		s.Slots[r.ExecutionId] = slot
		return []Change{{Key: r.ExecutionId, Slot: &slot}, s.limitChange()}
	case *events.SlotReleased:
		if _, ok := s.Slots[r.ExecutionId]; !ok {
			return nil
		}
		delete(s.Slots, r.ExecutionId)
		return []Change{{Key: r.ExecutionId}}
	case *events.ConcurrencyLimitSet:
		if r.MaxConcurrentWorkflows < 1 || r.MaxConcurrentWorkflows == s.Limit {
			return nil
		}
		s.Limit = r.MaxConcurrentWorkflows
		return []Change{s.limitChange()}
	}
	return nil
}

func (s *State) limitChange() Change {
	return Change{Key: limitKey, Limit: &events.AdmissionLimit{MaxConcurrentWorkflows: s.Limit, NextSeq: s.NextSeq}}
}

// Grant admits queued executions in FIFO order while there is capacity and
// returns the ids admitted and the changelog writes.
func (s *State) Grant() ([]string, []Change) {
	running := 0
	var queued []events.AdmissionSlot
	for _, sl := range s.Slots {
		if sl.State == Running {
			running++
		} else {
			queued = append(queued, sl)
		}
	}
	if running >= s.Limit || len(queued) == 0 {
		return nil, nil
	}
	sort.Slice(queued, func(i, j int) bool { return queued[i].Seq < queued[j].Seq })
	var ids []string
	var changes []Change
	for _, sl := range queued {
		if running >= s.Limit {
			break
		}
		sl.State = Running
		s.Slots[sl.ExecutionId] = sl
		slot := sl
		changes = append(changes, Change{Key: sl.ExecutionId, Slot: &slot})
		ids = append(ids, sl.ExecutionId)
		running++
	}
	return ids, changes
}

// Counts returns running and queued numbers.
func (s *State) Counts() (running, queued int) {
	for _, sl := range s.Slots {
		if sl.State == Running {
			running++
		} else {
			queued++
		}
	}
	return running, queued
}

// Processor runs admission.
type Processor struct {
	cfg   Config
	log   *slog.Logger
	rt    *transact.Runtime
	mu    sync.Mutex
	state *State // nil until rebuilt after assignment
	owned bool
}

// New validates cfg.
func New(cfg Config) (*Processor, error) {
	cfg.Name = Name
	cfg.Topics = []string{cfg.Catalog.Admission()}
	if cfg.MaxPollRecords == 0 {
		cfg.MaxPollRecords = 5000
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	p := &Processor{cfg: cfg, log: cfg.Logger.With("processor", Name)}
	rc := cfg.Config
	rc.Logger, rc.OnAssigned, rc.OnRevoked = p.log, p.ownership(true), p.ownership(false)
	var err error
	if p.rt, err = transact.NewRuntime(rc, p); err != nil {
		return nil, err
	}
	p.cfg.Config = p.rt.Config()
	return p, nil
}

// Run processes until ctx is cancelled.
func (p *Processor) Run(ctx context.Context) error { return p.rt.Run(ctx) }

// ownership follows the assignment of the admission partition; the state
// is rebuilt from the changelog before the next batch.
func (p *Processor) ownership(owned bool) transact.Callback {
	return func(_ context.Context, _ *kgo.Client, m map[string][]int32) {
		if len(m[p.cfg.Catalog.Admission()]) == 0 {
			return
		}
		p.mu.Lock()
		p.owned, p.state = owned, nil
		p.mu.Unlock()
	}
}

// Batch applies one poll of admission records, grants what it can and
// writes the changelog, the grants and the offsets in one transaction.
func (p *Processor) Batch(ctx context.Context, b *transact.Batch) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.owned {
		return nil
	}
	if p.state == nil {
		st, err := p.rebuild(ctx)
		if err != nil {
			return err
		}
		p.state = st
	}
	if err := b.Begin(); err != nil {
		return err
	}
	var changes []Change
	var last *kgo.Record
	b.Each(func(r *kgo.Record) {
		last = r
		_, pl, err := events.DecodeRecord(r)
		if err != nil {
			b.DeadLetter(r, deadletter.ReasonUndecodable, err)
			return
		}
		changes = append(changes, p.state.Apply(pl)...)
	})
	ids, granted := p.state.Grant()
	changes = append(changes, granted...)
	p.produce(b.Out, changes, ids, last)
	committed, err := b.End()
	if !committed {
		p.state = nil // rebuild from the changelog
	} else if len(ids) > 0 {
		running, queued := p.state.Counts()
		p.log.Debug("admitted", "count", len(ids), "running", running, "queued", queued, "limit", p.state.Limit)
	}
	return err
}

// produce writes the changelog changes and the grants. An encoding failure
// fails the batch like a produce failure: it is aborted, and the state it
// changed is rebuilt from the changelog.
func (p *Processor) produce(out *transact.Producer, changes []Change, ids []string, last *kgo.Record) {
	for _, c := range changes {
		rec, err := changeRecord(p.cfg.Catalog, c)
		if err != nil {
			out.Fail(err)
			continue
		}
		out.Produce(rec)
	}
	for _, id := range ids {
		env, err := events.New(id, Name, &events.AdmitExecution{ExecutionId: id})
		if err != nil {
			out.Fail(err)
			continue
		}
		env.CorrelationID = id
		if last != nil {
			env.CausationPosition = events.PositionOf(last)
		}
		rec, err := env.Record(p.cfg.Catalog.Commands())
		if err != nil {
			out.Fail(err)
			continue
		}
		out.Produce(rec)
	}
}

func changeRecord(cat topics.Catalog, c Change) (*kgo.Record, error) {
	rec := &kgo.Record{Topic: cat.AdmissionState(), Key: []byte(c.Key)}
	var pl events.Payload
	switch {
	case c.Slot != nil:
		pl = c.Slot
	case c.Limit != nil:
		pl = c.Limit
	default:
		return rec, nil // tombstone
	}
	env, err := events.New(c.Key, Name, pl)
	if err != nil {
		return nil, err
	}
	r, err := env.Record(cat.AdmissionState())
	if err != nil {
		return nil, err
	}
	return r, nil
}

// rebuild reads the compacted changelog to its stable end.
func (p *Processor) rebuild(ctx context.Context) (*State, error) {
	cl, err := kgo.NewClient(p.cfg.Kafka.Opts()...)
	if err != nil {
		return nil, err
	}
	ends, err := broker.StableEnds(ctx, cl, p.cfg.Catalog.AdmissionState())
	cl.Close()
	if err != nil {
		return nil, fmt.Errorf("admission: rebuild: %w", err)
	}
	st := NewState()
	err = p.cfg.Kafka.ReadCommitted(ctx, p.cfg.Catalog.AdmissionState(), ends, func(r *kgo.Record) error {
		key := string(r.Key)
		if r.Value == nil {
			delete(st.Slots, key)
			return nil
		}
		_, pl, err := events.DecodeRecord(r)
		if err != nil {
			return err
		}
		switch v := pl.(type) {
		case *events.AdmissionSlot:
			st.Slots[key] = *v
		case *events.AdmissionLimit:
			st.Limit, st.NextSeq = v.MaxConcurrentWorkflows, v.NextSeq
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("admission: rebuild: %w", err)
	}
	running, queued := st.Counts()
	p.log.Info("admission state rebuilt", "limit", st.Limit, "running", running, "queued", queued)
	return st, nil
}
