package memory_test

import (
	"context"
	"errors"
	"log/slog"
	"testing"
	"time"

	"github.com/mie-kafka/mie/internal/view"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/broker"
	"github.com/mie-kafka/mie/internal/kafkatest"
	"github.com/mie-kafka/mie/internal/problem"
	"github.com/mie-kafka/mie/internal/topics"
	"github.com/mie-kafka/mie/projections/memory"
)

func segmentRecord(t *testing.T, cat topics.Catalog, e *events.SegmentStatusChanged) *kgo.Record {
	t.Helper()
	env, err := events.New(e.SegmentId, "test", e)
	if err != nil {
		t.Fatal(err)
	}
	rec, err := env.Record(cat.Segments())
	if err != nil {
		t.Fatal(err)
	}
	return rec
}

func startSegments(t *testing.T, kafka broker.Config, cat topics.Catalog) *memory.Segments {
	t.Helper()
	s, err := memory.NewSegments(memory.SegmentsConfig{Kafka: kafka, Catalog: cat, Logger: slog.New(slog.NewTextHandler(t.Output(), nil))})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	})
	return s
}

func window(id, session string, idx int, status, prev string) *events.SegmentStatusChanged {
	return &events.SegmentStatusChanged{SegmentId: id, SessionId: session, UserId: "u1", WindowIndex: idx,
		FrameCount: 4, Status: status, Previous: prev}
}

func TestSegmentsFoldAndQuery(t *testing.T) {
	kafka, cat := kafkatest.Start(t)
	s := startSegments(t, kafka, cat)
	select {
	case <-s.Ready():
	case <-time.After(kafkatest.Timeout):
		t.Fatal("not ready")
	}

	pending := window("s1-w001", "s1", 1, events.SegmentPending, "")
	pending.Transcript, pending.WorkflowExecutionId = "hello there", "x1"
	retry := window("s1-w001", "s1", 1, events.SegmentPending, events.SegmentPending)
	retry.Deliveries, retry.Reason = 2, "GPU unavailable"
	done := window("s1-w001", "s1", 1, events.SegmentComplete, events.SegmentPending)
	done.Caption, done.Enriched, done.EntityCount, done.TripleCount, done.VisualStored = "a desk", true, 3, 2, true
	produceTxn(t, kafka,
		segmentRecord(t, cat, pending), segmentRecord(t, cat, retry), segmentRecord(t, cat, done),
		segmentRecord(t, cat, window("s1-w000", "s1", 0, events.SegmentSkipped, "")),
		segmentRecord(t, cat, window("s2-w000", "s2", 0, events.SegmentPending, "")),
	)
	// Sync makes every committed transition visible.
	ctx, cancel := context.WithTimeout(t.Context(), kafkatest.Timeout)
	defer cancel()
	if err := s.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	got, err := s.Segment(ctx, "s1-w001")
	if err != nil {
		t.Fatal(err)
	}
	want := view.Segment{SegmentStatusChanged: *done}
	want.Transcript, want.WorkflowExecutionId, want.Deliveries = "hello there", "x1", 2
	if got.SegmentStatusChanged != want.SegmentStatusChanged {
		t.Fatalf("segment = %+v\nwant      %+v", got.SegmentStatusChanged, want.SegmentStatusChanged)
	}
	if got.Created.IsZero() || got.Updated.Before(got.Created) {
		t.Fatalf("times: created %v updated %v", got.Created, got.Updated)
	}
	if _, err := s.Segment(ctx, "nope"); !errors.Is(err, problem.ErrNotFound) {
		t.Fatalf("unknown segment: err = %v, want not found", err)
	}

	ids := func(f view.SegmentFilter) []string {
		list, err := s.Segments(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		out := []string{}
		for _, r := range list {
			out = append(out, r.SegmentId)
		}
		return out
	}
	for _, c := range []struct {
		name string
		f    view.SegmentFilter
		want []string
	}{
		{"all, by session then window", view.SegmentFilter{}, []string{"s1-w000", "s1-w001", "s2-w000"}},
		{"session", view.SegmentFilter{SessionId: "s1"}, []string{"s1-w000", "s1-w001"}},
		{"status", view.SegmentFilter{Status: events.SegmentPending}, []string{"s2-w000"}},
		{"limit", view.SegmentFilter{Limit: 1}, []string{"s1-w000"}},
		{"updated before now", view.SegmentFilter{UpdatedBefore: time.Now().Add(time.Minute)}, []string{"s1-w000", "s1-w001", "s2-w000"}},
		{"updated before long ago", view.SegmentFilter{UpdatedBefore: time.Now().Add(-time.Hour)}, []string{}},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := ids(c.f); !equalStrings(got, c.want) {
				t.Fatalf("ids = %v, want %v", got, c.want)
			}
		})
	}

	// A new projection rebuilds the same state by replay.
	again := startSegments(t, kafka, cat)
	select {
	case <-again.Ready():
	case <-time.After(kafkatest.Timeout):
		t.Fatal("replay not ready")
	}
	replayed, err := again.Segment(ctx, "s1-w001")
	if err != nil || replayed.SegmentStatusChanged != got.SegmentStatusChanged {
		t.Fatalf("replayed = %+v, %v", replayed, err)
	}
}

