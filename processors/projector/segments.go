package projector

import (
	chconn "github.com/mie-kafka/mie/internal/clickhouse"
	"github.com/mie-kafka/mie/internal/view"

	"context"
	"fmt"
	"sort"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/deadletter"
	"github.com/mie-kafka/mie/internal/topics"
)

// Segments is the projection of the segments topic into segments: each
// segment's last status move, with the time of its first move (which
// needs the segment's previous row: the folder keeps it, or loads it).
var Segments = Definition{
	Name:   chconn.ProjectionSegments,
	Topic:  topics.Catalog.Segments,
	Tables: []string{"segments"},
	New:    func() Folder { return &segmentFolder{last: map[string]chconn.SegmentRow{}} },
}

// maxCachedSegments bounds the rows kept between batches; past it the
// cache starts again empty and misses reload from the sink.
const maxCachedSegments = 200_000

type segmentFolder struct {
	last map[string]chconn.SegmentRow
}

func (f *segmentFolder) Reset() { f.last = map[string]chconn.SegmentRow{} }

func (f *segmentFolder) Load(ctx context.Context, s StateSource, recs []Record) error {
	seen := map[string]bool{}
	var missing []string
	for _, r := range recs {
		if _, ok := f.last[r.Env.Key]; !ok && !seen[r.Env.Key] {
			seen[r.Env.Key] = true
			missing = append(missing, r.Env.Key)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	sort.Strings(missing)
	rows, err := s.LatestSegments(ctx, missing)
	if err != nil {
		return err
	}
	for id, row := range rows {
		f.last[id] = row
	}
	return nil
}

func (f *segmentFolder) Fold(recs []Record, gen uint32, out *chconn.Rows) []Bad {
	if len(f.last) > maxCachedSegments {
		f.Reset()
	}
	var bad []Bad
	idx := map[string]int{}
	for _, r := range recs {
		e, ok := r.Payload.(*events.SegmentStatusChanged)
		if !ok {
			bad = append(bad, Bad{Record: r, Reason: deadletter.ReasonUnexpectedType, Err: fmt.Errorf("%s is not a segment event", r.Env.Type)})
			continue
		}
		switch {
		case e.SegmentId == "" || e.Status == "":
			bad = append(bad, Bad{Record: r, Reason: deadletter.ReasonInvalid, Err: fmt.Errorf("%w: SegmentId and Status", errMissingField)})
			continue
		case e.SegmentId != r.Env.Key:
			bad = append(bad, Bad{Record: r, Reason: deadletter.ReasonKeyMismatch, Err: fmt.Errorf("%w: key %q, segment %q", errKeyMismatch, r.Env.Key, e.SegmentId)})
			continue
		}
		prev, had := f.last[e.SegmentId]
		if had && prev.Partition == r.Partition && r.Offset <= prev.Offset {
			continue // a redelivery: its row is written already
		}
		var before *view.Segment
		if had {
			seg := prev.Segment()
			before = &seg
		}
		next, ok := view.NextSegment(before, r.Env.Time, e)
		if !ok {
			continue // a void transition: the segment stays as it is
		}
		row := chconn.SegmentRowOf(next, r.Partition, r.Offset, chconn.Version(gen, r.Offset))
		f.last[e.SegmentId] = row
		if i, ok := idx[e.SegmentId]; ok {
			out.Segments[i] = row
		} else {
			idx[e.SegmentId] = len(out.Segments)
			out.Segments = append(out.Segments, row)
		}
	}
	return bad
}
