package functions

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/asl/failure"
	"github.com/mie-kafka/mie/internal/engine"
	"github.com/mie-kafka/mie/internal/topics"
)

type source map[string]events.Function

func (s source) Function(name string) (events.Function, bool) { f, ok := s[name]; return f, ok }

func TestResolve(t *testing.T) {
	r := &Resolver{Catalog: topics.New("p.", 4),
		Functions: source{"Thumbs": {Name: "Thumbs", Implementation: "https://fn.example/invoke", TimeoutSeconds: 30},
			"Local": {Name: "Local", Implementation: "worker:tasks.local"}},
		Inline:   map[string]Inline{"double": func(v any) (any, error) { return v, nil }},
		Services: map[string]bool{"dynamodb": true, "mediaconvert": true, "s3": true, "events": true}}
	for _, tt := range []struct {
		resource string
		params   any
		topic    string
		function string
		pattern  engine.Pattern
		payload  any
		inline   bool
		errName  string
	}{
		{resource: "arn:aws:lambda:eu-west-1:111122223333:function:Thumbs", params: "in", topic: "p.tasks.http", function: "Thumbs", payload: "in"},
		{resource: "arn:aws:lambda:eu-west-1:111122223333:function:Thumbs:live", params: "in", topic: "p.tasks.http", function: "Thumbs", payload: "in"},
		{resource: "arn:aws:states:::lambda:invoke", params: map[string]any{"FunctionName": "Local", "Payload": 7}, topic: "p.tasks.local", function: "Local", payload: 7},
		{resource: "arn:aws:states:::lambda:invoke", params: map[string]any{"FunctionName": "arn:aws:lambda:us-east-1:1:function:Thumbs:$LATEST"}, topic: "p.tasks.http", function: "Thumbs"},
		{resource: "arn:aws:states:::lambda:invoke.waitForTaskToken", params: map[string]any{"FunctionName": "Local:v2"}, topic: "p.tasks.local", function: "Local", pattern: engine.WaitForTaskToken},
		{resource: "arn:aws:lambda:us-east-1:1:function:Nope", errName: ErrResourceNotFound},
		{resource: "arn:aws:states:::lambda:invoke", params: map[string]any{"Payload": 1}, errName: failure.Runtime},
		{resource: "arn:mie:operator:::builtin:MediaInfo", params: "ev", topic: "p.tasks.builtin.MediaInfo", payload: "ev"},
		{resource: "arn:mie:operator:::builtin:Wait.waitForTaskToken", pattern: engine.WaitForTaskToken},
		{resource: "arn:mie:function:::double", params: 3, inline: true, function: "double", payload: 3},
		{resource: "arn:mie:function:::triple", errName: ErrResourceNotFound},
		{resource: "arn:aws:states:::dynamodb:putItem", params: "item", topic: "p.tasks.builtin.aws.dynamodb", payload: "item"},
		{resource: "arn:aws:states:::mediaconvert:createJob.sync", params: "job", topic: "p.tasks.builtin.aws.mediaconvert", payload: "job"},
		{resource: "arn:aws:states:::aws-sdk:s3:copyObject", params: "c", topic: "p.tasks.builtin.aws.s3", payload: "c"},
		{resource: "arn:aws:states:::aws-sdk:eventbridge:putEvents", params: "e", topic: "p.tasks.builtin.aws.events", payload: "e"},
		{resource: "arn:aws:states:::sqs:sendMessage.waitForTaskToken", errName: failure.Runtime},
		{resource: "arn:aws:ec2:us-east-1:1:instance/i-1", errName: failure.Runtime},
	} {
		t.Run(tt.resource, func(t *testing.T) {
			got, err := r.Resolve(tt.resource, tt.params)
			if tt.errName != "" {
				var fe *failure.Error
				if !errors.As(err, &fe) || fe.Name != tt.errName {
					t.Fatalf("Resolve = %+v, %v; want a %s failure", got, err, tt.errName)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.Topic != tt.topic || got.Function != tt.function || got.Pattern != tt.pattern ||
				(got.Inline != nil) != tt.inline || got.Payload != tt.payload && tt.payload != nil {
				t.Fatalf("Resolve = %+v", got)
			}
		})
	}
}

type machines map[string]Machine

func (m machines) Machine(arn string) (Machine, bool) { sm, ok := m[arn]; return sm, ok }

func TestResolveStartExecution(t *testing.T) {
	const arn = "arn:aws:states:us-east-1:123456789012:stateMachine:child"
	r := &Resolver{Catalog: topics.New("p.", 4), Machines: machines{arn: {Definition: []byte(`{}`), Type: "STANDARD",
		Ref: events.StateMachineRef{Kind: events.KindStateMachine, Name: "child", Arn: arn}}}}
	for _, tt := range []struct {
		suffix  string
		params  map[string]any
		sync    int
		pattern engine.Pattern
		input   string
		errName string
	}{
		{suffix: "", params: map[string]any{"StateMachineArn": arn, "Input": map[string]any{"a": 1.0}}, input: `{"a":1}`},
		{suffix: ".sync", params: map[string]any{"StateMachineArn": arn, "Input": `{"b":2}`}, sync: 1, input: `{"b":2}`},
		{suffix: ".sync:2", params: map[string]any{"StateMachineArn": arn, "Name": "n1"}, sync: 2, input: `{}`},
		{suffix: ".waitForTaskToken", params: map[string]any{"StateMachineArn": arn}, pattern: engine.WaitForTaskToken, input: `{}`},
		{params: map[string]any{"StateMachineArn": arn + "x"}, errName: ErrStateMachineDoesNotExist},
		{params: map[string]any{"Input": "{}"}, errName: failure.Runtime},
		{params: map[string]any{"StateMachineArn": arn, "Input": "not json"}, errName: "StepFunctions.InvalidExecutionInputException"},
		{params: map[string]any{"StateMachineArn": arn, "Name": ""}, errName: "StepFunctions.InvalidNameException"},
	} {
		got, err := r.Resolve("arn:aws:states:::states:startExecution"+tt.suffix, tt.params)
		if tt.errName != "" {
			var fe *failure.Error
			if !errors.As(err, &fe) || fe.Name != tt.errName {
				t.Errorf("%s %v: %+v, %v; want a %s failure", tt.suffix, tt.params, got, err, tt.errName)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%s: %v", tt.suffix, err)
		}
		in, _ := json.Marshal(got.Child.Input)
		if got.Child == nil || got.Child.Sync != tt.sync || got.Pattern != tt.pattern || string(in) != tt.input ||
			got.Child.StateMachine.Arn != arn || got.Topic != "" {
			t.Errorf("%s: target %+v child %+v input %s", tt.suffix, got, got.Child, in)
		}
	}
}
