package engine

import (
	"fmt"
	"time"

	"github.com/mie-kafka/mie/events"
)

// applyTask folds the events of a Task run's attempts.
func (x *Execution) applyTask(at time.Time, p events.Payload) error {
	switch e := p.(type) {
	case *events.TaskScheduled:
		return x.onRun(e.Run, func(r *Run) {
			reach := at.Add(time.Duration(e.DelayMs) * time.Millisecond)
			r.Attempt = e.Attempt
			r.Task = &TaskRun{TaskID: e.TaskId, Phase: events.PhaseStart, Delivery: 1, Payload: e.Payload,
				Resource: e.Resource, Function: e.Function, Implementation: e.Implementation, Topic: e.Topic, Token: e.Token,
				TimeoutSeconds: e.TimeoutSeconds, HeartbeatSeconds: e.HeartbeatSeconds,
				Dispatched: reach, Heartbeat: reach, Deferrals: deferralsOf(r)}
			if e.Child != "" {
				r.Task.Child = e.Child
			}
		})
	case *events.TaskExecuting:
		return x.withTask(e.Run, func(t *TaskRun) {
			t.TaskID, t.Phase, t.Delivery, t.MonitorState = e.TaskId, events.PhaseMonitor, 1, e.MonitorState
		})
	case *events.TaskDeferred:
		return x.withTask(e.Run, func(t *TaskRun) {
			t.TaskID, t.Phase, t.Delivery = e.TaskId, e.Phase, e.Delivery
			t.Deferrals++
			// The timeouts count again from the redelivery.
			t.Dispatched = at.Add(time.Duration(e.DelayMs) * time.Millisecond)
			t.Heartbeat = t.Dispatched
		})
	case *events.TaskHeartbeat:
		return x.withTask(e.Run, func(t *TaskRun) { t.Heartbeat = at })
	case *events.TaskSucceeded:
		return x.withTask(e.Run, func(t *TaskRun) {})
	case *events.TaskFailed:
		return x.onRun(e.Run, func(r *Run) {
			if r.Task != nil {
				r.Task.LastError, r.Task.LastCause = e.Error, e.Cause
			}
		})
	}
	return fmt.Errorf("apply: %s is not a task event", p.EventType())
}

func (x *Execution) withTask(id int32, f func(*TaskRun)) error {
	return x.onRun(id, func(r *Run) {
		if r.Task == nil {
			r.Task = &TaskRun{}
		}
		f(r.Task)
	})
}

func deferralsOf(r *Run) int {
	if r.Task != nil {
		return r.Task.Deferrals
	}
	return 0
}
