// Package worker runs operators: it consumes an operator's task topic,
// calls a Handler for every task and writes one OperatorResult per task to
// the results topic, in the same Kafka transaction that commits the consumed
// offsets.
//
// Writing an operator takes one file: implement Handler (and Monitor for an
// Async operator), then hand it to a Runtime:
//
//	type Thumbnail struct{}
//
//	func (Thumbnail) Start(ctx context.Context, t *worker.Task) (worker.Result, error) {
//		video, ok := t.Input.Media["Video"]
//		if !ok {
//			return worker.Failed("no Video input", ""), nil
//		}
//		img, err := render(ctx, video)
//		if err != nil {
//			return worker.Result{}, err // becomes Status Error
//		}
//		return worker.Complete(map[string]events.MediaObject{"Image": img}, nil), nil
//	}
//
//	topic, err := cat.Task("worker:tasks.thumbnail")
//	...
//	rt, err := worker.New(worker.Config{Config: transact.Config{Kafka: kafka, Catalog: cat, Logger: log},
//		Topic: topic, Handler: Thumbnail{}})
//	...
//	err = rt.Run(ctx)
//
// Delivery is exactly-once with respect to Kafka (result and offset commit
// together), but a handler may run more than once for the same task when a
// batch is redelivered after a crash or rebalance: side effects outside
// Kafka must be idempotent by TaskId and Phase.
package worker

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/mie-kafka/mie/events"
)

// Task is MIE's operator event as the executor dispatched it.
type Task = events.OperatorTaskRequest

// Result is what a handler reports for one task. Build it with Complete,
// Failed, Executing or Deferred.
type Result struct {
	// Status is events.ResultComplete, ResultError, ResultExecuting or
	// ResultDeferred.
	Status string
	// Media holds media objects the operator derived, by media type.
	Media map[string]events.MediaObject
	// MetaData is passed to downstream stages.
	MetaData map[string]any
	// Error and Cause describe a failure (Status Error).
	Error, Cause string
	// MonitorState is handed back to Monitor on the next check of an
	// Async operator (Status Executing).
	MonitorState json.RawMessage
	// CheckAfter is how long the executor waits before the next Monitor
	// call (Status Executing).
	CheckAfter time.Duration
	// DeferAfter and Reason ask for a redelivery later (Status Deferred;
	// see Defer).
	DeferAfter time.Duration
	Reason     string
	// Output is a function's result (Status Complete), any JSON value; an
	// MIE operator's is made of its Media and MetaData.
	Output any
}

// Returned reports a function's success with its result.
func Returned(v any) Result { return Result{Status: events.ResultComplete, Output: v} }

// Complete reports success with the derived media and metadata.
func Complete(media map[string]events.MediaObject, metadata map[string]any) Result {
	return Result{Status: events.ResultComplete, Media: media, MetaData: metadata}
}

// Failed reports that the operator failed; err is the error text and cause
// the details.
func Failed(err, cause string) Result {
	return Result{Status: events.ResultError, Error: err, Cause: cause}
}

// Executing reports that an Async operator is still running: state is
// JSON-encoded into MonitorState and Monitor is called again after
// checkAfter. A state that cannot be encoded makes the result Failed.
func Executing(state any, checkAfter time.Duration) Result {
	raw, err := json.Marshal(state)
	if err != nil {
		return Failed(fmt.Sprintf("encode monitor state: %v", err), "")
	}
	return Result{Status: events.ResultExecuting, MonitorState: raw, CheckAfter: max(checkAfter, 0)}
}

// Handler runs the start step of an operator (the only step of a Sync
// operator). A returned error becomes Status Error with the error's text; a
// panic is recovered and becomes Status Error too.
type Handler interface {
	Start(ctx context.Context, t *Task) (Result, error)
}

// Monitor is implemented by the handlers of Async operators: it checks on
// work that Start (or an earlier Monitor) reported as Executing;
// t.MonitorState is the state that step returned.
type Monitor interface {
	Monitor(ctx context.Context, t *Task) (Result, error)
}

// Function is implemented by handlers that also run as functions: a Task
// that names a function (not an MIE operator) invokes it with the task's
// JSON Payload, and the Result's Output is the Task's result.
type Function interface {
	Invoke(ctx context.Context, t *Task) (Result, error)
}

// StartFunc adapts a function to a Handler for Sync operators.
type StartFunc func(ctx context.Context, t *Task) (Result, error)

// Start calls f.
func (f StartFunc) Start(ctx context.Context, t *Task) (Result, error) { return f(ctx, t) }
