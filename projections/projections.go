// Package projections defines the queryable views built by folding the
// event log, and the interface the API reads them through. The memory
// backend (projections/memory) serves the embedded default; a ClickHouse
// backend implements the same interface.
package projections

import (
	"context"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/view"
)

// Executions reads executions.
type Executions interface {
	// Execution returns one execution, or an error wrapping
	// problem.ErrNotFound.
	Execution(ctx context.Context, id string) (*view.Execution, error)
	// Executions lists executions, newest first.
	Executions(ctx context.Context, f view.Filter) ([]*view.Execution, error)
	// History returns the ordered events of one execution.
	History(ctx context.Context, id string) ([]events.Envelope, error)
	// WaitExecution blocks until the projection has seen the execution.
	WaitExecution(ctx context.Context, id string) error
	// ActiveExecution returns an active (not Complete or Error) execution
	// of the asset, if there is one.
	ActiveExecution(ctx context.Context, assetId string) (string, bool, error)
}

// Assets reads the data plane projection. Listings are ordered by a stable
// key; the next page's After is the key of the last item returned, and
// "" when there is no next page.
type Assets interface {
	// Asset returns one asset, or an error wrapping problem.ErrNotFound.
	Asset(ctx context.Context, id string) (*view.Asset, error)
	// Assets lists assets by id.
	Assets(ctx context.Context, c view.Cursor) (list []view.Asset, next string, err error)
	// Metadata lists an asset's metadata pages ordered by operator name
	// then page. The key of a page is "<operator>/<page>".
	Metadata(ctx context.Context, assetId string, c view.Cursor) (list []view.MetadataPage, next string, err error)
	// OperatorMetadata returns one operator's pages in page order, or an
	// error wrapping problem.ErrNotFound.
	OperatorMetadata(ctx context.Context, assetId, operator string) ([]view.MetadataPage, error)
	// WaitPosition blocks until the projection has applied the dataplane
	// record at (partition, offset) or later.
	WaitPosition(ctx context.Context, partition int32, offset int64) error
}

// Segments reads the segment projection.
type Segments interface {
	// Segment returns one segment, or an error wrapping problem.ErrNotFound.
	Segment(ctx context.Context, id string) (*view.Segment, error)
	// Segments lists segments ordered by session then window index.
	Segments(ctx context.Context, f view.SegmentFilter) ([]view.Segment, error)
}
