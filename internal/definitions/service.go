package definitions

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/broker"
	"github.com/mie-kafka/mie/internal/problem"
	"github.com/mie-kafka/mie/internal/topics"
)

// Config configures a Service.
type Config struct {
	// Kafka names the cluster.
	Kafka broker.Config
	// Catalog names the definitions and admission topics and shapes the
	// task topics of worker operators.
	Catalog topics.Catalog
	// Store is the materialized definitions topic the Service validates
	// against and waits on; usually shared with the rest of the process.
	Store *Store
	// TransactionalID identifies the Service's transactional producer. It
	// must be unique per running instance: a second instance with the same
	// id fences the first. Default "mie-definitions-<hostname>".
	TransactionalID string
	// Producer names the role in the envelopes written. Default "api".
	Producer string
	// Builtins maps each built-in operator name to its Type (Sync or
	// Async); StartLambdaArn builtin:<Name> must name one of them.
	Builtins map[string]string
	// Timeout bounds one write, including the wait until the Store has
	// applied it, on top of the caller's context. Default 30s.
	Timeout time.Duration
	// Logger records every definition written.
	Logger *slog.Logger
}

// withDefaults returns c with every unset default filled in.
func (c Config) withDefaults() Config {
	if c.TransactionalID == "" {
		host, _ := os.Hostname()
		if host == "" {
			host = "local"
		}
		c.TransactionalID = "mie-definitions-" + host
	}
	if c.Producer == "" {
		c.Producer = "api"
	}
	if c.Timeout == 0 {
		c.Timeout = 30 * time.Second
	}
	return c
}

// Validate joins every problem with the configuration, defaults applied.
func (c Config) Validate() error {
	c = c.withDefaults()
	var errs []error
	if err := c.Kafka.Validate(); err != nil {
		errs = append(errs, fmt.Errorf("definitions: %w", err))
	}
	if c.Catalog.Partitions <= 0 {
		errs = append(errs, errors.New("definitions: Catalog.Partitions must be > 0; build the catalog with topics.New"))
	}
	if c.Store == nil {
		errs = append(errs, errors.New("definitions: Store is required"))
	}
	if c.Logger == nil {
		errs = append(errs, errors.New("definitions: Logger is required"))
	}
	if c.Timeout < 0 {
		errs = append(errs, fmt.Errorf("definitions: Timeout %s is negative", c.Timeout))
	}
	for name, typ := range c.Builtins {
		if typ != TypeSync && typ != TypeAsync {
			errs = append(errs, fmt.Errorf("definitions: builtin %q has Type %q, want %s or %s", name, typ, TypeSync, TypeAsync))
		}
		if _, err := c.Catalog.Task("builtin:" + name); err != nil {
			errs = append(errs, fmt.Errorf("definitions: builtin %q: %w", name, err))
		}
	}
	return errors.Join(errs...)
}

// Service is the control plane the API calls. Every write is validated
// against the Store after a Sync, written as events in one Kafka
// transaction, and returns once the Store has applied it.
//
// Writes are serialized within a Service; two instances writing the same
// name at the same moment can both pass validation (the last one wins).
type Service struct {
	cfg   Config
	store *Store
	rules rules
	cl    *kgo.Client
	adm   *kadm.Client

	// mu serializes writes: sync, validate, produce, wait.
	mu sync.Mutex
}

// New builds a Service. Its Store must be running for writes to return.
func New(cfg Config) (*Service, error) {
	cfg = cfg.withDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cl, err := kgo.NewClient(cfg.Kafka.Opts(kgo.TransactionalID(cfg.TransactionalID))...)
	if err != nil {
		return nil, fmt.Errorf("definitions producer: %w", err)
	}
	return &Service{
		cfg:   cfg,
		store: cfg.Store,
		rules: rules{builtins: cfg.Builtins, catalog: cfg.Catalog},
		cl:    cl,
		adm:   kadm.NewClient(cl),
	}, nil
}

// Close releases the producer. It does not close the Store.
func (s *Service) Close() { s.cl.Close() }

// outgoing is one event to write: payload under key on topic.
type outgoing struct {
	topic   string
	key     string
	payload events.Payload
}

// definition is an outgoing event on the definitions topic.
func (s *Service) definition(key string, p events.Payload) outgoing {
	return outgoing{topic: s.cfg.Catalog.Definitions(), key: key, payload: p}
}

