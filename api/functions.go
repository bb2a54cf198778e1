package api

import (
	"context"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/problem"
)

// Functions is what the function routes need (internal/definitions.Service).
type Functions interface {
	PutFunction(ctx context.Context, f events.Function) (events.Function, error)
	DeleteFunction(ctx context.Context, name string) (events.Function, error)
	Function(name string) (events.Function, error)
	Functions() []events.Function
}

// functionBody is PUT /functions/{Name}'s body.
type functionBody struct {
	Implementation string            `json:"Implementation"`
	TimeoutSeconds int64             `json:"TimeoutSeconds"`
	Environment    map[string]string `json:"Environment"`
	Description    string            `json:"Description"`
}

// Functions are definitions: a name and an implementation that Task states
// reach (a Lambda function ARN or lambda:invoke's FunctionName names one).
// PUT /functions/{Name} creates or replaces one and answers 200 with it;
// GET lists or reads them; DELETE removes one.
func routeFunctions(e *echo.Echo, fs Functions) {
	e.PUT("/functions/:Name", func(c echo.Context) error {
		var in functionBody
		if err := bind(c, &in); err != nil {
			return err
		}
		out, err := fs.PutFunction(c.Request().Context(), events.Function{Name: c.Param("Name"),
			Implementation: in.Implementation, TimeoutSeconds: in.TimeoutSeconds, Environment: in.Environment,
			Description: in.Description})
		if err != nil {
			return err
		}
		return c.JSON(http.StatusOK, out)
	})
	e.GET("/functions", func(c echo.Context) error {
		list := fs.Functions()
		if list == nil {
			list = []events.Function{}
		}
		return c.JSON(http.StatusOK, list)
	})
	e.GET("/functions/:Name", func(c echo.Context) error {
		out, err := fs.Function(c.Param("Name"))
		if err != nil {
			return err
		}
		return c.JSON(http.StatusOK, out)
	})
	e.DELETE("/functions/:Name", func(c echo.Context) error {
		out, err := fs.DeleteFunction(c.Request().Context(), c.Param("Name"))
		if err != nil {
			return err
		}
		return c.JSON(http.StatusOK, out)
	})
	e.POST("/functions/:Name", func(c echo.Context) error {
		return problem.Invalid("method", "use PUT /functions/%s to create or replace a function", c.Param("Name"))
	})
}
