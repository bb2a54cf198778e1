package events

import (
	"encoding/json"
	"time"
)

// MediaObject locates one media object in object storage.
type MediaObject struct {
	S3Bucket string `json:"S3Bucket"`
	S3Key    string `json:"S3Key"`
}

// Globals is what an execution carries from stage to stage: media by type
// (Video, Audio, Image, Text, ...) and workflow metadata.
type Globals struct {
	Media    map[string]MediaObject `json:"Media"`
	MetaData map[string]any         `json:"MetaData"`
}

// Configuration is per-run overrides: stage -> operator -> settings.
type Configuration map[string]map[string]map[string]any

// ExecutionStage is a stage as it is frozen into an execution.
type ExecutionStage struct {
	Name          string                    `json:"Name"`
	Operations    []string                  `json:"Operations"`
	Configuration map[string]map[string]any `json:"Configuration"`
	Next          string                    `json:"Next,omitempty"`
	End           bool                      `json:"End,omitempty"`
}

// ExecutionWorkflow is the workflow as frozen into an execution.
type ExecutionWorkflow struct {
	Name    string                    `json:"Name"`
	StartAt string                    `json:"StartAt"`
	Stages  map[string]ExecutionStage `json:"Stages"`
	Version string                    `json:"Version,omitempty"`
	Id      string                    `json:"Id,omitempty"`
}

// Trigger says who started an execution: "api" or an upload rule.
type Trigger struct {
	Source string `json:"Source"`
	Rule   string `json:"Rule,omitempty"`
}

// Commands on the commands topic, keyed by execution id.

// StartExecution asks the executor to queue a new execution. Version 2
// starts a States Language run: Definition is the machine (an MIE workflow
// compiled into one, or a state machine's version) and Input its input; the
// run never depends on later definition changes. Version 1 carried the
// legacy IR in Machine and the workflow snapshot, which MIE executions
// still carry for their views.
type StartExecution struct {
	ExecutionId string            `json:"ExecutionId"`
	Workflow    ExecutionWorkflow `json:"Workflow,omitzero"`
	Machine     Machine           `json:"Machine,omitzero"`
	AssetId     string            `json:"AssetId"`
	// Input is the run's input; in version 1, MIE's Globals object.
	Input         json.RawMessage `json:"Input"`
	Configuration Configuration   `json:"Configuration"`
	Trigger       Trigger         `json:"Trigger"`
	Created       time.Time       `json:"Created"`
	Run
}

// Run is what version 2 of StartExecution and ExecutionQueued add: the
// States Language program an execution runs and how it was started.
type Run struct {
	// Name is the execution's name (AWS's); an MIE execution's is its id.
	Name string `json:"Name,omitempty"`
	// Arn is the execution's ARN, as $$.Execution.Id shows it.
	Arn string `json:"Arn,omitempty"`
	// StateMachine says what was started.
	StateMachine *StateMachineRef `json:"StateMachine,omitempty"`
	// Definition is the ASL definition the run follows.
	Definition json.RawMessage `json:"Definition,omitempty"`
	// Type is STANDARD or EXPRESS.
	Type    string `json:"Type,omitempty"`
	RoleArn string `json:"RoleArn,omitempty"`
	// Admission: the execution waits for a slot under
	// MaxConcurrentWorkflows (MIE workflows do; state machines start at
	// once, as on AWS).
	Admission bool `json:"Admission,omitempty"`
	// Parent is the execution and Task run that started this one as a
	// child (states:startExecution, a distributed Map).
	Parent *ParentRef `json:"Parent,omitempty"`
	// RedriveCount counts the redrives of this execution.
	RedriveCount int `json:"RedriveCount,omitempty"`
}

// StateMachineRef names what an execution runs: a state machine (Kind
// "StateMachine"), at a version or through an alias, or an MIE workflow
// (Kind "Workflow") at its version.
type StateMachineRef struct {
	Kind    string `json:"Kind"`
	Name    string `json:"Name"`
	Arn     string `json:"Arn,omitempty"`
	Version string `json:"Version,omitempty"`
	Alias   string `json:"Alias,omitempty"`
}

// Kinds of StateMachineRef.
const (
	KindStateMachine = "StateMachine"
	KindWorkflow     = "Workflow"
)

