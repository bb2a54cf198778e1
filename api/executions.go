package api

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/mie-kafka/mie/internal/view"

	"github.com/labstack/echo/v4"

	"github.com/mie-kafka/mie/api/commands"
	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/problem"
)

// Executions is what the execution routes need.
type Executions interface {
	Start(ctx context.Context, req commands.StartRequest) (*view.Execution, error)
	Cancel(ctx context.Context, id, reason string) (*view.Execution, error)
	Resume(ctx context.Context, id, stage string) (*view.Execution, error)
	Execution(ctx context.Context, id string) (*view.Execution, error)
	Executions(ctx context.Context, f view.Filter) ([]*view.Execution, error)
	History(ctx context.Context, id string) ([]events.Envelope, error)
}

func routeExecutions(e *echo.Echo, x Executions) {
	e.POST("/workflow/execution", func(c echo.Context) error {
		var req commands.StartRequest
		if err := bind(c, &req); err != nil {
			return err
		}
		ex, err := x.Start(c.Request().Context(), req)
		if err != nil {
			return err
		}
		return c.JSON(http.StatusOK, View(ex))
	})
	e.GET("/workflow/execution", func(c echo.Context) error {
		return list(c, x, view.Filter{})
	})
	e.GET("/workflow/execution/status/:Status", func(c echo.Context) error {
		st := c.Param("Status")
		if !contains(view.Statuses, st) {
			return problem.Invalid("Status", "%q is not a workflow status; want one of %s", st, strings.Join(view.Statuses, ", "))
		}
		return list(c, x, view.Filter{Status: st})
	})
	e.GET("/workflow/execution/asset/:AssetId", func(c echo.Context) error {
		return list(c, x, view.Filter{AssetId: c.Param("AssetId")})
	})
	e.GET("/workflow/execution/:Id", func(c echo.Context) error {
		ex, err := x.Execution(c.Request().Context(), c.Param("Id"))
		if err != nil {
			return err
		}
		return c.JSON(http.StatusOK, View(ex))
	})
	e.GET("/workflow/execution/:Id/history", func(c echo.Context) error {
		h, err := x.History(c.Request().Context(), c.Param("Id"))
		if err != nil {
			return err
		}
		return c.JSON(http.StatusOK, h)
	})
	e.DELETE("/workflow/execution/:Id", func(c echo.Context) error {
		ex, err := x.Cancel(c.Request().Context(), c.Param("Id"), c.QueryParam("reason"))
		if err != nil {
			return err
		}
		return c.JSON(http.StatusOK, View(ex))
	})
	e.PUT("/workflow/execution/:Id", func(c echo.Context) error {
		var body struct {
			WaitingStageName string `json:"WaitingStageName"`
		}
		if err := bind(c, &body); err != nil {
			return err
		}
		ex, err := x.Resume(c.Request().Context(), c.Param("Id"), body.WaitingStageName)
		if err != nil {
			return err
		}
		return c.JSON(http.StatusOK, View(ex))
	})
}

func list(c echo.Context, x Executions, f view.Filter) error {
	if l := c.QueryParam("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 {
			return problem.Invalid("limit", "%q is not a positive integer", l)
		}
		f.Limit = n
	}
	xs, err := x.Executions(c.Request().Context(), f)
	if err != nil {
		return err
	}
	out := make([]ExecutionView, 0, len(xs))
	for _, ex := range xs {
		out = append(out, View(ex))
	}
	return c.JSON(http.StatusOK, out)
}

// ExecutionView is MIE's workflow execution record.
type ExecutionView struct {
	Id            string               `json:"Id"`
	AssetId       string               `json:"AssetId"`
	Status        string               `json:"Status"`
	CurrentStage  string               `json:"CurrentStage"`
	Globals       events.Globals       `json:"Globals"`
	Configuration events.Configuration `json:"Configuration"`
	Trigger       events.Trigger       `json:"Trigger"`
	Workflow      WorkflowRunView      `json:"Workflow"`
	Created       time.Time            `json:"Created"`
	StartTime     *time.Time           `json:"StartTime,omitempty"`
	EndTime       *time.Time           `json:"EndTime,omitempty"`
	WaitingStage  string               `json:"WaitingStageName,omitempty"`
	Message       string               `json:"Message,omitempty"`
	Cause         string               `json:"Cause,omitempty"`
}

