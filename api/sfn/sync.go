package sfn

import (
	"context"
	"time"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/view"
)

// DataDetails says whether an answer includes execution data.
type DataDetails struct {
	Included bool `json:"included"`
}

// BillingDetails is what an EXPRESS execution would be billed for.
type BillingDetails struct {
	BilledMemoryUsedInMB         int64 `json:"billedMemoryUsedInMB"`
	BilledDurationInMilliseconds int64 `json:"billedDurationInMilliseconds"`
}

// StartSyncExecutionOutput is StartSyncExecution's answer.
type StartSyncExecutionOutput struct {
	ExecutionArn    string          `json:"executionArn"`
	StateMachineArn string          `json:"stateMachineArn,omitempty"`
	Name            string          `json:"name,omitempty"`
	StartDate       Epoch           `json:"startDate"`
	StopDate        Epoch           `json:"stopDate"`
	Status          string          `json:"status"`
	Error           string          `json:"error,omitempty"`
	Cause           string          `json:"cause,omitempty"`
	Input           *string         `json:"input,omitempty"`
	InputDetails    *DataDetails    `json:"inputDetails,omitempty"`
	Output          *string         `json:"output,omitempty"`
	OutputDetails   *DataDetails    `json:"outputDetails,omitempty"`
	TraceHeader     string          `json:"traceHeader,omitempty"`
	BillingDetails  *BillingDetails `json:"billingDetails,omitempty"`
}

// syncStopError is the error of an EXPRESS execution that outlives
// SyncTimeout (AWS's five minutes).
const syncStopError = "States.Timeout"

// StartSyncExecution starts an EXPRESS execution and answers when it has
// ended, with its status (SUCCEEDED, FAILED or TIMED_OUT), output or
// error and cause. One still running after SyncTimeout is stopped and
// answered TIMED_OUT.
func (s *Service) StartSyncExecution(ctx context.Context, in *StartExecutionInput) (*StartSyncExecutionOutput, error) {
	if err := checkIncludedData(in.IncludedData); err != nil {
		return nil, err
	}
	st, err := s.prepare(in)
	if err != nil {
		return nil, err
	}
	if !st.express {
		return nil, fault(StateMachineTypeNotSupported, "This operation is not supported by this type of state machine: StartSyncExecution runs EXPRESS state machines")
	}
	if _, err := s.begin(ctx, st); err != nil {
		return nil, err
	}
	x, err := s.awaitEnd(ctx, st.cmd.ExecutionId, s.cfg.SyncTimeout)
	if err != nil {
		return nil, err
	}
	out := &StartSyncExecutionOutput{ExecutionArn: st.arn, StateMachineArn: st.cmd.StateMachine.Arn, Name: st.cmd.Name,
		StartDate: epoch(st.cmd.Created), TraceHeader: in.TraceHeader}
	if !terminal(x) {
		if err := s.cfg.Commands.Send(ctx, st.cmd.ExecutionId, &events.CancelExecution{ExecutionId: st.cmd.ExecutionId,
			Reason: "StartSyncExecution: the EXPRESS execution ran past its time limit", Error: syncStopError,
			Cause: "the execution ran longer than " + s.cfg.SyncTimeout.String()}); err != nil {
			return nil, err
		}
		out.Status, out.Error, out.StopDate = "TIMED_OUT", syncStopError, epoch(time.Now().UTC())
		return out, nil
	}
	out.Status, out.Error, out.Cause, out.StopDate = x.Run.Status, x.Run.Error, x.Run.Cause, epoch(x.Ended)
	if out.Status == "ABORTED" {
		out.Status = "FAILED"
	}
	all := in.IncludedData != "METADATA_ONLY"
	out.InputDetails, out.OutputDetails = &DataDetails{Included: all}, &DataDetails{Included: all}
	if all {
		out.Input = text(x.Run.Input)
		if x.Run.Status == "SUCCEEDED" {
			out.Output = text(x.Run.Output)
		}
	}
	ms := max(100, (x.Ended.Sub(x.Created).Milliseconds()+99)/100*100)
	out.BillingDetails = &BillingDetails{BilledMemoryUsedInMB: 64, BilledDurationInMilliseconds: ms}
	return out, nil
}

// awaitEnd polls the projection until the execution has ended or d has
// passed; it returns the execution as it last saw it.
func (s *Service) awaitEnd(ctx context.Context, id string, d time.Duration) (*view.Execution, error) {
	deadline := time.Now().Add(d)
	wait := time.Millisecond
	for {
		x, err := s.cfg.Executions.Execution(ctx, id)
		if err != nil {
			return nil, err
		}
		if x.Run != nil && terminal(x) || time.Now().After(deadline) {
			return x, nil
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(wait):
		}
		wait = min(2*wait, 20*time.Millisecond)
	}
}

// text is raw JSON as a string field; nil for none.
func text(raw []byte) *string {
	if raw == nil {
		return nil
	}
	s := string(raw)
	return &s
}
