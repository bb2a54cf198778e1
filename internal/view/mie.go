package view

import (
	"encoding/json"
	"strconv"
	"strings"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/engine"
	"github.com/mie-kafka/mie/internal/workflow"
)

// mieNodes renders an MIE workflow's run as MIE's record: each stage's
// Parallel run as node "Stage", each operator's Task (or skip) run in its
// branch as node "Stage/<branch>/<Operator>", the stage merges' output as
// Globals (internal/workflow names the compiled states).
func mieNodes(x *engine.Execution, v *Execution) {
	v.Globals = globalsOf(x.Input)
	stageOf := map[engine.RunID]string{}
	x.Runs(func(r *engine.Run) {
		name := r.Name()
		switch {
		case r.Parent == 0 && r.State.Type().String() == "Parallel":
			stageOf[r.ID] = name
			v.CurrentStage = name
			v.Nodes[name] = stageNode(r, name)
		case r.Parent == 0 && name == workflow.MergeState(strings.TrimSuffix(name, ":merge")):
			mergeInto(v, r, strings.TrimSuffix(name, ":merge"))
		case r.Parent != 0:
			if stage, ok := stageOf[r.Parent]; ok {
				operatorNode(x, v, r, stage)
			}
		}
	})
	if st := waitingStage(x); st != "" {
		v.WaitingStage = st
	}
}

func stageNode(r *engine.Run, stage string) *Node {
	n := &Node{Path: stage, Type: "Parallel", Stage: stage, Status: NodeStarted, Started: r.Entered}
	switch r.Status {
	case engine.RunSucceeded:
		// Complete once its merge succeeds (mergeInto).
	case engine.RunRunning:
	default:
		n.Status, n.Error, n.Cause, n.Ended = NodeError, r.Error, r.Cause, r.Ended
	}
	return n
}

// mergeInto applies a stage's merge run: the stage completes (or fails
// with the merge's error) and its output is the execution's Globals.
func mergeInto(v *Execution, r *engine.Run, stage string) {
	n := v.Nodes[stage]
	if n == nil {
		return
	}
	switch r.Status {
	case engine.RunSucceeded:
		n.Status, n.Ended = NodeComplete, r.Ended
		v.Globals = globalsOf(r.Output)
	case engine.RunFailed, engine.RunCaught:
		n.Status, n.Error, n.Cause, n.Ended = NodeError, r.Error, r.Cause, r.Ended
	}
}

// operatorNode renders run r of an operator's branch of stage.
func operatorNode(x *engine.Execution, v *Execution, r *engine.Run, stage string) {
	rest := strings.TrimPrefix(r.Name(), stage+":")
	op, role, _ := strings.Cut(rest, ":")
	path := stage + "/" + strconv.Itoa(r.Slot) + "/" + op
	switch role {
	case "skip":
		n := &Node{Path: path, Type: "Task", Stage: stage, Operator: op, Status: NodeSkipped, Ended: r.Ended}
		n.Reason, _ = engine.Object(r.Output)["Reason"].(string)
		v.Nodes[path] = n
	case "":
		v.Nodes[path] = taskNode(x, r, path, stage, op)
	}
}

func taskNode(x *engine.Execution, r *engine.Run, path, stage, op string) *Node {
	n := &Node{Path: path, Type: "Task", Stage: stage, Operator: op, Attempt: r.Attempt, Retries: r.Retries,
		Started: r.Entered, Ended: r.Ended, Error: r.Error, Cause: r.Cause}
	if t := r.Task; t != nil {
		n.TaskId, n.Phase, n.Delivery, n.Deferrals = t.TaskID, t.Phase, t.Delivery, t.Deferrals
		n.LastError, n.LastCause, n.MonitorState, n.Dispatched = t.LastError, t.LastCause, t.MonitorState, t.Dispatched
	}
	switch r.Status {
	case engine.RunRunning:
		n.Status = NodeStarted
		if r.Task != nil && r.Task.Phase == events.PhaseMonitor {
			n.Status = NodeExecuting
		}
		if r.Task != nil && r.Task.Token != "" && isWait(r.Task.Resource) {
			n.Status, n.Waiting = NodeExecuting, true
		}
	case engine.RunSucceeded:
		n.Status = NodeComplete
		out := globalsOf(r.Output)
		n.Media, n.MetaData = out.Media, out.MetaData
	case engine.RunAborted:
		n.Status, n.Error = NodeError, "Execution ended: "+x.Error
		if x.Status == engine.StatusAborted {
			n.Error = "Execution cancelled"
		}
	default:
		n.Status = NodeError
	}
	return n
}

// globalsOf reads {Media, MetaData} out of a run's data.
func globalsOf(v any) events.Globals {
	g := events.Globals{}
	if raw, ok := v.(json.RawMessage); ok {
		_ = json.Unmarshal(raw, &g)
	} else if b, err := json.Marshal(v); err == nil {
		_ = json.Unmarshal(b, &g) // a value without them gives none
	}
	if g.Media == nil {
		g.Media = map[string]events.MediaObject{}
	}
	if g.MetaData == nil {
		g.MetaData = map[string]any{}
	}
	return g
}
