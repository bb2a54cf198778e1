package sfn

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"time"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/asl/failure"
	"github.com/mie-kafka/mie/internal/functions"
)

// GetExecutionHistoryInput is GetExecutionHistory's request.
type GetExecutionHistoryInput struct {
	ExecutionArn         string `json:"executionArn"`
	MaxResults           int32  `json:"maxResults"`
	ReverseOrder         bool   `json:"reverseOrder"`
	NextToken            string `json:"nextToken"`
	IncludeExecutionData *bool  `json:"includeExecutionData"`
}

// GetExecutionHistoryOutput is its answer.
type GetExecutionHistoryOutput struct {
	Events    []HistoryEvent `json:"events"`
	NextToken string         `json:"nextToken,omitempty"`
}

// GetExecutionHistory renders the execution's events as Step Functions
// history events, a page at a time, oldest first or (reverseOrder)
// newest first; includeExecutionData false leaves out inputs, outputs and
// parameters.
func (s *Service) GetExecutionHistory(ctx context.Context, in *GetExecutionHistoryInput) (*GetExecutionHistoryOutput, error) {
	size, err := pageSize(in.MaxResults, maxPage)
	if err != nil {
		return nil, err
	}
	r, err := s.execution(ctx, "executionArn", in.ExecutionArn)
	if err != nil {
		return nil, err
	}
	h, err := s.cfg.Executions.History(ctx, r.X.Id)
	if err != nil {
		return nil, err
	}
	data := in.IncludeExecutionData == nil || *in.IncludeExecutionData
	evs := s.render(h, data)
	keys := make([]string, len(evs))
	for i, e := range evs {
		keys[i] = ascending(int(e.ID))
	}
	if in.ReverseOrder {
		slices.Reverse(evs)
		for i, e := range evs {
			keys[i] = descending(int(e.ID))
		}
	}
	query := "GetExecutionHistory/" + in.ExecutionArn
	if in.ReverseOrder {
		query += "/reverse"
	}
	list, next, err := page(evs, keys, query, in.NextToken, size)
	if err != nil {
		return nil, err
	}
	if list == nil {
		list = []HistoryEvent{}
	}
	return &GetExecutionHistoryOutput{Events: list, NextToken: next}, nil
}

// render turns an execution's events into history events.
func (s *Service) render(h []events.Envelope, data bool) []HistoryEvent {
	r := &renderer{s: s, data: data, runs: map[int32]*runInfo{}, iterations: map[slot]bool{}}
	for i := range h {
		p, err := h[i].Decode()
		if err != nil {
			continue
		}
		r.at = h[i].Time
		r.apply(p)
	}
	return r.out
}

// renderer follows the runs of states while it renders.
type renderer struct {
	s          *Service
	data       bool
	at         time.Time
	out        []HistoryEvent
	runs       map[int32]*runInfo
	iterations map[slot]bool
}

type slot struct {
	parent int32
	index  int
}

// runInfo is one run of a state, and its current task attempt.
type runInfo struct {
	name, typ string
	parent    int32
	slot      int
	task      *taskInfo
	// mapRun: a distributed Map run, which a map run serves.
	mapRun bool
}

type taskKind int

const (
	taskService taskKind = iota
	taskLambda
	taskActivity
)

type taskInfo struct {
	kind                  taskKind
	resource              string
	resourceType, resName string
	started, submitted    bool
}

func (r *renderer) add(typ, key string, details any) {
	id := int64(len(r.out) + 1)
	r.out = append(r.out, HistoryEvent{Timestamp: epoch(r.at), Type: typ, ID: id, PreviousEventID: id - 1,
		detailsKey: key, details: details})
}

// data is a JSON value as history text, when execution data is included.
func (r *renderer) text(raw json.RawMessage) (*string, *truncated) {
	if !r.data {
		return nil, nil
	}
	if raw == nil {
		raw = json.RawMessage("null")
	}
	s := string(raw)
	return &s, &truncated{}
}

// apply renders one event.
func (r *renderer) apply(p events.Payload) {
	switch e := p.(type) {
	case *events.ExecutionQueued:
		r.queued(e)
	case *events.StateEntered:
		r.entered(e)
	case *events.MapStarted:
		r.add("MapStateStarted", "mapStateStartedEventDetails", mapStateStarted{Length: e.Length})
	case *events.MapRunStarted:
		if info := r.runs[e.Run]; info != nil {
			info.mapRun = true
		}
		r.add("MapRunStarted", "mapRunStartedEventDetails", mapRunStarted{MapRunArn: e.MapRunArn})
	case *events.StateExited:
		r.exited(e.Run, e.Output, e.Assigned, e.Next == "", false)
	case *events.StateCaught:
		r.failedState(e.Run, e.Error, e.Cause)
		r.exited(e.Run, e.Output, e.Assigned, false, true)
	case *events.StateFailed:
		r.failedState(e.Run, e.Error, e.Cause)
		if info := r.runs[e.Run]; info != nil && r.inMap(info) {
			r.add("MapIterationFailed", "mapIterationFailedEventDetails", r.iteration(info))
		}
	case *events.TaskRetrying:
		for k := range r.iterations {
			if k.parent == e.Run {
				delete(r.iterations, k)
			}
		}
	default:
		r.task(p)
		r.execution(p)
	}
}

