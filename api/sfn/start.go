package sfn

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"time"

	"github.com/google/uuid"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/problem"
	"github.com/mie-kafka/mie/internal/view"
)

// StartExecutionInput is StartExecution's (and StartSyncExecution's)
// request.
type StartExecutionInput struct {
	StateMachineArn string  `json:"stateMachineArn"`
	Name            string  `json:"name"`
	Input           *string `json:"input"`
	TraceHeader     string  `json:"traceHeader"`
	IncludedData    string  `json:"includedData"`
}

// StartExecutionOutput is StartExecution's answer.
type StartExecutionOutput struct {
	ExecutionArn string `json:"executionArn"`
	StartDate    Epoch  `json:"startDate"`
}

// StartExecution starts an execution at once (no admission queue, as on
// AWS). A STANDARD execution is idempotent by name, as on AWS: the same
// name and input as a running execution answer that execution; a closed
// one, or another input, is ExecutionAlreadyExists.
func (s *Service) StartExecution(ctx context.Context, in *StartExecutionInput) (*StartExecutionOutput, error) {
	st, err := s.prepare(in)
	if err != nil {
		return nil, err
	}
	x, err := s.begin(ctx, st)
	if err != nil {
		return nil, err
	}
	return &StartExecutionOutput{ExecutionArn: st.arn, StartDate: epoch(x.Created)}, nil
}

// starting is a checked start request.
type starting struct {
	cmd     *events.StartExecution
	arn     string
	express bool
}

// prepare checks a start request and makes its command.
func (s *Service) prepare(in *StartExecutionInput) (starting, error) {
	m, _, err := s.machineByArn("stateMachineArn", in.StateMachineArn, StateMachineDoesNotExist)
	if err != nil {
		return starting{}, err
	}
	switch {
	case m.Workflow != nil:
		return starting{}, fault(ValidationException, "%s is an MIE workflow: start it with POST /workflow/execution (its executions show here too)", m.Name)
	case m.SM.Status == events.StateMachineDeleting:
		return starting{}, fault(StateMachineDeleting, "State Machine is being deleted: '%s'", in.StateMachineArn)
	}
	name := in.Name
	if name == "" {
		name = uuid.NewString()
	} else if err := checkName("execution name", name); err != nil {
		return starting{}, err
	}
	input, err := s.checkInput(in.Input)
	if err != nil {
		return starting{}, err
	}
	if err := checkTrace(in.TraceHeader); err != nil {
		return starting{}, err
	}
	run, err := s.runFor(m)
	if err != nil {
		return starting{}, err
	}
	st := starting{express: run.Type == events.TypeExpress}
	st.arn = s.executionArn(m.Name, name)
	if st.express {
		st.arn = s.expressArn(m.Name, name, uuid.NewString())
	}
	run.Name, run.Arn = name, st.arn
	st.cmd = &events.StartExecution{ExecutionId: executionID(st.arn), Input: input,
		Trigger: events.Trigger{Source: "stepfunctions"}, Created: time.Now().UTC(), Run: run}
	return st, nil
}

// runFor is what an execution of m runs: the current revision, the
// version, or a version the alias routes to.
func (s *Service) runFor(m machine) (events.Run, error) {
	ref := &events.StateMachineRef{Kind: events.KindStateMachine, Name: m.Name, Arn: s.stateMachineArn(m.Name)}
	run := events.Run{StateMachine: ref, Definition: json.RawMessage(m.SM.Definition), Type: m.SM.Type, RoleArn: m.SM.RoleArn}
	v := m.Version
	if a := m.Alias; a != nil {
		n := pickVersion(*a, percent)
		got, ok := s.cfg.Store.StateMachineVersion(m.Name, n)
		if !ok {
			return run, fault(StateMachineDoesNotExist, "version %d of %s, which alias %s routes to, does not exist", n, m.Name, a.Name)
		}
		v, ref.Alias = &got, a.Name
	}
	if v != nil {
		run.Definition, run.Type, run.RoleArn = json.RawMessage(v.Definition), v.Type, v.RoleArn
		ref.Version = strconv.Itoa(v.Version)
	}
	return run, nil
}

// checkInput checks an execution's input: JSON, at most MaxPayload bytes;
// absent is {}.
func (s *Service) checkInput(in *string) (json.RawMessage, error) {
	if in == nil {
		return json.RawMessage(`{}`), nil
	}
	if len(*in) > s.cfg.MaxPayload {
		return nil, fault(ValidationException, "1 validation error detected: Value at 'input' failed to satisfy constraint: Member must have length less than or equal to %d", s.cfg.MaxPayload)
	}
	// The log keeps JSON compact (encoding/json compacts raw values), so
	// the input is compacted here, and a repeated start compares alike.
	var buf bytes.Buffer
	if err := json.Compact(&buf, []byte(*in)); err != nil {
		return nil, fault(InvalidExecutionInput, "Invalid State Machine Execution Input: 'the input is not JSON: %v'", err)
	}
	return buf.Bytes(), nil
}

func checkTrace(t string) error {
	if len(t) > 256 {
		return fault(ValidationException, "traceHeader is longer than 256 characters")
	}
	for i := 0; i < len(t); i++ {
		if t[i] > 0x7f {
			return fault(ValidationException, "traceHeader must be ASCII")
		}
	}
	return nil
}

// begin sends a start, or finds the execution it repeats, and returns the
// execution once the projection shows it (or as it will be, if the
// projection has not caught up within VisibleTimeout).
func (s *Service) begin(ctx context.Context, st starting) (*view.Execution, error) {
	id := st.cmd.ExecutionId
	lock := s.locks.of(id)
	lock.Lock()
	defer lock.Unlock()
	x, err := s.cfg.Executions.Execution(ctx, id)
	switch {
	case err == nil:
		return s.repeated(x, st)
	case !errors.Is(err, problem.ErrNotFound):
		return nil, err
	}
	if err := s.cfg.Commands.Send(ctx, id, st.cmd); err != nil {
		return nil, err
	}
	wctx, cancel := context.WithTimeout(ctx, s.cfg.VisibleTimeout)
	defer cancel()
	if err := s.cfg.Executions.WaitExecution(wctx, id); err != nil {
		s.log.Warn("execution accepted but not projected yet; is an executor running?", "execution", st.arn, "err", err)
		return view.QueuedOf(st.cmd), nil
	}
	if x, err = s.cfg.Executions.Execution(ctx, id); err != nil {
		return nil, err
	}
	// Another instance may have started the same name meanwhile.
	return s.repeated(x, st)
}

// repeated answers a start of an execution that exists: the same running
// execution with the same input is that execution.
func (s *Service) repeated(x *view.Execution, st starting) (*view.Execution, error) {
	if x.Run != nil && string(x.Run.Input) == string(st.cmd.Input) && !terminal(x) {
		return x, nil
	}
	if x.Run != nil && x.Created.Equal(st.cmd.Created) && string(x.Run.Input) == string(st.cmd.Input) {
		return x, nil // ours, ended already
	}
	return nil, fault(ExecutionAlreadyExists, "Execution Already Exists: '%s'", st.arn)
}
