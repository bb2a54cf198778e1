package events

import (
	"encoding/json"
	"time"
)

// The events of a States Language run (ExecutionQueued version 2 and later,
// with a Definition): what the interpreter (internal/engine) decided, one
// event per fact, each naming the run of a state it concerns. Folding them
// in order rebuilds the execution exactly; nothing is evaluated again.
//
// A run is one visit of one state: runs are numbered from 1 in the order
// they are entered, per execution, so the same events always give the same
// numbers. A run inside a Parallel branch or a Map iteration names the run
// of the Parallel or Map as its Parent and the branch or item index as its
// Slot.

// RunRef names the run an event is about: its number and, for people and
// for the history, its state's name.
type RunRef struct {
	Run   int32  `json:"Run"`
	State string `json:"State"`
}

// StateEntered: a run began, with the state's raw input (before InputPath).
// Visit counts the runs of the state in the same scope, this one included,
// so a loop's visits and a Map's iterations never collide.
type StateEntered struct {
	RunRef
	Type   string          `json:"Type"`
	Parent int32           `json:"Parent,omitempty"`
	Slot   int             `json:"Slot,omitempty"`
	Visit  int             `json:"Visit"`
	Input  json.RawMessage `json:"Input"`
}

// StateExited: a run succeeded with Output (after OutputPath or Output), and
// the execution goes on at Next (empty at an End). Assigned are the
// variables the state set, already evaluated.
type StateExited struct {
	RunRef
	Output   json.RawMessage            `json:"Output"`
	Next     string                     `json:"Next,omitempty"`
	Assigned map[string]json.RawMessage `json:"Assigned,omitempty"`
}

// StateFailed: a run ended with an error that no Retry absorbed and no
// Catch took (that is StateCaught): the failure goes up to the enclosing
// branch, iteration or execution.
type StateFailed struct {
	RunRef
	Error string `json:"Error"`
	Cause string `json:"Cause,omitempty"`
}

// StateCaught: the run failed with Error and Cause, and catcher Catcher
// of its state matched: the execution goes on at Next with Output (the
// error output placed by the catcher's ResultPath or Output) and the
// catcher's variables Assigned.
type StateCaught struct {
	RunRef
	Error    string                     `json:"Error"`
	Cause    string                     `json:"Cause,omitempty"`
	Catcher  int                        `json:"Catcher"`
	Next     string                     `json:"Next"`
	Output   json.RawMessage            `json:"Output"`
	Assigned map[string]json.RawMessage `json:"Assigned,omitempty"`
}

// TaskScheduled: attempt Attempt of a Task run was sent to Topic (after
// DelayMs through the retry tiers, for a retry), with the effective
// parameters as Payload. Resource is the state's; Function names the
// function it resolved to, if any; Token is the task token of a
// .waitForTaskToken task.
type TaskScheduled struct {
	RunRef
	TaskId           string          `json:"TaskId"`
	Attempt          int             `json:"Attempt"`
	Resource         string          `json:"Resource"`
	Function         string          `json:"Function,omitempty"`
	Implementation   string          `json:"Implementation,omitempty"`
	Topic            string          `json:"Topic,omitempty"`
	Payload          json.RawMessage `json:"Payload"`
	TimeoutSeconds   int64           `json:"TimeoutSeconds,omitempty"`
	HeartbeatSeconds int64           `json:"HeartbeatSeconds,omitempty"`
	Token            string          `json:"Token,omitempty"`
	DelayMs          int64           `json:"DelayMs,omitempty"`
	// Child is the child execution a states:startExecution.sync task
	// waits for.
	Child string `json:"Child,omitempty"`
}

// TaskExecuting: the worker answered an attempt's step with Executing (a
// .sync job or an Async operator under way): it is checked again with a
// Monitor task, TaskId, after CheckAfterMs.
type TaskExecuting struct {
	RunRef
	TaskId       string          `json:"TaskId"`
	Attempt      int             `json:"Attempt"`
	CheckAfterMs int64           `json:"CheckAfterMs"`
	MonitorState json.RawMessage `json:"MonitorState,omitempty"`
}

