package gpu

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/mie-kafka/mie/processors/worker"
)

// RequiresGPU is the operator Configuration setting that makes a task wait
// for the GPU pool: {"RequiresGPU": true}.
const RequiresGPU = "RequiresGPU"

// ErrUnavailable is the Error of a task that gave up waiting for the pool.
// Retry policies can name it in ErrorEquals.
const ErrUnavailable = "GPU.Unavailable"

// Gate runs a worker Handler only while the GPU pool is up, for the tasks
// whose Configuration sets RequiresGPU. While the pool is down, the task is
// deferred (it waits in the retry tiers, never in the handler) and a start
// of the pool is attempted; after MaxDeliveries deliveries it fails with
// ErrUnavailable. Other tasks pass straight through.
type Gate struct {
	Pool    *Pool
	Handler worker.Handler
	// Defer is the wait before the next delivery; default 900 s.
	Defer time.Duration
	// MaxDeliveries of one task before it fails; default 5.
	MaxDeliveries int
	Logger        *slog.Logger
}

// Start implements worker.Handler.
func (g Gate) Start(ctx context.Context, t *worker.Task) (worker.Result, error) {
	if res, blocked := g.check(ctx, t); blocked {
		return res, nil
	}
	return g.Handler.Start(ctx, t)
}

// Invoke implements worker.Function for gated handlers that run as
// functions (the gate needs a Configuration, which function calls do not
// have, so they pass straight through).
func (g Gate) Invoke(ctx context.Context, t *worker.Task) (worker.Result, error) {
	f, ok := g.Handler.(worker.Function)
	if !ok {
		return g.Handler.Start(ctx, t)
	}
	return f.Invoke(ctx, t)
}

// Monitor implements worker.Monitor for gated Async handlers.
func (g Gate) Monitor(ctx context.Context, t *worker.Task) (worker.Result, error) {
	m, ok := g.Handler.(worker.Monitor)
	if !ok {
		return worker.Failed(fmt.Sprintf("operator %s has no Monitor step: it cannot run as Async", t.Name), ""), nil
	}
	if res, blocked := g.check(ctx, t); blocked {
		return res, nil
	}
	return m.Monitor(ctx, t)
}

// check reports the result for a task that must not run now.
func (g Gate) check(ctx context.Context, t *worker.Task) (worker.Result, bool) {
	if need, _ := t.Configuration[RequiresGPU].(bool); !need {
		return worker.Result{}, false
	}
	avail := g.Pool.Check(ctx)
	if avail.Up {
		return worker.Result{}, false
	}
	wait, limit := g.Defer, g.MaxDeliveries
	if wait <= 0 {
		wait = 900 * time.Second
	}
	if limit <= 0 {
		limit = 5
	}
	n := max(t.Delivery, 1)
	log := g.Logger
	if log == nil {
		log = slog.Default()
	}
	log = log.With("operator", t.Name, "execution", t.WorkflowExecutionId, "task", t.TaskId, "delivery", n)
	log.Warn("GPU unavailable", "step", StepUnavailableRaised, "gpu_sentinel", avail.Sentinel,
		"instance_id", avail.InstanceID, "reason", avail.Reason)
	if n >= limit {
		why := fmt.Sprintf("GPU unavailable: %s (gave up after %d deliveries)", avail.Reason, n)
		log.Error("giving up on the task", "step", StepRetryExhausted, "deliveries", n)
		return worker.Failed(ErrUnavailable, why), true
	}
	g.Pool.TryStart(ctx)
	log.Info("task deferred until the GPU pool is up", "step", StepRetryScheduled, "delay_ms", wait.Milliseconds(),
		"next_delivery", n+1, "max_deliveries", limit)
	return worker.Deferred(wait, "GPU unavailable: "+avail.Reason), true
}
