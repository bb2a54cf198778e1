package engine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/asl/failure"
)

// TestState runs one state once, as Step Functions' TestState API does:
// the state's data flow, its Choice rules, one attempt of its Task, and
// what its Retry or Catch would do with that attempt's error. The state
// runs in this engine, as part of a machine made of it (transitions go to
// placeholder states that are never run), so it behaves exactly as it does
// in an execution; nothing is recorded.

// The kinds of error TestState returns (errors.Is): the definition is
// not one state or machine that validates; the input is not JSON; the
// state needs what a test cannot give it (a worker, a token, a child).
var (
	ErrTestDefinition  = errors.New("invalid definition")
	ErrTestInput       = errors.New("invalid input")
	ErrTestUnsupported = errors.New("not testable")
)

// TestStateInput is one test.
type TestStateInput struct {
	// Definition is the state's JSON; or a whole state machine, with
	// StateName naming the state to test.
	Definition json.RawMessage
	StateName  string
	Input      json.RawMessage
	// Variables are the workflow variables the state sees.
	Variables map[string]json.RawMessage
	// Invoke runs a Task attempt's work (the task record the engine would
	// send to Topic) and returns its result; nil fails Tasks that need a
	// worker.
	Invoke func(ctx context.Context, topic string, task *events.OperatorTaskRequest) (json.RawMessage, *failure.Error)
}

// TestStateStatus is how the tested state ended.
type TestStateStatus string

// Outcomes of TestState, as AWS names them.
const (
	TestSucceeded   TestStateStatus = "SUCCEEDED"
	TestFailed      TestStateStatus = "FAILED"
	TestRetriable   TestStateStatus = "RETRIABLE"
	TestCaughtError TestStateStatus = "CAUGHT_ERROR"
)

// TestStateOutput is what the state did.
type TestStateOutput struct {
	Status TestStateStatus
	// Output is the state's output (SUCCEEDED, CAUGHT_ERROR); NextState
	// where the execution would go on (empty at an End).
	Output    json.RawMessage
	NextState string
	// Error and Cause are the error the state raised (FAILED, RETRIABLE,
	// CAUGHT_ERROR).
	Error, Cause string
	// RetryDelay is the backoff before the retry (RETRIABLE).
	RetryDelay time.Duration
	Inspection Inspection
}

// Inspection is the data at each step of the state's data flow (AWS's
// inspectionData); a step the state does not have is empty.
type Inspection struct {
	Input               json.RawMessage
	AfterInputPath      json.RawMessage
	AfterParameters     json.RawMessage
	AfterArguments      json.RawMessage
	Result              json.RawMessage
	AfterResultSelector json.RawMessage
	AfterResultPath     json.RawMessage
	Variables           json.RawMessage
}

// Inspection steps, the hook's names.
const (
	inspectInputPath      = "afterInputPath"
	inspectParameters     = "afterParameters"
	inspectArguments      = "afterArguments"
	inspectResult         = "result"
	inspectResultSelector = "afterResultSelector"
	inspectResultPath     = "afterResultPath"
)

// testStateEnd bounds what one test may do: the tested state and, for a
// Parallel or Map, the states inside it.
const testStateSteps = 10000

