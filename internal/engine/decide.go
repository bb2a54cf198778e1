package engine

import (
	"fmt"
	"time"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/asl"
	"github.com/mie-kafka/mie/internal/asl/failure"
)

// step is one decision: the execution, the clock, what it emitted so far,
// and the work queue of states to enter and runs that ended.
type step struct {
	x     *Execution
	now   time.Time
	opts  *Options
	out   Output
	queue []work
	moves int
	// token is the task token of the Task attempt whose parameters are
	// being evaluated ($$.Task.Token).
	token string
	// endedMapRun is the run whose map run's end the decision handles.
	endedMapRun RunID
}

type workKind uint8

const (
	// workEnter enters state name of scope sc with input.
	workEnter workKind = iota
	// workScopeEnded tells the owner of a branch or iteration that it
	// ended (or the execution, at the top level).
	workScopeEnded
)

type work struct {
	kind workKind
	// sc is the scope entered, or nil for the first run of branch or
	// iteration slot of run owner (its scope is made when the run enters).
	sc    *scope
	owner RunID
	slot  int
	name  string
	input any
}

func newStep(x *Execution, now time.Time, opts *Options) *step {
	if opts == nil {
		opts = &Options{}
	}
	return &step{x: x, now: now, opts: opts}
}

// emit applies an event and records it. Every payload emitted here is an
// event of this package's: a failure to apply is a programming error that
// tests catch.
func (d *step) emit(p events.Payload) {
	if err := d.x.Apply(d.now, p); err != nil {
		panic(err)
	}
	d.out.Events = append(d.out.Events, p)
}

// emitValue is emit for an event that records value v (a run's input or
// output) as JSON: the fold takes v as it is instead of decoding the
// JSON. Values are never modified in place once made, so the run and
// whoever made v can share it; the harness's replay check holds decided
// and replayed states equal.
func (d *step) emitValue(p events.Payload, v any) {
	d.x.hint, d.x.hinted = v, true
	d.emit(p)
	d.x.hint, d.x.hinted = nil, false
}

func (d *step) random() float64 { return d.opts.random() }

func (d *step) uuid() string { return d.opts.uuid() }

// Start handles StartExecution for an execution that does not exist yet:
// it is queued, and then admitted (when it waits for a slot under
// MaxConcurrentWorkflows) or started at once.
func Start(cmd *events.StartExecution, now time.Time, opts *Options) (*Execution, Output) {
	x := &Execution{}
	d := newStep(x, now, opts)
	d.emit(&events.ExecutionQueued{
		ExecutionId: cmd.ExecutionId, Workflow: cmd.Workflow, AssetId: cmd.AssetId,
		Configuration: cmd.Configuration, Trigger: cmd.Trigger, Created: cmd.Created,
		Input: cmd.Input, Run: cmd.Run,
	})
	if cmd.Admission {
		d.out.Admission = append(d.out.Admission, &events.AdmissionRequested{ExecutionId: cmd.ExecutionId})
		return x, d.out
	}
	d.begin()
	return x, d.out
}

// begin starts a queued execution at its machine's StartAt.
func (d *step) begin() {
	x := d.x
	d.emit(&events.ExecutionStarted{ExecutionId: x.ID})
	if x.invalid != nil {
		d.endExecution(x.invalid)
		return
	}
	if len(x.Queued.Input) > d.opts.maxPayload() {
		d.endExecution(failure.New(ErrDataLimitExceeded, "the execution's input is %d bytes, over the limit of %d",
			len(x.Queued.Input), d.opts.maxPayload()))
		return
	}
	d.queue = append(d.queue, work{kind: workEnter, sc: x.root, name: x.Machine.StartAt, input: x.Input})
	d.drain()
}

// Handle decides what a command, a task result or a timer does to x.
// Inputs that no longer apply (a result for an old attempt, a command for
// an ended execution, a timer already fired) decide nothing: that is what
// makes redelivery harmless.
func Handle(x *Execution, p events.Payload, now time.Time, opts *Options) Output {
	d := newStep(x, now, opts)
	if r, ok := p.(*events.RedriveExecution); ok {
		d.redrive(r)
		d.drain()
		return d.out
	}
	if x.Terminal() {
		return d.out
	}
	open := x.openMapRuns()
	switch c := p.(type) {
	case *events.AdmitExecution:
		if x.Status != StatusQueued {
			// A duplicate grant: give the slot back.
			d.out.Admission = append(d.out.Admission, &events.SlotReleased{ExecutionId: x.ID, Reason: "not queued"})
			break
		}
		d.begin()
	case *events.CancelExecution:
		d.emit(&events.ExecutionCancelled{ExecutionId: x.ID, Reason: c.Reason, Error: c.Error, Cause: c.Cause})
		d.released("cancelled")
		d.notifyParent()
	case *events.OperatorResult:
		d.taskResult(c)
	case *events.TaskTokenAnswered:
		d.tokenAnswered(c)
	case *events.TimerFired:
		d.timerFired(c)
	case *events.ChildExecutionEnded:
		d.childEnded(c)
	case *events.MapRunEnded:
		d.mapRunEnded(c)
	}
	d.drain()
	d.abortMapRuns(open)
	return d.out
}

// released gives the execution's admission slot back, if it held one.
func (d *step) released(reason string) {
	if d.x.Queued.Admission {
		d.out.Admission = append(d.out.Admission, &events.SlotReleased{ExecutionId: d.x.ID, Reason: reason})
	}
}

