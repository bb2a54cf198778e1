package engine

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/asl/failure"
)

// childMachines are the state machines the harness's startExecution
// tasks start, by ARN.
var childMachines = map[string]string{
	"arn:aws:states:us-east-1:123456789012:stateMachine:double": `{"StartAt":"D","States":{"D":{"Type":"Pass",
		"Parameters":{"doubled.$":"States.MathAdd($.n, $.n)"},"End":true}}}`,
	"arn:aws:states:us-east-1:123456789012:stateMachine:fails": `{"StartAt":"F","States":{"F":{"Type":"Fail",
		"Error":"Child.Broke","Cause":"on purpose"}}}`,
}

func childTarget(suffix string, params any) (Target, error) {
	m, _ := params.(map[string]any)
	arn, _ := m["StateMachineArn"].(string)
	def, ok := childMachines[arn]
	if !ok {
		return Target{}, failure.New("StepFunctions.StateMachineDoesNotExistException", "no %s", arn)
	}
	name, _ := m["Name"].(string)
	c := &Child{Definition: []byte(def), Name: name, Input: m["Input"],
		StateMachine: events.StateMachineRef{Kind: events.KindStateMachine, Name: arn[strings.LastIndex(arn, ":")+1:], Arn: arn}}
	t := Target{Function: "states:startExecution", Payload: params, Child: c}
	switch suffix {
	case ".sync":
		c.Sync = 1
	case ".sync:2":
		c.Sync = 2
	case ".waitForTaskToken":
		t.Pattern = WaitForTaskToken
	}
	return t, nil
}

func parentDef(resource, arn string) string {
	return `{"StartAt":"Child","States":{"Child":{"Type":"Task","Resource":"` + resource + `",
		"Parameters":{"StateMachineArn":"` + arn + `","Input":{"n.$":"$.n"}},"End":true}}}`
}

// runChild starts the child the parent's pending command holds and hands
// its end back to the parent.
func runChild(t *testing.T, parent *harness) *harness {
	t.Helper()
	if len(parent.commands) != 1 {
		t.Fatalf("parent commands: %d, want one child start", len(parent.commands))
	}
	cmd, ok := parent.commands[0].Payload.(*events.StartExecution)
	if !ok || parent.commands[0].Key != cmd.ExecutionId {
		t.Fatalf("parent command %#v is not a child start keyed by its id", parent.commands[0])
	}
	parent.commands = nil
	if cmd.Parent == nil || cmd.Parent.ExecutionId != parent.x.ID {
		t.Fatalf("child's parent %+v, want %s", cmd.Parent, parent.x.ID)
	}
	child := newHarness(t)
	x, out := Start(cmd, child.now, &child.opts)
	child.x = x
	child.take(out)
	if len(child.commands) != 1 {
		t.Fatalf("child (%s) commands: %d, want its end for the parent", child.x.Status, len(child.commands))
	}
	end, ok := child.commands[0].Payload.(*events.ChildExecutionEnded)
	if !ok || child.commands[0].Key != parent.x.ID {
		t.Fatalf("child command %#v is not a notice keyed by the parent", child.commands[0])
	}
	parent.take(Handle(parent.x, end, parent.now, &parent.opts))
	return child
}

func TestChildSync2(t *testing.T) {
	h := newHarness(t).start(parentDef("arn:aws:states:::states:startExecution.sync:2",
		"arn:aws:states:us-east-1:123456789012:stateMachine:double"), `{"n":21}`)
	if h.x.Status != StatusRunning {
		t.Fatalf("parent %s before its child ended", h.x.Status)
	}
	child := runChild(t, h)
	if child.x.Queued.Arn == "" || !strings.Contains(child.x.Queued.Arn, ":execution:double:") {
		t.Errorf("child ARN %q", child.x.Queued.Arn)
	}
	var out map[string]any
	raw, _ := json.Marshal(h.x.Output)
	_ = json.Unmarshal(raw, &out)
	if h.x.Status != StatusSucceeded || out["Status"] != "SUCCEEDED" {
		t.Fatalf("parent %s %s: %s", h.x.Status, raw, h.x.Cause)
	}
	h.sameJSON(out["Output"], `{"doubled":42}`)
	if out["ExecutionArn"] != child.x.Queued.Arn {
		t.Errorf("ExecutionArn %v, want %s", out["ExecutionArn"], child.x.Queued.Arn)
	}
}

