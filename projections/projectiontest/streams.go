// Package projectiontest is the conformance suite of the projection
// backends (Run) and the event streams it feeds them (Executions,
// Dataplane, Segments), which the projector's golden tests fold too. Every
// stream is deterministic: ids, times (whole milliseconds, as ClickHouse's
// DateTime64(3) keeps them) and payloads are fixed. Only tests import it.
package projectiontest

import (
	"fmt"
	"time"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/execution"
	"github.com/mie-kafka/mie/internal/execution/executiontest"
	"github.com/mie-kafka/mie/internal/topics"
)

// T0 is when every stream starts.
var T0 = time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC)

// Event is one event of a stream.
type Event struct {
	Key     string
	Time    time.Time
	Payload events.Payload
}

// Envelope wraps the i-th event of stream name with a fixed id.
func (e Event) Envelope(name string, i int) events.Envelope {
	env, err := events.New(e.Key, "projectiontest", e.Payload)
	if err != nil {
		panic(fmt.Sprintf("projectiontest: %v", err)) // a bug in the fixture
	}
	env.ID = fmt.Sprintf("%s-%04d", name, i)
	env.Time = e.Time
	env.CorrelationID = e.Key
	return env
}

// Stream is a named list of events for one topic.
type Stream struct {
	Name   string
	Topic  func(topics.Catalog) string
	Events []Event
}

// clock hands out times a step apart.
type clock struct{ t time.Time }

func (c *clock) after(d time.Duration) time.Time { c.t = c.t.Add(d); return c.t }

// Executions is a stream of six executions:
//   - x1 (asset a1, wf-2x2): waited 2 s in the queue, then ran two stages
//     of two operators to completion, one operator result a second;
//   - x2 (a2, wf-1x2): its first operator failed, so did the execution;
//   - x3 (a3, wf-1x1): its operator was deferred once (a GPU down), failed
//     and was retried, then ran as an Async operator to completion;
//   - x4 (a4, wf-1x2): cancelled while its operators ran;
//   - x5 (a1, wf-1x1): queued, never admitted (a1's active execution);
//   - x6 (a6, wf-2x1): running, its first stage complete.
func Executions() Stream {
	var evs []Event
	add := func(id string, at time.Time, ps ...events.Payload) {
		for _, p := range ps {
			evs = append(evs, Event{Key: id, Time: at, Payload: p})
		}
	}
	c := &clock{t: T0}

	// x1: queued, admitted 2 s later, each result a second after the last.
	x1, o := execution.Start(executiontest.Command("x1", "a1", c.t, 2, 2), c.t)
	add("x1", c.t, o.Events...)
	runTasks(x1, c, 2*time.Second, time.Second, add, func(t *events.OperatorTaskRequest) *events.OperatorResult {
		return executiontest.Complete(t)
	})

	// x2: the first operator fails.
	x2, o := execution.Start(executiontest.Command("x2", "a2", c.after(time.Minute), 1, 2), c.t)
	add("x2", c.t, o.Events...)
	runTasks(x2, c, 500*time.Millisecond, 1500*time.Millisecond, add, func(t *events.OperatorTaskRequest) *events.OperatorResult {
		r := executiontest.Complete(t)
		if t.Name == "A1" {
			r.Status, r.Error, r.Cause, r.MetaData = events.ResultError, "Transcode.Failed", "codec not supported", nil
		}
		return r
	})

	// x3: written out by hand, for the deferral and the retry.
	cmd3 := executiontest.Command("x3", "a3", c.after(time.Minute), 1, 1)
	x3, o := execution.Start(cmd3, c.t)
	add("x3", c.t, o.Events...)
	o = execution.Handle(x3, &events.AdmitExecution{ExecutionId: "x3"}, c.after(time.Second), execution.Options{})
	add("x3", c.t, o.Events...) // ExecutionStarted, StageStarted, OperatorDispatched (attempt 1)
	p, st, name, topic := "A/0/A1", "A", "A1", o.Tasks[0].Topic
	task1, task2 := o.Tasks[0].Task.TaskId, "x3-attempt-2"
	deferAt := c.after(time.Second)
	add("x3", deferAt,
		&events.OperatorDeferred{Path: p, Stage: st, Operator: name, TaskId: task1, Attempt: 1, Phase: events.PhaseStart,
			Delivery: 1, DelayMs: 5000, Due: deferAt.Add(5 * time.Second), Reason: "GPU unavailable"},
		&events.OperatorDispatched{Path: p, Stage: st, Operator: name, TaskId: task1, Attempt: 1, Phase: events.PhaseStart,
			Topic: topic, Delivery: 2, DelayMs: 5000})
	failAt := c.after(8 * time.Second)
	add("x3", failAt,
		&events.OperatorRetrying{Path: p, Stage: st, Operator: name, TaskId: task1, Attempt: 1, Error: "Worker.Crashed",
			Cause: "exit status 137", Retrier: 0, NextAttempt: 2, DelayMs: 2000, Due: failAt.Add(2 * time.Second)},
		&events.OperatorDispatched{Path: p, Stage: st, Operator: name, TaskId: task2, Attempt: 2, Phase: events.PhaseStart,
			Topic: topic, Delivery: 1, DelayMs: 2000})
	execAt := c.after(3 * time.Second)
	add("x3", execAt,
		&events.OperatorExecuting{Path: p, Stage: st, Operator: name, TaskId: task2, Attempt: 2, CheckAfterMs: 1000,
			MonitorState: []byte(`{"job":"j-2"}`)},
		&events.OperatorDispatched{Path: p, Stage: st, Operator: name, TaskId: task2, Attempt: 2, Phase: events.PhaseMonitor,
			Topic: topic, Delivery: 1, DelayMs: 1000})
	doneAt := c.after(4 * time.Second)
	md := map[string]any{"A1": "done"}
	add("x3", doneAt,
		&events.OperatorCompleted{Path: p, Stage: st, Operator: name, TaskId: task2, Attempt: 2, MetaData: md},
		&events.StageCompleted{Path: "A", Stage: "A", MetaData: md},
		&events.ExecutionCompleted{ExecutionId: "x3"})

	// x4: cancelled while running.
	x4, o := execution.Start(executiontest.Command("x4", "a4", c.after(time.Minute), 1, 2), c.t)
	add("x4", c.t, o.Events...)
	o = execution.Handle(x4, &events.AdmitExecution{ExecutionId: "x4"}, c.after(time.Second), execution.Options{})
	add("x4", c.t, o.Events...)
	o = execution.Handle(x4, &events.CancelExecution{ExecutionId: "x4", Reason: "operator asked"}, c.after(3*time.Second), execution.Options{})
	add("x4", c.t, o.Events...)

	// x5: queued behind x1's asset, never admitted.
	_, o = execution.Start(executiontest.Command("x5", "a1", c.after(time.Minute), 1, 1), c.t)
	add("x5", c.t, o.Events...)

	// x6: running, first stage complete.
	x6, o := execution.Start(executiontest.Command("x6", "a6", c.after(time.Minute), 2, 1), c.t)
	add("x6", c.t, o.Events...)
	o = execution.Handle(x6, &events.AdmitExecution{ExecutionId: "x6"}, c.after(time.Second), execution.Options{})
	add("x6", c.t, o.Events...)
	o = execution.Handle(x6, executiontest.Complete(&o.Tasks[0].Task), c.after(time.Second), execution.Options{})
	add("x6", c.t, o.Events...)

	stableTaskIds(evs)
	return Stream{Name: "executions", Topic: topics.Catalog.Executions, Events: evs}
}

