// Package projections defines the queryable views built by folding the
// event log, and the interface the API reads them through. The memory
// backend (projections/memory) serves the embedded default; a ClickHouse
// backend implements the same interface.
package projections

import (
	"context"
	"maps"

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
