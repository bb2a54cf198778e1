package functions

import (
	"encoding/json"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/asl/failure"
	"github.com/mie-kafka/mie/internal/engine"
)

// Nested executions: arn:aws:states:::states:startExecution[.sync|.sync:2|
// .waitForTaskToken] starts the state machine Parameters.StateMachineArn
// names as a child execution, with Parameters.Input (an object, or a
// string holding JSON) and Parameters.Name. The executor starts it; the
// resolver only finds what it runs.

// ErrStateMachineDoesNotExist is the Task error of a child whose state
// machine is not defined, as Step Functions names it.
const ErrStateMachineDoesNotExist = "StepFunctions.StateMachineDoesNotExistException"

// Machine is what a child execution runs.
type Machine struct {
	Definition []byte
	Ref        events.StateMachineRef
	// Type is STANDARD or EXPRESS.
	Type string
}

// Machines are the state machines a child can start.
type Machines interface {
	// Machine resolves a state machine ARN, qualified by a version or an
	// alias or not.
	Machine(arn string) (Machine, bool)
}

// startExecution resolves a states:startExecution task.
func (r *Resolver) startExecution(suffix string, params any) (engine.Target, error) {
	m, ok := params.(map[string]any)
	if !ok {
		return engine.Target{}, failure.New(failure.Runtime, "states:startExecution needs Parameters with a StateMachineArn")
	}
	arn, _ := m["StateMachineArn"].(string)
	if arn == "" {
		return engine.Target{}, failure.New(failure.Runtime, "states:startExecution: the field StateMachineArn is required and must be a string")
	}
	if r.Machines == nil {
		return engine.Target{}, failure.New(ErrStateMachineDoesNotExist, "State Machine Does Not Exist: '%s'", arn)
	}
	sm, ok := r.Machines.Machine(arn)
	if !ok {
		return engine.Target{}, failure.New(ErrStateMachineDoesNotExist, "State Machine Does Not Exist: '%s'", arn)
	}
	input, err := childInput(m["Input"])
	if err != nil {
		return engine.Target{}, err
	}
	name, _ := m["Name"].(string)
	if v, set := m["Name"]; set && (name == "" || len(name) > 80) {
		return engine.Target{}, failure.New("StepFunctions.InvalidNameException", "Invalid Name: '%v' (1 to 80 characters)", v)
	}
	c := &engine.Child{Definition: sm.Definition, StateMachine: sm.Ref, Type: sm.Type, Name: name, Input: input}
	pattern := engine.RequestResponse
	switch suffix {
	case suffixSync:
		c.Sync = 1
	case suffixSync + ":2":
		c.Sync = 2
	case suffixToken:
		pattern = engine.WaitForTaskToken
	}
	return engine.Target{Function: "states:startExecution", Pattern: pattern, Payload: params, Child: c}, nil
}

// childInput is a child's input: Input as is, or the JSON a string holds
// (Step Functions takes both); no Input is {}.
func childInput(v any) (any, error) {
	switch in := v.(type) {
	case nil:
		return map[string]any{}, nil
	case string:
		var out any
		if err := json.Unmarshal([]byte(in), &out); err != nil {
			return nil, failure.New("StepFunctions.InvalidExecutionInputException", "Invalid Input: the string is not JSON: %v", err)
		}
		return out, nil
	default:
		return in, nil
	}
}
