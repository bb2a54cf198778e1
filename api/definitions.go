package api

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/definitions"
	"github.com/mie-kafka/mie/internal/problem"
)

// Definitions is the control plane the workflow routes need:
// operators, stages, workflows and the system configuration.
type Definitions interface {
	OperatorDefinitions
	StageDefinitions
	WorkflowDefinitions
	SystemConfiguration
}

// OperatorDefinitions serves /workflow/operation.
type OperatorDefinitions interface {
	CreateOperator(ctx context.Context, op events.Operator) (events.Operator, error)
	Operator(name string) (events.Operator, error)
	Operators() []events.Operator
	DeleteOperator(ctx context.Context, name string, force bool) (events.Operator, error)
}

// StageDefinitions serves /workflow/stage.
type StageDefinitions interface {
	CreateStage(ctx context.Context, st events.Stage) (events.Stage, error)
	Stage(name string) (events.Stage, error)
	Stages() []events.Stage
	DeleteStage(ctx context.Context, name string, force bool) (events.Stage, error)
}

// WorkflowDefinitions serves /workflow, its configuration and the lists of
// workflows by operator and by stage.
type WorkflowDefinitions interface {
	CreateWorkflow(ctx context.Context, wf events.Workflow) (definitions.ExpandedWorkflow, error)
	UpdateWorkflow(ctx context.Context, wf events.Workflow) (definitions.ExpandedWorkflow, error)
	Workflow(name string) (definitions.ExpandedWorkflow, error)
	Workflows() []definitions.ExpandedWorkflow
	DeleteWorkflow(ctx context.Context, name string) (definitions.ExpandedWorkflow, error)
	WorkflowConfiguration(name string) (definitions.WorkflowConfiguration, error)
	WorkflowsByOperator(name string) ([]definitions.ExpandedWorkflow, error)
	WorkflowsByStage(name string) ([]definitions.ExpandedWorkflow, error)
}

// SystemConfiguration serves /system/configuration.
type SystemConfiguration interface {
	SystemConfig() events.SystemConfigured
	Configure(ctx context.Context, c events.SystemConfigured) (events.SystemConfigured, error)
}

// routeDefinitions registers the control-plane routes. Nothing here is
// under /workflow/execution, which routeExecutions owns; Echo's static
// segments win over /workflow/:Name.
func routeDefinitions(e *echo.Echo, d Definitions) {
	e.GET("/system/configuration", func(c echo.Context) error {
		return c.JSON(http.StatusOK, d.SystemConfig())
	})
	e.POST("/system/configuration", func(c echo.Context) error {
		cfg, err := bindSystemConfig(c)
		if err != nil {
			return err
		}
		out, err := d.Configure(c.Request().Context(), cfg)
		return reply(c, out, err)
	})

	e.POST("/workflow/operation", func(c echo.Context) error {
		var op events.Operator
		if err := bind(c, &op); err != nil {
			return err
		}
		out, err := d.CreateOperator(c.Request().Context(), op)
		return reply(c, out, err)
	})
	e.GET("/workflow/operation", func(c echo.Context) error {
		return c.JSON(http.StatusOK, d.Operators())
	})
	e.GET("/workflow/operation/:Name", func(c echo.Context) error {
		out, err := d.Operator(c.Param("Name"))
		return reply(c, out, err)
	})
	e.DELETE("/workflow/operation/:Name", func(c echo.Context) error {
		force, err := forceParam(c)
		if err != nil {
			return err
		}
		out, err := d.DeleteOperator(c.Request().Context(), c.Param("Name"), force)
		return reply(c, out, err)
	})

	e.POST("/workflow/stage", func(c echo.Context) error {
		var st events.Stage
		if err := bind(c, &st); err != nil {
			return err
		}
		out, err := d.CreateStage(c.Request().Context(), st)
		return reply(c, out, err)
	})
	e.GET("/workflow/stage", func(c echo.Context) error {
		return c.JSON(http.StatusOK, d.Stages())
	})
	e.GET("/workflow/stage/:Name", func(c echo.Context) error {
		out, err := d.Stage(c.Param("Name"))
		return reply(c, out, err)
	})
	e.DELETE("/workflow/stage/:Name", func(c echo.Context) error {
		force, err := forceParam(c)
		if err != nil {
			return err
		}
		out, err := d.DeleteStage(c.Request().Context(), c.Param("Name"), force)
		return reply(c, out, err)
	})

	e.POST("/workflow", func(c echo.Context) error {
		var wf events.Workflow
		if err := bind(c, &wf); err != nil {
			return err
		}
		out, err := d.CreateWorkflow(c.Request().Context(), wf)
		return reply(c, out, err)
	})
	e.PUT("/workflow", func(c echo.Context) error {
		var wf events.Workflow
		if err := bind(c, &wf); err != nil {
			return err
		}
		out, err := d.UpdateWorkflow(c.Request().Context(), wf)
		return reply(c, out, err)
	})
	e.GET("/workflow", func(c echo.Context) error {
		return c.JSON(http.StatusOK, d.Workflows())
	})
	e.GET("/workflow/:Name", func(c echo.Context) error {
		out, err := d.Workflow(c.Param("Name"))
		return reply(c, out, err)
	})
	e.DELETE("/workflow/:Name", func(c echo.Context) error {
		out, err := d.DeleteWorkflow(c.Request().Context(), c.Param("Name"))
		return reply(c, out, err)
	})
	e.GET("/workflow/configuration/:Name", func(c echo.Context) error {
		out, err := d.WorkflowConfiguration(c.Param("Name"))
		return reply(c, out, err)
	})
	e.GET("/workflow/list/operation/:OperatorName", func(c echo.Context) error {
		out, err := d.WorkflowsByOperator(c.Param("OperatorName"))
		return reply(c, out, err)
	})
	e.GET("/workflow/list/stage/:StageName", func(c echo.Context) error {
		out, err := d.WorkflowsByStage(c.Param("StageName"))
		return reply(c, out, err)
	})
}

