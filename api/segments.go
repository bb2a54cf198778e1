package api

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/mie-kafka/mie/internal/view"

	"github.com/labstack/echo/v4"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/problem"
	"github.com/mie-kafka/mie/projections"
)

// SegmentStatuses are the processing statuses GET /segments filters on.
var SegmentStatuses = []string{events.SegmentPending, events.SegmentComplete, events.SegmentFailed, events.SegmentSkipped}

// routeSegments serves the segment projection: one segment by id, and a
// session's segments in window order.
func routeSegments(e *echo.Echo, s projections.Segments) {
	e.GET("/segments/:Id", func(c echo.Context) error {
		seg, err := s.Segment(c.Request().Context(), c.Param("Id"))
		if err != nil {
			return err
		}
		return c.JSON(http.StatusOK, seg)
	})
	e.GET("/segments", func(c echo.Context) error {
		f, err := segmentFilter(c)
		if err != nil {
			return err
		}
		list, err := s.Segments(c.Request().Context(), f)
		if err != nil {
			return err
		}
		return c.JSON(http.StatusOK, list)
	})
}

func segmentFilter(c echo.Context) (view.SegmentFilter, error) {
	var f view.SegmentFilter
	f.SessionId = strings.TrimSpace(c.QueryParam("sessionId"))
	if f.SessionId == "" {
		return f, problem.Invalid("sessionId", "the query parameter is required: GET /segments?sessionId=<session>")
	}
	if st := c.QueryParam("status"); st != "" {
		if !contains(SegmentStatuses, st) {
			return f, problem.Invalid("status", "%q is not a segment status; want one of %s", st, strings.Join(SegmentStatuses, ", "))
		}
		f.Status = st
	}
	if l := c.QueryParam("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 {
			return f, problem.Invalid("limit", "%q is not a positive integer", l)
		}
		f.Limit = n
	}
	return f, nil
}
