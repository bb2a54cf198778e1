package engine

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/mie-kafka/mie/events"
)

// Table tests per state type: each runs a machine to its end, answering
// its tasks as the case says, and checks the output or the failure.

func TestPass(t *testing.T) {
	for _, tt := range []struct {
		name, def, input, want string
	}{
		{"result replaces the input", `{"StartAt":"P","States":{"P":{"Type":"Pass","Result":{"x":1},"End":true}}}`,
			`{"a":1}`, `{"x":1}`},
		{"result placed by ResultPath", `{"StartAt":"P","States":{"P":{"Type":"Pass","Result":{"x":1},"ResultPath":"$.r","End":true}}}`,
			`{"a":1}`, `{"a":1,"r":{"x":1}}`},
		{"ResultPath null keeps the input", `{"StartAt":"P","States":{"P":{"Type":"Pass","Result":{"x":1},"ResultPath":null,"End":true}}}`,
			`{"a":1}`, `{"a":1}`},
		{"Parameters with paths, context and intrinsics", `{"StartAt":"P","States":{"P":{"Type":"Pass",
			"Parameters":{"v.$":"$.a","n.$":"$$.State.Name","s.$":"States.Format('{}-{}', $.a, $.b)","lit":[1,2]},"End":true}}}`,
			`{"a":"x","b":2}`, `{"v":"x","n":"P","s":"x-2","lit":[1,2]}`},
		{"InputPath and OutputPath", `{"StartAt":"P","States":{"P":{"Type":"Pass","InputPath":"$.in","ResultPath":"$.r","OutputPath":"$.r.k","End":true}}}`,
			`{"in":{"k":"v"}}`, `"v"`},
		{"InputPath null is an empty object", `{"StartAt":"P","States":{"P":{"Type":"Pass","InputPath":null,"End":true}}}`,
			`{"a":1}`, `{}`},
		{"a chain of states", `{"StartAt":"A","States":{"A":{"Type":"Pass","Result":1,"ResultPath":"$.a","Next":"B"},
			"B":{"Type":"Pass","Result":2,"ResultPath":"$.b","End":true}}}`, `{}`, `{"a":1,"b":2}`},
		{"JSONata Output", `{"QueryLanguage":"JSONata","StartAt":"P","States":{"P":{"Type":"Pass","Output":{"sum":"{% $states.input.a + $states.input.b %}"},"End":true}}}`,
			`{"a":1,"b":2}`, `{"sum":3}`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			newHarness(t).start(tt.def, tt.input).succeeded(tt.want)
		})
	}
}

func TestPassPathErrors(t *testing.T) {
	h := newHarness(t).start(`{"StartAt":"P","States":{"P":{"Type":"Pass","Parameters":{"v.$":"$.missing"},"End":true}}}`, `{"a":1}`)
	h.failedWith("States.Runtime", "$.missing")
	h = newHarness(t).start(`{"StartAt":"P","States":{"P":{"Type":"Pass","Result":1,"ResultPath":"$.a.b","End":true}}}`, `{"a":"str"}`)
	h.failedWith("States.ResultPathMatchFailure", "")
}

func TestChoice(t *testing.T) {
	def := `{"StartAt":"C","States":{
		"C":{"Type":"Choice","Choices":[
			{"Variable":"$.n","NumericGreaterThan":10,"Next":"Big"},
			{"And":[{"Variable":"$.s","IsPresent":true},{"Variable":"$.s","StringMatches":"a*z"}],"Next":"AZ"}],
			"Default":"Other"},
		"Big":{"Type":"Pass","Result":"big","End":true},
		"AZ":{"Type":"Pass","Result":"az","End":true},
		"Other":{"Type":"Pass","Result":"other","End":true}}}`
	for _, tt := range []struct{ input, want string }{
		{`{"n":11}`, `"big"`},
		{`{"n":1,"s":"abcz"}`, `"az"`},
		{`{"n":1,"s":"abc"}`, `"other"`},
		{`{"n":1}`, `"other"`},
	} {
		t.Run(tt.input, func(t *testing.T) { newHarness(t).start(def, tt.input).succeeded(tt.want) })
	}
	t.Run("no match and no default", func(t *testing.T) {
		newHarness(t).start(`{"StartAt":"C","States":{"C":{"Type":"Choice","Choices":[{"Variable":"$.n","NumericEquals":1,"Next":"D"}]},
			"D":{"Type":"Succeed"}}}`, `{"n":2}`).failedWith("States.NoChoiceMatched", "")
	})
	t.Run("JSONata condition and rule output", func(t *testing.T) {
		newHarness(t).start(`{"QueryLanguage":"JSONata","StartAt":"C","States":{"C":{"Type":"Choice","Choices":[
			{"Condition":"{% $states.input.n > 1 %}","Next":"D","Output":{"picked":"{% $states.input.n %}"}}],"Default":"D"},
			"D":{"Type":"Succeed"}}}`, `{"n":2}`).succeeded(`{"picked":2}`)
	})
}

