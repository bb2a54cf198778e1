package clickhouse

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/view"
)

// The rows of the ClickHouse tables (schemas/clickhouse), one struct per
// table, with the column names as JSON names (the golden files in
// testdata/ are these rows). Every row carries the log position of the
// record that produced it and its version: rows with the same key and
// version are the same row, so a redelivered record changes nothing.

// ExecutionRow is a row of executions: the folded state after one event.
type ExecutionRow struct {
	ExecutionId   string     `json:"execution_id"`
	AssetId       string     `json:"asset_id"`
	Workflow      string     `json:"workflow"`
	Status        string     `json:"status"`
	CurrentStage  string     `json:"current_stage"`
	TriggerSource string     `json:"trigger_source"`
	Created       time.Time  `json:"created"`
	Started       *time.Time `json:"started"`
	Ended         *time.Time `json:"ended"`
	Updated       time.Time  `json:"updated"`
	Error         string     `json:"error"`
	Cause         string     `json:"cause"`
	Cancelled     bool       `json:"cancelled"`
	EventCount    uint32     `json:"event_count"`
	// StateMachine and RunStatus are a States Language run's (empty for
	// an execution of the first engine).
	StateMachine string `json:"state_machine"`
	RunStatus    string `json:"run_status"`
	// State is the execution's view (internal/view.Execution) as JSON.
	State json.RawMessage `json:"state"`
	// Runs are the open operator attempts as JSON (a map keyed by
	// path#attempt), so that a restarted projector resumes them.
	Runs      json.RawMessage `json:"runs"`
	Partition int32           `json:"partition"`
	Offset    int64           `json:"offset"`
	Version   uint64          `json:"_version"`
}

// EventRow is a row of execution_events: one event as written.
type EventRow struct {
	ExecutionId string    `json:"execution_id"`
	Partition   int32     `json:"partition"`
	Offset      int64     `json:"offset"`
	EventId     string    `json:"event_id"`
	Type        string    `json:"type"`
	Time        time.Time `json:"time"`
	Path        string    `json:"path"`
	Stage       string    `json:"stage"`
	Operator    string    `json:"operator"`
	// Data is the payload (the JSON column); Envelope the record value.
	Data     json.RawMessage `json:"data"`
	Envelope json.RawMessage `json:"envelope"`
	Version  uint64          `json:"_version"`
}

// OperatorRunRow is a row of operator_runs: one attempt of one operator.
type OperatorRunRow struct {
	Operator    string     `json:"operator"`
	ExecutionId string     `json:"execution_id"`
	Path        string     `json:"path"`
	Attempt     uint16     `json:"attempt"`
	Workflow    string     `json:"workflow"`
	Stage       string     `json:"stage"`
	TaskId      string     `json:"task_id"`
	Status      string     `json:"status"`
	Dispatched  time.Time  `json:"dispatched"`
	Ended       *time.Time `json:"ended"`
	Deliveries  uint16     `json:"deliveries"`
	Deferrals   uint16     `json:"deferrals"`
	BackoffMs   uint64     `json:"backoff_ms"`
	DeferredMs  uint64     `json:"deferred_ms"`
	QueueWaitMs uint64     `json:"queue_wait_ms"`
	RunMs       *uint64    `json:"run_ms"`
	Retried     bool       `json:"retried"`
	Error       string     `json:"error"`
	Cause       string     `json:"cause"`
	Partition   int32      `json:"partition"`
	Offset      int64      `json:"offset"`
	Version     uint64     `json:"_version"`
	// StartDue is when the last delivery of the Start step was due; kept
	// in the open-runs state, not a column.
	StartDue time.Time `json:"start_due,omitzero"`
}

// AssetRow is a row of assets.
type AssetRow struct {
	AssetId   string    `json:"asset_id"`
	MediaType string    `json:"media_type"`
	S3Bucket  string    `json:"s3_bucket"`
	S3Key     string    `json:"s3_key"`
	Created   time.Time `json:"created"`
	Deleted   bool      `json:"deleted"`
	Partition int32     `json:"partition"`
	Offset    int64     `json:"offset"`
	Version   uint64    `json:"_version"`
}

// MediaRow is a row of asset_media.
type MediaRow struct {
	AssetId             string    `json:"asset_id"`
	Offset              int64     `json:"offset"`
	Partition           int32     `json:"partition"`
	MediaType           string    `json:"media_type"`
	S3Bucket            string    `json:"s3_bucket"`
	S3Key               string    `json:"s3_key"`
	Operator            string    `json:"operator"`
	WorkflowExecutionId string    `json:"workflow_execution_id"`
	Added               time.Time `json:"added"`
	Version             uint64    `json:"_version"`
}

