package engine

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/asl/failure"
)

// The tests drive the deciders as the executor does, with the work the
// engine hands out (tasks, timers) answered by the test: the workers and
// the relay are outside the interpreter.

var t0 = time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)

// resolver resolves "arn:...:function:<name>" resources to topic
// tasks.<name>, or to inline functions for names in its table; anything
// else fails.
type resolver struct {
	inline map[string]func(any) (any, error)
}

func (rs resolver) Resolve(resource string, params any) (Target, error) {
	if rest, ok := strings.CutPrefix(resource, "arn:aws:states:::states:startExecution"); ok {
		return childTarget(rest, params)
	}
	base := strings.TrimSuffix(resource, ".waitForTaskToken")
	pattern := RequestResponse
	if base != resource {
		pattern = WaitForTaskToken
	}
	i := strings.LastIndex(base, ":function:")
	if i < 0 {
		return Target{}, failure.New("Lambda.ResourceNotFoundException", "no function %s", resource)
	}
	name := base[i+len(":function:"):]
	if f, ok := rs.inline[name]; ok {
		return Target{Function: name, Payload: params, Inline: f}, nil
	}
	if strings.HasPrefix(name, "missing") {
		return Target{}, failure.New("Lambda.ResourceNotFoundException", "no function %s", name)
	}
	return Target{Topic: "tasks." + name, Function: name, Payload: params, Pattern: pattern}, nil
}

type harness struct {
	t        *testing.T
	x        *Execution
	now      time.Time
	opts     Options
	tasks    []Task
	timers   []Timer
	commands []Command
	uuids    int
	log      []logged
}

type logged struct {
	at time.Time
	p  events.Payload
}

func newHarness(t *testing.T) *harness {
	h := &harness{t: t, now: t0}
	h.opts = Options{Resolver: resolver{inline: map[string]func(any) (any, error){
		"echo":  func(v any) (any, error) { return v, nil },
		"boom":  func(any) (any, error) { return nil, failure.New("Boom", "it broke") },
		"const": func(any) (any, error) { return map[string]any{"answer": json.Number("42")}, nil },
	}}}
	h.opts.UUID = func() string { h.uuids++; return fmt.Sprintf("00000000-0000-4000-8000-%012d", h.uuids) }
	h.opts.Rand = func() float64 { return 0.5 }
	return h
}

// start runs def on input; the execution starts at once (no admission).
func (h *harness) start(def, input string) *harness {
	h.t.Helper()
	cmd := &events.StartExecution{ExecutionId: "exec-1", Created: h.now, Input: json.RawMessage(input),
		Run: events.Run{Name: "exec-1", Definition: json.RawMessage(def),
			StateMachine: &events.StateMachineRef{Kind: events.KindStateMachine, Name: "machine"}}}
	x, out := Start(cmd, h.now, &h.opts)
	h.x = x
	h.take(out)
	return h
}

func (h *harness) take(o Output) {
	h.t.Helper()
	for _, p := range o.Events {
		h.log = append(h.log, logged{h.now, p})
	}
	h.tasks = append(h.tasks, o.Tasks...)
	h.timers = append(h.timers, o.Timers...)
	h.commands = append(h.commands, o.Commands...)
	h.checkReplay()
}

// checkReplay folds the events applied so far into a fresh state and
// checks that it agrees: decisions and folds cannot disagree.
func (h *harness) checkReplay() {
	h.t.Helper()
	fresh := &Execution{}
	for _, l := range h.log {
		if err := fresh.Apply(l.at, l.p); err != nil {
			h.t.Fatalf("replay: %v", err)
		}
	}
	if got, want := summary(fresh), summary(h.x); got != want {
		h.t.Fatalf("the replayed state differs from the decided one\nreplayed %s\n decided %s", got, want)
	}
}

func summary(x *Execution) string {
	var b strings.Builder
	out, _ := json.Marshal(x.Output)
	fmt.Fprintf(&b, "%s %s %s %s events=%d next=%d", x.Status, out, x.Error, x.Cause, x.Events, x.next)
	x.Runs(func(r *Run) {
		o, _ := json.Marshal(r.Output)
		fmt.Fprintf(&b, " [%d %s %s %d %s]", r.ID, r.Name(), r.Status, r.Attempt, o)
	})
	return b.String()
}

// task returns the oldest pending task record and forgets it.
func (h *harness) task() events.OperatorTaskRequest {
	h.t.Helper()
	if len(h.tasks) == 0 {
		h.t.Fatalf("no task pending; execution %s %s %s", h.x.Status, h.x.Error, h.x.Cause)
	}
	t := h.tasks[0]
	h.tasks = h.tasks[1:]
	return t.Task
}

func (h *harness) answer(t events.OperatorTaskRequest, status, output, errName string) {
	h.t.Helper()
	res := &events.OperatorResult{WorkflowExecutionId: h.x.ID, TaskId: t.TaskId, Attempt: t.Attempt, Phase: t.Phase,
		Status: status, Run: t.Run, Output: json.RawMessage(output), Error: errName, Cause: errName + " cause"}
	h.take(Handle(h.x, res, h.now, &h.opts))
}

func (h *harness) complete(t events.OperatorTaskRequest, output string) {
	h.answer(t, events.ResultComplete, output, "")
}

func (h *harness) fireTimers() {
	h.t.Helper()
	timers := h.timers
	h.timers = nil
	for _, tm := range timers {
		h.now = h.now.Add(tm.Delay)
		f := tm.Fired
		h.take(Handle(h.x, &f, h.now, &h.opts))
	}
}

func (h *harness) sweep(after time.Duration) {
	h.now = h.now.Add(after)
	h.take(Sweep(h.x, h.now, &h.opts))
}

// succeeded checks the execution ended SUCCEEDED with output want (JSON).
func (h *harness) succeeded(want string) {
	h.t.Helper()
	if h.x.Status != StatusSucceeded {
		h.t.Fatalf("status %s (%s: %s), want SUCCEEDED", h.x.Status, h.x.Error, h.x.Cause)
	}
	h.sameJSON(h.x.Output, want)
}

func (h *harness) failedWith(errName, causePart string) {
	h.t.Helper()
	if h.x.Status != StatusFailed || h.x.Error != errName || !strings.Contains(h.x.Cause, causePart) {
		h.t.Fatalf("status %s, error %q, cause %q; want FAILED with %s and a cause containing %q",
			h.x.Status, h.x.Error, h.x.Cause, errName, causePart)
	}
}

func (h *harness) sameJSON(got any, want string) {
	h.t.Helper()
	g, _ := json.Marshal(got)
	w := decode(json.RawMessage(want))
	wb, _ := json.Marshal(w)
	if string(g) != string(wb) {
		h.t.Fatalf("output\n got %s\nwant %s", g, wb)
	}
}
