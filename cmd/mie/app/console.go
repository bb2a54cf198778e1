package app

import (
	"context"

	"github.com/labstack/echo/v4"

	"github.com/mie-kafka/mie/api/console"
	"github.com/mie-kafka/mie/docs"
)

// startConsole mounts the web console, its docs and /openapi.json on the
// API's server; stop ends its live streams (when the server shuts down).
func (a *App) startConsole(ctx context.Context, e *echo.Echo) (stop func(), err error) {
	d := console.Deps{Logger: a.log, Executions: a.executionsReader(), Commands: a.Commands, Definitions: a.Definitions,
		Kafka: a.kafka, Catalog: a.cat, Projections: projectionStatus{a}, Docs: docs.FS, OperatorTimeout: a.cfg.OperatorTimeout}
	if a.Dataplane != nil {
		d.Objects = a.Dataplane
	}
	if pool, err := a.gpuPool(ctx); err == nil {
		d.GPU = pool
	} else {
		a.log.Warn("console: no GPU pool to report", "err", err)
	}
	c, err := console.Register(ctx, e, d)
	if err != nil {
		return nil, err
	}
	a.closers = append(a.closers, func() { _ = c.Close() })
	return c.Shutdown, nil
}
