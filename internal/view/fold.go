package view

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/asl"
	"github.com/mie-kafka/mie/internal/engine"
	"github.com/mie-kafka/mie/internal/execution"
	"github.com/mie-kafka/mie/internal/workflow"
)

// Folder folds one execution's events, of either engine, and renders its
// view. Every projection folds with it: they cannot disagree.
type Folder struct {
	run    *engine.Execution
	legacy *execution.Execution
}

// Apply folds one event; the first must be the execution's ExecutionQueued.
func (f *Folder) Apply(at time.Time, p events.Payload) error {
	if q, ok := p.(*events.ExecutionQueued); ok {
		f.run, f.legacy = nil, nil
		if q.IsRun() {
			f.run = &engine.Execution{Keep: true, Raw: true}
		} else {
			f.legacy = &execution.Execution{}
		}
	}
	switch {
	case f.run != nil:
		return f.run.Apply(at, p)
	case f.legacy != nil:
		return f.legacy.Apply(at, p)
	}
	return fmt.Errorf("apply %s: the execution has no ExecutionQueued", p.EventType())
}

// Started reports whether the folder has seen the ExecutionQueued.
func (f *Folder) Started() bool { return f.run != nil || f.legacy != nil }

// Run returns the States Language run being folded, or nil for a
// version-1 execution.
func (f *Folder) Run() *engine.Execution { return f.run }

// View renders the execution's read model.
func (f *Folder) View() *Execution {
	if f.legacy != nil {
		return fromLegacy(f.legacy)
	}
	if f.run != nil {
		return fromRun(f.run)
	}
	return nil
}

// fromLegacy renders an execution of the first engine, field by field.
func fromLegacy(x *execution.Execution) *Execution {
	v := &Execution{Id: x.Id, AssetId: x.AssetId, Status: x.Status, Workflow: x.Workflow, Machine: x.Machine,
		Globals: x.Globals, Configuration: x.Configuration, Trigger: x.Trigger, Created: x.Created,
		Started: x.Started, Ended: x.Ended, Updated: x.Updated, CurrentStage: x.CurrentStage,
		WaitingStage: x.WaitingStage, Error: x.Error, Cause: x.Cause, Cancelled: x.Cancelled,
		Nodes: make(map[string]*Node, len(x.Nodes)), Version: x.Version}
	for k, n := range x.Nodes {
		v.Nodes[k] = &Node{Path: n.Path, Type: n.Type, Stage: n.Stage, Operator: n.Operator, Status: n.Status,
			Attempt: n.Attempt, TaskId: n.TaskId, Phase: n.Phase, Delivery: n.Delivery, Retries: n.Retries,
			Deferrals: n.Deferrals, LastError: n.LastError, LastCause: n.LastCause, Waiting: n.Waiting,
			Reason: n.Reason, Media: n.Media, MetaData: n.MetaData, MonitorState: n.MonitorState, Error: n.Error,
			Cause: n.Cause, Started: n.Started, Ended: n.Ended, Dispatched: n.Dispatched}
	}
	return v
}

// fromRun renders a States Language run; an MIE workflow's also as its
// stages and operators.
func fromRun(x *engine.Execution) *Execution {
	q := x.Queued
	v := &Execution{Id: x.ID, AssetId: q.AssetId, Workflow: q.Workflow, Configuration: q.Configuration,
		Trigger: q.Trigger, Created: x.Created, Started: x.Started, Ended: x.Ended, Updated: x.Updated,
		Error: x.Error, Cause: x.Cause, Cancelled: x.Status == engine.StatusAborted,
		Nodes: map[string]*Node{}, Version: int64(x.Events), Run: runOf(x)}
	v.Status = mieStatus(x)
	if isWorkflow(q) {
		mieNodes(x, v)
	}
	return v
}

func isWorkflow(q *events.ExecutionQueued) bool {
	return q.StateMachine != nil && q.StateMachine.Kind == events.KindWorkflow
}

// runOf is the execution as Step Functions describes it.
func runOf(x *engine.Execution) *Run {
	q := x.Queued
	r := &Run{Name: firstOf(q.Name, x.ID), Arn: q.Arn, StateMachine: q.StateMachine, Status: x.Status.String(),
		Type: firstOf(q.Type, "STANDARD"), Input: q.Input, Error: x.Error, Cause: x.Cause,
		RedriveCount: q.RedriveCount + x.RedriveCount, Parent: q.Parent, Events: x.Events}
	if !x.Redriven.IsZero() {
		at := x.Redriven
		r.RedriveDate = &at
	}
	if x.Status == engine.StatusSucceeded {
		r.Output, _ = json.Marshal(x.Output)
	}
	x.Runs(func(run *engine.Run) { r.States = append(r.States, stateRun(run)) })
	return r
}

