// Package execution holds an execution's state and the two pure functions
// over it: Apply folds one event into the state, and the deciders (decide.go)
// turn a command or an operator result into new events. The executor and the
// projections share Apply, so they cannot disagree about what happened.
package execution

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/mie-kafka/mie/events"
)

// Workflow statuses, as MIE's.
const (
	StatusQueued   = "Queued"
	StatusStarted  = "Started"
	StatusWaiting  = "Waiting"
	StatusResumed  = "Resumed"
	StatusError    = "Error"
	StatusComplete = "Complete"
)

// Stage and operator statuses, as MIE's (operators add Skipped).
const (
	NodeNotStarted = "Not Started"
	NodeStarted    = "Started"
	NodeExecuting  = "Executing"
	NodeError      = "Error"
	NodeComplete   = "Complete"
	NodeSkipped    = "Skipped"
)

// Statuses lists every workflow status, for input validation.
var Statuses = []string{StatusQueued, StatusStarted, StatusWaiting, StatusResumed, StatusError, StatusComplete}

// Execution is the folded state of one execution.
type Execution struct {
	Id            string
	AssetId       string
	Status        string
	Workflow      events.ExecutionWorkflow
	Machine       events.Machine
	Globals       events.Globals
	Configuration events.Configuration
	Trigger       events.Trigger
	Created       time.Time
	Started       time.Time
	Ended         time.Time
	Updated       time.Time
	CurrentStage  string
	WaitingStage  string
	Error         string
	Cause         string
	Cancelled     bool
	// Nodes are the runs of Parallel and Task states, by path.
	Nodes map[string]*Node
	// Version counts the events applied.
	Version int64
}

// Node is one run of a state: a Parallel (an MIE stage) or a Task (an
// operator).
type Node struct {
	Path     string
	Type     string
	Stage    string
	Operator string
	Status   string
	Attempt  int
	TaskId   string
	Phase    string
	// Delivery counts the deliveries of the current step (Start of this
	// attempt, or one Monitor check): 1, plus one per deferral.
	Delivery int
	// Retries counts the retries decided by each retrier of the Task
	// state, by its index; Deferrals counts the worker's deferrals.
	Retries   []int
	Deferrals int
	// LastError and LastCause are the failure of the latest attempt that
	// was retried.
	LastError, LastCause string
	Waiting              bool
	Reason               string
	Media                map[string]events.MediaObject
	MetaData             map[string]any
	MonitorState         json.RawMessage
	Error                string
	Cause                string
	Started              time.Time
	Ended                time.Time
	// Dispatched is when the current attempt reached (or reaches) its
	// worker: its Start dispatch plus the dispatch's delay through the
	// retry tiers, or the redelivery after a deferral. The operator timeout
	// counts from it, so a pending retry or redelivery never times out.
	Dispatched time.Time
}

// Terminal reports whether the execution has ended.
func (x *Execution) Terminal() bool {
	return x.Status == StatusError || x.Status == StatusComplete
}

// Active reports whether the execution holds or waits for a slot.
func (x *Execution) Active() bool { return !x.Terminal() }