// write serializes one change: it syncs the Store so that decide sees every
// committed definition, lets decide validate and return the events, commits
// them in one transaction and waits until the Store has applied them.
func (s *Service) write(ctx context.Context, decide func(ctx context.Context, st state) ([]outgoing, error)) error {
	ctx, cancel := context.WithTimeout(ctx, s.cfg.Timeout)
	defer cancel()
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.store.Sync(ctx); err != nil {
		return fmt.Errorf("%w: read definitions: %w", problem.ErrUnavailable, err)
	}
	outs, err := decide(ctx, s.store.snapshot())
	if err != nil || len(outs) == 0 {
		return err
	}
	next, err := s.commit(ctx, outs)
	if err != nil {
		return fmt.Errorf("%w: write definitions: %w", problem.ErrUnavailable, err)
	}
	for _, o := range outs {
		s.cfg.Logger.Info("definition written", "type", o.payload.EventType(), "key", o.key, "topic", o.topic)
	}
	if err := s.store.WaitFor(ctx, next); err != nil {
		return fmt.Errorf("%w: definitions written but not yet readable: %w", problem.ErrUnavailable, err)
	}
	return nil
}

// commit produces outs in one transaction and returns the offset just past
// the last record written to the definitions topic.
func (s *Service) commit(ctx context.Context, outs []outgoing) (int64, error) {
	recs := make([]*kgo.Record, 0, len(outs))
	for _, o := range outs {
		env, err := events.New(o.key, s.cfg.Producer, o.payload)
		if err != nil {
			return 0, err
		}
		r, err := env.Record(o.topic)
		if err != nil {
			return 0, err
		}
		recs = append(recs, r)
	}
	// Ending a transaction must not be cut short by the caller going away:
	// its outcome would be unknown.
	endCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.cfg.Timeout)
	defer cancel()
	// A write that failed half way may have left a transaction open;
	// abort it (a no-op otherwise) so that this one can begin.
	if err := s.cl.EndTransaction(endCtx, kgo.TryAbort); err != nil {
		return 0, fmt.Errorf("abort earlier transaction: %w", err)
	}
	if err := s.cl.BeginTransaction(); err != nil {
		return 0, fmt.Errorf("begin transaction: %w", err)
	}
	if err := s.cl.ProduceSync(ctx, recs...).FirstErr(); err != nil {
		return 0, errors.Join(fmt.Errorf("produce: %w", err), s.abort(endCtx))
	}
	if err := s.cl.EndTransaction(endCtx, kgo.TryCommit); err != nil {
		return 0, errors.Join(fmt.Errorf("commit transaction: %w", err), s.abort(endCtx))
	}
	next := int64(0)
	for _, r := range recs {
		if r.Topic == s.cfg.Catalog.Definitions() {
			next = max(next, r.Offset+1)
		}
	}
	return next, nil
}

// abort drops what the open transaction buffered and aborts it.
func (s *Service) abort(ctx context.Context) error {
	if err := s.cl.AbortBufferedRecords(ctx); err != nil {
		return fmt.Errorf("abort buffered records: %w", err)
	}
	if err := s.cl.EndTransaction(ctx, kgo.TryAbort); err != nil {
		return fmt.Errorf("abort transaction: %w", err)
	}
	return nil
}

// CreateOperator defines an operator and its single-operator stage
// "_<Name>". A worker operator's task topic is created if missing.
func (s *Service) CreateOperator(ctx context.Context, op events.Operator) (events.Operator, error) {
	err := s.write(ctx, func(ctx context.Context, st state) ([]outgoing, error) {
		_, topic, err := s.rules.operator(op, st)
		if err != nil {
			return nil, err
		}
		if topic != "" {
			if err := s.ensureTaskTopic(ctx, topic); err != nil {
				return nil, err
			}
		}
		now := time.Now().UTC()
		op.StageName = OperatorStage(op.Name)
		op.Version, op.Id, op.Created = "v0", events.NewID(), now
		stage := events.Stage{
			Name:          op.StageName,
			Operations:    []string{op.Name},
			Configuration: map[string]map[string]any{op.Name: cloneObject(op.Configuration)},
			Version:       "v0",
			Id:            events.NewID(),
			Created:       now,
		}
		return []outgoing{
			s.definition(events.OperatorKey(op.Name), &events.OperatorDefined{Operator: op}),
			s.definition(events.StageKey(stage.Name), &events.StageDefined{Stage: stage}),
		}, nil
	})
	if err != nil {
		return events.Operator{}, err
	}
	return op, nil
}

// ensureTaskTopic creates a worker operator's task topic, or checks the
// shape of an existing one.
func (s *Service) ensureTaskTopic(ctx context.Context, topic string) error {
	err := topics.Ensure(ctx, s.adm, s.cfg.Catalog.TaskSpec(topic))
	var mismatch *topics.MismatchError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &mismatch):
		return problem.Conflict("StartLambdaArn: %v", mismatch)
	default:
		return fmt.Errorf("%w: create task topic %s: %w", problem.ErrUnavailable, topic, err)
	}
}