// ParentRef is the execution and run that started a child execution.
type ParentRef struct {
	ExecutionId string `json:"ExecutionId"`
	Run         int32  `json:"Run"`
	TaskId      string `json:"TaskId"`
	// MapRun: the parent is a map run (ExecutionId is its id, Run the
	// child's number in it, from 1); the child's end carries its input
	// too.
	MapRun bool `json:"MapRun,omitempty"`
}

// AdmitExecution is sent by the admission processor when a slot under
// MaxConcurrentWorkflows is granted.
type AdmitExecution struct {
	ExecutionId string `json:"ExecutionId"`
}

// CancelExecution stops an execution and frees its slot. Error and Cause
// are StopExecution's (AWS), recorded with the abort.
type CancelExecution struct {
	ExecutionId string `json:"ExecutionId"`
	Reason      string `json:"Reason"`
	Error       string `json:"Error,omitempty"`
	Cause       string `json:"Cause,omitempty"`
}

// ResumeExecution resumes an execution Waiting at WaitingStageName.
type ResumeExecution struct {
	ExecutionId      string `json:"ExecutionId"`
	WaitingStageName string `json:"WaitingStageName"`
}

// Timer kinds.
const (
	TimerOperatorTimeout = "OperatorTimeout"
	// TimerWake wakes a run waiting on a TimerScheduled (a Wait state).
	TimerWake = "Wake"
)

// TimerFired is a delayed command the executor scheduled for itself,
// delivered through the retry tiers: TaskId is the timer's id, Run the
// run it wakes.
type TimerFired struct {
	ExecutionId string `json:"ExecutionId"`
	Kind        string `json:"Kind"`
	Path        string `json:"Path"`
	TaskId      string `json:"TaskId"`
	Run         int32  `json:"Run,omitempty"`
}

// Events on the executions topic, keyed by execution id. Path is the state's
// path in the machine ("Stage" at top level, "Stage/0/Operator" inside a
// Parallel branch), which is what makes nested ASL states addressable.

type ExecutionQueued struct {
	ExecutionId   string            `json:"ExecutionId"`
	Workflow      ExecutionWorkflow `json:"Workflow,omitzero"`
	Machine       Machine           `json:"Machine,omitzero"`
	AssetId       string            `json:"AssetId"`
	Globals       Globals           `json:"Globals,omitzero"`
	Configuration Configuration     `json:"Configuration"`
	Trigger       Trigger           `json:"Trigger"`
	Created       time.Time         `json:"Created"`
	// Input is a States Language run's input (version 2).
	Input json.RawMessage `json:"Input,omitempty"`
	Run
}

// IsRun reports whether the execution runs a States Language program
// (version 2); otherwise it is a version 1 MIE execution of the legacy IR.
func (q *ExecutionQueued) IsRun() bool { return len(q.Definition) > 0 }

type ExecutionStarted struct {
	ExecutionId string `json:"ExecutionId"`
}
type StageStarted struct {
	Path  string `json:"Path"`
	Stage string `json:"Stage"`
}
type OperatorSkipped struct {
	Path     string `json:"Path"`
	Stage    string `json:"Stage"`
	Operator string `json:"Operator"`
	Reason   string `json:"Reason"`
}

// OperatorDispatched records one task written to its task topic: the first
// delivery of an attempt's Start step, a Monitor check, a retry's new
// attempt or a deferred task's redelivery. DelayMs > 0 means the task went
// through the retry tiers and reaches its topic that much later; Delivery
// counts the deliveries of one step (1 unless the worker deferred it).
type OperatorDispatched struct {
	Path     string `json:"Path"`
	Stage    string `json:"Stage"`
	Operator string `json:"Operator"`
	TaskId   string `json:"TaskId"`
	Attempt  int    `json:"Attempt"`
	Phase    string `json:"Phase"`
	Topic    string `json:"Topic"`
	Delivery int    `json:"Delivery,omitempty"`
	DelayMs  int64  `json:"DelayMs,omitempty"`
}
type OperatorExecuting struct {
	Path         string          `json:"Path"`
	Stage        string          `json:"Stage"`
	Operator     string          `json:"Operator"`
	TaskId       string          `json:"TaskId"`
	Attempt      int             `json:"Attempt"`
	CheckAfterMs int64           `json:"CheckAfterMs"`
	MonitorState json.RawMessage `json:"MonitorState,omitempty"`
}
type OperatorWaiting struct {
	Path     string `json:"Path"`
	Stage    string `json:"Stage"`
	Operator string `json:"Operator"`
}
type OperatorCompleted struct {
	Path     string                 `json:"Path"`
	Stage    string                 `json:"Stage"`
	Operator string                 `json:"Operator"`
	TaskId   string                 `json:"TaskId,omitempty"`
	Attempt  int                    `json:"Attempt"`
	Media    map[string]MediaObject `json:"Media,omitempty"`
	MetaData map[string]any         `json:"MetaData,omitempty"`
}
type OperatorFailed struct {
	Path     string `json:"Path"`
	Stage    string `json:"Stage"`
	Operator string `json:"Operator"`
	TaskId   string `json:"TaskId,omitempty"`
	Attempt  int    `json:"Attempt"`
	Error    string `json:"Error"`
	Cause    string `json:"Cause,omitempty"`
}

