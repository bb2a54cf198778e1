// Package failure holds the States Language's error names and the error
// value every part of the interpreter reports a state failure with: a name
// that Retry and Catch match on, and a Cause for people.
//
// JSON values across internal/asl are Go values as encoding/json decodes
// them with Decoder.UseNumber: nil, bool, string, json.Number, []any and
// map[string]any. Numbers are produced as json.Number; float64 and the Go
// integer types are accepted on input.
package failure

import (
	"errors"
	"fmt"
)

// The error names the States Language defines. ALL matches every name but
// Runtime-class errors that AWS never retries or catches (see Matches).
const (
	ALL                             = "States.ALL"
	Runtime                         = "States.Runtime"
	Timeout                         = "States.Timeout"
	HeartbeatTimeout                = "States.HeartbeatTimeout"
	TaskFailed                      = "States.TaskFailed"
	Permissions                     = "States.Permissions"
	ResultPathMatchFailure          = "States.ResultPathMatchFailure"
	ParameterPathFailure            = "States.ParameterPathFailure"
	QueryEvaluationError            = "States.QueryEvaluationError"
	BranchFailed                    = "States.BranchFailed"
	NoChoiceMatched                 = "States.NoChoiceMatched"
	IntrinsicFailure                = "States.IntrinsicFailure"
	ExceedToleratedFailureThreshold = "States.ExceedToleratedFailureThreshold"
	ItemReaderFailed                = "States.ItemReaderFailed"
	ResultWriterFailed              = "States.ResultWriterFailed"
)

// Error is a state failure: Name is what ErrorEquals matches, Cause says
// what went wrong, naming the path or value at fault.
type Error struct {
	Name  string
	Cause string
}

func (e *Error) Error() string {
	if e.Cause == "" {
		return e.Name
	}
	return e.Name + ": " + e.Cause
}

// New returns an *Error named name with a formatted cause.
func New(name, format string, args ...any) *Error {
	return &Error{Name: name, Cause: fmt.Sprintf(format, args...)}
}

// As returns err as an *Error, or wraps any other error as States.Runtime.
func As(err error) *Error {
	if err == nil {
		return nil
	}
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return &Error{Name: Runtime, Cause: err.Error()}
}