func TestSucceedAndFail(t *testing.T) {
	newHarness(t).start(`{"StartAt":"S","States":{"S":{"Type":"Succeed","OutputPath":"$.a"}}}`, `{"a":[1]}`).succeeded(`[1]`)
	newHarness(t).start(`{"StartAt":"F","States":{"F":{"Type":"Fail","Error":"Bad","Cause":"because"}}}`, `{}`).failedWith("Bad", "because")
	newHarness(t).start(`{"StartAt":"F","States":{"F":{"Type":"Fail","ErrorPath":"$.e","CausePath":"States.Format('n={}', $.n)"}}}`,
		`{"e":"Dyn","n":3}`).failedWith("Dyn", "n=3")
}

func TestWait(t *testing.T) {
	h := newHarness(t).start(`{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":60,"Next":"D"},"D":{"Type":"Pass","Result":"done","End":true}}}`, `{}`)
	if len(h.timers) != 1 || h.timers[0].Delay != time.Minute || h.x.Status != StatusRunning {
		t.Fatalf("timers %+v, status %s; want one timer of 1m", h.timers, h.x.Status)
	}
	h.fireTimers()
	h.succeeded(`"done"`)

	// A timestamp in the past leaves at once; SecondsPath reads the input.
	newHarness(t).start(`{"StartAt":"W","States":{"W":{"Type":"Wait","Timestamp":"2020-01-01T00:00:00Z","End":true}}}`, `{"k":1}`).succeeded(`{"k":1}`)
	h = newHarness(t).start(`{"StartAt":"W","States":{"W":{"Type":"Wait","SecondsPath":"$.s","End":true}}}`, `{"s":5}`)
	if len(h.timers) != 1 || h.timers[0].Delay != 5*time.Second {
		t.Fatalf("timers %+v, want one of 5s", h.timers)
	}
	// A timer that is not the run's, or that comes early, does nothing.
	stale := h.timers[0].Fired
	stale.TaskId = "other"
	h.take(Handle(h.x, &stale, h.now.Add(time.Hour), &h.opts))
	if h.x.Status != StatusRunning {
		t.Fatal("a stale timer ended the wait")
	}
	early := h.timers[0].Fired
	h.take(Handle(h.x, &early, h.now.Add(time.Second), &h.opts))
	if h.x.Status != StatusRunning || len(h.timers) != 2 {
		t.Fatalf("an early timer: status %s, %d timers; want still waiting and the timer armed again", h.x.Status, len(h.timers))
	}
	newHarness(t).start(`{"StartAt":"W","States":{"W":{"Type":"Wait","SecondsPath":"$.s","End":true}}}`, `{"s":"x"}`).
		failedWith("States.Runtime", "non-negative integer")
}

func TestTask(t *testing.T) {
	h := newHarness(t).start(`{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:work","Parameters":{"id.$":"$.id"},
		"ResultSelector":{"got.$":"$.value"},"ResultPath":"$.result","End":true}}}`, `{"id":7}`)
	task := h.task()
	if task.Run == 0 || string(task.Payload) != `{"id":7}` || task.Function != "work" {
		t.Fatalf("task %+v", task)
	}
	h.complete(task, `{"value":"v"}`)
	h.succeeded(`{"id":7,"result":{"got":"v"}}`)
}

func TestTaskRetryAndCatch(t *testing.T) {
	def := `{"StartAt":"T","States":{
		"T":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:work","Retry":[{"ErrorEquals":["Flaky"],"IntervalSeconds":2,"MaxAttempts":2,"BackoffRate":3}],
			"Catch":[{"ErrorEquals":["States.ALL"],"ResultPath":"$.err","Next":"Handled"}],"End":true},
		"Handled":{"Type":"Pass","End":true}}}`
	h := newHarness(t).start(def, `{"k":1}`)
	first := h.task()
	h.answer(first, events.ResultError, "", "Flaky")
	retry := h.tasks[0]
	if retry.Delay != 2*time.Second || retry.Task.Attempt != 2 {
		t.Fatalf("first retry after %s, attempt %d; want 2s, attempt 2", retry.Delay, retry.Task.Attempt)
	}
	// A late answer to the first attempt is ignored.
	h.complete(first, `"late"`)
	if h.x.Status != StatusRunning {
		t.Fatal("a stale result ended the execution")
	}
	h.answer(h.task(), events.ResultError, "", "Flaky")
	if h.tasks[0].Delay != 6*time.Second {
		t.Fatalf("second retry after %s, want 6s (2s x 3)", h.tasks[0].Delay)
	}
	h.answer(h.task(), events.ResultError, "", "Flaky")
	h.succeeded(`{"k":1,"err":{"Error":"Flaky","Cause":"Flaky cause"}}`)
}

