package builtin

import (
	"context"

	"github.com/mie-kafka/mie/processors/worker"
)

// Fail (Sync) always fails, with Configuration.Error (default "Fail") and
// Configuration.Cause. Use it to test Catch and Retry paths.
type Fail struct{}

// Start implements worker.Handler.
func (Fail) Start(_ context.Context, t *worker.Task) (worker.Result, error) {
	msg, _ := t.Configuration["Error"].(string)
	if msg == "" {
		msg = "Fail"
	}
	cause, _ := t.Configuration["Cause"].(string)
	return worker.Failed(msg, cause), nil
}
