package engine

import (
	"encoding/json"
	"strings"

	"github.com/google/uuid"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/asl/failure"
)

// Child executions (states:startExecution): the Task starts the child as
// a StartExecution command keyed by a deterministic id (a replayed or
// redelivered start is the same child), whose Parent names this run and
// task; request-response ends the Task at once with {ExecutionArn,
// StartDate}; .sync and .sync:2 wait for the child's ChildExecutionEnded.

// childNamespace makes child ids from their parent, run and attempt.
var childNamespace = uuid.MustParse("6c0a4b5e-2a57-4b7e-9c1d-3f6a8b2e4d10")

func childID(parent string, run RunID, attempt int) string {
	return uuid.NewSHA1(childNamespace, []byte(parent+"/"+itoa(int(run))+"/"+itoa(attempt))).String()
}

// startChild starts the child of Task run r's current attempt.
func (d *step) startChild(r *Run, t *Target, taskID string) {
	c := t.Child
	id := childID(d.x.ID, r.ID, r.Attempt)
	name := firstOf(c.Name, id)
	input, err := encode(c.Input)
	if err != nil {
		d.attemptFailed(r, failure.New(failure.Runtime, "the child's input cannot be encoded: %v", err))
		return
	}
	arn := executionArn(c.StateMachine.Arn, name)
	d.out.Commands = append(d.out.Commands, Command{Key: id, Payload: &events.StartExecution{
		ExecutionId: id, AssetId: d.x.Queued.AssetId, Input: input, Trigger: events.Trigger{Source: "parent"},
		Created: d.now, Run: events.Run{Name: name, Arn: arn, StateMachine: &c.StateMachine, Definition: c.Definition,
			Type: firstOf(c.Type, "STANDARD"), Parent: &events.ParentRef{ExecutionId: d.x.ID, Run: int32(r.ID), TaskId: taskID}},
	}})
	if c.Sync == 0 && t.Pattern != WaitForTaskToken {
		d.succeeded(r, map[string]any{"ExecutionArn": firstOf(arn, id), "StartDate": timeText(d.now)})
	}
}

// executionArn is a child's ARN: arn:aws:states:<region>:<account>:
// execution:<machine>:<name> from its state machine's ARN.
func executionArn(machineArn, name string) string {
	i := strings.Index(machineArn, ":stateMachine:")
	if i < 0 {
		return ""
	}
	m := machineArn[i+len(":stateMachine:"):]
	if j := strings.IndexByte(m, ':'); j >= 0 {
		m = m[:j] // a version or alias
	}
	return machineArn[:i] + ":execution:" + m + ":" + name
}

// childEnded handles a child's end for the .sync task that waits for it.
func (d *step) childEnded(c *events.ChildExecutionEnded) {
	r, ok := d.x.runs[RunID(c.Run)]
	if !ok || r.Status.Done() || r.Task == nil || r.Task.TaskID != c.TaskId {
		return
	}
	sync2 := strings.HasSuffix(r.Task.Resource, ".sync:2")
	out := map[string]any{"ExecutionArn": firstOf(c.ChildArn, c.Child), "Status": c.Status,
		"StartDate": timeText(c.Started), "StopDate": timeText(c.Stopped)}
	if c.Status == "SUCCEEDED" {
		if sync2 {
			out["Output"] = decode(c.Output)
		} else {
			out["Output"] = string(c.Output)
		}
		out["OutputDetails"] = map[string]any{"Included": true}
		d.succeeded(r, out)
		return
	}
	out["Error"], out["Cause"] = c.Error, c.Cause
	cause, _ := json.Marshal(out)
	d.attemptFailed(r, &failure.Error{Name: failure.TaskFailed, Cause: string(cause)})
}

// notifyParent tells a child's parent that it ended.
func (d *step) notifyParent() {
	x := d.x
	p := x.Queued.Parent
	if p == nil {
		return
	}
	end := &events.ChildExecutionEnded{ExecutionId: p.ExecutionId, Run: p.Run, TaskId: p.TaskId, Child: x.ID,
		ChildArn: x.Queued.Arn, Status: x.Status.String(), Error: x.Error, Cause: x.Cause, Started: x.Started, Stopped: d.now}
	if x.Status == StatusSucceeded {
		end.Output, _ = encode(x.Output)
	}
	if p.MapRun {
		end.Input = x.Queued.Input
	}
	d.out.Commands = append(d.out.Commands, Command{Key: p.ExecutionId, Payload: end})
}