func TestTaskTimeouts(t *testing.T) {
	h := newHarness(t).start(`{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:slow","TimeoutSeconds":30,"End":true}}}`, `{}`)
	h.task()
	h.sweep(29 * time.Second)
	if h.x.Status != StatusRunning {
		t.Fatal("timed out early")
	}
	h.sweep(time.Second)
	h.failedWith("States.Timeout", "TimeoutSeconds")

	h = newHarness(t).start(`{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:slow.waitForTaskToken","HeartbeatSeconds":10,
		"TimeoutSeconds":100,"Parameters":{"token.$":"$$.Task.Token"},"End":true}}}`, `{}`)
	task := h.task()
	if task.Token == "" || !contains(string(task.Payload), task.Token) {
		t.Fatalf("task token %q not in its payload %s", task.Token, task.Payload)
	}
	h.complete(task, `{}`) // the invocation returned; the token is awaited
	h.now = h.now.Add(8 * time.Second)
	h.take(Handle(h.x, &events.TaskTokenAnswered{ExecutionId: h.x.ID, Token: task.Token, Outcome: events.TokenHeartbeat}, h.now, &h.opts))
	h.sweep(8 * time.Second)
	if h.x.Status != StatusRunning {
		t.Fatal("the heartbeat did not count")
	}
	h.now = h.now.Add(time.Second)
	h.take(Handle(h.x, &events.TaskTokenAnswered{ExecutionId: h.x.ID, Token: task.Token, Outcome: events.TokenSuccess,
		Output: []byte(`{"ok":true}`)}, h.now, &h.opts))
	h.succeeded(`{"ok":true}`)
}

func TestParallel(t *testing.T) {
	def := `{"StartAt":"P","States":{"P":{"Type":"Parallel","End":true,"Branches":[
		{"StartAt":"A","States":{"A":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:a","End":true}}},
		{"StartAt":"B","States":{"B":{"Type":"Pass","Result":"b","End":true}}}]}}}`
	h := newHarness(t).start(def, `{}`)
	h.complete(h.task(), `"a"`)
	h.succeeded(`["a","b"]`)

	h = newHarness(t).start(`{"StartAt":"P","States":{"P":{"Type":"Parallel","Catch":[{"ErrorEquals":["States.ALL"],"Next":"C"}],"End":true,"Branches":[
		{"StartAt":"A","States":{"A":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:a","End":true}}},
		{"StartAt":"B","States":{"B":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:b","End":true}}}]},
		"C":{"Type":"Pass","End":true}}}`, `{}`)
	a, b := h.task(), h.task()
	h.answer(a, events.ResultError, "", "Bad")
	h.succeeded(`{"Error":"Bad","Cause":"Bad cause"}`)
	h.complete(b, `"late"`) // the other branch was stopped
	h.succeeded(`{"Error":"Bad","Cause":"Bad cause"}`)
}

func TestMap(t *testing.T) {
	def := `{"StartAt":"M","States":{"M":{"Type":"Map","ItemsPath":"$.items","MaxConcurrency":2,
		"ItemSelector":{"i.$":"$$.Map.Item.Index","v.$":"$$.Map.Item.Value","k.$":"$.k"},
		"ItemProcessor":{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:x","End":true}}},"End":true}}}`
	h := newHarness(t).start(def, `{"items":["a","b","c"],"k":9}`)
	if len(h.tasks) != 2 {
		t.Fatalf("%d iterations started, want 2 (MaxConcurrency)", len(h.tasks))
	}
	first := h.task()
	h.complete(first, string(first.Payload))
	if len(h.tasks) != 2 {
		t.Fatalf("%d tasks pending after one iteration ended, want 2", len(h.tasks))
	}
	h.complete(h.task(), `"second"`)
	h.complete(h.task(), `"third"`)
	h.succeeded(`[{"i":0,"v":"a","k":9},"second","third"]`)

	newHarness(t).start(`{"StartAt":"M","States":{"M":{"Type":"Map","ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}},"End":true}}}`,
		`[]`).succeeded(`[]`)
	h = newHarness(t).start(`{"StartAt":"M","States":{"M":{"Type":"Map","ToleratedFailureCount":1,
		"ItemProcessor":{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:x","End":true}}},"End":true}}}`, `[1,2,3]`)
	h.answer(h.task(), events.ResultError, "", "E1")
	h.complete(h.task(), `2`)
	h.answer(h.task(), events.ResultError, "", "E3")
	h.failedWith("States.ExceedToleratedFailureThreshold", "")
}