// TestState runs in.
func TestState(ctx context.Context, in TestStateInput, opts Options) (TestStateOutput, error) {
	def, name, err := testMachine(in.Definition, in.StateName)
	if err != nil {
		return TestStateOutput{}, fmt.Errorf("%w: %v", ErrTestDefinition, err)
	}
	input := in.Input
	if len(input) == 0 {
		input = json.RawMessage(`{}`)
	}
	if !json.Valid(input) {
		return TestStateOutput{}, fmt.Errorf("%w: the input is not JSON", ErrTestInput)
	}
	t := &stateTest{name: name, now: time.Now().UTC()}
	opts.inspect = t.record
	x := &Execution{}
	d := newStep(x, t.now, &opts)
	d.emit(&events.ExecutionQueued{ExecutionId: "test-state", Created: d.now, Input: input,
		Run: events.Run{Name: "test-state", Definition: def, Type: "STANDARD",
			StateMachine: &events.StateMachineRef{Kind: events.KindStateMachine, Name: "TestState"}}})
	if x.invalid != nil {
		return TestStateOutput{}, fmt.Errorf("%w: %s: %s", ErrTestDefinition, x.invalid.Name, x.invalid.Cause)
	}
	x.assign(x.root, in.Variables)
	d.begin()
	out := d.out
	for steps := 0; ; steps++ {
		if done := t.observe(out.Events); done || x.Status.Terminal() {
			break
		}
		if steps > testStateSteps {
			return TestStateOutput{}, fmt.Errorf("%w: the state did not end within %d steps", ErrTestUnsupported, testStateSteps)
		}
		next, ok, err := t.advance(ctx, x, out, in.Invoke, &opts)
		if err != nil {
			return TestStateOutput{}, err
		}
		if !ok {
			return TestStateOutput{}, fmt.Errorf("%w: the state %q waits for something TestState cannot give it (a task token or a child execution)", ErrTestUnsupported, name)
		}
		out = next
	}
	t.out.Inspection.Input = input
	if t.out.Status == "" {
		t.endedWith(x)
	}
	return t.out, nil
}

// stateTest follows the tested state's run.
type stateTest struct {
	name string
	run  int32
	// now is the test's clock: a timer moves it to when it fires.
	now time.Time
	out TestStateOutput
}

// record is the inspection hook.
func (t *stateTest) record(r *Run, step string, v any) {
	if r.Name() != t.name || r.Parent != 0 {
		return
	}
	raw, _ := encode(v)
	ins := &t.out.Inspection
	switch step {
	case inspectInputPath:
		ins.AfterInputPath = raw
	case inspectParameters:
		ins.AfterParameters = raw
	case inspectArguments:
		ins.AfterArguments = raw
	case inspectResult:
		ins.Result = raw
	case inspectResultSelector:
		ins.AfterResultSelector = raw
	case inspectResultPath:
		ins.AfterResultPath = raw
	}
}

// observe reads the events for the tested run's end.
func (t *stateTest) observe(evs []events.Payload) bool {
	for _, p := range evs {
		switch e := p.(type) {
		case *events.StateEntered:
			if t.run == 0 && e.State == t.name && e.Parent == 0 {
				t.run = e.Run
			}
		case *events.StateExited:
			if e.Run == t.run {
				t.out.Status, t.out.Output, t.out.NextState = TestSucceeded, e.Output, e.Next
				t.variables(e.Assigned)
				return true
			}
		case *events.StateCaught:
			if e.Run == t.run {
				t.out.Status, t.out.Output, t.out.NextState = TestCaughtError, e.Output, e.Next
				t.out.Error, t.out.Cause = e.Error, e.Cause
				t.variables(e.Assigned)
				return true
			}
		case *events.TaskRetrying:
			if e.Run == t.run {
				t.out.Status, t.out.Error, t.out.Cause = TestRetriable, e.Error, e.Cause
				t.out.RetryDelay = time.Duration(e.DelayMs) * time.Millisecond
				return true
			}
		case *events.StateFailed:
			if e.Run == t.run {
				t.out.Status, t.out.Error, t.out.Cause = TestFailed, e.Error, e.Cause
				return true
			}
		}
	}
	return false
}

func (t *stateTest) variables(assigned map[string]json.RawMessage) {
	if len(assigned) > 0 {
		t.out.Inspection.Variables, _ = json.Marshal(assigned)
	}
}

// endedWith reports an execution that ended without the tested run
// ending first (it failed before the state ran: an invalid input).
func (t *stateTest) endedWith(x *Execution) {
	t.out.Status, t.out.Error, t.out.Cause = TestFailed, x.Error, x.Cause
}