func (r *renderer) queued(q *events.ExecutionQueued) {
	d := executionStarted{RoleArn: q.RoleArn}
	d.Input, d.InputDetails = r.text(q.Input)
	if ref := q.StateMachine; ref != nil && ref.Kind == events.KindStateMachine {
		if ref.Version != "" {
			d.StateMachineVersionArn = r.s.arnOf(kindStateMachine, ref.Name, ref.Version)
		}
		if ref.Alias != "" {
			d.StateMachineAliasArn = r.s.aliasArn(ref.Name, ref.Alias)
		}
	}
	r.add("ExecutionStarted", "executionStartedEventDetails", d)
}

func (r *renderer) entered(e *events.StateEntered) {
	info := &runInfo{name: e.State, typ: e.Type, parent: e.Parent, slot: e.Slot}
	r.runs[e.Run] = info
	if r.inMap(info) && !r.iterations[slot{e.Parent, e.Slot}] {
		r.iterations[slot{e.Parent, e.Slot}] = true
		r.add("MapIterationStarted", "mapIterationStartedEventDetails", r.iteration(info))
	}
	d := stateEntered{Name: e.State}
	d.Input, d.InputDetails = r.text(e.Input)
	r.add(e.Type+"StateEntered", "stateEnteredEventDetails", d)
	if e.Type == "Parallel" {
		r.add("ParallelStateStarted", "", nil)
	}
}

func (r *renderer) inMap(info *runInfo) bool {
	p := r.runs[info.parent]
	return info.parent != 0 && p != nil && p.typ == "Map"
}

func (r *renderer) iteration(info *runInfo) mapIteration {
	return mapIteration{Name: r.runs[info.parent].name, Index: info.slot}
}

// failedState renders the failure of a Map (and its map run) or Parallel
// run.
func (r *renderer) failedState(run int32, errName, cause string) {
	switch info := r.runs[run]; {
	case info == nil:
	case info.typ == "Map":
		if info.mapRun {
			r.add("MapRunFailed", "mapRunFailedEventDetails", errorCause{errName, cause})
		}
		r.add("MapStateFailed", "", nil)
	case info.typ == "Parallel":
		r.add("ParallelStateFailed", "", nil)
	}
}

// exited renders a run's exit; caught: after its error was caught.
func (r *renderer) exited(run int32, output json.RawMessage, assigned map[string]json.RawMessage, end, caught bool) {
	info := r.runs[run]
	if info == nil {
		return
	}
	switch {
	case caught:
	case info.typ == "Map":
		if info.mapRun {
			r.add("MapRunSucceeded", "", nil)
		}
		r.add("MapStateSucceeded", "", nil)
	case info.typ == "Parallel":
		r.add("ParallelStateSucceeded", "", nil)
	}
	d := stateExited{Name: info.name}
	d.Output, d.OutputDetails = r.text(output)
	if r.data && len(assigned) > 0 {
		d.AssignedVariables = make(map[string]string, len(assigned))
		for k, v := range assigned {
			d.AssignedVariables[k] = string(v)
		}
		d.AssignedVariablesDetails = &truncated{}
	}
	r.add(info.typ+"StateExited", "stateExitedEventDetails", d)
	if end && r.inMap(info) {
		r.add("MapIterationSucceeded", "mapIterationSucceededEventDetails", r.iteration(info))
	}
}

// execution renders the execution's own ends and redrives.
func (r *renderer) execution(p events.Payload) {
	switch e := p.(type) {
	case *events.ExecutionCompleted:
		d := executionSucceeded{}
		d.Output, d.OutputDetails = r.text(e.Output)
		r.add("ExecutionSucceeded", "executionSucceededEventDetails", d)
	case *events.ExecutionFailed:
		r.add("ExecutionFailed", "executionFailedEventDetails", errorCause{e.Error, e.Cause})
	case *events.ExecutionCancelled:
		r.add("ExecutionAborted", "executionAbortedEventDetails", errorCause{e.Error, e.Cause})
	case *events.ExecutionTimedOut:
		r.add("ExecutionTimedOut", "executionTimedOutEventDetails", errorCause{e.Error, e.Cause})
	case *events.ExecutionRedriven:
		r.add("ExecutionRedriven", "executionRedrivenEventDetails", executionRedriven{RedriveCount: e.RedriveCount})
	}
}

