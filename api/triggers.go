package api

import (
	"context"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/mie-kafka/mie/events"
)

// Triggers is what the upload trigger routes need
// (internal/definitions.Service).
type Triggers interface {
	CreateTrigger(ctx context.Context, t events.UploadTrigger, replace bool) (events.UploadTrigger, error)
	DeleteTrigger(ctx context.Context, name string) (events.UploadTrigger, error)
	Trigger(name string) (events.UploadTrigger, error)
	Triggers() []events.UploadTrigger
}

// Upload triggers are control-plane definitions: POST /workflow/trigger
// sets one, GET lists or reads them, DELETE removes one.
func routeTriggers(e *echo.Echo, t Triggers) {
	e.POST("/workflow/trigger", func(c echo.Context) error {
		replace, err := boolParam(c, "replace")
		if err != nil {
			return err
		}
		var in events.UploadTrigger
		if err := bind(c, &in); err != nil {
			return err
		}
		out, err := t.CreateTrigger(c.Request().Context(), in, replace)
		if err != nil {
			return err
		}
		return c.JSON(http.StatusOK, out)
	})
	e.GET("/workflow/trigger", func(c echo.Context) error {
		ts := t.Triggers()
		if ts == nil {
			ts = []events.UploadTrigger{}
		}
		return c.JSON(http.StatusOK, ts)
	})
	e.GET("/workflow/trigger/:Name", func(c echo.Context) error {
		out, err := t.Trigger(c.Param("Name"))
		if err != nil {
			return err
		}
		return c.JSON(http.StatusOK, out)
	})
	e.DELETE("/workflow/trigger/:Name", func(c echo.Context) error {
		out, err := t.DeleteTrigger(c.Request().Context(), c.Param("Name"))
		if err != nil {
			return err
		}
		return c.JSON(http.StatusOK, out)
	})
}
