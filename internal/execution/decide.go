package execution

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"time"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/retry"
)

// Task is an operator task to produce, now or after Delay.
type Task struct {
	Topic string
	Delay time.Duration
	Task  events.OperatorTaskRequest
}

// Output is what handling one input decided: events (already applied to the
// state, in order), operator tasks, and records for the admission topic.
type Output struct {
	Events    []events.Payload
	Tasks     []Task
	Admission []events.Payload
}

// Options tune decisions.
type Options struct {
	// OperatorTimeout bounds one operator attempt when its Task state sets
	// no TimeoutSeconds; 0 means no bound.
	OperatorTimeout time.Duration
	// Rand returns a random number in [0, 1) for the full jitter of retry
	// delays; default math/rand/v2's Float64. The delay it yields is
	// recorded in OperatorRetrying, so replays never call it.
	Rand func() float64
}

// WaitImplementation is the engine-native Wait operator: the workflow goes
// to Waiting until resumed through the API.
const WaitImplementation = "builtin:Wait"

// MetadataOnly is the MediaType of operators that need no input media.
const MetadataOnly = "MetadataOnly"

type decider struct {
	x    *Execution
	now  time.Time
	opts Options
	out  Output
}

func (d *decider) random() float64 {
	if d.opts.Rand != nil {
		return d.opts.Rand()
	}
	return rand.Float64()
}

func (d *decider) emit(p events.Payload) {
	if err := d.x.Apply(d.now, p); err != nil {
		// Every payload emitted here is an execution event; a failure is a
		// programming error that tests catch.
		panic(err)
	}
	d.out.Events = append(d.out.Events, p)
}

// Start handles StartExecution for an execution that does not exist yet.
func Start(cmd *events.StartExecution, now time.Time) (*Execution, Output) {
	d := &decider{x: &Execution{}, now: now}
	d.emit(&events.ExecutionQueued{
		ExecutionId: cmd.ExecutionId, Workflow: cmd.Workflow, Machine: cmd.Machine,
		AssetId: cmd.AssetId, Globals: cloneGlobals(cmd.LegacyGlobals()), Configuration: cmd.Configuration,
		Trigger: cmd.Trigger, Created: cmd.Created,
	})
	d.out.Admission = append(d.out.Admission, &events.AdmissionRequested{ExecutionId: cmd.ExecutionId})
	return d.x, d.out
}

// Handle decides what a command or an operator result does to x. Inputs that
// no longer apply (a result for an old attempt, a command for an ended
// execution) decide nothing: that is what makes redelivery harmless.
func Handle(x *Execution, p events.Payload, now time.Time, opts Options) Output {
	d := &decider{x: x, now: now, opts: opts}
	switch c := p.(type) {
	case *events.AdmitExecution:
		if x.Status != StatusQueued {
			// Cancelled while queued, or a duplicate grant: give the slot back.
			d.out.Admission = append(d.out.Admission, &events.SlotReleased{ExecutionId: x.Id, Reason: "not queued"})
			break
		}
		d.emit(&events.ExecutionStarted{ExecutionId: x.Id})
		d.enter("", x.Machine.StartAt, &x.Machine)
	case *events.CancelExecution:
		if x.Terminal() {
			break
		}
		d.emit(&events.ExecutionCancelled{ExecutionId: x.Id, Reason: c.Reason})
		d.out.Admission = append(d.out.Admission, &events.SlotReleased{ExecutionId: x.Id, Reason: "cancelled"})
	case *events.ResumeExecution:
		if x.Status != StatusWaiting || x.WaitingStage != c.WaitingStageName {
			break
		}
		waiting := d.waitingNodes(c.WaitingStageName)
		d.emit(&events.ExecutionResumed{Stage: c.WaitingStageName})
		for _, path := range waiting {
			n := x.Nodes[path]
			d.emit(&events.OperatorCompleted{Path: path, Stage: n.Stage, Operator: n.Operator})
			d.advance(path)
			if x.Terminal() {
				break
			}
		}
	case *events.OperatorResult:
		d.result(c)
	case *events.TimerFired:
		// Reserved for timers scheduled through the relay.
	}
	return d.out
}

