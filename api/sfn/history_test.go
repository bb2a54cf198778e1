package sfn

import (
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/mie-kafka/mie/events"
)

// rendered renders payloads as one execution's history.
func rendered(t *testing.T, data bool, ps ...events.Payload) []HistoryEvent {
	t.Helper()
	s := &Service{cfg: Config{Region: "eu-west-1", Account: "123456789012"}}
	var h []events.Envelope
	for _, p := range ps {
		env, err := events.New("x", "test", p)
		if err != nil {
			t.Fatal(err)
		}
		env.Time = time.Unix(1, 0)
		h = append(h, env)
	}
	return s.render(h, data)
}

func typesOf(evs []HistoryEvent) []string {
	var out []string
	for _, e := range evs {
		out = append(out, e.Type)
	}
	return out
}

// Task attempts render by resource kind: service integrations, Lambda
// function ARNs and activities, timeouts as ...TimedOut.
func TestRenderTasks(t *testing.T) {
	queued := &events.ExecutionQueued{ExecutionId: "x", Input: json.RawMessage(`{}`), Run: events.Run{RoleArn: "r",
		StateMachine: &events.StateMachineRef{Kind: events.KindStateMachine, Name: "M", Version: "2", Alias: "PROD"}}}
	for _, tt := range []struct {
		resource, errName string
		want              []string
	}{
		{"arn:aws:states:::lambda:invoke", "States.Timeout", []string{"TaskScheduled", "TaskStarted", "TaskTimedOut"}},
		{"arn:aws:states:::aws-sdk:s3:copyObject", "Boom", []string{"TaskScheduled", "TaskStarted", "TaskFailed"}},
		{"arn:aws:lambda:eu-west-1:1:function:f", "States.Timeout", []string{"LambdaFunctionScheduled", "LambdaFunctionStarted", "LambdaFunctionTimedOut"}},
		{"arn:aws:lambda:eu-west-1:1:function:f", "Boom", []string{"LambdaFunctionScheduled", "LambdaFunctionStarted", "LambdaFunctionFailed"}},
		{"arn:aws:states:eu-west-1:1:activity:a", "States.HeartbeatTimeout", []string{"ActivityScheduled", "ActivityTimedOut"}},
		{"arn:aws:states:eu-west-1:1:activity:a", "Boom", []string{"ActivityScheduled", "ActivityFailed"}},
	} {
		t.Run(tt.resource+"/"+tt.errName, func(t *testing.T) {
			ref := events.RunRef{Run: 1, State: "T"}
			evs := rendered(t, true, queued,
				&events.StateEntered{RunRef: ref, Type: "Task", Visit: 1, Input: json.RawMessage(`{}`)},
				&events.TaskScheduled{RunRef: ref, TaskId: "t1", Attempt: 1, Resource: tt.resource, Payload: json.RawMessage(`{"a":1}`)},
				&events.TaskFailed{RunRef: ref, TaskId: "t1", Attempt: 1, Error: tt.errName},
				&events.StateFailed{RunRef: ref, Error: tt.errName},
				&events.ExecutionFailed{ExecutionId: "x", Error: tt.errName})
			want := append(append([]string{"ExecutionStarted", "TaskStateEntered"}, tt.want...), "ExecutionFailed")
			if got := typesOf(evs); !slices.Equal(got, want) {
				t.Fatalf("history = %v, want %v", got, want)
			}
		})
	}
	evs := rendered(t, true, queued)
	key, d := evs[0].Details()
	start, ok := d.(executionStarted)
	if key != "executionStartedEventDetails" || !ok || start.StateMachineVersionArn != "arn:aws:states:eu-west-1:123456789012:stateMachine:M:2" ||
		start.StateMachineAliasArn != "arn:aws:states:eu-west-1:123456789012:stateMachine:M:PROD" || start.RoleArn != "r" {
		t.Fatalf("ExecutionStarted = %s %+v", key, d)
	}
}

// A caught failure of a Map renders its failure and its exit; without
// execution data no input or output is shown.
func TestRenderCaughtMap(t *testing.T) {
	m, inner := events.RunRef{Run: 1, State: "Each"}, events.RunRef{Run: 2, State: "Work"}
	evs := rendered(t, false,
		&events.ExecutionQueued{ExecutionId: "x", Input: json.RawMessage(`[1]`)},
		&events.StateEntered{RunRef: m, Type: "Map", Visit: 1, Input: json.RawMessage(`[1]`)},
		&events.MapStarted{RunRef: m, Length: 1, Items: json.RawMessage(`[1]`)},
		&events.StateEntered{RunRef: inner, Type: "Pass", Parent: 1, Slot: 0, Visit: 1, Input: json.RawMessage(`1`)},
		&events.StateFailed{RunRef: inner, Error: "Boom"},
		&events.StateCaught{RunRef: m, Error: "Boom", Next: "After", Output: json.RawMessage(`{"Error":"Boom"}`)},
		&events.ExecutionCancelled{ExecutionId: "x", Reason: "test", Error: "Stop"})
	want := []string{"ExecutionStarted", "MapStateEntered", "MapStateStarted", "MapIterationStarted", "PassStateEntered",
		"MapIterationFailed", "MapStateFailed", "MapStateExited", "ExecutionAborted"}
	if got := typesOf(evs); !slices.Equal(got, want) {
		t.Fatalf("history = %v\nwant %v", got, want)
	}
	b, err := json.Marshal(evs[7])
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != `{"timestamp":1,"type":"MapStateExited","id":8,"previousEventId":7,"stateExitedEventDetails":{"name":"Each"}}` {
		t.Fatalf("MapStateExited = %s", b)
	}
}
