// Package definitions is the engine's control plane: operators, stages,
// workflows and the system configuration, kept as events on the compacted
// definitions topic.
//
// A Store materializes the topic in memory for every reader (the API, the
// workflow compiler); a Service validates requests and writes them as
// events, then waits until its Store has applied them so that a read right
// after a write sees it.
package definitions

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/broker"
	"github.com/mie-kafka/mie/internal/topics"
)

// ErrStopped is returned by WaitFor and Sync once Run has returned.
var ErrStopped = errors.New("definitions store stopped")

// StoreConfig configures a Store.
type StoreConfig struct {
	// Kafka names the cluster.
	Kafka broker.Config
	// Catalog names the definitions topic.
	Catalog topics.Catalog
	// Logger receives records the store skips and fetch errors.
	Logger *slog.Logger
}

// Validate joins every problem with the configuration.
func (c StoreConfig) Validate() error {
	var errs []error
	if err := c.Kafka.Validate(); err != nil {
		errs = append(errs, fmt.Errorf("definitions store: %w", err))
	}
	if c.Logger == nil {
		errs = append(errs, errors.New("definitions store: Logger is required"))
	}
	return errors.Join(errs...)
}

// Store materializes the definitions topic: it reads the topic's single
// partition from the start (read-committed, no consumer group) and folds
// every event into memory. Getters return copies that the caller may change.
type Store struct {
	log   *slog.Logger
	topic string
	cl    *kgo.Client
	adm   *kadm.Client

	mu sync.RWMutex
	st state
	// applied is the offset of the next record to fold: every record
	// below it, control records included, has been applied.
	applied int64
	// changed is closed and replaced each time applied moves.
	changed chan struct{}
	// done is closed when Run returns.
	done chan struct{}

	running atomic.Bool
}

// NewStore builds a Store; it reads nothing until Run.
func NewStore(cfg StoreConfig) (*Store, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	topic := cfg.Catalog.Definitions()
	cl, err := kgo.NewClient(cfg.Kafka.Opts(
		kgo.ConsumePartitions(map[string]map[int32]kgo.Offset{
			topic: {0: kgo.NewOffset().AtStart()},
		}),
		kgo.FetchIsolationLevel(kgo.ReadCommitted()),
		// Commit and abort markers take an offset each; keeping them
		// lets applied reach the partition's end offset.
		kgo.KeepControlRecords(),
	)...)
	if err != nil {
		return nil, fmt.Errorf("definitions store client: %w", err)
	}
	return &Store{
		log:     cfg.Logger,
		topic:   topic,
		cl:      cl,
		adm:     kadm.NewClient(cl),
		st:      newState(),
		changed: make(chan struct{}),
		done:    make(chan struct{}),
	}, nil
}

// Run folds the definitions topic until ctx is done or the store is
// closed. It returns nil then; it is called once.
func (s *Store) Run(ctx context.Context) error {
	if !s.running.CompareAndSwap(false, true) {
		return errors.New("definitions store: Run called twice")
	}
	defer close(s.done)
	for {
		fetches := s.cl.PollFetches(ctx)
		if fetches.IsClientClosed() || ctx.Err() != nil {
			return nil
		}
		fetches.EachError(func(topic string, partition int32, err error) {
			if !errors.Is(err, context.Canceled) {
				s.log.Warn("definitions fetch failed", "topic", topic, "partition", partition, "err", err)
			}
		})
		recs := fetches.Records()
		if len(recs) == 0 {
			continue
		}
		s.mu.RLock()
		st, applied := s.st, s.applied
		s.mu.RUnlock()
		for _, r := range recs {
			st = s.fold(st, r)
			applied = r.Offset + 1
		}
		s.mu.Lock()
		s.st, s.applied = st, applied
		close(s.changed)
		s.changed = make(chan struct{})
		s.mu.Unlock()
	}
}

// fold applies one record; a record it cannot apply is logged and skipped
// so that one bad definition never stops the control plane.
func (s *Store) fold(st state, r *kgo.Record) state {
	if r.Attrs.IsControl() {
		return st
	}
	var err error
	if r.Value == nil {
		st, err = applyTombstone(st, string(r.Key))
	} else {
		var env events.Envelope
		if env, err = events.FromRecord(r); err == nil {
			st, err = apply(st, env)
		}
	}
	if err != nil {
		s.log.Warn("definitions record skipped", "offset", r.Offset, "key", string(r.Key), "err", err)
	}
	return st
}

