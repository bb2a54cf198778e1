package sfn

import (
	"context"
	"sort"
	"time"

	"github.com/mie-kafka/mie/events"
)

// DescribeExecutionInput is DescribeExecution's request.
type DescribeExecutionInput struct {
	ExecutionArn string `json:"executionArn"`
	IncludedData string `json:"includedData"`
}

// DescribeExecutionOutput is its answer.
type DescribeExecutionOutput struct {
	ExecutionArn           string       `json:"executionArn"`
	StateMachineArn        string       `json:"stateMachineArn"`
	Name                   string       `json:"name,omitempty"`
	Status                 string       `json:"status"`
	StartDate              Epoch        `json:"startDate"`
	StopDate               *Epoch       `json:"stopDate,omitempty"`
	Input                  *string      `json:"input,omitempty"`
	InputDetails           *DataDetails `json:"inputDetails,omitempty"`
	Output                 *string      `json:"output,omitempty"`
	OutputDetails          *DataDetails `json:"outputDetails,omitempty"`
	Error                  string       `json:"error,omitempty"`
	Cause                  string       `json:"cause,omitempty"`
	StateMachineVersionArn string       `json:"stateMachineVersionArn,omitempty"`
	StateMachineAliasArn   string       `json:"stateMachineAliasArn,omitempty"`
	RedriveCount           int          `json:"redriveCount"`
	RedriveDate            *Epoch       `json:"redriveDate,omitempty"`
	RedriveStatus          string       `json:"redriveStatus,omitempty"`
	RedriveStatusReason    string       `json:"redriveStatusReason,omitempty"`
}

// DescribeExecution describes an execution, of either API.
func (s *Service) DescribeExecution(ctx context.Context, in *DescribeExecutionInput) (*DescribeExecutionOutput, error) {
	if err := checkIncludedData(in.IncludedData); err != nil {
		return nil, err
	}
	r, err := s.execution(ctx, "executionArn", in.ExecutionArn)
	if err != nil {
		return nil, err
	}
	x := r.X
	out := &DescribeExecutionOutput{ExecutionArn: r.Arn, StateMachineArn: s.stateMachineArn(r.Machine), Name: x.Run.Name,
		Status: status(x), StartDate: epoch(x.Created), Error: x.Run.Error, Cause: x.Run.Cause,
		RedriveCount: x.Run.RedriveCount}
	if x.Run.RedriveDate != nil {
		out.RedriveDate = epochPtr(*x.Run.RedriveDate)
	}
	out.StateMachineVersionArn, out.StateMachineAliasArn = s.qualifiers(r)
	if terminal(x) {
		out.StopDate = epochPtr(x.Ended)
	}
	if in.IncludedData != "METADATA_ONLY" {
		out.Input, out.InputDetails = text(x.Run.Input), &DataDetails{Included: true}
		if x.Run.Status == "SUCCEEDED" {
			out.Output, out.OutputDetails = text(x.Run.Output), &DataDetails{Included: true}
		}
	}
	if reason := s.notRedrivable(r, time.Now()); reason != "" {
		out.RedriveStatus, out.RedriveStatusReason = "NOT_REDRIVABLE", reason
	} else {
		out.RedriveStatus = "REDRIVABLE"
	}
	return out, nil
}

// Limits of a redrive, AWS's.
const (
	redriveWindow     = 14 * 24 * time.Hour
	maxRedrives       = 1000
	maxRedriveHistory = 24999
)

// notRedrivable says why RedriveExecution would refuse the execution, or
// "" when it may be redriven.
func (s *Service) notRedrivable(r run, now time.Time) string {
	x := r.X
	switch {
	case !terminal(x) || x.Run.Status == "SUCCEEDED":
		return "Execution is " + status(x) + " and cannot be redriven"
	case x.Run.Type == events.TypeExpress:
		return "Execution of an EXPRESS state machine cannot be redriven"
	case r.Ref.Kind != events.KindStateMachine:
		return "Execution of an MIE workflow cannot be redriven through the Step Functions API"
	case now.Sub(x.Ended) > redriveWindow:
		return "Execution ended more than 14 days ago and cannot be redriven"
	case x.Run.RedriveCount >= maxRedrives:
		return "Execution was redriven 1000 times, the limit"
	case x.Run.Events >= maxRedriveHistory:
		return "Execution history has 24999 or more events and cannot be redriven"
	}
	return ""
}

