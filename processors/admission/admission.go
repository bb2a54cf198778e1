// Package admission enforces MaxConcurrentWorkflows across every partition
// and instance. All requests, releases and limit changes meet on the
// single-partition admission topic; one group member at a time owns it,
// grants slots in FIFO order, and keeps its state in a compacted changelog
// written in the same transaction as the consumed offsets and the grants.
package admission

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"sync"
	"time"

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

// Config configures the admission processor.
type Config struct {
	Kafka              broker.Config
	Catalog            topics.Catalog
	Group              string
	TransactionalID    string
	TransactionTimeout time.Duration
	SessionTimeout     time.Duration
	Logger             *slog.Logger
}

// Validate joins every problem.
func (c Config) Validate() error {
	var errs []error
	if err := c.Kafka.Validate(); err != nil {
		errs = append(errs, err)
	}
	if c.TransactionalID == "" {
		errs = append(errs, errors.New("admission: TransactionalID is required"))
	}
	if c.Logger == nil {
		errs = append(errs, errors.New("admission: Logger is required"))
	}
	return errors.Join(errs...)
}

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
	mu    sync.Mutex
	state *State // nil until rebuilt after assignment
	owned bool
}

// New validates cfg.
func New(cfg Config) (*Processor, error) {
	if cfg.Group == "" {
		cfg.Group = cfg.Catalog.Group(Name)
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return &Processor{cfg: cfg, log: cfg.Logger.With("processor", Name)}, nil
}

// Run processes until ctx is cancelled.
func (p *Processor) Run(ctx context.Context) error {
	return transact.Loop(ctx, p.log, "admission", p.session)
}

func (p *Processor) session(ctx context.Context) error {
	cat := p.cfg.Catalog
	onChange := func(owned bool) func(context.Context, *kgo.Client, map[string][]int32) {
		return func(_ context.Context, _ *kgo.Client, m map[string][]int32) {
			if len(m[cat.Admission()]) == 0 {
				return
			}
			p.mu.Lock()
			p.owned, p.state = owned, nil
			p.mu.Unlock()
		}
	}
	sess, err := transact.Open(p.cfg.Kafka, transact.Session{
		Group: p.cfg.Group, TransactionalID: p.cfg.TransactionalID, Topics: []string{cat.Admission()},
		TransactionTimeout: p.cfg.TransactionTimeout, SessionTimeout: p.cfg.SessionTimeout,
		OnAssigned: onChange(true), OnRevoked: onChange(false),
	})
	if err != nil {
		return err
	}
	defer sess.Close()
	for {
		fs := sess.PollRecords(ctx, 5000)
		if fs.IsClientClosed() || ctx.Err() != nil {
			return nil
		}
		fs.EachError(func(t string, part int32, err error) {
			p.log.Warn("fetch error", "topic", t, "partition", part, "err", err)
		})
		if fs.NumRecords() == 0 {
			continue
		}
		bctx, cancel := transact.Detach(ctx, 30*time.Second)
		err := p.batch(bctx, sess, fs)
		cancel()
		if err != nil {
			return err
		}
	}
}

func (p *Processor) batch(ctx context.Context, sess *kgo.GroupTransactSession, fs kgo.Fetches) error {
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
	if err := sess.Begin(); err != nil {
		return fmt.Errorf("admission: begin: %w", err)
	}
	var changes []Change
	var last *kgo.Record
	out := transact.NewProducer(ctx, sess)
	fs.EachRecord(func(r *kgo.Record) {
		last = r
		_, pl, err := events.DecodeRecord(r)
		if err == nil {
			changes = append(changes, p.state.Apply(pl)...)
			return
		}
		out.Produce(deadletter.Record(p.cfg.Catalog.DLQ(), r, deadletter.ReasonUndecodable, p.cfg.Group, err))
	})
	ids, granted := p.state.Grant()
	changes = append(changes, granted...)
	// An encoding failure fails the batch like a produce failure: it is
	// aborted, and the state it changed is rebuilt from the changelog.
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
	committed, err := out.End(ctx, sess)
	if perr := out.Err(); perr != nil {
		p.log.Error("produce failed; batch aborted", "err", perr)
	}
	if !committed {
		p.state = nil // rebuild from the changelog
	} else if len(ids) > 0 {
		running, queued := p.state.Counts()
		p.log.Debug("admitted", "count", len(ids), "running", running, "queued", queued, "limit", p.state.Limit)
	}
	if err != nil {
		return fmt.Errorf("admission: end transaction: %w", err)
	}
	return nil
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
