package console

import (
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/mie-kafka/mie/api/commands"
	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/asl"
	"github.com/mie-kafka/mie/internal/engine"
	"github.com/mie-kafka/mie/internal/graph"
	"github.com/mie-kafka/mie/internal/problem"
)

// redrivable are the ended statuses a redrive takes, as in Step Functions.
var redrivable = []string{"FAILED", "TIMED_OUT", "ABORTED"}

// redrive sends RedriveExecution for an ended States Language execution,
// as Step Functions' RedriveExecution does, and answers once the
// projection shows the execution running again (or after a bound).
func (c *Console) redrive(ec echo.Context) error {
	ctx, id := ec.Request().Context(), ec.Param("Id")
	x, err := c.d.Executions.Execution(ctx, id)
	if err != nil {
		return err
	}
	if x.Run == nil || !slices.Contains(redrivable, x.Run.Status) {
		status := x.Status
		if x.Run != nil {
			status = x.Run.Status
		}
		return problem.Conflict("execution %s is %s: only a FAILED, TIMED_OUT or ABORTED States Language execution can be redriven", id, status)
	}
	// The projections do not say where the execution's ExecutionQueued
	// sits: an executor that no longer holds the ended execution seeks its
	// partition to the execution's creation time (QueuedAt).
	if err := c.d.Commands.Send(ctx, id, &events.RedriveExecution{ExecutionId: id, QueuedAt: x.Created}); err != nil {
		return err
	}
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		if y, err := c.d.Executions.Execution(ctx, id); err == nil && y.Version > x.Version {
			return ec.JSON(http.StatusOK, item(y))
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
	return ec.JSON(http.StatusAccepted, item(x))
}

// StartRunRequest starts a States Language execution from the console.
type StartRunRequest struct {
	// Machine names the state machine; Name the execution (default: its
	// id).
	Machine    string          `json:"Machine"`
	Name       string          `json:"Name"`
	Definition json.RawMessage `json:"Definition"`
	Input      json.RawMessage `json:"Input"`
	Type       string          `json:"Type"`
}

func (c *Console) startRun(ec echo.Context) error {
	var req StartRunRequest
	if err := json.NewDecoder(ec.Request().Body).Decode(&req); err != nil {
		return problem.Invalid("body", "malformed JSON: %v", err)
	}
	x, err := c.d.Commands.StartRun(ec.Request().Context(), commands.RunRequest{Name: req.Name, Definition: req.Definition,
		StateMachine: events.StateMachineRef{Kind: events.KindStateMachine, Name: req.Machine}, Input: req.Input,
		Type: req.Type, Trigger: &events.Trigger{Source: "console"}})
	if err != nil {
		return err
	}
	return ec.JSON(http.StatusOK, item(x))
}

// Validation is a definition's problems, as the editor shows them, and
// its graph when it is valid.
type Validation struct {
	Valid    bool          `json:"Valid"`
	Problems []asl.Problem `json:"Problems"`
	Graph    *graph.Graph  `json:"Graph,omitempty"`
}

// validate checks a definition as StartRun would, and draws it.
func (c *Console) validate(ec echo.Context) error {
	var req struct {
		Definition json.RawMessage `json:"Definition"`
	}
	if err := json.NewDecoder(ec.Request().Body).Decode(&req); err != nil {
		return problem.Invalid("body", "malformed JSON: %v", err)
	}
	out := Validation{Problems: []asl.Problem{}}
	err := engine.Validate(req.Definition)
	var ve *asl.ValidationError
	switch {
	case errors.As(err, &ve):
		out.Problems = ve.Problems
	case err != nil:
		out.Problems = append(out.Problems, asl.Problem{Message: err.Error()})
	}
	out.Valid = err == nil
	if out.Valid {
		out.Graph, _ = c.draw(ec.Request().Context(), req.Definition)
	}
	return ec.JSON(http.StatusOK, out)
}