// Sweep fails operator attempts that ran past their timeout, so that no
// execution can hold its slot forever when a worker is gone.
func Sweep(x *Execution, now time.Time, opts Options) Output {
	d := &decider{x: x, now: now, opts: opts}
	if x.Terminal() {
		return d.out
	}
	paths := make([]string, 0, len(x.Nodes))
	for p := range x.Nodes {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, path := range paths {
		n := x.Nodes[path]
		if n.Type != events.StateTask || n.Waiting || (n.Status != NodeStarted && n.Status != NodeExecuting) {
			continue
		}
		timeout := d.timeout(path)
		if timeout <= 0 || now.Sub(n.Dispatched) < timeout {
			continue
		}
		d.attemptFailed(path, retry.ErrorTimeout, fmt.Sprintf("operator %s ran longer than %s", n.Operator, timeout))
		if x.Terminal() {
			break
		}
	}
	return d.out
}

// Deadline is the earliest time at which Sweep would fail an operator of x;
// zero if none.
func Deadline(x *Execution, opts Options) time.Time {
	var min time.Time
	if x.Terminal() {
		return min
	}
	d := &decider{x: x, opts: opts}
	for path, n := range x.Nodes {
		if n.Type != events.StateTask || n.Waiting || (n.Status != NodeStarted && n.Status != NodeExecuting) {
			continue
		}
		if t := d.timeout(path); t > 0 {
			if due := n.Dispatched.Add(t); min.IsZero() || due.Before(min) {
				min = due
			}
		}
	}
	return min
}

func (d *decider) timeout(path string) time.Duration {
	if st, err := d.x.StateAt(path); err == nil && st.TimeoutSeconds > 0 {
		return time.Duration(st.TimeoutSeconds) * time.Second
	}
	return d.opts.OperatorTimeout
}

func (d *decider) result(r *events.OperatorResult) {
	x := d.x
	if x.Terminal() || x.Status == StatusQueued {
		return
	}
	n, ok := x.Nodes[r.Path]
	if !ok || n.Type != events.StateTask || n.TaskId != r.TaskId || n.Attempt != r.Attempt ||
		(n.Status != NodeStarted && n.Status != NodeExecuting) {
		return // stale or duplicate
	}
	switch r.Status {
	case events.ResultExecuting:
		check := time.Duration(r.CheckAfterMs) * time.Millisecond
		d.emit(&events.OperatorExecuting{Path: r.Path, Stage: n.Stage, Operator: n.Operator, TaskId: n.TaskId,
			Attempt: n.Attempt, CheckAfterMs: r.CheckAfterMs, MonitorState: r.MonitorState})
		st, err := x.StateAt(r.Path)
		if err != nil {
			d.failExecution(err.Error(), "")
			return
		}
		d.dispatch(r.Path, st, events.PhaseMonitor, check, n.Attempt, 1)
	case events.ResultComplete:
		d.emit(&events.OperatorCompleted{Path: r.Path, Stage: n.Stage, Operator: n.Operator, TaskId: n.TaskId,
			Attempt: n.Attempt, Media: r.Media, MetaData: r.MetaData})
		d.advance(r.Path)
	case events.ResultDeferred:
		d.deferred(r.Path, r)
	default:
		msg := r.Error
		if msg == "" {
			msg = "operator returned status " + r.Status
		}
		d.attemptFailed(r.Path, msg, r.Cause)
	}
}

func join(parent string, branch int, name string) string {
	if parent == "" {
		return name
	}
	return fmt.Sprintf("%s/%d/%s", parent, branch, name)
}

// enter starts state name of machine m, which lives at branch of parent.
func (d *decider) enter(prefix, name string, m *events.Machine) {
	path := name
	if prefix != "" {
		path = prefix + "/" + name
	}
	st, ok := m.States[name]
	if !ok || st == nil {
		d.failExecution(retry.ErrorRuntime, fmt.Sprintf("state %q does not exist", path))
		return
	}
	switch st.Type {
	case events.StateParallel:
		d.emit(&events.StageStarted{Path: path, Stage: st.Stage})
		for i := range st.Branches {
			d.enter(fmt.Sprintf("%s/%d", path, i), st.Branches[i].StartAt, &st.Branches[i])
			if d.x.Terminal() || d.x.Nodes[path].Status != NodeStarted {
				return
			}
		}
		d.completeParallel(path, st)
	case events.StateTask:
		d.task(path, st)
	default:
		d.failExecution(retry.ErrorRuntime, fmt.Sprintf("state %q: type %s is not supported yet", path, st.Type))
	}
}

func (d *decider) task(path string, st *events.State) {
	op := st.Operator
	if op == nil {
		d.failExecution(retry.ErrorRuntime, fmt.Sprintf("task %q names no operator", path))
		return
	}
	if enabled, ok := op.Configuration["Enabled"].(bool); ok && !enabled {
		d.emit(&events.OperatorSkipped{Path: path, Stage: op.Stage, Operator: op.Name, Reason: "Enabled is false"})
		d.advance(path)
		return
	}
	if mt, _ := op.Configuration["MediaType"].(string); mt != "" && mt != MetadataOnly {
		if _, ok := d.x.Globals.Media[mt]; !ok {
			d.emit(&events.OperatorSkipped{Path: path, Stage: op.Stage, Operator: op.Name,
				Reason: fmt.Sprintf("MediaType %s is not in the input", mt)})
			d.advance(path)
			return
		}
	}
	if op.Implementation == WaitImplementation {
		d.emit(&events.OperatorWaiting{Path: path, Stage: op.Stage, Operator: op.Name})
		if d.x.Status != StatusWaiting {
			d.emit(&events.ExecutionWaiting{Stage: op.Stage})
		}
		return
	}
	d.dispatch(path, st, events.PhaseStart, 0, 1, 1)
}

// dispatch writes a task for the state at path: delivery number delivery of
// step phase of attempt attempt, reaching its topic after delay (through the
// retry tiers when delay > 0).
func (d *decider) dispatch(path string, st *events.State, phase string, delay time.Duration, attempt, delivery int) {
	op := st.Operator
	// Every dispatch, monitor checks, retries and redeliveries included,
	// gets a task id of its own: a task delivered twice (the relay is
	// at-least-once) answers with an id that is no longer current and is
	// ignored, so no second polling chain can start.
	taskID := events.NewID()
	d.emit(&events.OperatorDispatched{Path: path, Stage: op.Stage, Operator: op.Name, TaskId: taskID,
		Attempt: attempt, Phase: phase, Topic: op.Topic, Delivery: delivery, DelayMs: delay.Milliseconds()})
	n := d.x.Nodes[path]
	d.out.Tasks = append(d.out.Tasks, Task{Topic: op.Topic, Delay: delay, Task: events.OperatorTaskRequest{
		Name: op.Name, AssetId: d.x.AssetId, WorkflowExecutionId: d.x.Id,
		Input:         events.OperatorInput{Media: d.x.Globals.Media, MetaData: d.x.Globals.MetaData},
		Configuration: op.Configuration, StageName: op.Stage, Type: op.Type, Implementation: op.Implementation,
		Path: path, TaskId: taskID, Attempt: attempt, Delivery: delivery, Phase: phase, MonitorState: n.MonitorState,
	}})
}

// advance moves on after the state at path succeeded.
func (d *decider) advance(path string) {
	st, err := d.x.StateAt(path)
	if err != nil {
		d.failExecution(retry.ErrorRuntime, err.Error())
		return
	}
	parent, branch, _, nested := parentOf(path)
	if !st.End {
		if nested {
			ps, err := d.x.StateAt(parent)
			if err != nil {
				d.failExecution(retry.ErrorRuntime, err.Error())
				return
			}
			d.enter(fmt.Sprintf("%s/%d", parent, branch), st.Next, &ps.Branches[branch])
		} else {
			d.enter("", st.Next, &d.x.Machine)
		}
		return
	}
	if !nested {
		d.complete()
		return
	}
	ps, err := d.x.StateAt(parent)
	if err != nil {
		d.failExecution(retry.ErrorRuntime, err.Error())
		return
	}
	if pn := d.x.Nodes[parent]; pn != nil && pn.Status == NodeStarted {
		d.completeParallel(parent, ps)
	}
}

// branchDone follows branch b of the Parallel at path from its StartAt
// through successful runs to an End state.
func (d *decider) branchDone(path string, st *events.State, b int) bool {
	m := &st.Branches[b]
	cur := m.StartAt
	for range len(m.States) + 1 {
		n, ok := d.x.Nodes[join(path, b, cur)]
		if !ok || (n.Status != NodeComplete && n.Status != NodeSkipped) {
			return false
		}
		s := m.States[cur]
		if s == nil {
			return false
		}
		if s.End {
			return true
		}
		cur = s.Next
	}
	return false
}

// completeParallel ends an MIE stage once every branch is done, merging the
// operators' Media and MetaData into Globals. Two operators of one stage
// giving the same key different values fail the stage.
func (d *decider) completeParallel(path string, st *events.State) {
	for b := range st.Branches {
		if !d.branchDone(path, st, b) {
			return
		}
	}
	media := map[string]events.MediaObject{}
	meta := map[string]any{}
	mediaFrom, metaFrom := map[string]string{}, map[string]string{}
	paths := d.nodesUnder(path)
	for _, p := range paths {
		n := d.x.Nodes[p]
		if n.Type != events.StateTask || n.Status != NodeComplete {
			continue
		}
		for k, v := range n.Media {
			if prev, dup := media[k]; dup && prev != v {
				d.failStage(path, st, fmt.Sprintf("duplicate Media key %q from operators %s and %s", k, mediaFrom[k], n.Operator))
				return
			}
			media[k], mediaFrom[k] = v, n.Operator
		}
		for k, v := range n.MetaData {
			if prev, dup := meta[k]; dup && !sameJSON(prev, v) {
				d.failStage(path, st, fmt.Sprintf("duplicate MetaData key %q from operators %s and %s", k, metaFrom[k], n.Operator))
				return
			}
			meta[k], metaFrom[k] = v, n.Operator
		}
	}
	d.emit(&events.StageCompleted{Path: path, Stage: st.Stage, Media: media, MetaData: meta})
	d.advance(path)
}

// nodesUnder lists the runs inside the Parallel at path in branch order.
func (d *decider) nodesUnder(path string) []string {
	var out []string
	for p := range d.x.Nodes {
		if len(p) > len(path) && p[:len(path)] == path && p[len(path)] == '/' {
			out = append(out, p)
		}
	}
	slices.Sort(out)
	return out
}

func (d *decider) waitingNodes(stage string) []string {
	var out []string
	for p, n := range d.x.Nodes {
		if n.Waiting && n.Stage == stage {
			out = append(out, p)
		}
	}
	slices.Sort(out)
	return out
}

func (d *decider) complete() {
	d.emit(&events.ExecutionCompleted{ExecutionId: d.x.Id})
	d.out.Admission = append(d.out.Admission, &events.SlotReleased{ExecutionId: d.x.Id, Reason: "completed"})
}

func sameJSON(a, b any) bool {
	ja, errA := json.Marshal(a)
	jb, errB := json.Marshal(b)
	return errA == nil && errB == nil && bytes.Equal(ja, jb)
}
