package sfn

import (
	"context"
)

// Map runs are the child executions of a Distributed Map state. The
// engine runs Map states inline (ProcessorConfig Mode DISTRIBUTED is not
// there yet), so no execution has a map run: the actions check their
// requests and answer as AWS does for a map run that does not exist.

// mapRun reads a map run ARN; every one is ResourceNotFound.
func (s *Service) mapRun(v string) (arn, error) {
	if v == "" {
		return arn{}, required("mapRunArn")
	}
	a, err := parseARN("mapRunArn", v, kindMapRun)
	if err != nil {
		return a, err
	}
	return a, &Fault{Code: ResourceNotFound, Message: "Resource not found: '" + v + "' (this engine has no Distributed Map runs yet)", ResourceName: v}
}

// DescribeMapRunInput is DescribeMapRun's request.
type DescribeMapRunInput struct {
	MapRunArn string `json:"mapRunArn"`
}

// DescribeMapRun describes a map run: there are none yet.
func (s *Service) DescribeMapRun(_ context.Context, in *DescribeMapRunInput) (*Empty, error) {
	_, err := s.mapRun(in.MapRunArn)
	return nil, err
}

// ListMapRunsInput is ListMapRuns' request.
type ListMapRunsInput struct {
	ExecutionArn string `json:"executionArn"`
	MaxResults   int32  `json:"maxResults"`
	NextToken    string `json:"nextToken"`
}

// MapRunListItem is one map run of a listing.
type MapRunListItem struct {
	ExecutionArn    string `json:"executionArn"`
	MapRunArn       string `json:"mapRunArn"`
	StateMachineArn string `json:"stateMachineArn"`
	StartDate       Epoch  `json:"startDate"`
	StopDate        *Epoch `json:"stopDate,omitempty"`
}

// ListMapRunsOutput is its answer.
type ListMapRunsOutput struct {
	MapRuns   []MapRunListItem `json:"mapRuns"`
	NextToken string           `json:"nextToken,omitempty"`
}

// ListMapRuns lists an execution's map runs: none yet.
func (s *Service) ListMapRuns(ctx context.Context, in *ListMapRunsInput) (*ListMapRunsOutput, error) {
	if _, err := pageSize(in.MaxResults, maxPage); err != nil {
		return nil, err
	}
	if _, err := s.execution(ctx, "executionArn", in.ExecutionArn); err != nil {
		return nil, err
	}
	if in.NextToken != "" {
		return nil, fault(InvalidToken, "Invalid Token: '%s' is not a nextToken of this request", in.NextToken)
	}
	return &ListMapRunsOutput{MapRuns: []MapRunListItem{}}, nil
}

// UpdateMapRunInput is UpdateMapRun's request.
type UpdateMapRunInput struct {
	MapRunArn                  string   `json:"mapRunArn"`
	MaxConcurrency             *int32   `json:"maxConcurrency"`
	ToleratedFailurePercentage *float32 `json:"toleratedFailurePercentage"`
	ToleratedFailureCount      *int64   `json:"toleratedFailureCount"`
}

// UpdateMapRun changes a map run: there are none yet.
func (s *Service) UpdateMapRun(_ context.Context, in *UpdateMapRunInput) (*Empty, error) {
	switch {
	case in.MaxConcurrency != nil && *in.MaxConcurrency < 0:
		return nil, fault(ValidationException, "maxConcurrency must not be negative")
	case in.ToleratedFailurePercentage != nil && (*in.ToleratedFailurePercentage < 0 || *in.ToleratedFailurePercentage > 100):
		return nil, fault(ValidationException, "toleratedFailurePercentage: want 0 to 100")
	case in.ToleratedFailureCount != nil && *in.ToleratedFailureCount < 0:
		return nil, fault(ValidationException, "toleratedFailureCount must not be negative")
	case in.MaxConcurrency == nil && in.ToleratedFailurePercentage == nil && in.ToleratedFailureCount == nil:
		return nil, fault(ValidationException, "give maxConcurrency, toleratedFailurePercentage or toleratedFailureCount")
	}
	_, err := s.mapRun(in.MapRunArn)
	return nil, err
}