// Operator returns the named operator.
func (s *Service) Operator(name string) (events.Operator, error) {
	op, ok := s.store.Operator(name)
	if !ok {
		return op, problem.NotFound("operator", name)
	}
	return op, nil
}

// Operators returns every operator, sorted by name.
func (s *Service) Operators() []events.Operator { return s.store.Operators() }

// DeleteOperator deletes an operator and its own stage. Unless force, an
// operator that another stage or a workflow uses is a conflict.
func (s *Service) DeleteOperator(ctx context.Context, name string, force bool) (events.Operator, error) {
	var op events.Operator
	err := s.write(ctx, func(_ context.Context, st state) ([]outgoing, error) {
		if err := operatorDeletion(name, st, force); err != nil {
			return nil, err
		}
		op = cloneOperator(st.operators[name])
		outs := []outgoing{s.definition(events.OperatorKey(name), &events.OperatorDeleted{Name: name})}
		if own := OperatorStage(name); hasKey(st.stages, own) {
			outs = append(outs, s.definition(events.StageKey(own), &events.StageDeleted{Name: own}))
		}
		return outs, nil
	})
	return op, err
}

// CreateStage defines a stage. The returned stage carries the effective
// configuration of each operation, as Stage does.
func (s *Service) CreateStage(ctx context.Context, in events.Stage) (events.Stage, error) {
	err := s.write(ctx, func(_ context.Context, st state) ([]outgoing, error) {
		if err := s.rules.stage(in, st); err != nil {
			return nil, err
		}
		in.Version, in.Id, in.Created = "v0", events.NewID(), time.Now().UTC()
		return []outgoing{s.definition(events.StageKey(in.Name), &events.StageDefined{Stage: in})}, nil
	})
	if err != nil {
		return events.Stage{}, err
	}
	return s.Stage(in.Name)
}

// Stage returns the named stage with Configuration holding the effective
// configuration of every operation, as MIE shows a stage.
func (s *Service) Stage(name string) (events.Stage, error) {
	st := s.store.snapshot()
	stage, ok := st.stages[name]
	if !ok {
		return events.Stage{}, problem.NotFound("stage", name)
	}
	return st.effectiveStage(stage), nil
}

// Stages returns every stage as Stage shows it, sorted by name.
func (s *Service) Stages() []events.Stage {
	st := s.store.snapshot()
	return sortedValues(st.stages, st.effectiveStage)
}

// DeleteStage deletes a stage. Unless force, a stage that a workflow runs,
// or that is an existing operator's own stage, is a conflict.
func (s *Service) DeleteStage(ctx context.Context, name string, force bool) (events.Stage, error) {
	var stage events.Stage
	err := s.write(ctx, func(_ context.Context, st state) ([]outgoing, error) {
		if err := stageDeletion(name, st, force); err != nil {
			return nil, err
		}
		stage = st.effectiveStage(st.stages[name])
		return []outgoing{s.definition(events.StageKey(name), &events.StageDeleted{Name: name})}, nil
	})
	return stage, err
}

// CreateWorkflow defines a workflow; an existing name is a conflict.
func (s *Service) CreateWorkflow(ctx context.Context, wf events.Workflow) (ExpandedWorkflow, error) {
	err := s.write(ctx, func(_ context.Context, st state) ([]outgoing, error) {
		if err := s.rules.workflow(wf, st); err != nil {
			return nil, err
		}
		if hasKey(st.workflows, wf.Name) {
			return nil, problem.Conflict("workflow %q exists; use PUT /workflow to update it", wf.Name)
		}
		if hasKey(st.stateMachines, wf.Name) {
			return nil, problem.Conflict("%q is the name of a Step Functions state machine; workflows and state machines share one catalogue", wf.Name)
		}
		wf.Version, wf.Id, wf.Created = "v0", events.NewID(), time.Now().UTC()
		return []outgoing{s.definition(events.WorkflowKey(wf.Name), &events.WorkflowDefined{Workflow: wf})}, nil
	})
	if err != nil {
		return ExpandedWorkflow{}, err
	}
	return s.Workflow(wf.Name)
}

