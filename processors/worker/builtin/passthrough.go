package builtin

import (
	"context"
	"maps"

	"github.com/mie-kafka/mie/processors/worker"
)

// Passthrough (Sync) completes at once with its input MetaData plus
// Configuration.Output if given: an Output object's keys are merged over the
// input metadata; any other Output value is set as MetaData["Output"]. It
// derives no media.
type Passthrough struct{}

// Start implements worker.Handler.
func (Passthrough) Start(_ context.Context, t *worker.Task) (worker.Result, error) {
	md := make(map[string]any, len(t.Input.MetaData)+1)
	maps.Copy(md, t.Input.MetaData)
	if out, ok := t.Configuration["Output"]; ok {
		if obj, ok := out.(map[string]any); ok {
			maps.Copy(md, obj)
		} else {
			md["Output"] = out
		}
	}
	return worker.Complete(nil, md), nil
}