func TestChildSyncOutputIsString(t *testing.T) {
	h := newHarness(t).start(parentDef("arn:aws:states:::states:startExecution.sync",
		"arn:aws:states:us-east-1:123456789012:stateMachine:double"), `{"n":2}`)
	runChild(t, h)
	out, _ := h.x.Output.(map[string]any)
	if s, ok := out["Output"].(string); !ok || s != `{"doubled":4}` {
		t.Fatalf("Output %#v, want the JSON string {\"doubled\":4}", out["Output"])
	}
}

func TestChildFailureFailsTask(t *testing.T) {
	h := newHarness(t).start(parentDef("arn:aws:states:::states:startExecution.sync:2",
		"arn:aws:states:us-east-1:123456789012:stateMachine:fails"), `{"n":1}`)
	runChild(t, h)
	h.failedWith(failure.TaskFailed, `"Error":"Child.Broke"`)
}

func TestChildRequestResponse(t *testing.T) {
	h := newHarness(t).start(parentDef("arn:aws:states:::states:startExecution",
		"arn:aws:states:us-east-1:123456789012:stateMachine:double"), `{"n":1}`)
	if h.x.Status != StatusSucceeded {
		t.Fatalf("parent %s (%s), want SUCCEEDED once the child started", h.x.Status, h.x.Cause)
	}
	out, _ := h.x.Output.(map[string]any)
	if arn, _ := out["ExecutionArn"].(string); !strings.Contains(arn, ":execution:double:") || out["StartDate"] == nil {
		t.Fatalf("output %#v", out)
	}
	if len(h.commands) != 1 {
		t.Fatalf("commands %d, want the child start", len(h.commands))
	}
}

// A retried attempt starts a new child; the first child's late end is
// ignored.
func TestChildRetryIgnoresStaleChild(t *testing.T) {
	def := `{"StartAt":"Child","States":{"Child":{"Type":"Task","Resource":"arn:aws:states:::states:startExecution.sync:2",
		"Parameters":{"StateMachineArn":"arn:aws:states:us-east-1:123456789012:stateMachine:fails"},
		"Retry":[{"ErrorEquals":["States.TaskFailed"],"MaxAttempts":1,"IntervalSeconds":1}],"End":true}}}`
	h := newHarness(t).start(def, `{}`)
	first := h.commands[0].Payload.(*events.StartExecution).ExecutionId
	runChild(t, h)
	h.fireTimers()
	if len(h.commands) != 1 {
		t.Fatalf("retry started %d children, want 1", len(h.commands))
	}
	second := h.commands[0].Payload.(*events.StartExecution).ExecutionId
	if second == first {
		t.Fatalf("the retry reused child id %s", first)
	}
	stale := &events.ChildExecutionEnded{ExecutionId: h.x.ID, Run: h.commands[0].Payload.(*events.StartExecution).Parent.Run,
		TaskId: "not-the-current-task", Child: first, Status: "SUCCEEDED", Output: json.RawMessage(`{}`)}
	h.take(Handle(h.x, stale, h.now, &h.opts))
	if h.x.Status != StatusRunning {
		t.Fatalf("a stale child's end moved the parent to %s", h.x.Status)
	}
	runChild(t, h)
	h.failedWith(failure.TaskFailed, "Child.Broke")
}

func TestChildDeterministicID(t *testing.T) {
	// A fixed value: a replay, another executor or a later release must
	// derive the same child id, or a redelivered start would be a second
	// child.
	if got := childID("p", 3, 1); got != "86e0892c-4f5a-5c1a-91cd-7e3e5dd52eb6" {
		t.Fatalf("childID(p, 3, 1) = %s; the derivation changed", got)
	}
	if childID("p", 3, 1) == childID("p", 3, 2) || childID("p", 3, 1) == childID("p", 4, 1) || childID("p", 3, 1) == childID("q", 3, 1) {
		t.Fatal("child ids must differ by parent, run and attempt")
	}
}