// DescribeStateMachineForExecutionInput is its request.
type DescribeStateMachineForExecutionInput struct {
	ExecutionArn string `json:"executionArn"`
	IncludedData string `json:"includedData"`
}

// DescribeStateMachineForExecutionOutput is its answer.
type DescribeStateMachineForExecutionOutput struct {
	StateMachineArn         string                   `json:"stateMachineArn"`
	Name                    string                   `json:"name"`
	Definition              string                   `json:"definition"`
	RoleArn                 string                   `json:"roleArn"`
	UpdateDate              Epoch                    `json:"updateDate"`
	LoggingConfiguration    *LoggingConfiguration    `json:"loggingConfiguration,omitempty"`
	TracingConfiguration    *TracingConfiguration    `json:"tracingConfiguration,omitempty"`
	RevisionId              string                   `json:"revisionId,omitempty"`
	EncryptionConfiguration *EncryptionConfiguration `json:"encryptionConfiguration,omitempty"`
}

// DescribeStateMachineForExecution shows the definition the execution
// runs: the one it started with (its ExecutionQueued), whatever happened
// to the state machine since. The revision and configurations are those
// of its version, or of the state machine while it still has that
// definition.
func (s *Service) DescribeStateMachineForExecution(ctx context.Context, in *DescribeStateMachineForExecutionInput) (*DescribeStateMachineForExecutionOutput, error) {
	if err := checkIncludedData(in.IncludedData); err != nil {
		return nil, err
	}
	r, err := s.execution(ctx, "executionArn", in.ExecutionArn)
	if err != nil {
		return nil, err
	}
	q, err := s.queued(ctx, r.X.Id)
	if err != nil {
		return nil, err
	}
	out := &DescribeStateMachineForExecutionOutput{StateMachineArn: s.stateMachineArn(r.Machine), Name: r.Machine,
		Definition: string(q.Definition), RoleArn: q.RoleArn, UpdateDate: epoch(r.X.Created),
		LoggingConfiguration: &defaultLogging, TracingConfiguration: &defaultTracing, EncryptionConfiguration: &defaultEncryption}
	if r.Ref.Kind == events.KindWorkflow {
		out.RoleArn, out.RevisionId = s.roleOfWorkflows(), r.Ref.Version
		return out, nil
	}
	if r.Ref.Version != "" {
		out.StateMachineArn = s.arnOf(kindStateMachine, r.Machine, r.Ref.Version)
		if v, ok := s.cfg.Store.StateMachineVersion(r.Machine, atoi(r.Ref.Version)); ok {
			out.UpdateDate, out.RevisionId = epoch(v.Created), v.RevisionId
			out.LoggingConfiguration, out.TracingConfiguration = stored(v.Logging, defaultLogging), stored(v.Tracing, defaultTracing)
			out.EncryptionConfiguration = stored(v.Encryption, defaultEncryption)
		}
		return out, nil
	}
	if sm, ok := s.cfg.Store.StateMachine(r.Machine); ok && sm.Definition == string(q.Definition) && sm.RoleArn == q.RoleArn {
		out.UpdateDate, out.RevisionId = epoch(sm.Updated), sm.RevisionId
		out.LoggingConfiguration, out.TracingConfiguration = stored(sm.Logging, defaultLogging), stored(sm.Tracing, defaultTracing)
		out.EncryptionConfiguration = stored(sm.Encryption, defaultEncryption)
	}
	return out, nil
}

