package view

import (
	"time"

	"github.com/mie-kafka/mie/events"
)

// Segment is a segment's current state: the last SegmentStatusChanged,
// with the time of its first and last moves.
type Segment struct {
	events.SegmentStatusChanged
	Created time.Time `json:"Created"`
	Updated time.Time `json:"Updated"`
}

// SegmentFilter selects segments; empty fields match all.
type SegmentFilter struct {
	SessionId string
	Status    string
	// UpdatedBefore selects segments whose last move is older (the reaper's
	// query for stale pending segments).
	UpdatedBefore time.Time
	Limit         int
}
