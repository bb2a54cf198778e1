package sfn

import (
	"bytes"
	"encoding/json"
)

// HistoryEvent is one event of GetExecutionHistory: its type's details
// object under the key AWS names it by (stateEnteredEventDetails, ...).
type HistoryEvent struct {
	Timestamp       Epoch  `json:"timestamp"`
	Type            string `json:"type"`
	ID              int64  `json:"id"`
	PreviousEventID int64  `json:"previousEventId"`
	detailsKey      string
	details         any
}

// MarshalJSON writes the event with its details object.
func (e HistoryEvent) MarshalJSON() ([]byte, error) {
	type plain HistoryEvent
	b, err := json.Marshal(plain(e))
	if err != nil || e.detailsKey == "" {
		return b, err
	}
	d, err := json.Marshal(e.details)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	buf.Write(b[:len(b)-1])
	buf.WriteString(`,"` + e.detailsKey + `":`)
	buf.Write(d)
	buf.WriteByte('}')
	return buf.Bytes(), nil
}

// Details returns the event's details key and object (for tests and
// tools).
func (e HistoryEvent) Details() (string, any) { return e.detailsKey, e.details }

// The details objects, AWS's shapes.

type truncated struct {
	Truncated bool `json:"truncated"`
}

type executionStarted struct {
	Input                  *string    `json:"input,omitempty"`
	InputDetails           *truncated `json:"inputDetails,omitempty"`
	RoleArn                string     `json:"roleArn,omitempty"`
	StateMachineAliasArn   string     `json:"stateMachineAliasArn,omitempty"`
	StateMachineVersionArn string     `json:"stateMachineVersionArn,omitempty"`
}

type executionSucceeded struct {
	Output        *string    `json:"output,omitempty"`
	OutputDetails *truncated `json:"outputDetails,omitempty"`
}

// errorCause is the details of every failure: ExecutionFailed, ...Aborted,
// ...TimedOut, ActivityFailed, LambdaFunctionFailed, ...
type errorCause struct {
	Error string `json:"error,omitempty"`
	Cause string `json:"cause,omitempty"`
}

type executionRedriven struct {
	RedriveCount int `json:"redriveCount"`
}

type stateEntered struct {
	Name         string     `json:"name"`
	Input        *string    `json:"input,omitempty"`
	InputDetails *truncated `json:"inputDetails,omitempty"`
}

type stateExited struct {
	Name                     string            `json:"name"`
	Output                   *string           `json:"output,omitempty"`
	OutputDetails            *truncated        `json:"outputDetails,omitempty"`
	AssignedVariables        map[string]string `json:"assignedVariables,omitempty"`
	AssignedVariablesDetails *truncated        `json:"assignedVariablesDetails,omitempty"`
}

type mapStateStarted struct {
	Length int `json:"length"`
}

type mapRunStarted struct {
	MapRunArn string `json:"mapRunArn"`
}

type mapIteration struct {
	Name  string `json:"name"`
	Index int    `json:"index"`
}

type taskScheduled struct {
	ResourceType       string `json:"resourceType"`
	Resource           string `json:"resource"`
	Region             string `json:"region"`
	Parameters         string `json:"parameters"`
	TimeoutInSeconds   int64  `json:"timeoutInSeconds,omitempty"`
	HeartbeatInSeconds int64  `json:"heartbeatInSeconds,omitempty"`
}

type taskRef struct {
	ResourceType string `json:"resourceType"`
	Resource     string `json:"resource"`
}

type taskSucceeded struct {
	ResourceType  string     `json:"resourceType"`
	Resource      string     `json:"resource"`
	Output        *string    `json:"output,omitempty"`
	OutputDetails *truncated `json:"outputDetails,omitempty"`
}

type taskFailed struct {
	ResourceType string `json:"resourceType"`
	Resource     string `json:"resource"`
	Error        string `json:"error,omitempty"`
	Cause        string `json:"cause,omitempty"`
}

type activityScheduled struct {
	Resource           string     `json:"resource"`
	Input              *string    `json:"input,omitempty"`
	InputDetails       *truncated `json:"inputDetails,omitempty"`
	TimeoutInSeconds   int64      `json:"timeoutInSeconds,omitempty"`
	HeartbeatInSeconds int64      `json:"heartbeatInSeconds,omitempty"`
}

type activityStarted struct {
	WorkerName string `json:"workerName,omitempty"`
}

type dataOutput struct {
	Output        *string    `json:"output,omitempty"`
	OutputDetails *truncated `json:"outputDetails,omitempty"`
}

type lambdaScheduled struct {
	Resource         string     `json:"resource"`
	Input            *string    `json:"input,omitempty"`
	InputDetails     *truncated `json:"inputDetails,omitempty"`
	TimeoutInSeconds int64      `json:"timeoutInSeconds,omitempty"`
}
