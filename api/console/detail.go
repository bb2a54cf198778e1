package console

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/graph"
	"github.com/mie-kafka/mie/internal/problem"
	"github.com/mie-kafka/mie/internal/view"
)

// ExecutionDetail is one execution with what its page draws: the read
// model, the definition it runs and its graph.
type ExecutionDetail struct {
	Execution  *view.Execution `json:"Execution"`
	Definition json.RawMessage `json:"Definition,omitempty"`
	Graph      *graph.Graph    `json:"Graph,omitempty"`
	// GraphError says why there is no graph (a version-1 execution has
	// no definition).
	GraphError string `json:"GraphError,omitempty"`
}

func (c *Console) execution(ec echo.Context) error {
	ctx, id := ec.Request().Context(), ec.Param("Id")
	x, err := c.d.Executions.Execution(ctx, id)
	if err != nil {
		return err
	}
	h, err := c.d.Executions.History(ctx, id)
	if err != nil {
		return err
	}
	out := ExecutionDetail{Execution: x, Definition: definitionOf(h)}
	if len(out.Definition) == 0 {
		out.GraphError = "this execution has no States Language definition (an execution of the first engine)"
		return ec.JSON(http.StatusOK, out)
	}
	if out.Graph, err = c.draw(ctx, out.Definition); err != nil {
		out.GraphError = err.Error()
	}
	return ec.JSON(http.StatusOK, out)
}

// draw lays out a definition; only a definition that does not parse is
// the caller's problem.
func (c *Console) draw(ctx context.Context, def []byte) (*graph.Graph, error) {
	g, err := c.graphs.Layout(ctx, def)
	if errors.Is(err, graph.ErrInvalid) {
		return nil, problem.Invalid("Definition", "%v", err)
	}
	return g, err
}

// definitionOf is the definition an execution's ExecutionQueued carries.
func definitionOf(h []events.Envelope) json.RawMessage {
	for i := range h {
		if h[i].Type != "ExecutionQueued" {
			continue
		}
		var q struct {
			Definition json.RawMessage `json:"Definition"`
		}
		if json.Unmarshal(h[i].Data, &q) == nil {
			return q.Definition
		}
	}
	return nil
}

// RunDetail is one run of a state: its read model, the input it was
// entered with, its output (or the error output a Catch placed), each
// attempt of a Task, and the history rows about it.
type RunDetail struct {
	Run      view.StateRun   `json:"Run"`
	Input    json.RawMessage `json:"Input,omitempty"`
	Output   json.RawMessage `json:"Output,omitempty"`
	Attempts []Attempt       `json:"Attempts"`
	History  []HistoryRow    `json:"History"`
}

// Attempt is one attempt of a Task run.
type Attempt struct {
	Attempt   int             `json:"Attempt"`
	Scheduled time.Time       `json:"Scheduled"`
	Ended     *time.Time      `json:"Ended,omitempty"`
	Payload   json.RawMessage `json:"Payload,omitempty"`
	Function  string          `json:"Function,omitempty"`
	Error     string          `json:"Error,omitempty"`
	Cause     string          `json:"Cause,omitempty"`
	// RetryDelayMs is the backoff before the next attempt, when a Retry
	// took this attempt's failure.
	RetryDelayMs int64 `json:"RetryDelayMs,omitempty"`
}

// HistoryRow is one event of the history, with its index in it.
type HistoryRow struct {
	Index int             `json:"Index"`
	Time  time.Time       `json:"Time"`
	Type  string          `json:"Type"`
	Data  json.RawMessage `json:"Data"`
}

func (c *Console) stateRun(ec echo.Context) error {
	ctx, id := ec.Request().Context(), ec.Param("Id")
	n, err := strconv.ParseInt(ec.Param("Run"), 10, 32)
	if err != nil || n < 1 {
		return problem.Invalid("Run", "%q: want a run number from 1", ec.Param("Run"))
	}
	x, err := c.d.Executions.Execution(ctx, id)
	if err != nil {
		return err
	}
	out := RunDetail{Attempts: []Attempt{}, History: []HistoryRow{}}
	found := false
	if x.Run != nil {
		for _, s := range x.Run.States {
			if s.Run == int32(n) {
				out.Run, found = s, true
			}
		}
	}
	if !found {
		return problem.NotFound("state run", id+"/"+ec.Param("Run"))
	}
	h, err := c.d.Executions.History(ctx, id)
	if err != nil {
		return err
	}
	for i := range h {
		if runOf(h[i]) == int32(n) {
			out.add(i, h[i])
		}
	}
	return ec.JSON(http.StatusOK, out)
}

func runOf(env events.Envelope) int32 {
	var r struct {
		Run int32 `json:"Run"`
	}
	_ = json.Unmarshal(env.Data, &r)
	return r.Run
}

// add folds one event about the run into the detail.
func (d *RunDetail) add(i int, env events.Envelope) {
	d.History = append(d.History, HistoryRow{Index: i, Time: env.Time, Type: env.Type, Data: env.Data})
	p, err := env.Decode()
	if err != nil {
		return
	}
	at := env.Time
	switch e := p.(type) {
	case *events.StateEntered:
		d.Input = e.Input
	case *events.StateExited:
		d.Output = e.Output
	case *events.StateCaught:
		d.Output = e.Output
	case *events.TaskScheduled:
		d.Attempts = append(d.Attempts, Attempt{Attempt: e.Attempt, Scheduled: at, Payload: e.Payload, Function: e.Function})
	case *events.TaskSucceeded:
		d.attempt(e.Attempt, func(a *Attempt) { a.Ended = &at })
	case *events.TaskFailed:
		d.attempt(e.Attempt, func(a *Attempt) { a.Ended, a.Error, a.Cause = &at, e.Error, e.Cause })
	case *events.TaskRetrying:
		d.attempt(e.Attempt, func(a *Attempt) { a.RetryDelayMs = e.DelayMs })
	}
}

// attempt applies fn to the last record of attempt n.
func (d *RunDetail) attempt(n int, fn func(*Attempt)) {
	for i := len(d.Attempts) - 1; i >= 0; i-- {
		if d.Attempts[i].Attempt == n {
			fn(&d.Attempts[i])
			return
		}
	}
}
