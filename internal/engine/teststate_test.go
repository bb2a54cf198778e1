package engine

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/asl/failure"
)

func testState(t *testing.T, def, input string, invoke func(context.Context, string, *events.OperatorTaskRequest) (json.RawMessage, *failure.Error)) TestStateOutput {
	t.Helper()
	h := newHarness(t)
	out, err := TestState(context.Background(), TestStateInput{Definition: json.RawMessage(def), Input: json.RawMessage(input), Invoke: invoke}, h.opts)
	if err != nil {
		t.Fatalf("TestState: %v", err)
	}
	return out
}

func sameRaw(t *testing.T, what string, got json.RawMessage, want string) {
	t.Helper()
	var g, w any
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatalf("%s: %q is not JSON: %v", what, got, err)
	}
	_ = json.Unmarshal([]byte(want), &w)
	gj, _ := json.Marshal(g)
	wj, _ := json.Marshal(w)
	if string(gj) != string(wj) {
		t.Errorf("%s = %s, want %s", what, gj, wj)
	}
}

func TestTestStateTaskDataFlow(t *testing.T) {
	var got *events.OperatorTaskRequest
	out := testState(t, `{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:1:function:resize",
		"InputPath":"$.job","Parameters":{"key.$":"$.key","size":10},
		"ResultSelector":{"url.$":"$.location"},"ResultPath":"$.job.result","OutputPath":"$.job","Next":"Publish"}`,
		`{"job":{"key":"a.mp4"},"other":1}`,
		func(_ context.Context, topic string, task *events.OperatorTaskRequest) (json.RawMessage, *failure.Error) {
			if topic != "tasks.resize" {
				t.Errorf("topic %s", topic)
			}
			got = task
			return json.RawMessage(`{"location":"s3://b/a.jpg","etag":"x"}`), nil
		})
	if out.Status != TestSucceeded || out.NextState != "Publish" {
		t.Fatalf("status %s next %q (%s: %s)", out.Status, out.NextState, out.Error, out.Cause)
	}
	sameRaw(t, "payload", got.Payload, `{"key":"a.mp4","size":10}`)
	sameRaw(t, "output", out.Output, `{"key":"a.mp4","result":{"url":"s3://b/a.jpg"}}`)
	ins := out.Inspection
	sameRaw(t, "input", ins.Input, `{"job":{"key":"a.mp4"},"other":1}`)
	sameRaw(t, "afterInputPath", ins.AfterInputPath, `{"key":"a.mp4"}`)
	sameRaw(t, "afterParameters", ins.AfterParameters, `{"key":"a.mp4","size":10}`)
	sameRaw(t, "result", ins.Result, `{"location":"s3://b/a.jpg","etag":"x"}`)
	sameRaw(t, "afterResultSelector", ins.AfterResultSelector, `{"url":"s3://b/a.jpg"}`)
	sameRaw(t, "afterResultPath", ins.AfterResultPath, `{"job":{"key":"a.mp4","result":{"url":"s3://b/a.jpg"}},"other":1}`)
}

func failing(name string) func(context.Context, string, *events.OperatorTaskRequest) (json.RawMessage, *failure.Error) {
	return func(context.Context, string, *events.OperatorTaskRequest) (json.RawMessage, *failure.Error) {
		return nil, &failure.Error{Name: name, Cause: "it broke"}
	}
}

func TestTestStateRetriable(t *testing.T) {
	out := testState(t, `{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:1:function:f","End":true,
		"Retry":[{"ErrorEquals":["Lambda.TooManyRequestsException"],"IntervalSeconds":2,"MaxAttempts":3,"JitterStrategy":"NONE"}]}`,
		`{}`, failing("Lambda.TooManyRequestsException"))
	if out.Status != TestRetriable || out.Error != "Lambda.TooManyRequestsException" || out.RetryDelay.Seconds() != 2 {
		t.Fatalf("%+v", out)
	}
}

func TestTestStateCaught(t *testing.T) {
	out := testState(t, `{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:1:function:f","End":true,
		"Catch":[{"ErrorEquals":["States.ALL"],"ResultPath":"$.err","Next":"Recover"}]}`, `{"a":1}`, failing("Custom"))
	if out.Status != TestCaughtError || out.NextState != "Recover" || out.Error != "Custom" {
		t.Fatalf("%+v", out)
	}
	sameRaw(t, "output", out.Output, `{"a":1,"err":{"Error":"Custom","Cause":"it broke"}}`)
}

