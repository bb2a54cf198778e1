package worker

import (
	"context"
	"fmt"
	"runtime/debug"

	"github.com/mie-kafka/mie/events"
)

// invoke runs the step of h that t's Phase asks for and always returns a
// valid result: errors, panics, a missing Monitor and malformed results all
// become Status Error.
func invoke(ctx context.Context, h Handler, t *Task) (res Result) {
	defer func() {
		if p := recover(); p != nil {
			res = Failed(fmt.Sprintf("operator %s panicked: %v", t.Name, p), string(debug.Stack()))
		}
	}()
	var err error
	switch t.Phase {
	case events.PhaseStart:
		res, err = h.Start(ctx, t)
	case events.PhaseMonitor:
		m, ok := h.(Monitor)
		if !ok {
			return Failed(fmt.Sprintf("operator %s has no Monitor step: it cannot run as Async", t.Name), "")
		}
		res, err = m.Monitor(ctx, t)
	default:
		return Failed(fmt.Sprintf("unknown task phase %q: want %s or %s", t.Phase, events.PhaseStart, events.PhaseMonitor), "")
	}
	if err != nil {
		return Failed(err.Error(), "")
	}
	switch res.Status {
	case events.ResultComplete, events.ResultExecuting:
	case events.ResultError:
		if res.Error == "" {
			res.Error = fmt.Sprintf("operator %s failed", t.Name)
		}
	default:
		return Failed(fmt.Sprintf("operator %s returned invalid status %q", t.Name, res.Status), "")
	}
	return res
}

// resultOf builds the result event for t, echoing the fields that tie it
// back to its dispatch.
func resultOf(t *Task, res Result) *events.OperatorResult {
	out := &events.OperatorResult{
		WorkflowExecutionId: t.WorkflowExecutionId,
		Name:                t.Name,
		StageName:           t.StageName,
		Path:                t.Path,
		TaskId:              t.TaskId,
		Attempt:             t.Attempt,
		Phase:               t.Phase,
		Status:              res.Status,
		Media:               res.Media,
		MetaData:            res.MetaData,
		Error:               res.Error,
		Cause:               res.Cause,
	}
	if res.Status == events.ResultExecuting {
		out.MonitorState = res.MonitorState
		out.CheckAfterMs = res.CheckAfter.Milliseconds()
	}
	return out
}
