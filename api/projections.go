package api

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/mie-kafka/mie/internal/view"

	"github.com/labstack/echo/v4"
)

// Projections reports where the projections stand.
type Projections interface {
	Status(ctx context.Context) ([]view.Status, error)
}

// routeProjections serves GET /projections (JSON) and GET /metrics (the
// Prometheus text format: lag, position and generation per projection).
func routeProjections(e *echo.Echo, p Projections) {
	e.GET("/projections", func(c echo.Context) error {
		st, err := p.Status(c.Request().Context())
		if err != nil {
			return err
		}
		return c.JSON(http.StatusOK, st)
	})
	e.GET("/metrics", func(c echo.Context) error {
		st, err := p.Status(c.Request().Context())
		if err != nil {
			return err
		}
		return c.Blob(http.StatusOK, "text/plain; version=0.0.4; charset=utf-8", []byte(Metrics(st)))
	})
}

// Metrics renders statuses in the Prometheus text exposition format.
func Metrics(st []view.Status) string {
	var b strings.Builder
	gauge := func(name, help string, each func(s view.Status)) {
		fmt.Fprintf(&b, "# HELP %s %s\n# TYPE %s gauge\n", name, help, name)
		for _, s := range st {
			each(s)
		}
	}
	labels := func(s view.Status) string {
		return fmt.Sprintf(`projection=%q,backend=%q`, s.Name, s.Backend)
	}
	gauge("mie_projection_lag", "Records of the projection's topic not yet applied (committed, for ClickHouse), per partition.",
		func(s view.Status) {
			for _, p := range s.Partitions {
				fmt.Fprintf(&b, "mie_projection_lag{%s,partition=\"%d\"} %d\n", labels(s), p.Partition, p.Lag)
			}
		})
	gauge("mie_projection_position", "Next offset of the topic the projection applies (committed, for ClickHouse), per partition.",
		func(s view.Status) {
			for _, p := range s.Partitions {
				fmt.Fprintf(&b, "mie_projection_position{%s,partition=\"%d\"} %d\n", labels(s), p.Partition, p.Position)
			}
		})
	gauge("mie_projection_generation", "Live generation of a ClickHouse projection (one more per rebuild).",
		func(s view.Status) {
			if s.Generation > 0 {
				fmt.Fprintf(&b, "mie_projection_generation{%s} %d\n", labels(s), s.Generation)
			}
		})
	return b.String()
}
