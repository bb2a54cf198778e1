package worker

import (
	"errors"
	"fmt"
	"time"

	"github.com/mie-kafka/mie/events"
)

// DeferError asks for the task to be delivered again later: returned by a
// Handler (directly, or wrapped with %w), it becomes a result with Status
// Deferred. Build it with Defer.
type DeferError struct {
	// After is how long to wait before the redelivery.
	After time.Duration
	// Reason says why, for people (history, logs).
	Reason string
}

func (e *DeferError) Error() string {
	return fmt.Sprintf("deferred for %s: %s", e.After, e.Reason)
}

// Defer returns the error a Handler returns when it cannot run the task now
// (its GPU is down, a service throttles) and wants it delivered again after
// d. The executor records OperatorDeferred and redelivers the same attempt
// with a fresh TaskId and Delivery+1, through the retry tiers. A deferral
// uses no retry attempt and restarts the operator timeout; the handler
// decides when to give up, by returning an error or Failed, for instance
// once t.Delivery reaches its limit:
//
//	if !gpu.Up(ctx) {
//		if t.Delivery >= 5 {
//			return worker.Failed("GPU.Unavailable", "no GPU after 5 deliveries"), nil
//		}
//		return worker.Result{}, worker.Defer(900*time.Second, "GPU pool unavailable")
//	}
//
// The executor keeps each delay within [execution.MinDefer,
// execution.MaxDefer].
func Defer(d time.Duration, reason string) error {
	return &DeferError{After: d, Reason: reason}
}

// Deferred is the Result form of Defer, for handlers that return results.
func Deferred(d time.Duration, reason string) Result {
	return Result{Status: events.ResultDeferred, DeferAfter: max(d, 0), Reason: reason}
}

// deferral turns a handler error into a Deferred result if it asks for one.
func deferral(err error) (Result, bool) {
	var de *DeferError
	if errors.As(err, &de) {
		return Deferred(de.After, de.Reason), true
	}
	return Result{}, false
}
