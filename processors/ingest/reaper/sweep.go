package reaper

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/mie-kafka/mie/internal/view"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/broker"
)

// sweep acts on every stale pending segment of the partitions that have
// caught up.
func (r *Reaper) sweep(ctx context.Context, cl *kgo.Client) {
	if err := r.learnEnds(ctx, cl); err != nil {
		r.log.Warn("reaper: cannot read the segments topic's ends; sweeping later", "err", err)
		return
	}
	now := r.cfg.Now()
	cutoff := now.Add(-r.cfg.Deadline)
	var stale []view.Segment
	r.mu.Lock()
	for _, part := range r.parts {
		if part.end < 0 || part.pos < part.end {
			continue // still replaying
		}
		for _, rw := range part.rows {
			if rw.seg.Status == events.SegmentPending && rw.seg.Updated.Before(cutoff) && rw.acted.Before(cutoff) {
				rw.acted = now
				stale = append(stale, rw.seg)
			}
		}
	}
	r.mu.Unlock()
	sort.Slice(stale, func(i, j int) bool { return stale[i].SegmentId < stale[j].SegmentId })
	for _, seg := range stale {
		if ctx.Err() != nil {
			return
		}
		if err := r.reap(ctx, cl, seg, now); err != nil {
			r.log.Error("writing a stale segment's transition failed; trying again next sweep", "segment_id", seg.SegmentId, "err", err)
			r.mu.Lock()
			for _, part := range r.parts {
				if rw := part.rows[seg.SegmentId]; rw != nil {
					rw.acted = time.Time{}
				}
			}
			r.mu.Unlock()
		}
	}
}

// learnEnds reads the stable end of the partitions that do not know it.
func (r *Reaper) learnEnds(ctx context.Context, cl *kgo.Client) error {
	r.mu.Lock()
	need := false
	for _, part := range r.parts {
		need = need || part.end < 0
	}
	r.mu.Unlock()
	if !need {
		return nil
	}
	ends, err := broker.StableEnds(ctx, cl, r.cfg.Catalog.Segments())
	if err != nil {
		return err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for p, part := range r.parts {
		if end, ok := ends[p]; ok && part.end < 0 {
			part.end = end
		}
	}
	return nil
}

// reap re-drives seg, or fails it once it has been re-driven MaxRedrives
// times. The transition is written first, so that it precedes whatever the
// new execution writes; a re-drive whose start fails still counts, and the
// next is a Deadline later.
func (r *Reaper) reap(ctx context.Context, cl *kgo.Client, seg view.Segment, now time.Time) error {
	idle := now.Sub(seg.Updated).Round(time.Second)
	e := seg.SegmentStatusChanged
	e.Previous, e.Reason = events.SegmentPending, ""
	e.Transcript, e.Caption, e.Enriched, e.EntityCount, e.TripleCount, e.VisualStored = "", "", false, 0, 0, false
	if seg.Redrives >= r.cfg.MaxRedrives {
		e.Status = events.SegmentFailed
		e.Reason = fmt.Sprintf("pending with no progress for %s after %d re-drives by the reaper", idle, seg.Redrives)
		if err := r.emit(ctx, cl, &e); err != nil {
			return err
		}
		r.log.Warn("stale segment failed", "segment_id", seg.SegmentId, "idle", idle, "redrives", seg.Redrives)
		if err := r.cfg.Redriver.Abandon(ctx, seg); err != nil {
			r.log.Warn("could not stop the failed segment's execution", "segment_id", seg.SegmentId,
				"execution", seg.WorkflowExecutionId, "err", err)
		}
		return nil
	}
	e.Status = events.SegmentPending
	e.Redrives = seg.Redrives + 1
	e.Reason = fmt.Sprintf("re-driven by the reaper (%d of %d) after %s with no progress", e.Redrives, r.cfg.MaxRedrives, idle)
	if err := r.emit(ctx, cl, &e); err != nil {
		return err
	}
	id, err := r.cfg.Redriver.Redrive(ctx, seg)
	if err != nil {
		r.log.Error("re-driving a stale segment failed; it counts as a re-drive, the next is a deadline later",
			"segment_id", seg.SegmentId, "redrive", e.Redrives, "err", err)
		return nil
	}
	r.log.Info("stale segment re-driven", "segment_id", seg.SegmentId, "execution", id, "idle", idle, "redrive", e.Redrives)
	return nil
}

func (r *Reaper) emit(ctx context.Context, cl *kgo.Client, e *events.SegmentStatusChanged) error {
	env, err := events.New(e.SegmentId, Name, e)
	if err != nil {
		return err
	}
	env.CorrelationID = e.WorkflowExecutionId
	rec, err := env.Record(r.cfg.Catalog.Segments())
	if err != nil {
		return err
	}
	if err := cl.ProduceSync(ctx, rec).FirstErr(); err != nil {
		return fmt.Errorf("write segment %s -> %s: %w", e.SegmentId, e.Status, err)
	}
	return nil
}