// TestSegmentsSyncWaitsForCommitted: a transition committed right before
// Sync is visible when Sync returns, even when the log ends in a marker.
func TestSegmentsSyncWaitsForCommitted(t *testing.T) {
	kafka, cat := kafkatest.Start(t)
	s := startSegments(t, kafka, cat)
	for i := range 5 {
		st := events.SegmentPending
		prev := ""
		if i > 0 {
			st, prev = events.SegmentPending, events.SegmentPending
		}
		e := window("s9-w000", "s9", 0, st, prev)
		e.Deliveries = i + 1
		produceTxn(t, kafka, segmentRecord(t, cat, e))
		ctx, cancel := context.WithTimeout(t.Context(), kafkatest.Timeout)
		if err := s.Sync(ctx); err != nil {
			t.Fatal(err)
		}
		cancel()
		got, err := s.Segment(t.Context(), "s9-w000")
		if err != nil || got.Deliveries != i+1 {
			t.Fatalf("after commit %d: %+v, %v", i+1, got, err)
		}
	}
}

func TestSegmentsSyncNotRunning(t *testing.T) {
	kafka, cat := kafkatest.Start(t)
	s, err := memory.NewSegments(memory.SegmentsConfig{Kafka: kafka, Catalog: cat, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	if err := s.Sync(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Sync before Run = %v, want a deadline error", err)
	}
	if _, err := memory.NewSegments(memory.SegmentsConfig{}); err == nil {
		t.Fatal("NewSegments accepted an empty config")
	}
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestSegmentsVoidAndFreshRound: a transition that does not follow the
// current status is skipped; a failed segment processed again starts
// without the old counters.
func TestSegmentsVoidAndFreshRound(t *testing.T) {
	s, err := memory.NewSegments(memory.SegmentsConfig{Kafka: broker.Config{Brokers: []string{"127.0.0.1:1"}},
		Catalog: topics.New("", 1), Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	at := time.Now()
	p := window("a-w000", "a", 0, events.SegmentPending, "")
	s.Apply(at, p)
	c := window("a-w000", "a", 0, events.SegmentComplete, events.SegmentPending)
	s.Apply(at, c)
	late := window("a-w000", "a", 0, events.SegmentPending, events.SegmentPending) // a stale reaper's
	late.Redrives = 1
	s.Apply(at, late)
	if got, _ := s.Segment(t.Context(), "a-w000"); got.Status != events.SegmentComplete || got.Redrives != 0 {
		t.Fatalf("after a void transition: %+v", got)
	}

	s.Apply(at, window("b-w000", "b", 0, events.SegmentPending, ""))
	f := window("b-w000", "b", 0, events.SegmentFailed, events.SegmentPending)
	f.Deliveries, f.Redrives = 5, 2
	s.Apply(at, f)
	again := window("b-w000", "b", 0, events.SegmentPending, events.SegmentFailed)
	s.Apply(at, again)
	if got, _ := s.Segment(t.Context(), "b-w000"); got.Status != events.SegmentPending || got.Deliveries != 0 || got.Redrives != 0 {
		t.Fatalf("a new round kept the old counters: %+v", got)
	}
}
