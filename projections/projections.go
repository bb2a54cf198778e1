// Package projections defines the queryable views built by folding the
// event log, and the interface the API reads them through. The memory
// backend (projections/memory) serves the embedded default; a ClickHouse
// backend implements the same interface.
package projections

import (
	"context"
	"encoding/json"
	"maps"
	"strconv"
	"strings"
	"time"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/execution"
	"github.com/mie-kafka/mie/internal/problem"
)

// Filter selects executions; empty fields match all. Results are newest
// first, at most Limit (0 = all).
type Filter struct {
	Status  string
	AssetId string
	Limit   int
}

// Executions reads executions.
type Executions interface {
	// Execution returns one execution, or an error wrapping
	// problem.ErrNotFound.
	Execution(ctx context.Context, id string) (*execution.Execution, error)
	// Executions lists executions, newest first.
	Executions(ctx context.Context, f Filter) ([]*execution.Execution, error)
	// History returns the ordered events of one execution.
	History(ctx context.Context, id string) ([]events.Envelope, error)
	// WaitExecution blocks until the projection has seen the execution.
	WaitExecution(ctx context.Context, id string) error
	// ActiveExecution returns an active (not Complete or Error) execution
	// of the asset, if there is one.
	ActiveExecution(ctx context.Context, assetId string) (string, bool, error)
}

// NotFound is the error for an unknown execution id.
func NotFound(id string) error { return problem.NotFound("workflow execution", id) }

// Clone deep-copies an execution so that readers never share the
// projection's mutable state.
func Clone(x *execution.Execution) *execution.Execution {
	c := *x
	c.Nodes = make(map[string]*execution.Node, len(x.Nodes))
	for k, n := range x.Nodes {
		nn := *n
		c.Nodes[k] = &nn
	}
	c.Globals.Media = maps.Clone(x.Globals.Media)
	c.Globals.MetaData = maps.Clone(x.Globals.MetaData)
	return &c
}

// Asset is an asset as the data plane projection holds it.
type Asset struct {
	AssetId   string    `json:"AssetId"`
	MediaType string    `json:"MediaType"`
	S3Bucket  string    `json:"S3Bucket"`
	S3Key     string    `json:"S3Key"`
	Created   time.Time `json:"Created"`
	// Media are the objects added to the asset, in order.
	Media []events.MediaObjectAdded `json:"Media,omitempty"`
	// Operators have stored metadata, sorted by name.
	Operators []string `json:"Operators,omitempty"`
}

// MetadataPage is one stored page of an operator's results: inline Results
// or a claim-check Ref, as in the event.
type MetadataPage struct {
	AssetId      string            `json:"AssetId"`
	OperatorName string            `json:"OperatorName"`
	WorkflowId   string            `json:"WorkflowId,omitempty"`
	Page         int               `json:"Page"`
	Final        bool              `json:"Final"`
	Results      json.RawMessage   `json:"Results,omitempty"`
	Ref          *events.ObjectRef `json:"Ref,omitempty"`
	Stored       time.Time         `json:"Stored"`
}

// Cursor pages through a listing: After is the last key the previous page
// returned ("" for the first page), Limit the page size.
type Cursor struct {
	After string
	Limit int
}

// Assets reads the data plane projection. Listings are ordered by a stable
// key; the next page's After is the key of the last item returned, and
// "" when there is no next page.
type Assets interface {
	// Asset returns one asset, or an error wrapping problem.ErrNotFound.
	Asset(ctx context.Context, id string) (*Asset, error)
	// Assets lists assets by id.
	Assets(ctx context.Context, c Cursor) (list []Asset, next string, err error)
	// Metadata lists an asset's metadata pages ordered by operator name
	// then page. The key of a page is "<operator>/<page>".
	Metadata(ctx context.Context, assetId string, c Cursor) (list []MetadataPage, next string, err error)
	// OperatorMetadata returns one operator's pages in page order, or an
	// error wrapping problem.ErrNotFound.
	OperatorMetadata(ctx context.Context, assetId, operator string) ([]MetadataPage, error)
	// WaitPosition blocks until the projection has applied the dataplane
	// record at (partition, offset) or later.
	WaitPosition(ctx context.Context, partition int32, offset int64) error
}

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

// Segments reads the segment projection.
type Segments interface {
	// Segment returns one segment, or an error wrapping problem.ErrNotFound.
	Segment(ctx context.Context, id string) (*Segment, error)
	// Segments lists segments ordered by session then window index.
	Segments(ctx context.Context, f SegmentFilter) ([]Segment, error)
}

// Status is where one projection stands: what GET /projections, GET
// /metrics and `mie projections status` show.
type Status struct {
	// Name is the projection's name: executions, dataplane or segments.
	Name string `json:"Name"`
	// Backend is memory or clickhouse.
	Backend string `json:"Backend"`
	Topic   string `json:"Topic"`
	// Group and Generation are a ClickHouse projection's consumer group
	// and live generation (1, then one more per rebuild); the memory
	// projections have neither: they replay on every start.
	Group      string `json:"Group,omitempty"`
	Generation uint32 `json:"Generation,omitempty"`
	// Partitions are the positions (next offset applied, or committed)
	// against the topic's stable ends; Lag sums their differences.
	Partitions []PartitionStatus `json:"Partitions"`
	Lag        int64             `json:"Lag"`
}

// PartitionStatus is one partition of a Status.
type PartitionStatus struct {
	Partition int32 `json:"Partition"`
	Position  int64 `json:"Position"`
	End       int64 `json:"End"`
	Lag       int64 `json:"Lag"`
}

// MetadataKey is the listing key of a metadata page, "<operator>/<page>":
// the Cursor.After of Assets.Metadata.
func MetadataKey(operator string, page int) string { return operator + "/" + strconv.Itoa(page) }

// ParseMetadataKey reads a MetadataKey back; "" is the start of the
// listing (operator "", page -1). A key no backend made is ErrInvalid.
func ParseMetadataKey(after string) (operator string, page int, err error) {
	if after == "" {
		return "", -1, nil
	}
	i := strings.LastIndexByte(after, '/')
	n, err := strconv.Atoi(after[i+1:])
	if i <= 0 || err != nil || n < 0 {
		return "", 0, problem.Invalid("cursor", "is not a cursor this API returned")
	}
	return after[:i], n, nil
}
