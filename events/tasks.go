package events

import (
	"encoding/json"
	"fmt"
	"strings"
)

// Task phases.
const (
	PhaseStart   = "Start"
	PhaseMonitor = "Monitor"
)

// Operator statuses reported in results.
const (
	ResultComplete  = "Complete"
	ResultError     = "Error"
	ResultExecuting = "Executing"
	// ResultDeferred: the worker cannot run the task now (a GPU is down,
	// a service throttles); deliver it again after DeferMs. It uses no
	// retry attempt. See docs/retries.md.
	ResultDeferred = "Deferred"
)

// OperatorInput is what an operator receives as Input: MIE's Media and
// MetaData.
type OperatorInput struct {
	Media    map[string]MediaObject `json:"Media"`
	MetaData map[string]any         `json:"MetaData"`
}

// OperatorTask is MIE's operator event, sent on an operator's task topic and
// keyed by execution id. TaskId, Attempt and Phase tie the result back to the
// dispatch; MonitorState is what an Async operator's start step returned.
// Attempt counts attempts (1, then 2 for the first retry, ...); Delivery
// counts deliveries of this step of this attempt: 1, then one more each
// time a worker answered Deferred. The executor always sets it; absent (0,
// from older producers) means 1.
type OperatorTaskRequest struct {
	Name                string          `json:"Name"`
	AssetId             string          `json:"AssetId"`
	WorkflowExecutionId string          `json:"WorkflowExecutionId"`
	Input               OperatorInput   `json:"Input"`
	Configuration       map[string]any  `json:"Configuration"`
	StageName           string          `json:"StageName"`
	Type                string          `json:"Type"`
	Implementation      string          `json:"Implementation"`
	Path                string          `json:"Path"`
	TaskId              string          `json:"TaskId"`
	Attempt             int             `json:"Attempt"`
	Delivery            int             `json:"Delivery,omitempty"`
	Phase               string          `json:"Phase"`
	MonitorState        json.RawMessage `json:"MonitorState,omitempty"`
	Invocation
}

// Invocation is what a task of a States Language run (an MIE workflow's
// operators included) adds: the run it answers to, and the invocation's
// JSON payload. A worker that speaks MIE's operator contract reads the
// operator event out of Payload.
type Invocation struct {
	// Run is the run of the Task state that sent the task.
	Run int32 `json:"Run,omitempty"`
	// Payload is the task's input: the state's effective parameters.
	Payload json.RawMessage `json:"Payload,omitempty"`
	// Resource is the Task state's Resource; Function the function it
	// resolved to.
	Resource string `json:"Resource,omitempty"`
	Function string `json:"Function,omitempty"`
	// Token is a callback task's token (.waitForTaskToken).
	Token string `json:"Token,omitempty"`
	// TimeoutSeconds is the attempt's time limit, HeartbeatSeconds its
	// heartbeat limit, when the state sets them.
	TimeoutSeconds   int64 `json:"TimeoutSeconds,omitempty"`
	HeartbeatSeconds int64 `json:"HeartbeatSeconds,omitempty"`
}

// OperatorResult is a worker's answer on the results topic, keyed by
// execution id. A Deferred answer sets DeferMs (how long to wait before the
// task is delivered again) and Reason (why, for people); Delivery echoes the
// task's.
type OperatorResult struct {
	WorkflowExecutionId string                 `json:"WorkflowExecutionId"`
	Name                string                 `json:"Name"`
	StageName           string                 `json:"StageName"`
	Path                string                 `json:"Path"`
	TaskId              string                 `json:"TaskId"`
	Attempt             int                    `json:"Attempt"`
	Phase               string                 `json:"Phase"`
	Status              string                 `json:"Status"`
	Media               map[string]MediaObject `json:"Media,omitempty"`
	MetaData            map[string]any         `json:"MetaData,omitempty"`
	Error               string                 `json:"Error,omitempty"`
	Cause               string                 `json:"Cause,omitempty"`
	MonitorState        json.RawMessage        `json:"MonitorState,omitempty"`
	CheckAfterMs        int64                  `json:"CheckAfterMs,omitempty"`
	Delivery            int                    `json:"Delivery,omitempty"`
	DeferMs             int64                  `json:"DeferMs,omitempty"`
	Reason              string                 `json:"Reason,omitempty"`
	// Run echoes the task's; Output is a Complete invocation's result.
	Run    int32           `json:"Run,omitempty"`
	Output json.RawMessage `json:"Output,omitempty"`
}

func (OperatorTaskRequest) EventType() string { return "OperatorTask" }
func (OperatorResult) EventType() string      { return "OperatorResult" }

func init() {
	register(KindCommand, 1, func() Payload { return &OperatorTaskRequest{} })
	register(KindEvent, 1, func() Payload { return &OperatorResult{} })
}

// OperatorPrefix starts the Resource of an MIE operator's Task (its
// implementation follows).
const OperatorPrefix = "arn:mie:operator:::"

// IsFunctionCall reports whether the task invokes a function with its
// JSON Payload (a Task naming a function or a service), rather than an
// MIE operator with MIE's operator event.
func (t *OperatorTaskRequest) IsFunctionCall() bool {
	return t.Run > 0 && !strings.HasPrefix(t.Resource, OperatorPrefix)
}

// LoadOperatorEvent fills an MIE operator task's operator fields (Name,
// AssetId, WorkflowExecutionId, Input, Configuration, StageName, Type,
// Implementation) from its Payload, the operator event its Parameters
// made. A task of the legacy IR carries them already.
func (t *OperatorTaskRequest) LoadOperatorEvent() error {
	if t.Run == 0 || len(t.Payload) == 0 || t.IsFunctionCall() {
		return nil
	}
	var ev struct {
		Name                string         `json:"Name"`
		AssetId             string         `json:"AssetId"`
		WorkflowExecutionId string         `json:"WorkflowExecutionId"`
		Input               OperatorInput  `json:"Input"`
		Configuration       map[string]any `json:"Configuration"`
		StageName           string         `json:"StageName"`
		Type                string         `json:"Type"`
		Implementation      string         `json:"Implementation"`
	}
	if err := json.Unmarshal(t.Payload, &ev); err != nil {
		return fmt.Errorf("%w: the operator event in the task's Payload: %v", ErrMalformed, err)
	}
	t.Name, t.AssetId, t.WorkflowExecutionId = ev.Name, ev.AssetId, ev.WorkflowExecutionId
	t.Input, t.Configuration, t.StageName, t.Type = ev.Input, ev.Configuration, ev.StageName, ev.Type
	if ev.Implementation != "" {
		t.Implementation = ev.Implementation
	}
	return nil
}
