package events

import "encoding/json"

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
	Phase               string          `json:"Phase"`
	MonitorState        json.RawMessage `json:"MonitorState,omitempty"`
}

// OperatorResult is a worker's answer on the results topic, keyed by
// execution id.
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
}

func (OperatorTaskRequest) EventType() string { return "OperatorTask" }
func (OperatorResult) EventType() string      { return "OperatorResult" }

func init() {
	register(KindCommand, 1, func() Payload { return &OperatorTaskRequest{} })
	register(KindEvent, 1, func() Payload { return &OperatorResult{} })
}
