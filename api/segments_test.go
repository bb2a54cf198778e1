package api

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"github.com/mie-kafka/mie/internal/view"

	"github.com/labstack/echo/v4"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/broker"
	"github.com/mie-kafka/mie/internal/topics"
	"github.com/mie-kafka/mie/projections/memory"
)

// TestSegmentRoutes serves a real segment projection, folded by hand.
func TestSegmentRoutes(t *testing.T) {
	seg, err := memory.NewSegments(memory.SegmentsConfig{Kafka: broker.Config{Brokers: []string{"127.0.0.1:1"}},
		Catalog: topics.New("", 1), Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	for _, e := range []*events.SegmentStatusChanged{
		{SegmentId: "s1-w001", SessionId: "s1", UserId: "u", WindowIndex: 1, FrameCount: 3, Status: events.SegmentPending},
		{SegmentId: "s1-w001", SessionId: "s1", UserId: "u", WindowIndex: 1, FrameCount: 3, Status: events.SegmentComplete,
			Previous: events.SegmentPending, Enriched: true, EntityCount: 2},
		{SegmentId: "s1-w000", SessionId: "s1", UserId: "u", WindowIndex: 0, Status: events.SegmentPending},
		{SegmentId: "s2-w000", SessionId: "s2", UserId: "u", WindowIndex: 0, Status: events.SegmentSkipped},
	} {
		seg.Apply(at, e)
	}
	e := echo.New()
	e.HTTPErrorHandler = errorHandler(slog.New(slog.NewTextHandler(t.Output(), nil)))
	routeSegments(e, seg)

	ids := func(want ...string) func(t *testing.T, body string) {
		return func(t *testing.T, body string) {
			var list []view.Segment
			if err := json.Unmarshal([]byte(body), &list); err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, s := range list {
				got = append(got, s.SegmentId)
			}
			if len(got) != len(want) {
				t.Fatalf("ids = %v, want %v", got, want)
			}
			for i := range got {
				if got[i] != want[i] {
					t.Fatalf("ids = %v, want %v", got, want)
				}
			}
		}
	}
	run(t, e, []step{
		{method: "GET", path: "/segments/s1-w001", status: http.StatusOK,
			contains: []string{`"Status":"complete"`, `"Previous":"pending"`, `"EntityCount":2`, `"Created":"2026-01-02T03:04:05Z"`}},
		{method: "GET", path: "/segments/nope", status: http.StatusNotFound, contains: []string{`"Code":"NotFoundError"`, `segment \"nope\"`}},
		{method: "GET", path: "/segments?sessionId=s1", status: http.StatusOK, check: ids("s1-w000", "s1-w001")},
		{method: "GET", path: "/segments?sessionId=s1&status=pending", status: http.StatusOK, check: ids("s1-w000")},
		{method: "GET", path: "/segments?sessionId=s1&limit=1", status: http.StatusOK, check: ids("s1-w000")},
		{method: "GET", path: "/segments?sessionId=s9", status: http.StatusOK, contains: []string{"[]"}},
		{method: "GET", path: "/segments", status: http.StatusBadRequest, contains: []string{`"Code":"BadRequestError"`, "sessionId"}},
		{method: "GET", path: "/segments?sessionId=s1&status=done", status: http.StatusBadRequest, contains: []string{"status", "pending, complete, failed, skipped"}},
		{method: "GET", path: "/segments?sessionId=s1&limit=0", status: http.StatusBadRequest, contains: []string{"limit"}},
	})
}
