package sfn

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/engine"
	"github.com/mie-kafka/mie/internal/problem"
)

// SendTaskSuccessInput is SendTaskSuccess' request.
type SendTaskSuccessInput struct {
	TaskToken string  `json:"taskToken"`
	Output    *string `json:"output"`
}

// SendTaskFailureInput is SendTaskFailure's request.
type SendTaskFailureInput struct {
	TaskToken string `json:"taskToken"`
	Error     string `json:"error"`
	Cause     string `json:"cause"`
}

// SendTaskHeartbeatInput is SendTaskHeartbeat's request.
type SendTaskHeartbeatInput struct {
	TaskToken string `json:"taskToken"`
}

// Empty is the answer of the actions that answer nothing.
type Empty struct{}

// SendTaskSuccess answers a callback task (.waitForTaskToken, an
// activity) with its output.
func (s *Service) SendTaskSuccess(ctx context.Context, in *SendTaskSuccessInput) (*Empty, error) {
	if in.Output == nil {
		return nil, required("output")
	}
	if len(*in.Output) > s.cfg.MaxPayload {
		return nil, fault(ValidationException, "1 validation error detected: Value at 'output' failed to satisfy constraint: Member must have length less than or equal to %d", s.cfg.MaxPayload)
	}
	if !json.Valid([]byte(*in.Output)) {
		return nil, fault(InvalidOutput, "Invalid Output: 'the output is not JSON'")
	}
	return s.answer(ctx, in.TaskToken, events.TokenSuccess, json.RawMessage(*in.Output), "", "")
}

// SendTaskFailure fails a callback task with error and cause.
func (s *Service) SendTaskFailure(ctx context.Context, in *SendTaskFailureInput) (*Empty, error) {
	if err := checkLength("error", in.Error, 0, 256); err != nil {
		return nil, err
	}
	if err := checkLength("cause", in.Cause, 0, 32768); err != nil {
		return nil, err
	}
	return s.answer(ctx, in.TaskToken, events.TokenFailure, nil, in.Error, in.Cause)
}

// SendTaskHeartbeat reports that a callback task is still being worked
// on: its HeartbeatSeconds count again.
func (s *Service) SendTaskHeartbeat(ctx context.Context, in *SendTaskHeartbeatInput) (*Empty, error) {
	return s.answer(ctx, in.TaskToken, events.TokenHeartbeat, nil, "", "")
}

// answer checks that the token names a task that waits for it and sends
// the answer to its execution. A token the engine never made is
// InvalidToken; one whose task is over (answered, timed out, or its
// execution ended) is TaskTimedOut, as on AWS; one of a task that never
// existed is TaskDoesNotExist.
func (s *Service) answer(ctx context.Context, token, outcome string, output json.RawMessage, errName, cause string) (*Empty, error) {
	if token == "" {
		return nil, required("taskToken")
	}
	if len(token) > 2048 {
		return nil, fault(InvalidToken, "Invalid Token: the token is longer than 2048 characters")
	}
	id, ok := engine.TokenExecution(token)
	if !ok {
		return nil, fault(InvalidToken, "Invalid Token: 'not a task token of this engine'")
	}
	if err := s.checkWaiting(ctx, id, token); err != nil {
		return nil, err
	}
	if err := s.cfg.Commands.Send(ctx, id, &events.TaskTokenAnswered{ExecutionId: id, Token: token, Outcome: outcome,
		Output: output, Error: errName, Cause: cause}); err != nil {
		return nil, err
	}
	if outcome != events.TokenHeartbeat {
		s.handed.forget(token)
	}
	return &Empty{}, nil
}

// checkWaiting checks a token's task: from the view (the token names the
// run and the attempt), else, when the view does not know the run yet or
// any more, from the history.
func (s *Service) checkWaiting(ctx context.Context, id, token string) error {
	ref, ok := s.handed.get(token)
	if !ok {
		ref.execution, ref.run, ref.attempt, ok = engine.TokenRun(token)
	}
	if ok && ref.execution == id {
		st, known, err := s.viewState(ctx, ref)
		switch {
		case err != nil:
			return err
		case known && st == tokenOver:
			return fault(TaskTimedOut, "Task Timed Out: 'Provided task does not exist anymore'")
		case known:
			return nil
		}
	}
	return s.waiting(ctx, id, token)
}

// tokenWait bounds how long answer waits for the projection to show the
// task of a token (the worker may have it before the projection does).
const tokenWait = 2 * time.Second

// waiting checks that the task of token still waits for its answer.
func (s *Service) waiting(ctx context.Context, id, token string) error {
	deadline := time.Now().Add(tokenWait)
	for {
		st, err := s.tokenState(ctx, id, token)
		if err != nil || st == tokenWaiting {
			return err
		}
		if st == tokenOver {
			return fault(TaskTimedOut, "Task Timed Out: 'Provided task does not exist anymore'")
		}
		if time.Now().After(deadline) {
			return fault(TaskDoesNotExist, "Task Does Not Exist: 'no task of execution %s has this token'", id)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
}

type tokenStatus int

const (
	tokenUnknown tokenStatus = iota
	tokenWaiting
	tokenOver
)

// tokenState reads the execution's history for the task of token: it
// waits until the run it belongs to ends or schedules another attempt.
func (s *Service) tokenState(ctx context.Context, id, token string) (tokenStatus, error) {
	x, err := s.cfg.Executions.Execution(ctx, id)
	switch {
	case errors.Is(err, problem.ErrNotFound):
		return tokenUnknown, nil
	case err != nil:
		return 0, err
	}
	h, err := s.cfg.Executions.History(ctx, id)
	if err != nil {
		return 0, err
	}
	st, run := tokenUnknown, int32(0)
	for i := range h {
		p, err := h[i].Decode()
		if err != nil {
			continue
		}
		switch e := p.(type) {
		case *events.TaskScheduled:
			if e.Token == token {
				st, run = tokenWaiting, e.Run
			} else if st == tokenWaiting && e.Run == run {
				st = tokenOver // a later attempt has its own token
			}
		case *events.TaskSucceeded:
			st = overIf(st, run, e.Run)
		case *events.TaskFailed:
			st = overIf(st, run, e.Run)
		case *events.StateExited:
			st = overIf(st, run, e.Run)
		case *events.StateFailed:
			st = overIf(st, run, e.Run)
		case *events.StateCaught:
			st = overIf(st, run, e.Run)
		}
	}
	if st == tokenWaiting && x.Run != nil && terminal(x) {
		st = tokenOver
	}
	return st, nil
}

func overIf(st tokenStatus, run, of int32) tokenStatus {
	if st == tokenWaiting && run == of {
		return tokenOver
	}
	return st
}