// MetadataRow is a row of asset_metadata; Page -1 is a deletion tombstone.
type MetadataRow struct {
	AssetId    string    `json:"asset_id"`
	Operator   string    `json:"operator"`
	Page       int32     `json:"page"`
	WorkflowId string    `json:"workflow_id"`
	Final      bool      `json:"final"`
	Results    string    `json:"results"`
	RefBucket  string    `json:"ref_bucket"`
	RefKey     string    `json:"ref_key"`
	RefSize    int64     `json:"ref_size"`
	RefSHA256  string    `json:"ref_sha256"`
	Stored     time.Time `json:"stored"`
	Partition  int32     `json:"partition"`
	Offset     int64     `json:"offset"`
	Version    uint64    `json:"_version"`
}

// SegmentRow is a row of segments.
type SegmentRow struct {
	SegmentId           string    `json:"segment_id"`
	SessionId           string    `json:"session_id"`
	UserId              string    `json:"user_id"`
	WindowIndex         int32     `json:"window_index"`
	FrameCount          int32     `json:"frame_count"`
	Status              string    `json:"status"`
	Previous            string    `json:"previous"`
	Reason              string    `json:"reason"`
	Deliveries          int32     `json:"deliveries"`
	Redrives            int32     `json:"redrives"`
	WorkflowExecutionId string    `json:"workflow_execution_id"`
	Transcript          string    `json:"transcript"`
	Caption             string    `json:"caption"`
	Enriched            bool      `json:"enriched"`
	EntityCount         int32     `json:"entity_count"`
	TripleCount         int32     `json:"triple_count"`
	VisualStored        bool      `json:"visual_stored"`
	Created             time.Time `json:"created"`
	Updated             time.Time `json:"updated"`
	Partition           int32     `json:"partition"`
	Offset              int64     `json:"offset"`
	Version             uint64    `json:"_version"`
}

// TableItemRow is a row of table_items: an item's image after one write,
// or its deletion.
type TableItemRow struct {
	TableName string          `json:"table_name"`
	TableId   string          `json:"table_id"`
	ItemKey   string          `json:"item_key"`
	Key       json.RawMessage `json:"key"`
	Item      json.RawMessage `json:"item"`
	Deleted   bool            `json:"deleted"`
	Operation string          `json:"operation"`
	RequestId string          `json:"request_id"`
	Updated   time.Time       `json:"updated"`
	Partition int32           `json:"partition"`
	Offset    int64           `json:"offset"`
	Version   uint64          `json:"_version"`
}

// StateRunRow is a row of state_runs: one run of one state of a States
// Language execution, rewritten as it moves and final when it ends.
type StateRunRow struct {
	ExecutionId  string     `json:"execution_id"`
	Run          int32      `json:"run"`
	Parent       int32      `json:"parent"`
	Slot         int32      `json:"slot"`
	StateMachine string     `json:"state_machine"`
	State        string     `json:"state"`
	Type         string     `json:"type"`
	Visit        int32      `json:"visit"`
	Status       string     `json:"status"`
	Attempt      int32      `json:"attempt"`
	Retries      int32      `json:"retries"`
	Error        string     `json:"error"`
	Cause        string     `json:"cause"`
	Resource     string     `json:"resource"`
	InputBytes   int64      `json:"input_bytes"`
	OutputBytes  int64      `json:"output_bytes"`
	Entered      time.Time  `json:"entered"`
	Ended        *time.Time `json:"ended"`
	Partition    int32      `json:"partition"`
	Offset       int64      `json:"offset"`
	Version      uint64     `json:"_version"`
}

// Rows is what one batch of records becomes, per table. Within a batch
// the current-state tables keep only the last row per key (earlier ones
// would be replaced anyway).
type Rows struct {
	Executions   []ExecutionRow   `json:"executions,omitempty"`
	Events       []EventRow       `json:"execution_events,omitempty"`
	OperatorRuns []OperatorRunRow `json:"operator_runs,omitempty"`
	StateRuns    []StateRunRow    `json:"state_runs,omitempty"`
	Assets       []AssetRow       `json:"assets,omitempty"`
	Media        []MediaRow       `json:"asset_media,omitempty"`
	Metadata     []MetadataRow    `json:"asset_metadata,omitempty"`
	Segments     []SegmentRow     `json:"segments,omitempty"`
	TableItems   []TableItemRow   `json:"table_items,omitempty"`
}

// Len is the number of rows.
func (r *Rows) Len() int {
	return len(r.Executions) + len(r.Events) + len(r.OperatorRuns) + len(r.StateRuns) + len(r.Assets) +
		len(r.Media) + len(r.Metadata) + len(r.Segments) + len(r.TableItems)
}