// advance answers the work the engine handed out: task attempts through
// invoke, timers at once (a Wait does not wait, a Parallel's or Map's
// retry is reported before its timer).
func (t *stateTest) advance(ctx context.Context, x *Execution, out Output, invoke func(context.Context, string, *events.OperatorTaskRequest) (json.RawMessage, *failure.Error), opts *Options) (Output, bool, error) {
	var next Output
	handled := false
	for i := range out.Tasks {
		task := &out.Tasks[i].Task
		if invoke == nil {
			return Output{}, false, fmt.Errorf("%w: the resource of state %q needs a worker, and none can be called here", ErrTestUnsupported, t.name)
		}
		res := &events.OperatorResult{WorkflowExecutionId: x.ID, TaskId: task.TaskId, Attempt: task.Attempt,
			Phase: task.Phase, Run: task.Run, Status: events.ResultComplete}
		raw, ferr := invoke(ctx, out.Tasks[i].Topic, task)
		if err := ctx.Err(); err != nil {
			return Output{}, false, err
		}
		if ferr != nil {
			res.Status, res.Error, res.Cause = events.ResultError, ferr.Name, ferr.Cause
		} else {
			res.Output = raw
		}
		o := Handle(x, res, t.now, opts)
		next.Events = append(next.Events, o.Events...)
		next.Tasks = append(next.Tasks, o.Tasks...)
		next.Timers = append(next.Timers, o.Timers...)
		handled = true
	}
	for i := range out.Timers {
		f := out.Timers[i].Fired
		t.now = t.now.Add(out.Timers[i].Delay)
		o := Handle(x, &f, t.now, opts)
		next.Events = append(next.Events, o.Events...)
		next.Tasks = append(next.Tasks, o.Tasks...)
		next.Timers = append(next.Timers, o.Timers...)
		handled = true
	}
	return next, handled, nil
}

// testMachine makes the machine a test runs: the state (alone, or the
// named one of a state machine, in its query language) with a placeholder
// for every state it can go to.
func testMachine(def json.RawMessage, name string) (json.RawMessage, string, error) {
	var doc map[string]any
	if err := json.Unmarshal(def, &doc); err != nil {
		return nil, "", fmt.Errorf("the definition is not a JSON object: %v", err)
	}
	var top any
	if states, ok := doc["States"].(map[string]any); ok {
		if name == "" {
			name, _ = doc["StartAt"].(string)
		}
		st, ok := states[name].(map[string]any)
		if !ok {
			return nil, "", fmt.Errorf("the state machine has no state %q", name)
		}
		top, doc = doc["QueryLanguage"], st
	}
	if _, ok := doc["Type"].(string); !ok {
		return nil, "", fmt.Errorf("the definition is neither a state (no Type) nor a state machine (no States)")
	}
	if name == "" {
		name = "TestState"
	}
	states := map[string]any{name: doc}
	for _, target := range transitions(doc) {
		if _, ok := states[target]; !ok {
			states[target] = map[string]any{"Type": "Succeed", "Comment": "TestState placeholder"}
		}
	}
	m := map[string]any{"StartAt": name, "States": states}
	if top != nil {
		m["QueryLanguage"] = top
	}
	raw, err := json.Marshal(m)
	return raw, name, err
}

// transitions are the states a state can go to: Next, Default, its
// Choices' and Catchers' Next.
func transitions(st map[string]any) []string {
	var out []string
	add := func(v any) {
		if s, ok := v.(string); ok && s != "" {
			out = append(out, s)
		}
	}
	add(st["Next"])
	add(st["Default"])
	for _, key := range []string{"Choices", "Catch"} {
		list, _ := st[key].([]any)
		for _, c := range list {
			if m, ok := c.(map[string]any); ok {
				add(m["Next"])
			}
		}
	}
	return out
}