// OperatorRetrying records that attempt Attempt failed (an Error result, or
// States.Timeout) and that retrier Retrier of the Task state matched with
// retries left: attempt NextAttempt is dispatched (an OperatorDispatched
// follows) and reaches the worker after DelayMs, at Due. The delay, jitter
// included, is decided once and recorded here; folding never recomputes it.
type OperatorRetrying struct {
	Path        string    `json:"Path"`
	Stage       string    `json:"Stage"`
	Operator    string    `json:"Operator"`
	TaskId      string    `json:"TaskId,omitempty"`
	Attempt     int       `json:"Attempt"`
	Error       string    `json:"Error"`
	Cause       string    `json:"Cause,omitempty"`
	Retrier     int       `json:"Retrier"`
	NextAttempt int       `json:"NextAttempt"`
	DelayMs     int64     `json:"DelayMs"`
	Due         time.Time `json:"Due"`
}

// OperatorDeferred records that a worker answered a task with Status
// Deferred (say, its GPU is down): the same attempt and phase is delivered
// again (an OperatorDispatched with Delivery+1 follows) after DelayMs, at
// Due. A deferral uses no retry attempt, and the operator timeout restarts
// at the redelivery.
type OperatorDeferred struct {
	Path     string    `json:"Path"`
	Stage    string    `json:"Stage"`
	Operator string    `json:"Operator"`
	TaskId   string    `json:"TaskId"`
	Attempt  int       `json:"Attempt"`
	Phase    string    `json:"Phase"`
	Delivery int       `json:"Delivery"`
	DelayMs  int64     `json:"DelayMs"`
	Due      time.Time `json:"Due"`
	Reason   string    `json:"Reason,omitempty"`
}

type StageCompleted struct {
	Path     string                 `json:"Path"`
	Stage    string                 `json:"Stage"`
	Media    map[string]MediaObject `json:"Media,omitempty"`
	MetaData map[string]any         `json:"MetaData,omitempty"`
}
type StageFailed struct {
	Path  string `json:"Path"`
	Stage string `json:"Stage"`
	Error string `json:"Error"`
	Cause string `json:"Cause,omitempty"`
}
type ExecutionWaiting struct {
	Stage string `json:"Stage"`
}
type ExecutionResumed struct {
	Stage string `json:"Stage"`
}

// ExecutionCompleted: the execution succeeded; Output is a States
// Language run's output (version 2).
type ExecutionCompleted struct {
	ExecutionId string          `json:"ExecutionId"`
	Output      json.RawMessage `json:"Output,omitempty"`
}
type ExecutionFailed struct {
	ExecutionId string `json:"ExecutionId"`
	Error       string `json:"Error"`
	Cause       string `json:"Cause,omitempty"`
}
type ExecutionCancelled struct {
	ExecutionId string `json:"ExecutionId"`
	Reason      string `json:"Reason"`
	Error       string `json:"Error,omitempty"`
	Cause       string `json:"Cause,omitempty"`
}

