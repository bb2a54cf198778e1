package sfn

import (
	"context"
	"strings"
	"time"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/asl"
)

// Map runs are the child executions of a Distributed Map state. The
// projections hold the parent's MapRunStarted and the children (whose
// ParentRef names the map run), not the map run's own events; so these
// actions read the parent's history and the children's views:
// ListMapRuns, and DescribeMapRun's status, dates and execution counts,
// are exact; its item counts are the children's (exact unless the Map
// batches items), and its limits the Map state's when they are literals.

// mapRunRef is a map run ARN read: the state machine, the Map's label and
// the map run's id.
type mapRunRef struct {
	Arn, Machine, Label, ID string
}

// parseMapRun reads a map run ARN (InvalidArn when it is not one).
func (s *Service) parseMapRun(v string) (mapRunRef, bool, error) {
	if v == "" {
		return mapRunRef{}, false, required("mapRunArn")
	}
	a, err := parseARN("mapRunArn", v, kindMapRun)
	if err != nil {
		return mapRunRef{}, false, err
	}
	machine, label, ok := strings.Cut(a.Parts[0], "/")
	if !ok || machine == "" || label == "" {
		return mapRunRef{}, false, fault(InvalidArn, "Invalid Arn: '%s': want mapRun:<stateMachine>/<label>:<id>", v)
	}
	return mapRunRef{Arn: v, Machine: machine, Label: label, ID: a.Parts[1]}, s.ours(a), nil
}

// mapRunOf is one map run an execution's history started.
type mapRunOf struct {
	Arn, ID string
	Run     int32
	State   string
	Started time.Time
	Parent  run
	Ended   time.Time
	Status  string
	Queued  *events.ExecutionQueued
}

// mapRunsOf reads the map runs of an execution from its history; their
// status is that of the Map run that waits for them.
func (s *Service) mapRunsOf(ctx context.Context, r run) ([]mapRunOf, error) {
	h, err := s.cfg.Executions.History(ctx, r.X.Id)
	if err != nil {
		return nil, err
	}
	var out []mapRunOf
	var queued *events.ExecutionQueued
	for i := range h {
		p, err := h[i].Decode()
		if err != nil {
			continue
		}
		switch e := p.(type) {
		case *events.ExecutionQueued:
			queued = e
		case *events.MapRunStarted:
			out = append(out, mapRunOf{Arn: e.MapRunArn, ID: e.MapRunId, Run: e.Run, State: e.State, Started: h[i].Time,
				Parent: r, Status: events.MapRunStatusRunning, Queued: queued})
		}
	}
	for i := range out {
		for _, st := range r.X.Run.States {
			if st.Run == out[i].Run {
				out[i].Status, out[i].Ended = mapRunStatus(st.Status, terminal(r.X)), st.Ended
			}
		}
	}
	return out, nil
}

func mapRunStatus(runStatus string, executionEnded bool) string {
	switch runStatus {
	case "SUCCEEDED":
		return events.MapRunStatusSucceeded
	case "FAILED", "CAUGHT":
		return events.MapRunStatusFailed
	case "ABORTED":
		return events.MapRunStatusAborted
	}
	if executionEnded {
		return events.MapRunStatusAborted
	}
	return events.MapRunStatusRunning
}

// findMapRun finds a map run by its parent: an execution of the ARN's
// state machine, running ones first, whose history started it.
func (s *Service) findMapRun(ctx context.Context, v string) (mapRunOf, error) {
	ref, ours, err := s.parseMapRun(v)
	if err != nil {
		return mapRunOf{}, err
	}
	missing := &Fault{Code: ResourceNotFound, Message: "Resource not found: '" + v + "'", ResourceName: v}
	if !ours {
		return mapRunOf{}, missing
	}
	runs, err := s.executionsOf(ctx, ref.Machine)
	if err != nil {
		return mapRunOf{}, err
	}
	for _, pass := range []bool{true, false} {
		for _, r := range runs {
			if terminal(r.X) == pass || r.X.Run.Parent != nil && r.X.Run.Parent.MapRun {
				continue
			}
			mrs, err := s.mapRunsOf(ctx, r)
			if err != nil {
				return mapRunOf{}, err
			}
			for _, mr := range mrs {
				if mr.ID == ref.ID {
					return mr, nil
				}
			}
		}
	}
	return mapRunOf{}, missing
}

// MapRunCounts are DescribeMapRun's itemCounts and executionCounts.
type MapRunCounts struct {
	Pending        int64 `json:"pending"`
	Running        int64 `json:"running"`
	Succeeded      int64 `json:"succeeded"`
	Failed         int64 `json:"failed"`
	TimedOut       int64 `json:"timedOut"`
	Aborted        int64 `json:"aborted"`
	Total          int64 `json:"total"`
	ResultsWritten int64 `json:"resultsWritten"`
}

// DescribeMapRunInput is DescribeMapRun's request.
type DescribeMapRunInput struct {
	MapRunArn string `json:"mapRunArn"`
}

// DescribeMapRunOutput is its answer.
type DescribeMapRunOutput struct {
	MapRunArn                  string       `json:"mapRunArn"`
	ExecutionArn               string       `json:"executionArn"`
	Status                     string       `json:"status"`
	StartDate                  Epoch        `json:"startDate"`
	StopDate                   *Epoch       `json:"stopDate,omitempty"`
	MaxConcurrency             int64        `json:"maxConcurrency"`
	ToleratedFailurePercentage float64      `json:"toleratedFailurePercentage"`
	ToleratedFailureCount      int64        `json:"toleratedFailureCount"`
	ItemCounts                 MapRunCounts `json:"itemCounts"`
	ExecutionCounts            MapRunCounts `json:"executionCounts"`
	RedriveCount               int          `json:"redriveCount"`
}

