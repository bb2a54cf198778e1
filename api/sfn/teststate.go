package sfn

import (
	"context"
	"encoding/json"
	"errors"
	"strings"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/asl/failure"
	"github.com/mie-kafka/mie/internal/engine"
)

// TestStateInput is TestState's request.
type TestStateInput struct {
	Definition         string           `json:"definition"`
	RoleArn            string           `json:"roleArn"`
	Input              *string          `json:"input"`
	InspectionLevel    string           `json:"inspectionLevel"`
	RevealSecrets      bool             `json:"revealSecrets"`
	Variables          *string          `json:"variables"`
	StateName          string           `json:"stateName"`
	Mock               *MockInput       `json:"mock"`
	Context            *string          `json:"context"`
	StateConfiguration *TestStateConfig `json:"stateConfiguration"`
}

// MockInput is what a tested Task's work answers instead of running.
type MockInput struct {
	Result              *string          `json:"result"`
	ErrorOutput         *MockErrorOutput `json:"errorOutput"`
	FieldValidationMode string           `json:"fieldValidationMode"`
}

// MockErrorOutput is a mocked failure.
type MockErrorOutput struct {
	Error string `json:"error"`
	Cause string `json:"cause"`
}

// TestStateConfig is TestState's stateConfiguration.
type TestStateConfig struct {
	RetrierRetryCount        *int32  `json:"retrierRetryCount"`
	ErrorCausedByState       string  `json:"errorCausedByState"`
	MapIterationFailureCount *int32  `json:"mapIterationFailureCount"`
	MapItemReaderData        *string `json:"mapItemReaderData"`
}

// InspectionData is the data at each step of the state's data flow.
type InspectionData struct {
	Input               *string              `json:"input,omitempty"`
	AfterInputPath      *string              `json:"afterInputPath,omitempty"`
	AfterParameters     *string              `json:"afterParameters,omitempty"`
	AfterArguments      *string              `json:"afterArguments,omitempty"`
	Result              *string              `json:"result,omitempty"`
	AfterResultSelector *string              `json:"afterResultSelector,omitempty"`
	AfterResultPath     *string              `json:"afterResultPath,omitempty"`
	Variables           *string              `json:"variables,omitempty"`
	ErrorDetails        *InspectionErrorInfo `json:"errorDetails,omitempty"`
}

// InspectionErrorInfo is what the state's Retry would do.
type InspectionErrorInfo struct {
	RetryBackoffIntervalSeconds *int32 `json:"retryBackoffIntervalSeconds,omitempty"`
}

// TestStateOutput is TestState's answer.
type TestStateOutput struct {
	Output         *string         `json:"output,omitempty"`
	Error          string          `json:"error,omitempty"`
	Cause          string          `json:"cause,omitempty"`
	InspectionData *InspectionData `json:"inspectionData,omitempty"`
	NextState      string          `json:"nextState,omitempty"`
	Status         string          `json:"status"`
}

// TestState runs one state once in the engine (engine.TestState): a
// state's definition, or a state machine and the stateName of one of its
// states. A Task's work is its mock (result or errorOutput); a Task
// without a mock fails, as mie cannot call its resource synchronously
// here. INFO answers the status, output, error and next state; DEBUG and
// TRACE add the inspection data (there are no HTTP Tasks to trace).
func (s *Service) TestState(ctx context.Context, in *TestStateInput) (*TestStateOutput, error) {
	if in.Definition == "" {
		return nil, required("definition")
	}
	switch in.InspectionLevel {
	case "", "INFO", "DEBUG", "TRACE":
	default:
		return nil, fault(ValidationException, "inspectionLevel %q: want INFO, DEBUG or TRACE", in.InspectionLevel)
	}
	if in.RoleArn != "" {
		if err := checkRole(in.RoleArn); err != nil {
			return nil, err
		}
	}
	input, err := s.checkInput(in.Input)
	if err != nil {
		return nil, err
	}
	vars, err := testVariables(in.Variables)
	if err != nil {
		return nil, err
	}
	if in.Mock != nil && (in.Mock.Result == nil) == (in.Mock.ErrorOutput == nil) {
		return nil, fault(ValidationException, "a mock has a result or an errorOutput, one of them")
	}
	res, err := engine.TestState(ctx, engine.TestStateInput{Definition: json.RawMessage(in.Definition), StateName: in.StateName,
		Input: input, Variables: vars, Invoke: mockInvoke(in.Mock)}, engine.Options{Resolver: anyResource{}, MaxPayload: s.cfg.MaxPayload})
	switch {
	case errors.Is(err, engine.ErrTestInput):
		return nil, fault(InvalidExecutionInput, "Invalid execution input: %v", err)
	case errors.Is(err, engine.ErrTestUnsupported):
		return nil, fault(ValidationException, "%v", err)
	case err != nil:
		return nil, fault(InvalidDefinition, "Invalid State Machine Definition: '%v'", err)
	}
	out := &TestStateOutput{Status: string(res.Status), Error: res.Error, Cause: res.Cause, NextState: res.NextState,
		Output: text(res.Output)}
	if in.InspectionLevel == "DEBUG" || in.InspectionLevel == "TRACE" {
		i := res.Inspection
		out.InspectionData = &InspectionData{Input: text(i.Input), AfterInputPath: text(i.AfterInputPath),
			AfterParameters: text(i.AfterParameters), AfterArguments: text(i.AfterArguments), Result: text(i.Result),
			AfterResultSelector: text(i.AfterResultSelector), AfterResultPath: text(i.AfterResultPath), Variables: text(i.Variables)}
		if res.Status == engine.TestRetriable {
			secs := int32(res.RetryDelay.Seconds())
			out.InspectionData.ErrorDetails = &InspectionErrorInfo{RetryBackoffIntervalSeconds: &secs}
		}
	}
	return out, nil
}

func testVariables(v *string) (map[string]json.RawMessage, error) {
	if v == nil {
		return nil, nil
	}
	var vars map[string]json.RawMessage
	if err := json.Unmarshal([]byte(*v), &vars); err != nil {
		return nil, fault(ValidationException, "variables must be a JSON object of variable values: %v", err)
	}
	return vars, nil
}

// anyResource sends every Task to the test's mock.
type anyResource struct{}

const mockTopic = "test-state.mock"

func (anyResource) Resolve(resource string, params any) (engine.Target, error) {
	if strings.HasSuffix(resource, ".waitForTaskToken") {
		return engine.Target{Topic: mockTopic, Pattern: engine.WaitForTaskToken, Payload: params}, nil
	}
	return engine.Target{Topic: mockTopic, Payload: params}, nil
}

// mockInvoke answers a Task attempt with the mock; nil without one.
func mockInvoke(m *MockInput) func(context.Context, string, *events.OperatorTaskRequest) (json.RawMessage, *failure.Error) {
	if m == nil {
		return nil
	}
	return func(context.Context, string, *events.OperatorTaskRequest) (json.RawMessage, *failure.Error) {
		if m.ErrorOutput != nil {
			return nil, &failure.Error{Name: m.ErrorOutput.Error, Cause: m.ErrorOutput.Cause}
		}
		if !json.Valid([]byte(*m.Result)) {
			return nil, failure.New(failure.Runtime, "the mock result is not JSON")
		}
		return json.RawMessage(*m.Result), nil
	}
}