func TestTestStateFailed(t *testing.T) {
	out := testState(t, `{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:1:function:f","End":true}`, `{}`, failing("Custom"))
	if out.Status != TestFailed || out.Error != "Custom" || out.Cause != "it broke" {
		t.Fatalf("%+v", out)
	}
	out = testState(t, `{"Type":"Fail","Error":"E","Cause":"C"}`, `{}`, nil)
	if out.Status != TestFailed || out.Error != "E" || out.Cause != "C" {
		t.Fatalf("Fail state: %+v", out)
	}
}

func TestTestStateChoiceAndPass(t *testing.T) {
	def := `{"Type":"Choice","Choices":[{"Variable":"$.n","NumericGreaterThan":10,"Next":"Big"}],"Default":"Small"}`
	if out := testState(t, def, `{"n":11}`, nil); out.Status != TestSucceeded || out.NextState != "Big" {
		t.Fatalf("%+v", out)
	}
	if out := testState(t, def, `{"n":1}`, nil); out.NextState != "Small" {
		t.Fatalf("%+v", out)
	}
	out := testState(t, `{"Type":"Pass","QueryLanguage":"JSONata","Output":"{% $states.input.n * 2 %}","Assign":{"seen":"{% $states.input.n %}"},"End":true}`, `{"n":4}`, nil)
	if out.Status != TestSucceeded || out.NextState != "" {
		t.Fatalf("%+v", out)
	}
	sameRaw(t, "output", out.Output, `8`)
	sameRaw(t, "variables", out.Inspection.Variables, `{"seen":4}`)
}

func TestTestStateVariablesAndWait(t *testing.T) {
	h := newHarness(t)
	out, err := TestState(context.Background(), TestStateInput{
		Definition: json.RawMessage(`{"Type":"Wait","Seconds":3600,"Assign":{"copy.$":"$x"},"Next":"After"}`),
		Input:      json.RawMessage(`{}`), Variables: map[string]json.RawMessage{"x": json.RawMessage(`"v"`)}}, h.opts)
	if err != nil || out.Status != TestSucceeded || out.NextState != "After" {
		t.Fatalf("%+v %v", out, err)
	}
	sameRaw(t, "variables", out.Inspection.Variables, `{"copy":"v"}`)
}

func TestTestStateInMachine(t *testing.T) {
	machine := `{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"B"},"B":{"Type":"Pass","Result":{"b":1},"Next":"C"},"C":{"Type":"Succeed"}}}`
	h := newHarness(t)
	out, err := TestState(context.Background(), TestStateInput{Definition: json.RawMessage(machine), StateName: "B"}, h.opts)
	if err != nil || out.Status != TestSucceeded || out.NextState != "C" {
		t.Fatalf("%+v %v", out, err)
	}
	sameRaw(t, "output", out.Output, `{"b":1}`)
}

func TestTestStateBadInput(t *testing.T) {
	h := newHarness(t)
	for _, tt := range []struct {
		def, name, input, want string
		kind                   error
	}{
		{def: `[]`, want: "not a JSON object", kind: ErrTestDefinition},
		{def: `{"Comment":"x"}`, want: "neither a state", kind: ErrTestDefinition},
		{def: `{"StartAt":"A","States":{"A":{"Type":"Succeed"}}}`, name: "Z", want: `no state "Z"`, kind: ErrTestDefinition},
		{def: `{"Type":"Pass","End":true}`, input: `{`, want: "not JSON", kind: ErrTestInput},
		{def: `{"Type":"Bogus","End":true}`, want: "Bogus", kind: ErrTestDefinition},
		{def: `{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:1:function:f","End":true}`, want: "needs a worker", kind: ErrTestUnsupported},
	} {
		_, err := TestState(context.Background(), TestStateInput{Definition: json.RawMessage(tt.def), StateName: tt.name, Input: json.RawMessage(tt.input)}, h.opts)
		if !errors.Is(err, tt.kind) {
			t.Errorf("%s: err %v, want one of kind %v", tt.def, err, tt.kind)
		}
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err %v, want one containing %q", tt.def, err, tt.want)
		}
	}
}