// queued is the execution's first event, which holds what it runs.
func (s *Service) queued(ctx context.Context, id string) (*events.ExecutionQueued, error) {
	h, err := s.cfg.Executions.History(ctx, id)
	if err != nil {
		return nil, err
	}
	if len(h) > 0 {
		if p, err := h[0].Decode(); err == nil {
			if q, ok := p.(*events.ExecutionQueued); ok {
				return q, nil
			}
		}
	}
	return nil, fault(InternalFailure, "the history of %s does not start with its ExecutionQueued", id)
}

// StopExecutionInput is StopExecution's request.
type StopExecutionInput struct {
	ExecutionArn string `json:"executionArn"`
	Error        string `json:"error"`
	Cause        string `json:"cause"`
}

// StopExecutionOutput is its answer.
type StopExecutionOutput struct {
	StopDate Epoch `json:"stopDate"`
}

// StopExecution aborts a running execution with error and cause; an
// execution that has ended already is answered with its end, unchanged.
func (s *Service) StopExecution(ctx context.Context, in *StopExecutionInput) (*StopExecutionOutput, error) {
	if err := checkLength("error", in.Error, 0, 256); err != nil {
		return nil, err
	}
	if err := checkLength("cause", in.Cause, 0, 32768); err != nil {
		return nil, err
	}
	r, err := s.execution(ctx, "executionArn", in.ExecutionArn)
	if err != nil {
		return nil, err
	}
	if terminal(r.X) {
		return &StopExecutionOutput{StopDate: epoch(r.X.Ended)}, nil
	}
	id := r.X.Id
	if err := s.cfg.Commands.Send(ctx, id, &events.CancelExecution{ExecutionId: id,
		Reason: "stopped through the Step Functions API", Error: in.Error, Cause: in.Cause}); err != nil {
		return nil, err
	}
	x, err := s.awaitEnd(ctx, id, s.cfg.VisibleTimeout)
	if err != nil {
		return nil, err
	}
	if terminal(x) {
		return &StopExecutionOutput{StopDate: epoch(x.Ended)}, nil
	}
	return &StopExecutionOutput{StopDate: epoch(time.Now().UTC())}, nil
}

// ListExecutionsInput is ListExecutions' request.
type ListExecutionsInput struct {
	StateMachineArn string `json:"stateMachineArn"`
	StatusFilter    string `json:"statusFilter"`
	MaxResults      int32  `json:"maxResults"`
	NextToken       string `json:"nextToken"`
	MapRunArn       string `json:"mapRunArn"`
	RedriveFilter   string `json:"redriveFilter"`
}

// ExecutionListItem is one execution of a listing.
type ExecutionListItem struct {
	ExecutionArn           string `json:"executionArn"`
	StateMachineArn        string `json:"stateMachineArn"`
	Name                   string `json:"name"`
	Status                 string `json:"status"`
	StartDate              Epoch  `json:"startDate"`
	StopDate               *Epoch `json:"stopDate,omitempty"`
	StateMachineVersionArn string `json:"stateMachineVersionArn,omitempty"`
	StateMachineAliasArn   string `json:"stateMachineAliasArn,omitempty"`
	RedriveCount           int    `json:"redriveCount,omitempty"`
	MapRunArn              string `json:"mapRunArn,omitempty"`
}

// ListExecutionsOutput is its answer.
type ListExecutionsOutput struct {
	Executions []ExecutionListItem `json:"executions"`
	NextToken  string              `json:"nextToken,omitempty"`
}

