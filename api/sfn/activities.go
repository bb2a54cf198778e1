package sfn

import (
	"context"
	"time"

	"github.com/mie-kafka/mie/events"
)

// CreateActivityInput is CreateActivity's request.
type CreateActivityInput struct {
	Name                    string                   `json:"name"`
	Tags                    []Tag                    `json:"tags"`
	EncryptionConfiguration *EncryptionConfiguration `json:"encryptionConfiguration"`
}

// CreateActivityOutput is its answer.
type CreateActivityOutput struct {
	ActivityArn  string `json:"activityArn"`
	CreationDate Epoch  `json:"creationDate"`
}

// CreateActivity creates an activity and its task topic; idempotent by
// name, as on AWS.
func (s *Service) CreateActivity(ctx context.Context, in *CreateActivityInput) (*CreateActivityOutput, error) {
	if err := checkName("activity name", in.Name); err != nil {
		return nil, err
	}
	if err := checkEncryption(in.EncryptionConfiguration); err != nil {
		return nil, err
	}
	tags, err := checkTags(in.Tags)
	if err != nil {
		return nil, err
	}
	a, err := s.cfg.Definitions.CreateActivity(ctx, in.Name, tags, canonical(in.EncryptionConfiguration))
	if err != nil {
		return nil, err
	}
	s.cfg.Tasks.Watch(a.Topic)
	return &CreateActivityOutput{ActivityArn: s.activityArn(a.Name), CreationDate: epoch(a.Created)}, nil
}

// activityByArn reads an activity ARN and looks the activity up.
func (s *Service) activityByArn(v string) (events.Activity, bool, error) {
	if v == "" {
		return events.Activity{}, false, required("activityArn")
	}
	a, err := parseARN("activityArn", v, kindActivity)
	if err != nil {
		return events.Activity{}, false, err
	}
	if !s.ours(a) {
		return events.Activity{}, false, nil
	}
	act, ok := s.cfg.Store.Activity(a.Parts[0])
	return act, ok, nil
}

// DescribeActivityInput is DescribeActivity's request.
type DescribeActivityInput struct {
	ActivityArn string `json:"activityArn"`
}

// DescribeActivityOutput is its answer.
type DescribeActivityOutput struct {
	ActivityArn             string                   `json:"activityArn"`
	Name                    string                   `json:"name"`
	CreationDate            Epoch                    `json:"creationDate"`
	EncryptionConfiguration *EncryptionConfiguration `json:"encryptionConfiguration,omitempty"`
}

// DescribeActivity describes an activity.
func (s *Service) DescribeActivity(_ context.Context, in *DescribeActivityInput) (*DescribeActivityOutput, error) {
	a, ok, err := s.activityByArn(in.ActivityArn)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, fault(ActivityDoesNotExist, "Activity Does Not Exist: '%s'", in.ActivityArn)
	}
	return &DescribeActivityOutput{ActivityArn: s.activityArn(a.Name), Name: a.Name, CreationDate: epoch(a.Created),
		EncryptionConfiguration: stored(a.Encryption, defaultEncryption)}, nil
}

// ListActivitiesInput is ListActivities' request.
type ListActivitiesInput struct {
	MaxResults int32  `json:"maxResults"`
	NextToken  string `json:"nextToken"`
}

// ActivityListItem is one activity of a listing.
type ActivityListItem struct {
	ActivityArn  string `json:"activityArn"`
	Name         string `json:"name"`
	CreationDate Epoch  `json:"creationDate"`
}

// ListActivitiesOutput is its answer.
type ListActivitiesOutput struct {
	Activities []ActivityListItem `json:"activities"`
	NextToken  string             `json:"nextToken,omitempty"`
}

// ListActivities lists the activities by name.
func (s *Service) ListActivities(_ context.Context, in *ListActivitiesInput) (*ListActivitiesOutput, error) {
	size, err := pageSize(in.MaxResults, maxPage)
	if err != nil {
		return nil, err
	}
	items := []ActivityListItem{}
	var keys []string
	for _, a := range s.cfg.Store.Activities() {
		items = append(items, ActivityListItem{ActivityArn: s.activityArn(a.Name), Name: a.Name, CreationDate: epoch(a.Created)})
		keys = append(keys, a.Name)
	}
	list, next, err := page(items, keys, "ListActivities", in.NextToken, size)
	if err != nil {
		return nil, err
	}
	return &ListActivitiesOutput{Activities: list, NextToken: next}, nil
}

// DeleteActivityInput is DeleteActivity's request.
type DeleteActivityInput struct {
	ActivityArn string `json:"activityArn"`
}

// DeleteActivity deletes an activity; a missing one is no error, as on
// AWS.
func (s *Service) DeleteActivity(ctx context.Context, in *DeleteActivityInput) (*Empty, error) {
	a, ok, err := s.activityByArn(in.ActivityArn)
	if err != nil || !ok {
		return &Empty{}, err
	}
	return &Empty{}, s.cfg.Definitions.DeleteActivity(ctx, a.Name)
}

// GetActivityTaskInput is GetActivityTask's request.
type GetActivityTaskInput struct {
	ActivityArn string `json:"activityArn"`
	WorkerName  string `json:"workerName"`
}

// GetActivityTaskOutput is its answer: empty when no task came.
type GetActivityTaskOutput struct {
	TaskToken string  `json:"taskToken,omitempty"`
	Input     *string `json:"input,omitempty"`
}

// ActivityTask is one task handed to a worker: its execution, the run and
// attempt of its Task state, its token and input.
type ActivityTask struct {
	ExecutionId string
	Run         int32
	Attempt     int
	Token       string
	Input       []byte
}

// GetActivityTask waits up to PollTimeout (60 s) for a task of the
// activity and hands it to this worker alone; none is an empty answer.
// Handing it out counts as the task's first heartbeat, so that its
// HeartbeatSeconds count from there (AWS's ActivityStarted).
func (s *Service) GetActivityTask(ctx context.Context, in *GetActivityTaskInput) (*GetActivityTaskOutput, error) {
	if in.WorkerName != "" {
		if err := checkLength("workerName", in.WorkerName, 1, 80); err != nil {
			return nil, err
		}
	}
	a, ok, err := s.activityByArn(in.ActivityArn)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, fault(ActivityDoesNotExist, "Activity Does Not Exist: '%s'", in.ActivityArn)
	}
	pctx, cancel := context.WithTimeout(ctx, s.cfg.PollTimeout)
	defer cancel()
	defer context.AfterFunc(s.closing, cancel)()
	for {
		t, ok, err := s.cfg.Tasks.Next(pctx, a.Topic)
		if err != nil {
			return nil, err
		}
		if !ok {
			return &GetActivityTaskOutput{}, nil
		}
		if x, err := s.cfg.Executions.Execution(ctx, t.ExecutionId); err == nil && x.Run != nil && terminal(x) {
			continue // its execution ended while the task waited for a worker
		}
		// The heartbeat is best effort: the task is this worker's either way.
		hctx, hcancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		if err := s.cfg.Commands.Send(hctx, t.ExecutionId, &events.TaskTokenAnswered{ExecutionId: t.ExecutionId,
			Token: t.Token, Outcome: events.TokenHeartbeat}); err != nil {
			s.log.Warn("activity task handed out without its start heartbeat", "execution", t.ExecutionId, "err", err)
		}
		hcancel()
		s.handed.add(t.Token, handedTask{execution: t.ExecutionId, run: t.Run, attempt: t.Attempt})
		return &GetActivityTaskOutput{TaskToken: t.Token, Input: text(t.Input)}, nil
	}
}