// reply writes v as 200 JSON, or returns err for the error handler.
func reply(c echo.Context, v any, err error) error {
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, v)
}

// forceParam reads ?force=true, which deletes a definition in use.
func forceParam(c echo.Context) (bool, error) {
	v := c.QueryParam("force")
	if v == "" {
		return false, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, problem.Invalid("force", "want true or false, got %q", v)
	}
	return b, nil
}

// systemConfigParameter is the only parameter MIE's system configuration
// supports.
const systemConfigParameter = "MaxConcurrentWorkflows"

// bindSystemConfig reads either body form: ours, {"MaxConcurrentWorkflows":
// n}, or MIE's, {"Name": "MaxConcurrentWorkflows", "Value": n}, where n may
// also be a string holding an integer as MIE clients send it.
func bindSystemConfig(c echo.Context) (events.SystemConfigured, error) {
	var body struct {
		Name                   *string         `json:"Name"`
		Value                  json.RawMessage `json:"Value"`
		MaxConcurrentWorkflows json.RawMessage `json:"MaxConcurrentWorkflows"`
	}
	if err := bind(c, &body); err != nil {
		return events.SystemConfigured{}, err
	}
	field, raw := systemConfigParameter, body.MaxConcurrentWorkflows
	if body.Name != nil {
		if *body.Name != systemConfigParameter {
			return events.SystemConfigured{}, problem.Invalid("Name", "unknown parameter %q; supported: %s", *body.Name, systemConfigParameter)
		}
		field, raw = "Value", body.Value
	}
	if len(raw) == 0 || string(raw) == "null" {
		return events.SystemConfigured{}, problem.Invalid(field, "required: an integer >= 1")
	}
	n, ok := jsonInt(raw)
	if !ok {
		return events.SystemConfigured{}, problem.Invalid(field, "want an integer >= 1, got %s", raw)
	}
	return events.SystemConfigured{MaxConcurrentWorkflows: n}, nil
}

// jsonInt reads a JSON integer, or a JSON string holding one.
func jsonInt(raw json.RawMessage) (int, bool) {
	var n int
	if err := json.Unmarshal(raw, &n); err == nil {
		return n, true
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return 0, false
	}
	n, err := strconv.Atoi(strings.TrimSpace(s))
	return n, err == nil
}