// Apply folds one event into the state. It is deterministic: the same events
// in the same order give the same state. Commands are not applied.
func (x *Execution) Apply(at time.Time, p events.Payload) error {
	switch e := p.(type) {
	case *events.ExecutionQueued:
		*x = Execution{
			Id: e.ExecutionId, AssetId: e.AssetId, Status: StatusQueued,
			Workflow: e.Workflow, Machine: e.Machine, Globals: cloneGlobals(e.Globals),
			Configuration: e.Configuration, Trigger: e.Trigger, Created: e.Created,
			Nodes: map[string]*Node{},
		}
	case *events.ExecutionStarted:
		x.Status = StatusStarted
		x.Started = at
	case *events.StageStarted:
		n := x.node(e.Path, events.StateParallel)
		n.Stage, n.Status, n.Started = e.Stage, NodeStarted, at
		x.CurrentStage = e.Stage
	case *events.OperatorSkipped:
		n := x.node(e.Path, events.StateTask)
		n.Stage, n.Operator, n.Status, n.Reason, n.Ended = e.Stage, e.Operator, NodeSkipped, e.Reason, at
	case *events.OperatorDispatched:
		n := x.node(e.Path, events.StateTask)
		n.Stage, n.Operator, n.Phase = e.Stage, e.Operator, e.Phase
		n.TaskId, n.Delivery = e.TaskId, max(e.Delivery, 1)
		reaches := at.Add(time.Duration(e.DelayMs) * time.Millisecond)
		if e.Phase == events.PhaseStart {
			n.Status, n.Attempt, n.Dispatched, n.MonitorState = NodeStarted, e.Attempt, reaches, nil
			if n.Started.IsZero() {
				n.Started = at
			}
		} else if n.Delivery > 1 {
			// A deferred Monitor check: the timeout restarts at its
			// redelivery.
			n.Dispatched = reaches
		}
	case *events.OperatorRetrying:
		n := x.node(e.Path, events.StateTask)
		for len(n.Retries) <= e.Retrier {
			n.Retries = append(n.Retries, 0)
		}
		n.Retries[e.Retrier]++
		n.LastError, n.LastCause = e.Error, e.Cause
	case *events.OperatorDeferred:
		n := x.node(e.Path, events.StateTask)
		n.Deferrals++
	case *events.OperatorExecuting:
		n := x.node(e.Path, events.StateTask)
		n.Status, n.MonitorState = NodeExecuting, e.MonitorState
	case *events.OperatorWaiting:
		n := x.node(e.Path, events.StateTask)
		n.Stage, n.Operator, n.Status, n.Waiting, n.Started = e.Stage, e.Operator, NodeExecuting, true, at
	case *events.OperatorCompleted:
		n := x.node(e.Path, events.StateTask)
		n.Status, n.Media, n.MetaData, n.Waiting, n.Ended = NodeComplete, e.Media, e.MetaData, false, at
	case *events.OperatorFailed:
		n := x.node(e.Path, events.StateTask)
		n.Status, n.Error, n.Cause, n.Ended = NodeError, e.Error, e.Cause, at
	case *events.StageCompleted:
		n := x.node(e.Path, events.StateParallel)
		n.Status, n.Ended = NodeComplete, at
		for k, v := range e.Media {
			x.Globals.Media[k] = v
		}
		for k, v := range e.MetaData {
			x.Globals.MetaData[k] = v
		}
	case *events.StageFailed:
		n := x.node(e.Path, events.StateParallel)
		n.Status, n.Error, n.Cause, n.Ended = NodeError, e.Error, e.Cause, at
	case *events.ExecutionWaiting:
		x.Status, x.WaitingStage = StatusWaiting, e.Stage
	case *events.ExecutionResumed:
		x.Status, x.WaitingStage = StatusResumed, ""
	case *events.ExecutionCompleted:
		x.Status, x.Ended = StatusComplete, at
	case *events.ExecutionFailed:
		x.Status, x.Error, x.Cause, x.Ended = StatusError, e.Error, e.Cause, at
		x.abortRunning(at, "Execution ended: "+e.Error)
	case *events.ExecutionCancelled:
		x.Status, x.Cancelled, x.Ended = StatusError, true, at
		x.Error, x.Cause = "Execution cancelled", e.Reason
		x.abortRunning(at, "Execution cancelled")
	default:
		return fmt.Errorf("apply: %s is not an execution event", p.EventType())
	}
	x.Version++
	x.Updated = at
	return nil
}

// abortRunning ends the stages and operators still running when the
// execution ends, so that no record shows them running forever.
func (x *Execution) abortRunning(at time.Time, msg string) {
	for _, n := range x.Nodes {
		if n.Status == NodeStarted || n.Status == NodeExecuting {
			n.Status, n.Error, n.Ended, n.Waiting = NodeError, msg, at, false
		}
	}
}

// Fold builds an execution from its events, in order.
func Fold(envs []events.Envelope) (*Execution, error) {
	x := &Execution{}
	for i := range envs {
		p, err := envs[i].Decode()
		if err != nil {
			return nil, err
		}
		if err := x.Apply(envs[i].Time, p); err != nil {
			return nil, err
		}
	}
	return x, nil
}

func (x *Execution) node(path, typ string) *Node {
	n, ok := x.Nodes[path]
	if !ok {
		n = &Node{Path: path, Type: typ, Status: NodeNotStarted}
		x.Nodes[path] = n
	}
	return n
}

// Node returns the run of the state at path, if it has one.
func (x *Execution) Node(path string) (*Node, bool) {
	n, ok := x.Nodes[path]
	return n, ok
}

// StateAt resolves a path ("S", "S/0/T", ...) to its state in the machine.
func (x *Execution) StateAt(path string) (*events.State, error) {
	parts := strings.Split(path, "/")
	m := &x.Machine
	for i := 0; ; i += 2 {
		st, ok := m.States[parts[i]]
		if !ok || st == nil {
			return nil, fmt.Errorf("path %q: no state %q", path, parts[i])
		}
		if i == len(parts)-1 {
			return st, nil
		}
		if i+1 >= len(parts)-1 {
			return nil, fmt.Errorf("path %q is incomplete", path)
		}
		b, err := strconv.Atoi(parts[i+1])
		if err != nil || b < 0 || b >= len(st.Branches) {
			return nil, fmt.Errorf("path %q: bad branch %q", path, parts[i+1])
		}
		m = &st.Branches[b]
	}
}

// parentOf splits "S/0/T" into ("S", 0, "T"); a top-level path has no parent.
func parentOf(path string) (parent string, branch int, name string, ok bool) {
	i := strings.LastIndexByte(path, '/')
	if i < 0 {
		return "", 0, path, false
	}
	name = path[i+1:]
	rest := path[:i]
	j := strings.LastIndexByte(rest, '/')
	if j < 0 {
		return "", 0, path, false
	}
	b, err := strconv.Atoi(rest[j+1:])
	if err != nil {
		return "", 0, path, false
	}
	return rest[:j], b, name, true
}

func cloneGlobals(g events.Globals) events.Globals {
	out := events.Globals{Media: map[string]events.MediaObject{}, MetaData: map[string]any{}}
	for k, v := range g.Media {
		out.Media[k] = v
	}
	for k, v := range g.MetaData {
		out.MetaData[k] = v
	}
	return out
}
