package worker

import (
	"context"
	"encoding/json"
	"fmt"
	"runtime/debug"

	"github.com/mie-kafka/mie/events"
)

// invoke runs the step of h that t's Phase asks for and always returns a
// valid result: a DeferError becomes Status Deferred; other errors, panics, a
// missing Monitor and malformed results become Status Error.
func invoke(ctx context.Context, h Handler, t *Task) (res Result) {
	defer func() {
		if p := recover(); p != nil {
			res = Failed(fmt.Sprintf("operator %s panicked: %v", t.Name, p), string(debug.Stack()))
		}
	}()
	var err error
	fn, isFunction := h.(Function)
	switch {
	case isFunction && t.IsFunctionCall() && t.Phase == events.PhaseStart:
		res, err = fn.Invoke(ctx, t)
	case t.Phase == events.PhaseStart:
		res, err = h.Start(ctx, t)
	case t.Phase == events.PhaseMonitor:
		m, ok := h.(Monitor)
		if !ok {
			return Failed(fmt.Sprintf("operator %s has no Monitor step: it cannot run as Async", t.Name), "")
		}
		res, err = m.Monitor(ctx, t)
	default:
		return Failed(fmt.Sprintf("unknown task phase %q: want %s or %s", t.Phase, events.PhaseStart, events.PhaseMonitor), "")
	}
	if err != nil {
		if d, ok := deferral(err); ok {
			return d
		}
		return Failed(err.Error(), "")
	}
	switch res.Status {
	case events.ResultComplete, events.ResultExecuting, events.ResultDeferred:
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
		Delivery:            t.Delivery,
		Run:                 t.Run,
	}
	switch res.Status {
	case events.ResultComplete:
		if t.Run > 0 {
			out.Output = outputOf(t, res)
		}
	case events.ResultExecuting:
		out.MonitorState = res.MonitorState
		out.CheckAfterMs = res.CheckAfter.Milliseconds()
	case events.ResultDeferred:
		out.DeferMs, out.Reason = max(res.DeferAfter, 0).Milliseconds(), res.Reason
	}
	return out
}

// outputOf is the JSON result of a States Language task: a function's
// Output, or an MIE operator's {Name, Status, Media, MetaData}.
func outputOf(t *Task, res Result) json.RawMessage {
	var v any = res.Output
	if v == nil {
		media, meta := res.Media, res.MetaData
		if media == nil {
			media = map[string]events.MediaObject{}
		}
		if meta == nil {
			meta = map[string]any{}
		}
		v = map[string]any{"Name": t.Name, "Status": events.ResultComplete, "Media": media, "MetaData": meta}
	}
	raw, err := json.Marshal(v)
	if err != nil {
		raw, _ = json.Marshal(map[string]string{"Error": "the result cannot be encoded: " + err.Error()})
	}
	return raw
}
