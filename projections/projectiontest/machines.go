package projectiontest

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/engine"
	"github.com/mie-kafka/mie/internal/functions"
	"github.com/mie-kafka/mie/internal/topics"
)

// MachinesT0 is when the Machines stream starts, a day after T0 so that
// the reports over the other streams do not see it.
var MachinesT0 = T0.Add(24 * time.Hour)

// Machines is a stream of four States Language executions, run by the
// engine with tasks answered on a fixed clock:
//   - m1 (orders): Validate (Pass), then Charge answered after 2 s;
//   - m2 (orders): Charge fails with Card.Declined, is retried after 1 s,
//     fails again, and the execution fails;
//   - m3 (orders): Charge answered after 4 s;
//   - m4 (thumbs): a Map of 2 items, each Resize answered after 1 s.
func Machines() Stream {
	m := &machineRun{c: &clock{t: MachinesT0}}
	m.run("m1", "orders", ordersMachine, `{"order":1}`, func(*events.OperatorTaskRequest) (string, time.Duration) {
		return "", 2 * time.Second
	})
	m.run("m2", "orders", ordersMachine, `{"order":2}`, func(*events.OperatorTaskRequest) (string, time.Duration) {
		return "Card.Declined", time.Second
	})
	m.run("m3", "orders", ordersMachine, `{"order":3}`, func(*events.OperatorTaskRequest) (string, time.Duration) {
		return "", 4 * time.Second
	})
	m.run("m4", "thumbs", thumbsMachine, `{"images":["a.png","b.png"]}`, func(*events.OperatorTaskRequest) (string, time.Duration) {
		return "", time.Second
	})
	return Stream{Name: "machines", Topic: topics.Catalog.Executions, Events: m.evs}
}

const ordersMachine = `{"StartAt":"Validate","States":{
	"Validate":{"Type":"Pass","Result":{"ok":true},"ResultPath":"$.valid","Next":"Charge"},
	"Charge":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:charge",
		"Retry":[{"ErrorEquals":["Card.Declined"],"IntervalSeconds":1,"MaxAttempts":1,"JitterStrategy":"NONE"}],"End":true}}}`

const thumbsMachine = `{"StartAt":"Each","States":{"Each":{"Type":"Map","ItemsPath":"$.images","MaxConcurrency":1,
	"ItemProcessor":{"StartAt":"Resize","States":{"Resize":{"Type":"Task",
		"Resource":"arn:aws:lambda:us-east-1:123456789012:function:resize","End":true}}},"End":true}}}`

// fixtureFunctions are the functions the machines call.
type fixtureFunctions struct{}

func (fixtureFunctions) Function(name string) (events.Function, bool) {
	return events.Function{Name: name, Implementation: "worker:tasks.fixture"}, true
}

type machineRun struct {
	c     *clock
	evs   []Event
	uuids int
}

// run starts execution id of def and answers each task as answer says:
// with an error name (or "" for success) after a delay.
func (m *machineRun) run(id, machine, def, input string, answer func(*events.OperatorTaskRequest) (string, time.Duration)) {
	opts := &engine.Options{Resolver: &functions.Resolver{Catalog: topics.New("", 1), Functions: fixtureFunctions{}},
		Rand: func() float64 { return 0.5 }, UUID: func() string {
			m.uuids++
			return fmt.Sprintf("00000000-0000-4000-8000-%012d", m.uuids)
		}}
	cmd := &events.StartExecution{ExecutionId: id, Created: m.c.after(time.Minute), Input: json.RawMessage(input),
		Trigger: events.Trigger{Source: "api"}, Run: events.Run{Name: id, Definition: json.RawMessage(def), Type: "STANDARD",
			StateMachine: &events.StateMachineRef{Kind: events.KindStateMachine, Name: machine}}}
	x, o := engine.Start(cmd, m.c.t, opts)
	m.add(id, o)
	pending := o.Tasks
	for len(pending) > 0 {
		t := pending[0]
		pending = pending[1:]
		errName, took := answer(&t.Task)
		m.c.after(t.Delay + took)
		res := &events.OperatorResult{WorkflowExecutionId: id, TaskId: t.Task.TaskId, Attempt: t.Task.Attempt,
			Phase: t.Task.Phase, Run: t.Task.Run, Status: events.ResultComplete, Output: json.RawMessage(`{"done":true}`)}
		if errName != "" {
			res.Status, res.Output, res.Error, res.Cause = events.ResultError, nil, errName, "declined by the bank"
		}
		o = engine.Handle(x, res, m.c.t, opts)
		m.add(id, o)
		pending = append(pending, o.Tasks...)
	}
}

func (m *machineRun) add(id string, o engine.Output) {
	for _, p := range o.Events {
		m.evs = append(m.evs, Event{Key: id, Time: m.c.t, Payload: p})
	}
}