// TaskDeferred: the worker could not run the step now (a GPU is down): the
// same step is delivered again as TaskId, delivery Delivery, after DelayMs.
// It uses no retry attempt.
type TaskDeferred struct {
	RunRef
	TaskId   string `json:"TaskId"`
	Attempt  int    `json:"Attempt"`
	Phase    string `json:"Phase"`
	Delivery int    `json:"Delivery"`
	DelayMs  int64  `json:"DelayMs"`
	Reason   string `json:"Reason,omitempty"`
}

// TaskHeartbeat: the task's worker reported progress (SendTaskHeartbeat):
// its heartbeat timeout counts again from now.
type TaskHeartbeat struct {
	RunRef
	TaskId string `json:"TaskId"`
}

// TaskSucceeded: the attempt's result, as the task returned it (before
// ResultSelector and ResultPath).
type TaskSucceeded struct {
	RunRef
	TaskId  string          `json:"TaskId"`
	Attempt int             `json:"Attempt"`
	Output  json.RawMessage `json:"Output"`
}

// TaskFailed: the attempt failed (an error result, a function error, a
// timeout: Error is States.Timeout or States.HeartbeatTimeout then).
type TaskFailed struct {
	RunRef
	TaskId  string `json:"TaskId"`
	Attempt int    `json:"Attempt"`
	Error   string `json:"Error"`
	Cause   string `json:"Cause,omitempty"`
}

// TaskRetrying: retrier Retrier of the state matched the failure of
// Attempt with retries left; attempt NextAttempt is scheduled after
// DelayMs (jitter included, decided once), at Due. It also serves Parallel
// and Map states, whose retry re-enters the state.
type TaskRetrying struct {
	RunRef
	Attempt     int       `json:"Attempt"`
	Error       string    `json:"Error"`
	Cause       string    `json:"Cause,omitempty"`
	Retrier     int       `json:"Retrier"`
	NextAttempt int       `json:"NextAttempt"`
	DelayMs     int64     `json:"DelayMs"`
	Due         time.Time `json:"Due"`
}

// TimerScheduled: the run waits until Due (a Wait state, or a Parallel or
// Map retry's backoff); TimerFired with TimerId wakes it.
type TimerScheduled struct {
	RunRef
	TimerId string    `json:"TimerId"`
	Due     time.Time `json:"Due"`
}

// MapStarted: a Map run began its iterations over Items (after ItemsPath
// or Items), at most MaxConcurrency at once (0: no limit).
type MapStarted struct {
	RunRef
	Length                     int             `json:"Length"`
	Items                      json.RawMessage `json:"Items"`
	MaxConcurrency             int             `json:"MaxConcurrency,omitempty"`
	ToleratedFailureCount      int             `json:"ToleratedFailureCount,omitempty"`
	ToleratedFailurePercentage float64         `json:"ToleratedFailurePercentage,omitempty"`
}

// ExecutionTimedOut: the execution ran past its machine's TimeoutSeconds.
type ExecutionTimedOut struct {
	ExecutionId string `json:"ExecutionId"`
	Error       string `json:"Error"`
	Cause       string `json:"Cause,omitempty"`
}

// TaskTokenAnswered is a command: a callback task's worker answered its
// token (SendTaskSuccess, SendTaskFailure or SendTaskHeartbeat).
type TaskTokenAnswered struct {
	ExecutionId string          `json:"ExecutionId"`
	Token       string          `json:"Token"`
	Outcome     string          `json:"Outcome"` // Success, Failure or Heartbeat
	Output      json.RawMessage `json:"Output,omitempty"`
	Error       string          `json:"Error,omitempty"`
	Cause       string          `json:"Cause,omitempty"`
}

// RedriveExecution is a command: run a FAILED, TIMED_OUT or ABORTED
// execution again from where it failed (Step Functions' RedriveExecution):
// the failed states run again, what succeeded keeps its results.
type RedriveExecution struct {
	ExecutionId string `json:"ExecutionId"`
	// QueuedOffset is where the execution's ExecutionQueued sits in its
	// executions partition, so that an executor that no longer holds the
	// ended execution reads it back from there; 0 when the sender does not
	// know, and then QueuedAt, when the execution was created, lets the
	// executor seek the partition to about that time instead of reading it
	// from the start.
	QueuedOffset int64     `json:"QueuedOffset"`
	QueuedAt     time.Time `json:"QueuedAt,omitzero"`
}