// stableTaskIds renames the deciders' random task ids task-1, task-2, ...
// in order of appearance, so that every call returns the same stream.
func stableTaskIds(evs []Event) {
	names := map[string]string{}
	rename := func(id *string) {
		if *id == "" {
			return
		}
		n, ok := names[*id]
		if !ok {
			n = fmt.Sprintf("task-%d", len(names)+1)
			names[*id] = n
		}
		*id = n
	}
	for _, e := range evs {
		switch p := e.Payload.(type) {
		case *events.OperatorDispatched:
			rename(&p.TaskId)
		case *events.OperatorExecuting:
			rename(&p.TaskId)
		case *events.OperatorCompleted:
			rename(&p.TaskId)
		case *events.OperatorFailed:
			rename(&p.TaskId)
		case *events.OperatorRetrying:
			rename(&p.TaskId)
		case *events.OperatorDeferred:
			rename(&p.TaskId)
		}
	}
}

// runTasks admits x after admitAfter and answers every task as it is
// dispatched, step apart and never before the task is due, until none is
// left.
func runTasks(x *execution.Execution, c *clock, admitAfter, step time.Duration, add func(string, time.Time, ...events.Payload),
	answer func(*events.OperatorTaskRequest) *events.OperatorResult) {
	type due struct {
		task events.OperatorTaskRequest
		at   time.Time
	}
	var pending []due
	queue := func(now time.Time, ts []execution.Task) {
		for _, t := range ts {
			pending = append(pending, due{t.Task, now.Add(t.Delay)})
		}
	}
	o := execution.Handle(x, &events.AdmitExecution{ExecutionId: x.Id}, c.after(admitAfter), execution.Options{})
	add(x.Id, c.t, o.Events...)
	queue(c.t, o.Tasks)
	for len(pending) > 0 {
		d := pending[0]
		pending = pending[1:]
		if c.after(step); c.t.Before(d.at) {
			c.t = d.at.Add(step)
		}
		o = execution.Handle(x, answer(&d.task), c.t, execution.Options{})
		add(x.Id, c.t, o.Events...)
		queue(c.t, o.Tasks)
	}
}
