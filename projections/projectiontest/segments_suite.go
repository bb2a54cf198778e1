package projectiontest

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/mie-kafka/mie/internal/view"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/problem"
	"github.com/mie-kafka/mie/projections"
)

func segmentIDs(ss []view.Segment) []string {
	out := []string{}
	for _, s := range ss {
		out = append(out, s.SegmentId)
	}
	return out
}

// segmentTimes returns the first and last move times of segment id.
func segmentTimes(s Stream, id string) (first, last time.Time) {
	for _, e := range s.Events {
		if e.Key == id {
			if first.IsZero() {
				first = e.Time
			}
			last = e.Time
		}
	}
	return first, last
}

func segmentsSuite(t *testing.T, p projections.Segments, s Stream) {
	ctx := t.Context()

	t.Run("Segment", func(t *testing.T) {
		got, err := p.Segment(ctx, "s1-w0")
		if err != nil {
			t.Fatal(err)
		}
		first, last := segmentTimes(s, "s1-w0")
		want := events.SegmentStatusChanged{SegmentId: "s1-w0", SessionId: "s1", UserId: "u-s1", WindowIndex: 0, FrameCount: 30,
			Status: events.SegmentComplete, Previous: events.SegmentPending, Deliveries: 1, WorkflowExecutionId: "x-s1-w0",
			Transcript: "hello there", Caption: "a person waves", Enriched: true, EntityCount: 2, TripleCount: 3, VisualStored: true}
		if got.SegmentStatusChanged != want || !got.Created.Equal(first) || !got.Updated.Equal(last) {
			t.Errorf("Segment(s1-w0) = %+v\nwant %+v created %s updated %s", got, want, first, last)
		}
		// The reaper's re-drive is kept in the count after the window completed.
		got, err = p.Segment(ctx, "s2-w0")
		if err != nil || got.Status != events.SegmentComplete || got.Redrives != 1 || got.Deliveries != 2 || got.Transcript != "second try" {
			t.Errorf("Segment(s2-w0) = %+v %v", got, err)
		}
		if _, err := p.Segment(ctx, "nope"); !errors.Is(err, problem.ErrNotFound) {
			t.Errorf("Segment(nope) = %v, want ErrNotFound", err)
		}
	})

	t.Run("Segments", func(t *testing.T) {
		_, pendingAt := segmentTimes(s, "s2-w1")
		for _, tt := range []struct {
			name string
			f    view.SegmentFilter
			want []string
		}{
			{"all, by session then window", view.SegmentFilter{}, []string{"s1-w0", "s1-w1", "s1-w2", "s2-w0", "s2-w1"}},
			{"by session", view.SegmentFilter{SessionId: "s1"}, []string{"s1-w0", "s1-w1", "s1-w2"}},
			{"by status", view.SegmentFilter{Status: events.SegmentPending}, []string{"s2-w1"}},
			{"by status complete", view.SegmentFilter{Status: events.SegmentComplete}, []string{"s1-w0", "s2-w0"}},
			{"by session and status", view.SegmentFilter{SessionId: "s1", Status: events.SegmentFailed}, []string{"s1-w1"}},
			{"stale pending", view.SegmentFilter{Status: events.SegmentPending, UpdatedBefore: pendingAt.Add(time.Millisecond)}, []string{"s2-w1"}},
			{"updated before is strict", view.SegmentFilter{Status: events.SegmentPending, UpdatedBefore: pendingAt}, []string{}},
			{"updated before, any status", view.SegmentFilter{UpdatedBefore: T0.Add(21 * time.Minute)}, []string{"s1-w0", "s2-w1"}},
			{"limit", view.SegmentFilter{Limit: 2}, []string{"s1-w0", "s1-w1"}},
			{"no match", view.SegmentFilter{SessionId: "s9"}, []string{}},
		} {
			got, err := p.Segments(ctx, tt.f)
			if err != nil {
				t.Fatalf("%s: %v", tt.name, err)
			}
			if !slices.Equal(segmentIDs(got), tt.want) {
				t.Errorf("%s: Segments(%+v) = %v, want %v", tt.name, tt.f, segmentIDs(got), tt.want)
			}
		}
		all, _ := p.Segments(ctx, view.SegmentFilter{})
		for _, seg := range all {
			one, err := p.Segment(ctx, seg.SegmentId)
			if err != nil || *one != seg {
				t.Errorf("listed %s = %+v, Segment gives %+v %v", seg.SegmentId, seg, one, err)
			}
		}
	})
}

func followSegments(t *testing.T, p projections.Segments, s, more Stream) {
	got, err := p.Segment(t.Context(), "s2-w1")
	first, _ := segmentTimes(s, "s2-w1")
	_, last := segmentTimes(more, "s2-w1")
	if err != nil || got.Status != events.SegmentComplete || got.Transcript != "late" || !got.Created.Equal(first) || !got.Updated.Equal(last) {
		t.Errorf("Segment(s2-w1) after it completed = %+v %v", got, err)
	}
	pending, err := p.Segments(t.Context(), view.SegmentFilter{Status: events.SegmentPending})
	if err != nil || len(pending) != 0 {
		t.Errorf("pending segments = %v %v, want none", segmentIDs(pending), err)
	}
}
