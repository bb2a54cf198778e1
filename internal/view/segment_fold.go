package view

import (
	"cmp"
	"time"

	"github.com/mie-kafka/mie/events"
)

// NextSegment folds one status move into a segment's current state (prev
// is nil for its first move). A move whose Previous is not the current
// status is void (a late re-drive racing a completion): ok is false and
// the state stays. Otherwise the move's fields win, except that a move
// that leaves out the enrichment (transcript, caption, execution id, the
// enrichment counts) keeps the earlier ones of a pending segment, and
// Deliveries and Redrives never go down; a failed or skipped segment
// processed again starts afresh. Created is the first move's time, Updated
// the last's. Every segment projection folds with it, so they cannot
// disagree.
func NextSegment(prev *Segment, at time.Time, e *events.SegmentStatusChanged) (next Segment, ok bool) {
	if prev == nil {
		return Segment{SegmentStatusChanged: *e, Created: at, Updated: at}, true
	}
	if !e.Follows(prev.Status) {
		return *prev, false
	}
	merged := *e
	keep := &prev.SegmentStatusChanged
	if keep.Status != events.SegmentPending {
		keep = &events.SegmentStatusChanged{}
	}
	merged.Transcript = cmp.Or(merged.Transcript, keep.Transcript)
	merged.Caption = cmp.Or(merged.Caption, keep.Caption)
	merged.WorkflowExecutionId = cmp.Or(merged.WorkflowExecutionId, keep.WorkflowExecutionId)
	merged.Deliveries = max(merged.Deliveries, keep.Deliveries)
	merged.Redrives = max(merged.Redrives, keep.Redrives)
	if !merged.Enriched && merged.EntityCount == 0 && merged.TripleCount == 0 && !merged.VisualStored {
		merged.Enriched, merged.EntityCount, merged.TripleCount, merged.VisualStored =
			keep.Enriched, keep.EntityCount, keep.TripleCount, keep.VisualStored
	}
	return Segment{SegmentStatusChanged: merged, Created: prev.Created, Updated: at}, true
}
