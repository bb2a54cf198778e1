package memory

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/mie-kafka/mie/internal/view"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/broker"
	"github.com/mie-kafka/mie/internal/problem"
	"github.com/mie-kafka/mie/internal/topics"
	"github.com/mie-kafka/mie/projections"
)

// SegmentsName is the segment projection's stable name.
const SegmentsName = "memory-segments"

// SegmentsConfig configures the segment projection.
type SegmentsConfig struct {
	Kafka   broker.Config
	Catalog topics.Catalog
	Logger  *slog.Logger
}

// Segments is the memory projection of the segments topic: each segment's
// current state is its last SegmentStatusChanged, with the enrichment
// fields of earlier moves kept when a later move leaves them out. A
// transition that does not follow the current status is void and skipped
// (events.SegmentStatusChanged.Follows).
type Segments struct {
	cfg SegmentsConfig
	log *slog.Logger

	mu      sync.RWMutex
	rows    map[string]*view.Segment
	applied int64
	*tracker
}

var _ projections.Segments = (*Segments)(nil)

// NewSegments returns an empty projection; Run fills it.
func NewSegments(cfg SegmentsConfig) (*Segments, error) {
	var errs []error
	if err := cfg.Kafka.Validate(); err != nil {
		errs = append(errs, err)
	}
	if cfg.Logger == nil {
		errs = append(errs, errors.New("memory segments projection: Logger is required"))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return &Segments{
		cfg: cfg, log: cfg.Logger.With("projection", SegmentsName),
		rows: map[string]*view.Segment{}, tracker: newTracker(cfg.Catalog.Segments()),
	}, nil
}

// Run consumes the segments topic until ctx is cancelled.
func (s *Segments) Run(ctx context.Context) error {
	return s.tracker.run(ctx, s.cfg.Kafka, s.log, s.applyRecord)
}

func (s *Segments) applyRecord(r *kgo.Record) {
	env, p, err := events.DecodeRecord(r)
	if err == nil {
		if e, ok := p.(*events.SegmentStatusChanged); ok {
			s.Apply(env.Time, e)
		} else {
			err = fmt.Errorf("unexpected %s on the segments topic", env.Type)
		}
	}
	if err != nil {
		s.log.Error("skipping segments record", "partition", r.Partition, "offset", r.Offset, "err", err)
	}
}

// Apply folds one transition into the projection; Run does it for each
// record, and tests and replay tools may call it directly.
func (s *Segments) Apply(at time.Time, e *events.SegmentStatusChanged) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.applied++
	row := s.rows[e.SegmentId]
	next, ok := view.NextSegment(row, at, e)
	if !ok {
		s.log.Warn("skipping a segment transition that does not follow the current status", "segment", e.SegmentId,
			"current", row.Status, "previous", e.Previous, "status", e.Status, "reason", e.Reason)
		return
	}
	s.rows[e.SegmentId] = &next
}

// Applied returns the number of transitions folded so far.
func (s *Segments) Applied() int64 {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.applied
}

// Segment implements projections.Segments.
func (s *Segments) Segment(_ context.Context, id string) (*view.Segment, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	row, ok := s.rows[id]
	if !ok {
		return nil, problem.NotFound("segment", id)
	}
	c := *row
	return &c, nil
}

// Segments implements projections.Segments.
func (s *Segments) Segments(_ context.Context, f view.SegmentFilter) ([]view.Segment, error) {
	s.mu.RLock()
	out := make([]view.Segment, 0)
	for _, row := range s.rows {
		if f.SessionId != "" && row.SessionId != f.SessionId ||
			f.Status != "" && row.Status != f.Status ||
			!f.UpdatedBefore.IsZero() && !row.Updated.Before(f.UpdatedBefore) {
			continue
		}
		out = append(out, *row)
	}
	s.mu.RUnlock()
	slices.SortFunc(out, func(a, b view.Segment) int {
		return cmp.Or(cmp.Compare(a.SessionId, b.SessionId), cmp.Compare(a.WindowIndex, b.WindowIndex),
			cmp.Compare(a.SegmentId, b.SegmentId))
	})
	if f.Limit > 0 && len(out) > f.Limit {
		out = out[:f.Limit]
	}
	return out, nil
}