// taskOf classifies a Task resource as AWS's history names it.
func taskOf(resource string) *taskInfo {
	t := &taskInfo{resource: resource}
	base, _, _ := strings.Cut(resource, ".waitForTaskToken")
	switch {
	case strings.HasPrefix(resource, "arn:") && strings.Contains(resource, ":lambda:") && strings.Contains(resource, ":function:"):
		t.kind = taskLambda
	case isActivity(resource):
		t.kind = taskActivity
	case strings.HasPrefix(base, functions.OperatorPrefix):
		t.resourceType, t.resName = "mie.operator", strings.TrimPrefix(resource, functions.OperatorPrefix)
	case strings.HasPrefix(base, functions.InlinePrefix):
		t.resourceType, t.resName = "mie.function", strings.TrimPrefix(resource, functions.InlinePrefix)
	default:
		rest := strings.TrimPrefix(resource, "arn:aws:states:::")
		if svc, action, ok := strings.Cut(strings.TrimPrefix(rest, "aws-sdk:"), ":"); ok {
			t.resourceType, t.resName = svc, action
			if strings.HasPrefix(rest, "aws-sdk:") {
				t.resourceType = "aws-sdk:" + svc
			}
		} else {
			t.resourceType, t.resName = "resource", resource
		}
	}
	return t
}

func isActivity(resource string) bool {
	_, ok := functions.ActivityName(resource)
	return ok
}

// task renders the events of Task attempts.
func (r *renderer) task(p events.Payload) {
	switch e := p.(type) {
	case *events.TaskScheduled:
		r.scheduled(e)
	case *events.TaskHeartbeat:
		if t := r.taskOf(e.Run); t != nil && t.kind == taskActivity && !t.started {
			t.started = true
			r.add("ActivityStarted", "activityStartedEventDetails", activityStarted{})
		}
	case *events.TaskExecuting:
		if t := r.taskOf(e.Run); t != nil && t.kind == taskService && !t.submitted {
			t.submitted = true
			r.add("TaskSubmitted", "taskSubmittedEventDetails", taskRef{t.resourceType, t.resName})
		}
	case *events.TaskSucceeded:
		r.taskSucceeded(e)
	case *events.TaskFailed:
		r.taskFailed(e)
	}
}

func (r *renderer) taskOf(run int32) *taskInfo {
	if info := r.runs[run]; info != nil {
		return info.task
	}
	return nil
}

func (r *renderer) scheduled(e *events.TaskScheduled) {
	info := r.runs[e.Run]
	if info == nil {
		return
	}
	t := taskOf(e.Resource)
	info.task = t
	payload, details := r.text(e.Payload)
	switch t.kind {
	case taskLambda:
		r.add("LambdaFunctionScheduled", "lambdaFunctionScheduledEventDetails", lambdaScheduled{Resource: e.Resource,
			Input: payload, InputDetails: details, TimeoutInSeconds: e.TimeoutSeconds})
		r.add("LambdaFunctionStarted", "", nil)
	case taskActivity:
		r.add("ActivityScheduled", "activityScheduledEventDetails", activityScheduled{Resource: e.Resource, Input: payload,
			InputDetails: details, TimeoutInSeconds: e.TimeoutSeconds, HeartbeatInSeconds: e.HeartbeatSeconds})
	default:
		params := ""
		if payload != nil {
			params = *payload
		}
		r.add("TaskScheduled", "taskScheduledEventDetails", taskScheduled{ResourceType: t.resourceType, Resource: t.resName,
			Region: r.s.cfg.Region, Parameters: params, TimeoutInSeconds: e.TimeoutSeconds, HeartbeatInSeconds: e.HeartbeatSeconds})
		r.add("TaskStarted", "taskStartedEventDetails", taskRef{t.resourceType, t.resName})
		t.started = true
	}
}

func (r *renderer) taskSucceeded(e *events.TaskSucceeded) {
	t := r.taskOf(e.Run)
	if t == nil {
		return
	}
	out, details := r.text(e.Output)
	switch t.kind {
	case taskLambda:
		r.add("LambdaFunctionSucceeded", "lambdaFunctionSucceededEventDetails", dataOutput{out, details})
	case taskActivity:
		r.add("ActivitySucceeded", "activitySucceededEventDetails", dataOutput{out, details})
	default:
		r.add("TaskSucceeded", "taskSucceededEventDetails", taskSucceeded{ResourceType: t.resourceType, Resource: t.resName,
			Output: out, OutputDetails: details})
	}
}

func (r *renderer) taskFailed(e *events.TaskFailed) {
	t := r.taskOf(e.Run)
	if t == nil || e.TaskId == "" {
		return // it failed before it was scheduled: the state's failure shows it
	}
	timedOut := e.Error == failure.Timeout || e.Error == failure.HeartbeatTimeout
	ec := errorCause{e.Error, e.Cause}
	switch {
	case t.kind == taskLambda && timedOut:
		r.add("LambdaFunctionTimedOut", "lambdaFunctionTimedOutEventDetails", ec)
	case t.kind == taskLambda:
		r.add("LambdaFunctionFailed", "lambdaFunctionFailedEventDetails", ec)
	case t.kind == taskActivity && timedOut:
		r.add("ActivityTimedOut", "activityTimedOutEventDetails", ec)
	case t.kind == taskActivity:
		r.add("ActivityFailed", "activityFailedEventDetails", ec)
	case timedOut:
		r.add("TaskTimedOut", "taskTimedOutEventDetails", taskFailed{t.resourceType, t.resName, e.Error, e.Cause})
	default:
		r.add("TaskFailed", "taskFailedEventDetails", taskFailed{t.resourceType, t.resName, e.Error, e.Cause})
	}
}