// Version is the version of a row written from the record at offset by
// generation gen of a projection: generations differ in the top 16 bits, so
// a rebuilt projection's rows replace an older generation's whatever the
// order they arrive in, and offsets (per key, one partition) order the rest.
func Version(gen uint32, offset int64) uint64 {
	return uint64(gen)<<48 | uint64(offset)&(1<<48-1)
}

// SegmentRowOf renders a segment's state as a segments row.
func SegmentRowOf(s view.Segment, partition int32, offset int64, version uint64) SegmentRow {
	e := &s.SegmentStatusChanged
	return SegmentRow{
		SegmentId: e.SegmentId, SessionId: e.SessionId, UserId: e.UserId, WindowIndex: int32(e.WindowIndex),
		FrameCount: int32(e.FrameCount), Status: e.Status, Previous: e.Previous, Reason: e.Reason,
		Deliveries: int32(e.Deliveries), Redrives: int32(e.Redrives), WorkflowExecutionId: e.WorkflowExecutionId,
		Transcript: e.Transcript, Caption: e.Caption, Enriched: e.Enriched, EntityCount: int32(e.EntityCount),
		TripleCount: int32(e.TripleCount), VisualStored: e.VisualStored, Created: s.Created, Updated: s.Updated,
		Partition: partition, Offset: offset, Version: version,
	}
}

// Segment is the state a segments row holds.
func (x SegmentRow) Segment() view.Segment {
	return view.Segment{
		SegmentStatusChanged: events.SegmentStatusChanged{
			SegmentId: x.SegmentId, SessionId: x.SessionId, UserId: x.UserId, WindowIndex: int(x.WindowIndex),
			FrameCount: int(x.FrameCount), Status: x.Status, Previous: x.Previous, Reason: x.Reason,
			Deliveries: int(x.Deliveries), Redrives: int(x.Redrives), WorkflowExecutionId: x.WorkflowExecutionId,
			Transcript: x.Transcript, Caption: x.Caption, Enriched: x.Enriched, EntityCount: int(x.EntityCount),
			TripleCount: int(x.TripleCount), VisualStored: x.VisualStored,
		},
		Created: x.Created, Updated: x.Updated,
	}
}

// The columns each table is written with, in Append order.
const (
	ColsExecutions = "execution_id, asset_id, workflow, status, current_stage, trigger_source, created, started, ended, updated, " +
		"error, cause, cancelled, event_count, state_machine, run_status, state, runs, partition, offset, _version"
	ColsEvents       = "execution_id, partition, offset, event_id, type, time, path, stage, operator, data, envelope, _version"
	ColsOperatorRuns = "operator, execution_id, path, attempt, workflow, stage, task_id, status, dispatched, ended, deliveries, deferrals, " +
		"backoff_ms, deferred_ms, queue_wait_ms, run_ms, retried, error, cause, partition, offset, _version"
	ColsStateRuns = "execution_id, run, parent, slot, state_machine, state, type, visit, status, attempt, retries, error, cause, " +
		"resource, input_bytes, output_bytes, entered, ended, partition, offset, _version"
	ColsAssets   = "asset_id, media_type, s3_bucket, s3_key, created, deleted, partition, offset, _version"
	ColsMedia    = "asset_id, offset, partition, media_type, s3_bucket, s3_key, operator, workflow_execution_id, added, _version"
	ColsMetadata = "asset_id, operator, page, workflow_id, final, results, ref_bucket, ref_key, ref_size, ref_sha256, stored, " +
		"partition, offset, _version"
	ColsSegments = "segment_id, session_id, user_id, window_index, frame_count, status, previous, reason, deliveries, redrives, " +
		"workflow_execution_id, transcript, caption, enriched, entity_count, triple_count, visual_stored, created, updated, " +
		"partition, offset, _version"
	ColsTableItems = "table_name, table_id, item_key, key, item, deleted, operation, request_id, updated, partition, offset, _version"
)

// Scanner is a row of a query result.
type Scanner interface{ Scan(dest ...any) error }

// ScanSegment reads a segments row selected with ColsSegments.
func ScanSegment(r Scanner) (SegmentRow, error) {
	var x SegmentRow
	err := r.Scan(&x.SegmentId, &x.SessionId, &x.UserId, &x.WindowIndex, &x.FrameCount, &x.Status, &x.Previous, &x.Reason,
		&x.Deliveries, &x.Redrives, &x.WorkflowExecutionId, &x.Transcript, &x.Caption, &x.Enriched, &x.EntityCount, &x.TripleCount,
		&x.VisualStored, &x.Created, &x.Updated, &x.Partition, &x.Offset, &x.Version)
	if err != nil {
		return x, fmt.Errorf("read segments: %w", err)
	}
	x.Created, x.Updated = x.Created.UTC(), x.Updated.UTC()
	return x, nil
}