// UpdateWorkflow replaces an existing workflow, keeping its Id and Created
// and moving its Version on (v0, v1, ...); an unknown name is not found.
func (s *Service) UpdateWorkflow(ctx context.Context, wf events.Workflow) (ExpandedWorkflow, error) {
	err := s.write(ctx, func(_ context.Context, st state) ([]outgoing, error) {
		if err := s.rules.workflow(wf, st); err != nil {
			return nil, err
		}
		old, ok := st.workflows[wf.Name]
		if !ok {
			return nil, problem.NotFound("workflow", wf.Name)
		}
		wf.Version, wf.Id, wf.Created = nextVersion(old.Version), old.Id, old.Created
		return []outgoing{s.definition(events.WorkflowKey(wf.Name), &events.WorkflowDefined{Workflow: wf})}, nil
	})
	if err != nil {
		return ExpandedWorkflow{}, err
	}
	return s.Workflow(wf.Name)
}

// nextVersion returns the version after v: "v0" -> "v1".
func nextVersion(v string) string {
	n, err := strconv.Atoi(strings.TrimPrefix(v, "v"))
	if err != nil {
		return "v1"
	}
	return "v" + strconv.Itoa(n+1)
}

// Workflow returns the named workflow with its stages expanded.
func (s *Service) Workflow(name string) (ExpandedWorkflow, error) {
	st := s.store.snapshot()
	wf, ok := st.workflows[name]
	if !ok {
		return ExpandedWorkflow{}, problem.NotFound("workflow", name)
	}
	return st.expand(wf), nil
}

// Workflows returns every workflow expanded, sorted by name.
func (s *Service) Workflows() []ExpandedWorkflow {
	st := s.store.snapshot()
	return st.expandAll(st.workflowNames())
}

// DeleteWorkflow deletes a workflow.
func (s *Service) DeleteWorkflow(ctx context.Context, name string) (ExpandedWorkflow, error) {
	var wf ExpandedWorkflow
	err := s.write(ctx, func(_ context.Context, st state) ([]outgoing, error) {
		old, ok := st.workflows[name]
		if !ok {
			return nil, problem.NotFound("workflow", name)
		}
		if ts := st.triggersUsingWorkflow(name); len(ts) > 0 {
			return nil, problem.Conflict("workflow %q is started by upload triggers %s; delete them first",
				name, strings.Join(ts, ", "))
		}
		wf = st.expand(old)
		return []outgoing{s.definition(events.WorkflowKey(name), &events.WorkflowDeleted{Name: name})}, nil
	})
	return wf, err
}

// WorkflowConfiguration returns the effective configuration of every
// operator in every stage of the named workflow.
func (s *Service) WorkflowConfiguration(name string) (WorkflowConfiguration, error) {
	st := s.store.snapshot()
	wf, ok := st.workflows[name]
	if !ok {
		return nil, problem.NotFound("workflow", name)
	}
	return st.workflowConfiguration(wf), nil
}

// WorkflowsByOperator returns the workflows with a stage that runs the
// operator, expanded and sorted by name.
func (s *Service) WorkflowsByOperator(name string) ([]ExpandedWorkflow, error) {
	st := s.store.snapshot()
	if !hasKey(st.operators, name) {
		return nil, problem.NotFound("operator", name)
	}
	return st.expandAll(st.workflowsUsingOperator(name)), nil
}

// WorkflowsByStage returns the workflows that run the stage, expanded and
// sorted by name.
func (s *Service) WorkflowsByStage(name string) ([]ExpandedWorkflow, error) {
	st := s.store.snapshot()
	if !hasKey(st.stages, name) {
		return nil, problem.NotFound("stage", name)
	}
	return st.expandAll(st.workflowsUsingStage(name)), nil
}

// SystemConfig returns the system configuration.
func (s *Service) SystemConfig() events.SystemConfigured { return s.store.SystemConfig() }

// Configure sets the system configuration: SystemConfigured on the
// definitions topic and ConcurrencyLimitSet on the admission topic, in one
// transaction, so that admission and readers never disagree.
func (s *Service) Configure(ctx context.Context, c events.SystemConfigured) (events.SystemConfigured, error) {
	if err := systemConfig(c); err != nil {
		return events.SystemConfigured{}, err
	}
	err := s.write(ctx, func(context.Context, state) ([]outgoing, error) {
		return []outgoing{
			s.definition(events.SystemConfigKey, &c),
			{
				topic:   s.cfg.Catalog.Admission(),
				key:     events.SystemConfigKey,
				payload: &events.ConcurrencyLimitSet{MaxConcurrentWorkflows: c.MaxConcurrentWorkflows},
			},
		}, nil
	})
	if err != nil {
		return events.SystemConfigured{}, err
	}
	return s.store.SystemConfig(), nil
}

// hasKey reports whether m holds k.
func hasKey[V any](m map[string]V, k string) bool {
	_, ok := m[k]
	return ok
}