func TestInlineFunctionsAndVariables(t *testing.T) {
	h := newHarness(t).start(`{"StartAt":"A","States":{
		"A":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:const","Assign":{"answer.$":"$.answer"},"Next":"B"},
		"B":{"Type":"Pass","Parameters":{"x.$":"$answer"},"End":true}}}`, `{}`)
	h.succeeded(`{"x":42}`)
	newHarness(t).start(`{"StartAt":"A","States":{"A":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:boom","End":true}}}`, `{}`).failedWith("Boom", "it broke")
	newHarness(t).start(`{"StartAt":"A","States":{"A":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:missing","End":true}}}`, `{}`).
		failedWith("Lambda.ResourceNotFoundException", "missing")
}

func TestLoopBound(t *testing.T) {
	h := newHarness(t)
	h.opts.MaxTransitions = 50
	h.start(`{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"B"},
		"B":{"Type":"Choice","Choices":[{"Variable":"$.stop","IsPresent":true,"Next":"Done"}],"Default":"A"},
		"Done":{"Type":"Succeed"}}}`, `{}`)
	h.failedWith("States.Runtime", "loops")
}

func contains(s, sub string) bool {
	return len(sub) > 0 && len(s) >= len(sub) && (s == sub || indexOf(s, sub) >= 0)
}

func indexOf(s, sub string) int {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return i
		}
	}
	return -1
}

func TestRedrive(t *testing.T) {
	def := `{"StartAt":"A","States":{
		"A":{"Type":"Pass","Result":"a","ResultPath":"$.a","Next":"T"},
		"T":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:work",
			"Parameters":{"a.$":"$.a","count.$":"$$.Execution.RedriveCount"},"End":true}}}`
	h := newHarness(t).start(def, `{}`)
	h.answer(h.task(), events.ResultError, "", "Broken")
	h.failedWith("Broken", "")
	if !Redrivable(h.x) {
		t.Fatal("a failed execution is not redrivable")
	}
	h.take(Handle(h.x, &events.RedriveExecution{ExecutionId: h.x.ID}, h.now, &h.opts))
	if h.x.Status != StatusRunning || h.x.RedriveCount != 1 {
		t.Fatalf("after redrive: %s, count %d", h.x.Status, h.x.RedriveCount)
	}
	task := h.task()
	if string(task.Payload) != `{"a":"a","count":1}` {
		t.Fatalf("the redriven task got %s, want the failed state's input and RedriveCount 1", task.Payload)
	}
	h.complete(task, `"done"`)
	h.succeeded(`"done"`)
	if Redrivable(h.x) {
		t.Fatal("a succeeded execution is redrivable")
	}
	// A redrive of a running or succeeded execution does nothing.
	out := Handle(h.x, &events.RedriveExecution{ExecutionId: h.x.ID}, h.now, &h.opts)
	if len(out.Events) != 0 {
		t.Fatalf("redriving a succeeded execution emitted %v", out.Events)
	}
}

func TestVariableLimits(t *testing.T) {
	big := `"` + strings.Repeat("x", MaxVariableBytes) + `"`
	// One variable over 256 KiB.
	h := newHarness(t)
	h.opts.MaxPayload = 1 << 20
	h.start(`{"StartAt":"A","States":{"A":{"Type":"Pass","Assign":{"v.$":"$.big"},"End":true}}}`, `{"big":`+big+`}`)
	h.failedWith(ErrDataLimitExceeded, "the variable v is")
	// Two variables under the limit each, over it together in one Assign.
	half := `"` + strings.Repeat("y", MaxAssignBytes/2) + `"`
	h = newHarness(t).start(`{"StartAt":"A","States":{"A":{"Type":"Pass","Assign":{"a.$":"$.h","b.$":"$.h"},"End":true}}}`, `{"h":`+half+`}`)
	h.failedWith(ErrDataLimitExceeded, "assigns")
	// A Catch's Assign is limited too, and so is the total an execution holds.
	var states []string
	for i := 0; i < 45; i++ {
		states = append(states, fmt.Sprintf(`"S%d":{"Type":"Pass","Assign":{"v%d.$":"$.q"},"Next":"S%d"}`, i, i, i+1))
	}
	states = append(states, `"S45":{"Type":"Succeed"}`)
	quarter := `"` + strings.Repeat("z", 240<<10) + `"`
	h = newHarness(t)
	h.opts.MaxPayload = 1 << 20
	h.start(`{"StartAt":"S0","States":{`+strings.Join(states, ",")+`}}`, `{"q":`+quarter+`}`)
	h.failedWith(ErrDataLimitExceeded, "the execution's variables would be")
}
