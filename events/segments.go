package events

// Segment processing statuses (the ingest-window design's
// processing_status).
const (
	SegmentPending  = "pending"
	SegmentComplete = "complete"
	SegmentFailed   = "failed"
	SegmentSkipped  = "skipped"
)

// SegmentStatusChanged is one move of a segment's processing_status, on the
// segments topic keyed by segment id. A segment is one recording window of a
// session; its id is derived from the session and window index, so every
// delivery of the same window names the same segment. Each move is its own
// immutable event; the projection's current row is the last one.
type SegmentStatusChanged struct {
	SegmentId   string `json:"SegmentId"`
	SessionId   string `json:"SessionId"`
	UserId      string `json:"UserId"`
	WindowIndex int    `json:"WindowIndex"`
	FrameCount  int    `json:"FrameCount"`
	// Status is the new status; Previous the one it moved from ("" for a
	// new segment).
	Status   string `json:"Status"`
	Previous string `json:"Previous,omitempty"`
	// Reason says why (skipped, failed, re-driven by the reaper, ...).
	Reason string `json:"Reason,omitempty"`
	// Deliveries is how many times the window's GPU task was delivered.
	Deliveries int `json:"Deliveries,omitempty"`
	// Redrives is how many times the reaper re-drove the window.
	Redrives            int    `json:"Redrives,omitempty"`
	WorkflowExecutionId string `json:"WorkflowExecutionId,omitempty"`
	// Enrichment results, set on complete.
	Transcript   string `json:"Transcript,omitempty"`
	Caption      string `json:"Caption,omitempty"`
	Enriched     bool   `json:"Enriched,omitempty"`
	EntityCount  int    `json:"EntityCount,omitempty"`
	TripleCount  int    `json:"TripleCount,omitempty"`
	VisualStored bool   `json:"VisualStored,omitempty"`
}

func (*SegmentStatusChanged) EventType() string { return "SegmentStatusChanged" }

// Follows reports whether the transition applies to a segment whose status
// is current: its Previous must be that status. A transition of an
// existing segment that does not follow was decided on a stale view (say,
// the reaper's, just after the window completed) and is void: projections
// skip it.
func (e *SegmentStatusChanged) Follows(current string) bool { return e.Previous == current }

func init() {
	register(KindEvent, 1, func() Payload { return &SegmentStatusChanged{} })
}