// WorkflowRunView is the workflow inside an execution record.
type WorkflowRunView struct {
	Name    string                  `json:"Name"`
	StartAt string                  `json:"StartAt"`
	Version string                  `json:"Version,omitempty"`
	Id      string                  `json:"Id,omitempty"`
	Stages  map[string]StageRunView `json:"Stages"`
}

// StageRunView is one stage of an execution with its operators' outputs.
type StageRunView struct {
	Name          string                    `json:"Name"`
	Operations    []string                  `json:"Operations"`
	Configuration map[string]map[string]any `json:"Configuration"`
	Next          string                    `json:"Next,omitempty"`
	End           bool                      `json:"End,omitempty"`
	Status        string                    `json:"Status"`
	Outputs       []OperatorRunView         `json:"Outputs"`
	StartTime     *time.Time                `json:"StartTime,omitempty"`
	EndTime       *time.Time                `json:"EndTime,omitempty"`
	Message       string                    `json:"Message,omitempty"`
}

// OperatorRunView is one operator's status and output in a stage.
type OperatorRunView struct {
	Name                string                        `json:"Name"`
	Status              string                        `json:"Status"`
	AssetId             string                        `json:"AssetId"`
	WorkflowExecutionId string                        `json:"WorkflowExecutionId"`
	Media               map[string]events.MediaObject `json:"Media"`
	MetaData            map[string]any                `json:"MetaData"`
	Attempt             int                           `json:"Attempt,omitempty"`
	StartTime           *time.Time                    `json:"StartTime,omitempty"`
	EndTime             *time.Time                    `json:"EndTime,omitempty"`
	Message             string                        `json:"Message,omitempty"`
	Cause               string                        `json:"Cause,omitempty"`
	Reason              string                        `json:"Reason,omitempty"`
}

func tp(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

// View renders an execution as MIE's record.
func View(x *view.Execution) ExecutionView {
	v := ExecutionView{
		Id: x.Id, AssetId: x.AssetId, Status: x.Status, CurrentStage: x.CurrentStage,
		Globals: x.Globals, Configuration: x.Configuration, Trigger: x.Trigger,
		Created: x.Created, StartTime: tp(x.Started), EndTime: tp(x.Ended),
		WaitingStage: x.WaitingStage, Message: x.Error, Cause: x.Cause,
		Workflow: WorkflowRunView{Name: x.Workflow.Name, StartAt: x.Workflow.StartAt, Version: x.Workflow.Version,
			Id: x.Workflow.Id, Stages: map[string]StageRunView{}},
	}
	if v.Configuration == nil {
		v.Configuration = events.Configuration{}
	}
	for name, st := range x.Workflow.Stages {
		sv := StageRunView{Name: name, Operations: st.Operations, Configuration: st.Configuration,
			Next: st.Next, End: st.End, Status: view.NodeNotStarted, Outputs: []OperatorRunView{}}
		if n, ok := x.Node(name); ok {
			sv.Status, sv.StartTime, sv.EndTime, sv.Message = n.Status, tp(n.Started), tp(n.Ended), n.Error
		}
		for i, op := range st.Operations {
			ov := OperatorRunView{Name: op, Status: view.NodeNotStarted, AssetId: x.AssetId, WorkflowExecutionId: x.Id,
				Media: map[string]events.MediaObject{}, MetaData: map[string]any{}}
			if n, ok := x.Node(name + "/" + strconv.Itoa(i) + "/" + op); ok {
				ov.Status, ov.Attempt, ov.StartTime, ov.EndTime = n.Status, n.Attempt, tp(n.Started), tp(n.Ended)
				ov.Message, ov.Cause, ov.Reason = n.Error, n.Cause, n.Reason
				if n.Media != nil {
					ov.Media = n.Media
				}
				if n.MetaData != nil {
					ov.MetaData = n.MetaData
				}
			}
			sv.Outputs = append(sv.Outputs, ov)
		}
		v.Workflow.Stages[name] = sv
	}
	return v
}

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}
