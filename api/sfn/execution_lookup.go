package sfn

import (
	"context"
	"errors"
	"hash/fnv"
	"sync"

	"github.com/google/uuid"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/problem"
	"github.com/mie-kafka/mie/internal/view"
)

// Executions are keyed on Kafka by an id: for an execution started here,
// a UUID derived from its ARN (so a repeated StartExecution finds it), and
// for an MIE execution its own id, which is also its name.

// namespace derives execution ids from execution ARNs.
var namespace = uuid.MustParse("6f1d3c2e-8a57-4a63-9d0e-5b2c7e1a9f40")

func executionID(executionArn string) string {
	return uuid.NewSHA1(namespace, []byte(executionArn)).String()
}

// stripes serialize starts of one execution id within this process.
type stripes [256]sync.Mutex

func (s *stripes) of(id string) *sync.Mutex {
	h := fnv.New32a()
	_, _ = h.Write([]byte(id))
	return &s[h.Sum32()%uint32(len(s))]
}

// run is an execution as this API shows it.
type run struct {
	X   *view.Execution
	Arn string
	// Machine is the state machine's (or workflow's) name; Ref the
	// StateMachineRef it started with.
	Machine string
	Ref     events.StateMachineRef
}

// execution finds the execution an execution ARN names.
func (s *Service) execution(ctx context.Context, field, v string) (run, error) {
	if v == "" {
		return run{}, required(field)
	}
	a, err := parseARN(field, v, kindExecution, kindExpress)
	if err != nil {
		return run{}, err
	}
	missing := fault(ExecutionDoesNotExist, "Execution Does Not Exist: '%s'", v)
	if !s.ours(a) {
		return run{}, missing
	}
	x, err := s.cfg.Executions.Execution(ctx, executionID(v))
	if errors.Is(err, problem.ErrNotFound) && a.Kind == kindExecution {
		// An MIE execution: its name is its id.
		x, err = s.cfg.Executions.Execution(ctx, a.Parts[1])
	}
	switch {
	case errors.Is(err, problem.ErrNotFound):
		return run{}, missing
	case err != nil:
		return run{}, err
	}
	r, ok := s.runOf(x)
	if !ok || r.Arn != v {
		return run{}, missing
	}
	return r, nil
}

// runOf shows a projected execution as a Step Functions one; ok is false
// for what this API does not show (an execution of the first engine,
// which has no States Language run).
func (s *Service) runOf(x *view.Execution) (run, bool) {
	if x.Run == nil || x.Run.StateMachine == nil {
		return run{}, false
	}
	r := run{X: x, Machine: x.Run.StateMachine.Name, Ref: *x.Run.StateMachine, Arn: x.Run.Arn}
	if r.Arn == "" {
		r.Arn = s.executionArn(r.Machine, x.Run.Name)
	}
	return r, true
}

// status is the execution's Step Functions status: an MIE execution
// waiting for admission is RUNNING.
func status(x *view.Execution) string {
	if x.Run.Status == "QUEUED" {
		return "RUNNING"
	}
	return x.Run.Status
}

func terminal(x *view.Execution) bool {
	switch x.Run.Status {
	case "SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED":
		return true
	}
	return false
}

// versionArn and aliasArn of the execution, if it started on one.
func (s *Service) qualifiers(r run) (version, alias string) {
	if r.Ref.Kind != events.KindStateMachine {
		return "", ""
	}
	if r.Ref.Version != "" {
		version = s.arnOf(kindStateMachine, r.Machine, r.Ref.Version)
	}
	if r.Ref.Alias != "" {
		alias = s.aliasArn(r.Machine, r.Ref.Alias)
	}
	return version, alias
}

// executionsOf lists the Step Functions executions of a state machine
// (every one with machine ""), newest first.
func (s *Service) executionsOf(ctx context.Context, machine string) ([]run, error) {
	xs, err := s.cfg.Executions.Executions(ctx, view.Filter{StateMachine: machine})
	if err != nil {
		return nil, err
	}
	var out []run
	for _, x := range xs {
		if r, ok := s.runOf(x); ok && (machine == "" || r.Machine == machine) {
			out = append(out, r)
		}
	}
	return out, nil
}

// running reports whether an execution of the state machine still runs.
func (s *Service) running(ctx context.Context, machine string) (bool, error) {
	rs, err := s.executionsOf(ctx, machine)
	if err != nil {
		return false, err
	}
	for _, r := range rs {
		if r.Ref.Kind == events.KindStateMachine && !terminal(r.X) {
			return true, nil
		}
	}
	return false, nil
}