// Close stops Run and releases the client.
func (s *Store) Close() { s.cl.Close() }

// Applied returns the offset of the next record to apply: every record
// below it has been folded.
func (s *Store) Applied() int64 {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.applied
}

// WaitFor blocks until every record below offset has been applied, that
// is until Applied() >= offset. To see a produced record at offset o, wait
// for o+1.
func (s *Store) WaitFor(ctx context.Context, offset int64) error {
	for {
		s.mu.RLock()
		applied, changed := s.applied, s.changed
		s.mu.RUnlock()
		if applied >= offset {
			return nil
		}
		select {
		case <-changed:
		case <-s.done:
			return fmt.Errorf("wait for definitions offset %d: %w", offset, ErrStopped)
		case <-ctx.Done():
			return fmt.Errorf("wait for definitions offset %d (applied %d): %w", offset, applied, ctx.Err())
		}
	}
}

// Sync waits until the store has applied everything committed to the
// definitions topic when it is called: the partition's last stable offset.
func (s *Store) Sync(ctx context.Context) error {
	end, err := s.adm.ListCommittedOffsets(ctx, s.topic)
	if err != nil {
		return fmt.Errorf("list end offset of %s: %w", s.topic, err)
	}
	o, ok := end.Lookup(s.topic, 0)
	if !ok {
		return fmt.Errorf("list end offset of %s: topic does not exist", s.topic)
	}
	if o.Err != nil {
		return fmt.Errorf("list end offset of %s: %w", s.topic, o.Err)
	}
	return s.WaitFor(ctx, o.Offset)
}

// snapshot returns the current state; callers in this package only read it.
func (s *Store) snapshot() state {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.st
}

// Operator returns a copy of the named operator.
func (s *Store) Operator(name string) (events.Operator, bool) {
	op, ok := s.snapshot().operators[name]
	return cloneOperator(op), ok
}

// Operators returns copies of every operator, sorted by name.
func (s *Store) Operators() []events.Operator {
	return sortedValues(s.snapshot().operators, cloneOperator)
}

// Stage returns a copy of the named stage as defined: its Configuration
// holds only the stage's overrides (see EffectiveConfiguration).
func (s *Store) Stage(name string) (events.Stage, bool) {
	st, ok := s.snapshot().stages[name]
	return cloneStage(st), ok
}

// Stages returns copies of every stage, sorted by name.
func (s *Store) Stages() []events.Stage {
	return sortedValues(s.snapshot().stages, cloneStage)
}

// Workflow returns a copy of the named workflow.
func (s *Store) Workflow(name string) (events.Workflow, bool) {
	wf, ok := s.snapshot().workflows[name]
	return cloneWorkflow(wf), ok
}

// Workflows returns copies of every workflow, sorted by name.
func (s *Store) Workflows() []events.Workflow {
	return sortedValues(s.snapshot().workflows, cloneWorkflow)
}

// SystemConfig returns the system configuration; MaxConcurrentWorkflows is
// DefaultMaxConcurrentWorkflows until set.
func (s *Store) SystemConfig() events.SystemConfigured {
	return s.snapshot().system
}

// StagesUsingOperator returns the names of the stages that run the
// operator, its own "_<Name>" stage included, sorted.
func (s *Store) StagesUsingOperator(name string) []string {
	return s.snapshot().stagesUsingOperator(name)
}

// WorkflowsUsingStage returns the names of the workflows that run the
// stage, sorted.
func (s *Store) WorkflowsUsingStage(name string) []string {
	return s.snapshot().workflowsUsingStage(name)
}

// WorkflowsUsingOperator returns the names of the workflows with a stage
// that runs the operator, sorted.
func (s *Store) WorkflowsUsingOperator(name string) []string {
	return s.snapshot().workflowsUsingOperator(name)
}

// Trigger returns the named upload trigger.
func (s *Store) Trigger(name string) (events.UploadTrigger, bool) {
	t, ok := s.snapshot().triggers[name]
	return cloneTrigger(t), ok
}

// Triggers returns every upload trigger, sorted by name.
func (s *Store) Triggers() []events.UploadTrigger {
	return sortedValues(s.snapshot().triggers, cloneTrigger)
}