func stateRun(run *engine.Run) StateRun {
	s := StateRun{Run: int32(run.ID), Parent: int32(run.Parent), Slot: run.Slot, State: run.Name(),
		Type: run.State.Type().String(), Visit: run.Visit, Status: run.Status.String(), Attempt: run.Attempt,
		Error: run.Error, Cause: run.Cause, Entered: run.Entered, Ended: run.Ended,
		InputBytes: size(run.Input), OutputBytes: size(run.Output)}
	for _, n := range run.Retries {
		s.Retries += n
	}
	if t := run.Task; t != nil {
		s.Resource, s.Function = t.Resource, t.Function
		s.Waiting = t.Token != "" && !run.Status.Done()
	} else if t, ok := run.State.(*asl.Task); ok {
		// An inline built-in that succeeded at once records no task.
		s.Resource = t.Resource
	}
	if !run.Status.Done() {
		s.OutputBytes = 0
	}
	return s
}

func size(v any) int {
	if v == nil {
		return 0
	}
	if raw, ok := v.(json.RawMessage); ok {
		return len(raw)
	}
	b, _ := json.Marshal(v)
	return len(b)
}

// mieStatus is the run's status in MIE's words.
func mieStatus(x *engine.Execution) string {
	switch x.Status {
	case engine.StatusQueued:
		return StatusQueued
	case engine.StatusSucceeded:
		return StatusComplete
	case engine.StatusRunning:
		if waitingStage(x) != "" {
			return StatusWaiting
		}
		if resumed(x) {
			return StatusResumed
		}
		return StatusStarted
	}
	return StatusError
}

// waitingStage is the stage of an MIE Wait operator waiting to be resumed.
func waitingStage(x *engine.Execution) string {
	stage := ""
	x.Runs(func(r *engine.Run) {
		if r.Task != nil && !r.Status.Done() && r.Task.Token != "" && isWait(r.Task.Resource) {
			stage, _, _ = strings.Cut(r.Name(), ":")
		}
	})
	return stage
}

// resumed reports whether a Wait operator of the execution was resumed.
func resumed(x *engine.Execution) bool {
	done := false
	x.Runs(func(r *engine.Run) {
		if r.Task != nil && r.Status == engine.RunSucceeded && isWait(r.Task.Resource) {
			done = true
		}
	})
	return done
}

func isWait(resource string) bool {
	return strings.HasPrefix(resource, workflow.OperatorResource+workflow.WaitImplementation)
}

func firstOf(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// QueuedOf is the view of the execution cmd starts, as it stands once
// queued: what the API answers when the projection has not shown it yet.
func QueuedOf(cmd *events.StartExecution) *Execution {
	var f Folder
	q := &events.ExecutionQueued{ExecutionId: cmd.ExecutionId, Workflow: cmd.Workflow, Machine: cmd.Machine,
		AssetId: cmd.AssetId, Configuration: cmd.Configuration, Trigger: cmd.Trigger, Created: cmd.Created,
		Input: cmd.Input, Run: cmd.Run}
	if !q.IsRun() {
		q.Globals = cmd.LegacyGlobals()
		q.Input = nil
	}
	if err := f.Apply(cmd.Created, q); err != nil {
		return nil
	}
	return f.View()
}

// AssetID is the execution's asset.
func (f *Folder) AssetID() string {
	switch {
	case f.run != nil && f.run.Queued != nil:
		return f.run.Queued.AssetId
	case f.legacy != nil:
		return f.legacy.AssetId
	}
	return ""
}

// Active reports whether the execution has not ended (it holds or waits
// for a slot).
func (f *Folder) Active() bool {
	switch {
	case f.run != nil:
		return !f.run.Terminal()
	case f.legacy != nil:
		return f.legacy.Active()
	}
	return false
}

// Legacy returns the version-1 execution being folded, or nil.
func (f *Folder) Legacy() *execution.Execution { return f.legacy }

// ResumeLegacy continues folding a version-1 execution from its state (a
// projector restarting from its last stored row).
func (f *Folder) ResumeLegacy(x *execution.Execution) { f.run, f.legacy = nil, x }

// Terminal reports whether the execution has ended.
func (f *Folder) Terminal() bool { return f.Started() && !f.Active() }

// StateRunOf renders one run of a state.
func StateRunOf(r *engine.Run) StateRun { return stateRun(r) }