// drain runs the work queue until it is empty, the execution ended, or
// the transition bound is reached.
func (d *step) drain() {
	for len(d.queue) > 0 && !d.x.Terminal() {
		w := d.queue[0]
		d.queue = d.queue[1:]
		switch w.kind {
		case workEnter:
			if d.moves++; d.moves > d.opts.maxTransitions() {
				d.endExecution(failure.New(failure.Runtime,
					"the execution went through more than %d states without waiting for anything: the machine loops (last: %q)",
					d.opts.maxTransitions(), w.name))
				return
			}
			d.enter(w, w.name, w.input)
		case workScopeEnded:
			d.scopeEnded(w.sc)
		}
	}
	if len(d.queue) == 0 {
		d.queue = nil
	}
}

// enter starts a run of state name in the scope w names.
func (d *step) enter(w work, name string, input any) {
	owner, slot, visit := w.owner, w.slot, 1
	var st asl.State
	if sc := w.sc; sc != nil {
		owner, slot, visit = sc.owner, sc.slot, sc.visits[name]+1
		st = sc.machine.State(name)
	} else if m, err := childMachine(d.x.runs[owner].State, slot); err == nil {
		st = m.State(name)
	}
	if st == nil {
		// Parse checks every transition: this is a programming error.
		d.endExecution(failure.New(failure.Runtime, "no state %q", name))
		return
	}
	raw, err := encode(input)
	if err != nil {
		d.endExecution(failure.New(failure.Runtime, "state %q: its input cannot be encoded: %v", name, err))
		return
	}
	if len(raw) > d.opts.maxPayload() {
		d.endExecution(failure.New(ErrDataLimitExceeded, "the input of state %q is %d bytes, over the limit of %d",
			name, len(raw), d.opts.maxPayload()))
		return
	}
	if d.x.Events+2 >= d.opts.maxHistory() {
		d.endExecution(failure.New(failure.Runtime, "the execution's history reached its limit of %d events", d.opts.maxHistory()))
		return
	}
	id := d.x.next
	d.emitValue(&events.StateEntered{RunRef: events.RunRef{Run: int32(id), State: name}, Type: st.Type().String(),
		Parent: int32(owner), Slot: slot, Visit: visit, Input: raw}, input)
	handlerOf(st).enter(d, d.x.runs[id])
}

// exit ends run r successfully with output (its output processing done)
// and goes on at next, or ends its scope.
func (d *step) exit(r *Run, output any, next string, assigned map[string]any) {
	raw, err := encode(output)
	if err == nil && len(raw) > d.opts.maxPayload() {
		err = failure.New(ErrDataLimitExceeded, "the output of state %q is %d bytes, over the limit of %d",
			r.Name(), len(raw), d.opts.maxPayload())
	}
	vars, verr := encodeVars(assigned)
	if verr == nil {
		verr = d.limitVars(r, vars)
	}
	if err != nil || verr != nil {
		d.fail(r, failure.As(firstErr(err, verr)))
		return
	}
	d.emitValue(&events.StateExited{RunRef: ref(r), Output: raw, Next: next, Assigned: vars}, output)
	if next != "" {
		d.queue = append(d.queue, work{kind: workEnter, sc: r.scope, name: next, input: output})
		return
	}
	d.queue = append(d.queue, work{kind: workScopeEnded, sc: r.scope})
}

// enterChild queues the first state of branch or iteration slot of run r.
func (d *step) enterChild(r *Run, slot int, m *asl.Machine, input any) {
	d.queue = append(d.queue, work{kind: workEnter, owner: r.ID, slot: slot, name: m.StartAt, input: input})
}

// scopeEnded hands the end of a branch or iteration to its Parallel or
// Map run, or ends the execution.
func (d *step) scopeEnded(sc *scope) {
	if sc.owner == 0 {
		if sc.status == RunSucceeded {
			d.succeedExecution(sc.output)
		} else if sc.err != nil {
			d.endExecution(sc.err)
		}
		return
	}
	p, ok := d.x.runs[sc.owner]
	if !ok || p.Status.Done() {
		return // the Parallel or Map ended already (another branch failed)
	}
	if h, ok := handlerOf(p.State).(parent); ok {
		h.childEnded(d, p, sc)
	}
}

func (d *step) succeedExecution(output any) {
	raw, err := encode(output)
	if err != nil {
		d.endExecution(failure.New(failure.Runtime, "the execution's output cannot be encoded: %v", err))
		return
	}
	d.emit(&events.ExecutionCompleted{ExecutionId: d.x.ID, Output: raw})
	d.released("completed")
	d.notifyParent()
}

// endExecution fails the execution (unless it ended already).
func (d *step) endExecution(e *failure.Error) {
	if d.x.Terminal() {
		return
	}
	d.emit(&events.ExecutionFailed{ExecutionId: d.x.ID, Error: e.Name, Cause: e.Cause})
	d.released("failed")
	d.notifyParent()
	d.queue = nil
}

func ref(r *Run) events.RunRef { return events.RunRef{Run: int32(r.ID), State: r.Name()} }

func firstErr(errs ...error) error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}

// handler is one state type's part of the interpreter.
type handler interface {
	// enter begins run r, whose StateEntered is applied: it ends the run
	// (exit or fail) or leaves it waiting for a task, a timer or its
	// children.
	enter(d *step, r *Run)
}

// parent is a handler whose runs hold branches or iterations.
type parent interface {
	handler
	// childEnded is told that branch or iteration sc of run r ended.
	childEnded(d *step, r *Run, sc *scope)
}

// handlers holds one handler per state type; each registers itself in
// its own file.
var handlers [asl.TypeMap + 1]handler

func handlerOf(st asl.State) handler {
	if t := st.Type(); int(t) < len(handlers) && handlers[t] != nil {
		return handlers[t]
	}
	panic(fmt.Sprintf("engine: no handler for state type %s", st.Type()))
}
