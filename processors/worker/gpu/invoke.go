package gpu

import (
	"context"

	"github.com/mie-kafka/mie/processors/worker"
)

// Invoke implements worker.Function, so that a gated handler that runs
// functions (the HTTP worker's Lambda contract, the service integrations)
// still gets its function calls: they reach the handler's Invoke, or its
// Start when it has none, as they would ungated. Function calls carry no
// operator Configuration, so the gate never holds them.
func (g Gate) Invoke(ctx context.Context, t *worker.Task) (worker.Result, error) {
	if res, blocked := g.check(ctx, t); blocked {
		return res, nil
	}
	if f, ok := g.Handler.(worker.Function); ok {
		return f.Invoke(ctx, t)
	}
	return g.Handler.Start(ctx, t)
}