// ExecutionRedriven: a redrive began; RedriveCount is the execution's
// count of redrives, this one included.
type ExecutionRedriven struct {
	ExecutionId  string `json:"ExecutionId"`
	RedriveCount int    `json:"RedriveCount"`
}

// ChildExecutionEnded is a command to a parent execution: the child
// execution its Task run Run started (states:startExecution, or an
// iteration of a distributed Map) ended. Status is SUCCEEDED, FAILED,
// TIMED_OUT or ABORTED; Output is a success's output. Input is the
// child's input, sent to a map run (whose results files show it).
type ChildExecutionEnded struct {
	ExecutionId string          `json:"ExecutionId"`
	Run         int32           `json:"Run"`
	TaskId      string          `json:"TaskId"`
	Child       string          `json:"Child"`
	ChildArn    string          `json:"ChildArn,omitempty"`
	Status      string          `json:"Status"`
	Input       json.RawMessage `json:"Input,omitempty"`
	Output      json.RawMessage `json:"Output,omitempty"`
	Error       string          `json:"Error,omitempty"`
	Cause       string          `json:"Cause,omitempty"`
	Started     time.Time       `json:"Started"`
	Stopped     time.Time       `json:"Stopped"`
}

// Outcomes of a TaskTokenAnswered.
const (
	TokenSuccess   = "Success"
	TokenFailure   = "Failure"
	TokenHeartbeat = "Heartbeat"
)

func (StateEntered) EventType() string        { return "StateEntered" }
func (StateExited) EventType() string         { return "StateExited" }
func (StateFailed) EventType() string         { return "StateFailed" }
func (StateCaught) EventType() string         { return "StateCaught" }
func (TaskScheduled) EventType() string       { return "TaskScheduled" }
func (TaskExecuting) EventType() string       { return "TaskExecuting" }
func (TaskDeferred) EventType() string        { return "TaskDeferred" }
func (TaskHeartbeat) EventType() string       { return "TaskHeartbeat" }
func (TaskSucceeded) EventType() string       { return "TaskSucceeded" }
func (TaskFailed) EventType() string          { return "TaskFailed" }
func (TaskRetrying) EventType() string        { return "TaskRetrying" }
func (TimerScheduled) EventType() string      { return "TimerScheduled" }
func (MapStarted) EventType() string          { return "MapStarted" }
func (ExecutionTimedOut) EventType() string   { return "ExecutionTimedOut" }
func (TaskTokenAnswered) EventType() string   { return "TaskTokenAnswered" }
func (RedriveExecution) EventType() string    { return "RedriveExecution" }
func (ChildExecutionEnded) EventType() string { return "ChildExecutionEnded" }
func (ExecutionRedriven) EventType() string   { return "ExecutionRedriven" }

func init() {
	register(KindEvent, 1, func() Payload { return &StateEntered{} })
	register(KindEvent, 1, func() Payload { return &StateExited{} })
	register(KindEvent, 1, func() Payload { return &StateFailed{} })
	register(KindEvent, 1, func() Payload { return &StateCaught{} })
	register(KindEvent, 1, func() Payload { return &TaskScheduled{} })
	register(KindEvent, 1, func() Payload { return &TaskExecuting{} })
	register(KindEvent, 1, func() Payload { return &TaskDeferred{} })
	register(KindEvent, 1, func() Payload { return &TaskHeartbeat{} })
	register(KindEvent, 1, func() Payload { return &TaskSucceeded{} })
	register(KindEvent, 1, func() Payload { return &TaskFailed{} })
	register(KindEvent, 1, func() Payload { return &TaskRetrying{} })
	register(KindEvent, 1, func() Payload { return &TimerScheduled{} })
	register(KindEvent, 1, func() Payload { return &MapStarted{} })
	register(KindEvent, 1, func() Payload { return &ExecutionTimedOut{} })
	register(KindCommand, 1, func() Payload { return &TaskTokenAnswered{} })
	register(KindCommand, 1, func() Payload { return &RedriveExecution{} })
	register(KindCommand, 1, func() Payload { return &ChildExecutionEnded{} })
	register(KindEvent, 1, func() Payload { return &ExecutionRedriven{} })
}
