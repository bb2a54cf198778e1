package commands

import (
	"context"
	"encoding/json"
	"time"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/engine"
	"github.com/mie-kafka/mie/internal/problem"
	"github.com/mie-kafka/mie/internal/view"
)

// RunRequest starts a States Language execution: what Step Functions'
// StartExecution asks for once its state machine is resolved.
type RunRequest struct {
	// ExecutionId is the execution's id; empty: a new one.
	ExecutionId string
	// Name is the execution's name (empty: its id) and Arn its ARN, as
	// $$.Execution.Id shows it.
	Name, Arn    string
	Definition   json.RawMessage
	StateMachine events.StateMachineRef
	// Type is STANDARD (the default) or EXPRESS.
	Type    string
	RoleArn string
	// Input is the execution's input; empty is {}.
	Input   json.RawMessage
	Trigger *events.Trigger
	// NoWait returns once the command is written, without waiting for the
	// projection to show the execution.
	NoWait bool
}

// MaxInput is the largest execution input, Step Functions' 256 KiB.
const MaxInput = 256 << 10

// StartRun validates the definition and the input and starts the
// execution. A definition that fails validation is refused with every
// problem listed.
func (s *Service) StartRun(ctx context.Context, req RunRequest) (*view.Execution, error) {
	cmd, err := req.command()
	if err != nil {
		return nil, err
	}
	if err := s.send(ctx, cmd.ExecutionId, cmd); err != nil {
		return nil, err
	}
	if req.NoWait {
		return view.QueuedOf(cmd), nil
	}
	wctx, cancel := context.WithTimeout(ctx, s.cfg.VisibleTimeout)
	defer cancel()
	if err := s.cfg.Projection.WaitExecution(wctx, cmd.ExecutionId); err != nil {
		s.cfg.Logger.Warn("execution accepted but not projected yet; is an executor running?", "execution", cmd.ExecutionId, "err", err)
		return view.QueuedOf(cmd), nil
	}
	return s.cfg.Projection.Execution(ctx, cmd.ExecutionId)
}

// command is the StartExecution (version 2) the request asks for.
func (req RunRequest) command() (*events.StartExecution, error) {
	if err := engine.Validate(req.Definition); err != nil {
		return nil, problem.Invalid("Definition", "%v", err)
	}
	input := req.Input
	if len(input) == 0 {
		input = json.RawMessage(`{}`)
	}
	if !json.Valid(input) {
		return nil, problem.Invalid("Input", "is not JSON")
	}
	if len(input) > MaxInput {
		return nil, problem.Invalid("Input", "is %d bytes, over the limit of %d", len(input), MaxInput)
	}
	typ := req.Type
	switch typ {
	case "":
		typ = "STANDARD"
	case "STANDARD", "EXPRESS":
	default:
		return nil, problem.Invalid("Type", "must be STANDARD or EXPRESS, not %q", typ)
	}
	if req.StateMachine.Kind == "" {
		req.StateMachine.Kind = events.KindStateMachine
	}
	if req.StateMachine.Name == "" {
		return nil, problem.Invalid("StateMachine.Name", "is required")
	}
	id := req.ExecutionId
	if id == "" {
		id = events.NewID()
	}
	trigger := events.Trigger{Source: "api"}
	if req.Trigger != nil {
		trigger = *req.Trigger
	}
	sm := req.StateMachine
	return &events.StartExecution{ExecutionId: id, Input: input, Trigger: trigger, Created: time.Now().UTC(),
		Run: events.Run{Name: firstNonEmpty(req.Name, id), Arn: req.Arn, StateMachine: &sm, Definition: req.Definition,
			Type: typ, RoleArn: req.RoleArn}}, nil
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