// ListExecutions lists the executions of a state machine, version or
// alias (those started with it), newest first, optionally of one status
// and redriven or not. Map runs have none (there are no Distributed Maps
// yet).
func (s *Service) ListExecutions(ctx context.Context, in *ListExecutionsInput) (*ListExecutionsOutput, error) {
	size, err := pageSize(in.MaxResults, maxPage)
	if err != nil {
		return nil, err
	}
	if err := checkListFilters(in); err != nil {
		return nil, err
	}
	runs, ref, mapRunArn, err := s.listed(ctx, in)
	if err != nil {
		return nil, err
	}
	var items []ExecutionListItem
	var keys []string
	for _, r := range runs {
		if !matches(r, ref, in) {
			continue
		}
		it := ExecutionListItem{ExecutionArn: r.Arn, StateMachineArn: s.stateMachineArn(r.Machine), Name: r.X.Run.Name,
			Status: status(r.X), StartDate: epoch(r.X.Created), RedriveCount: r.X.Run.RedriveCount, MapRunArn: mapRunArn}
		if terminal(r.X) {
			it.StopDate = epochPtr(r.X.Ended)
		}
		it.StateMachineVersionArn, it.StateMachineAliasArn = s.qualifiers(r)
		items = append(items, it)
		keys = append(keys, newestFirst(r.X.Created, r.X.Id))
	}
	sort.Sort(byKeys{items, keys})
	list, next, err := page(items, keys, "ListExecutions/"+in.StateMachineArn+in.MapRunArn+"/"+in.StatusFilter+"/"+in.RedriveFilter, in.NextToken, size)
	if err != nil {
		return nil, err
	}
	if list == nil {
		list = []ExecutionListItem{}
	}
	return &ListExecutionsOutput{Executions: list, NextToken: next}, nil
}

// listed are the executions ListExecutions filters: a state machine's
// (with the version or alias its ARN names), or a map run's children.
func (s *Service) listed(ctx context.Context, in *ListExecutionsInput) ([]run, machineRef, string, error) {
	if in.MapRunArn != "" {
		mr, err := s.findMapRun(ctx, in.MapRunArn)
		if err != nil {
			return nil, machineRef{}, "", err
		}
		kids, err := s.children(ctx, mr.ID)
		return kids, machineRef{}, mr.Arn, err
	}
	m, ref, err := s.machineByArn("stateMachineArn", in.StateMachineArn, StateMachineDoesNotExist)
	if err != nil {
		return nil, ref, "", err
	}
	runs, err := s.executionsOf(ctx, m.Name)
	return runs, ref, "", err
}

func checkListFilters(in *ListExecutionsInput) error {
	switch in.StatusFilter {
	case "", "RUNNING", "SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED", "PENDING_REDRIVE":
	default:
		return fault(ValidationException, "statusFilter %q: want RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED or PENDING_REDRIVE", in.StatusFilter)
	}
	switch in.RedriveFilter {
	case "", "REDRIVEN", "NOT_REDRIVEN":
	default:
		return fault(ValidationException, "redriveFilter %q: want REDRIVEN or NOT_REDRIVEN", in.RedriveFilter)
	}
	if (in.StateMachineArn == "") == (in.MapRunArn == "") {
		return fault(ValidationException, "give a stateMachineArn or a mapRunArn, not both")
	}
	return nil
}

// matches applies ListExecutions' filters.
func matches(r run, ref machineRef, in *ListExecutionsInput) bool {
	switch {
	case ref.Version != 0 && r.Ref.Version != itoa(ref.Version):
		return false
	case ref.Alias != "" && r.Ref.Alias != ref.Alias:
		return false
	case in.StatusFilter != "" && status(r.X) != in.StatusFilter:
		return false
	case in.RedriveFilter == "REDRIVEN" && r.X.Run.RedriveCount == 0:
		return false
	case in.RedriveFilter == "NOT_REDRIVEN" && r.X.Run.RedriveCount > 0:
		return false
	}
	return true
}

// byKeys sorts items by their keys.
type byKeys struct {
	items []ExecutionListItem
	keys  []string
}

func (b byKeys) Len() int           { return len(b.keys) }
func (b byKeys) Less(i, j int) bool { return b.keys[i] < b.keys[j] }
func (b byKeys) Swap(i, j int) {
	b.items[i], b.items[j] = b.items[j], b.items[i]
	b.keys[i], b.keys[j] = b.keys[j], b.keys[i]
}