// DescribeMapRun describes a map run: its parent, status, dates, the
// counts of its children by status, and the Map state's limits.
func (s *Service) DescribeMapRun(ctx context.Context, in *DescribeMapRunInput) (*DescribeMapRunOutput, error) {
	mr, err := s.findMapRun(ctx, in.MapRunArn)
	if err != nil {
		return nil, err
	}
	counts, err := s.childCounts(ctx, mr.ID)
	if err != nil {
		return nil, err
	}
	out := &DescribeMapRunOutput{MapRunArn: mr.Arn, ExecutionArn: mr.Parent.Arn, Status: mr.Status, StartDate: epoch(mr.Started),
		ItemCounts: counts, ExecutionCounts: counts}
	if mr.Status != events.MapRunStatusRunning {
		out.StopDate = epochPtr(mr.Ended)
	}
	if m := mapState(mr.Queued, mr.State); m != nil {
		out.MaxConcurrency = m.MaxConcurrency.Value
		out.ToleratedFailureCount, out.ToleratedFailurePercentage = m.ToleratedFailureCount.Value, m.ToleratedFailurePercentage.Value
	}
	return out, nil
}

// childCounts counts a map run's children by status.
func (s *Service) childCounts(ctx context.Context, id string) (MapRunCounts, error) {
	kids, err := s.children(ctx, id)
	if err != nil {
		return MapRunCounts{}, err
	}
	var c MapRunCounts
	for _, k := range kids {
		c.Total++
		switch status(k.X) {
		case "RUNNING":
			c.Running++
		case "SUCCEEDED":
			c.Succeeded++
		case "FAILED":
			c.Failed++
		case "TIMED_OUT":
			c.TimedOut++
		case "ABORTED":
			c.Aborted++
		}
	}
	return c, nil
}

// children are the child executions of map run id.
func (s *Service) children(ctx context.Context, id string) ([]run, error) {
	all, err := s.executionsOf(ctx, "")
	if err != nil {
		return nil, err
	}
	var out []run
	for _, r := range all {
		if p := r.X.Run.Parent; p != nil && p.MapRun && p.ExecutionId == id {
			out = append(out, r)
		}
	}
	return out, nil
}

// mapState is the Map state named name of the execution's definition.
func mapState(q *events.ExecutionQueued, name string) *asl.Map {
	if q == nil {
		return nil
	}
	m, err := asl.ParseWith(q.Definition, asl.Options{Compiled: true})
	if err != nil {
		return nil
	}
	return findMap(m, name)
}

func findMap(m *asl.Machine, name string) *asl.Map {
	for _, st := range m.States {
		switch st := st.(type) {
		case *asl.Map:
			if st.Name() == name {
				return st
			}
			if st.ItemProcessor != nil {
				if found := findMap(st.ItemProcessor, name); found != nil {
					return found
				}
			}
		case *asl.Parallel:
			for _, b := range st.Branches {
				if found := findMap(b, name); found != nil {
					return found
				}
			}
		}
	}
	return nil
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

// ListMapRuns lists the map runs an execution started, in order.
func (s *Service) ListMapRuns(ctx context.Context, in *ListMapRunsInput) (*ListMapRunsOutput, error) {
	size, err := pageSize(in.MaxResults, maxPage)
	if err != nil {
		return nil, err
	}
	r, err := s.execution(ctx, "executionArn", in.ExecutionArn)
	if err != nil {
		return nil, err
	}
	mrs, err := s.mapRunsOf(ctx, r)
	if err != nil {
		return nil, err
	}
	items := []MapRunListItem{}
	var keys []string
	for i, mr := range mrs {
		it := MapRunListItem{ExecutionArn: r.Arn, MapRunArn: mr.Arn, StateMachineArn: s.stateMachineArn(r.Machine),
			StartDate: epoch(mr.Started)}
		if mr.Status != events.MapRunStatusRunning {
			it.StopDate = epochPtr(mr.Ended)
		}
		items = append(items, it)
		keys = append(keys, ascending(i))
	}
	list, next, err := page(items, keys, "ListMapRuns/"+in.ExecutionArn, in.NextToken, size)
	if err != nil {
		return nil, err
	}
	return &ListMapRunsOutput{MapRuns: list, NextToken: next}, nil
}

// UpdateMapRunInput is UpdateMapRun's request.
type UpdateMapRunInput struct {
	MapRunArn                  string   `json:"mapRunArn"`
	MaxConcurrency             *int32   `json:"maxConcurrency"`
	ToleratedFailurePercentage *float32 `json:"toleratedFailurePercentage"`
	ToleratedFailureCount      *int64   `json:"toleratedFailureCount"`
}

// UpdateMapRun would change a running map run's limits: the engine has
// no command for that yet, so an existing map run answers a
// ValidationException saying so.
func (s *Service) UpdateMapRun(ctx context.Context, in *UpdateMapRunInput) (*Empty, error) {
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
	mr, err := s.findMapRun(ctx, in.MapRunArn)
	if err != nil {
		return nil, err
	}
	if mr.Status != events.MapRunStatusRunning {
		return nil, &Fault{Code: ValidationException, Reason: "CANNOT_UPDATE_COMPLETED_MAP_RUN",
			Message: "Map run " + mr.Arn + " has ended: it cannot be updated"}
	}
	return nil, fault(ValidationException, "UpdateMapRun is not supported yet: the engine cannot change a running map run's limits")
}