func (StartExecution) EventType() string     { return "StartExecution" }
func (AdmitExecution) EventType() string     { return "AdmitExecution" }
func (CancelExecution) EventType() string    { return "CancelExecution" }
func (ResumeExecution) EventType() string    { return "ResumeExecution" }
func (TimerFired) EventType() string         { return "TimerFired" }
func (ExecutionQueued) EventType() string    { return "ExecutionQueued" }
func (ExecutionStarted) EventType() string   { return "ExecutionStarted" }
func (StageStarted) EventType() string       { return "StageStarted" }
func (OperatorSkipped) EventType() string    { return "OperatorSkipped" }
func (OperatorDispatched) EventType() string { return "OperatorDispatched" }
func (OperatorExecuting) EventType() string  { return "OperatorExecuting" }
func (OperatorWaiting) EventType() string    { return "OperatorWaiting" }
func (OperatorCompleted) EventType() string  { return "OperatorCompleted" }
func (OperatorFailed) EventType() string     { return "OperatorFailed" }
func (OperatorRetrying) EventType() string   { return "OperatorRetrying" }
func (OperatorDeferred) EventType() string   { return "OperatorDeferred" }
func (StageCompleted) EventType() string     { return "StageCompleted" }
func (StageFailed) EventType() string        { return "StageFailed" }
func (ExecutionWaiting) EventType() string   { return "ExecutionWaiting" }
func (ExecutionResumed) EventType() string   { return "ExecutionResumed" }
func (ExecutionCompleted) EventType() string { return "ExecutionCompleted" }
func (ExecutionFailed) EventType() string    { return "ExecutionFailed" }
func (ExecutionCancelled) EventType() string { return "ExecutionCancelled" }

func init() {
	register(KindCommand, 2, func() Payload { return &StartExecution{} })
	register(KindCommand, 1, func() Payload { return &AdmitExecution{} })
	register(KindCommand, 1, func() Payload { return &CancelExecution{} })
	register(KindCommand, 1, func() Payload { return &ResumeExecution{} })
	register(KindCommand, 1, func() Payload { return &TimerFired{} })
	register(KindEvent, 2, func() Payload { return &ExecutionQueued{} })
	register(KindEvent, 1, func() Payload { return &ExecutionStarted{} })
	register(KindEvent, 1, func() Payload { return &StageStarted{} })
	register(KindEvent, 1, func() Payload { return &OperatorSkipped{} })
	register(KindEvent, 1, func() Payload { return &OperatorDispatched{} })
	register(KindEvent, 1, func() Payload { return &OperatorExecuting{} })
	register(KindEvent, 1, func() Payload { return &OperatorWaiting{} })
	register(KindEvent, 1, func() Payload { return &OperatorCompleted{} })
	register(KindEvent, 1, func() Payload { return &OperatorFailed{} })
	register(KindEvent, 1, func() Payload { return &OperatorRetrying{} })
	register(KindEvent, 1, func() Payload { return &OperatorDeferred{} })
	register(KindEvent, 1, func() Payload { return &StageCompleted{} })
	register(KindEvent, 1, func() Payload { return &StageFailed{} })
	register(KindEvent, 1, func() Payload { return &ExecutionWaiting{} })
	register(KindEvent, 1, func() Payload { return &ExecutionResumed{} })
	register(KindEvent, 1, func() Payload { return &ExecutionCompleted{} })
	register(KindEvent, 1, func() Payload { return &ExecutionFailed{} })
	register(KindEvent, 1, func() Payload { return &ExecutionCancelled{} })
}

// ExecutorCheckpoint is where an executor may start rebuilding one
// partition of the executions topic: every execution whose ExecutionQueued
// sits below Floor ended more than the executor's ended-retention before
// Written. It is written on the executor-state topic (compacted, keyed by
// partition) in the same transaction as the events it accounts for.
type ExecutorCheckpoint struct {
	Partition int32     `json:"Partition"`
	Floor     int64     `json:"Floor"`
	Written   time.Time `json:"Written"`
}

func (ExecutorCheckpoint) EventType() string { return "ExecutorCheckpoint" }

func init() { register(KindEvent, 1, func() Payload { return &ExecutorCheckpoint{} }) }

// LegacyGlobals reads a version 1 StartExecution's Input: MIE's Globals.
func (s *StartExecution) LegacyGlobals() Globals {
	var g Globals
	if len(s.Input) > 0 {
		_ = json.Unmarshal(s.Input, &g) // a malformed Input starts with none
	}
	return g
}

// GlobalsInput encodes MIE's Globals as a StartExecution's Input (the
// shape of version 1, which an MIE workflow's run input extends).
func GlobalsInput(g Globals) json.RawMessage {
	if g.Media == nil {
		g.Media = map[string]MediaObject{}
	}
	if g.MetaData == nil {
		g.MetaData = map[string]any{}
	}
	b, _ := json.Marshal(g) // Globals holds JSON values only
	return b
}
