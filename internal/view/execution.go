package view

import (
	"encoding/json"
	"maps"
	"time"

	"github.com/mie-kafka/mie/events"
)

// ExecutionVersion is the version of the Execution view: the shape the
// projections store (ClickHouse's executions.state column) and the API
// renders. Version 1 is the MIE record of the first engine; version 2
// adds the States Language fields, all omitted when empty, so that a
// version-1 record reads as a version-2 one.
const ExecutionVersion = 2

// MIE's workflow statuses.
const (
	StatusQueued   = "Queued"
	StatusStarted  = "Started"
	StatusWaiting  = "Waiting"
	StatusResumed  = "Resumed"
	StatusError    = "Error"
	StatusComplete = "Complete"
)

// Statuses lists every workflow status, for input validation.
var Statuses = []string{StatusQueued, StatusStarted, StatusWaiting, StatusResumed, StatusError, StatusComplete}

// MIE's stage and operator statuses (operators add Skipped).
const (
	NodeNotStarted = "Not Started"
	NodeStarted    = "Started"
	NodeExecuting  = "Executing"
	NodeError      = "Error"
	NodeComplete   = "Complete"
	NodeSkipped    = "Skipped"
)

// Execution is the read model of one execution: MIE's workflow execution
// record (its stages and operators as Nodes), and for every execution the
// States Language run (Run). Its JSON field names are the stored schema;
// they never follow a Go field rename.
type Execution struct {
	Id            string                   `json:"Id"`
	AssetId       string                   `json:"AssetId"`
	Status        string                   `json:"Status"`
	Workflow      events.ExecutionWorkflow `json:"Workflow"`
	Machine       events.Machine           `json:"Machine"`
	Globals       events.Globals           `json:"Globals"`
	Configuration events.Configuration     `json:"Configuration"`
	Trigger       events.Trigger           `json:"Trigger"`
	Created       time.Time                `json:"Created"`
	Started       time.Time                `json:"Started"`
	Ended         time.Time                `json:"Ended"`
	Updated       time.Time                `json:"Updated"`
	CurrentStage  string                   `json:"CurrentStage"`
	WaitingStage  string                   `json:"WaitingStage"`
	Error         string                   `json:"Error"`
	Cause         string                   `json:"Cause"`
	Cancelled     bool                     `json:"Cancelled"`
	// Nodes are the runs of MIE's stages and operators, by path: "Stage",
	// and "Stage/<branch>/<Operator>".
	Nodes map[string]*Node `json:"Nodes"`
	// Version counts the events applied.
	Version int64 `json:"Version"`
	// Run is the States Language run (version 2); nil for an execution of
	// the first engine.
	Run *Run `json:"Run,omitempty"`
}

// Node is one run of an MIE stage (a Parallel) or operator (a Task).
type Node struct {
	Path         string                        `json:"Path"`
	Type         string                        `json:"Type"`
	Stage        string                        `json:"Stage"`
	Operator     string                        `json:"Operator"`
	Status       string                        `json:"Status"`
	Attempt      int                           `json:"Attempt"`
	TaskId       string                        `json:"TaskId"`
	Phase        string                        `json:"Phase"`
	Delivery     int                           `json:"Delivery"`
	Retries      []int                         `json:"Retries"`
	Deferrals    int                           `json:"Deferrals"`
	LastError    string                        `json:"LastError"`
	LastCause    string                        `json:"LastCause"`
	Waiting      bool                          `json:"Waiting"`
	Reason       string                        `json:"Reason"`
	Media        map[string]events.MediaObject `json:"Media"`
	MetaData     map[string]any                `json:"MetaData"`
	MonitorState json.RawMessage               `json:"MonitorState"`
	Error        string                        `json:"Error"`
	Cause        string                        `json:"Cause"`
	Started      time.Time                     `json:"Started"`
	Ended        time.Time                     `json:"Ended"`
	Dispatched   time.Time                     `json:"Dispatched"`
}

// Run is a States Language execution as Step Functions describes it.
type Run struct {
	Name         string                  `json:"Name"`
	Arn          string                  `json:"Arn,omitempty"`
	StateMachine *events.StateMachineRef `json:"StateMachine,omitempty"`
	// Status is RUNNING, SUCCEEDED, FAILED, TIMED_OUT or ABORTED (QUEUED
	// while waiting for admission).
	Status       string          `json:"Status"`
	Type         string          `json:"Type,omitempty"`
	Input        json.RawMessage `json:"Input,omitempty"`
	Output       json.RawMessage `json:"Output,omitempty"`
	Error        string          `json:"Error,omitempty"`
	Cause        string          `json:"Cause,omitempty"`
	RedriveCount int             `json:"RedriveCount,omitempty"`
	// RedriveDate is when the last redrive began.
	RedriveDate *time.Time        `json:"RedriveDate,omitempty"`
	Parent      *events.ParentRef `json:"Parent,omitempty"`
	// States are the runs of states, in the order they were entered.
	States []StateRun `json:"States,omitempty"`
	// Events counts the history's events.
	Events int `json:"Events"`
}

// StateRun is one run of one state.
type StateRun struct {
	Run    int32  `json:"Run"`
	Parent int32  `json:"Parent,omitempty"`
	Slot   int    `json:"Slot,omitempty"`
	State  string `json:"State"`
	Type   string `json:"Type"`
	Visit  int    `json:"Visit"`
	// Status is RUNNING, SUCCEEDED, FAILED, CAUGHT or ABORTED.
	Status      string    `json:"Status"`
	Attempt     int       `json:"Attempt,omitempty"`
	Retries     int       `json:"Retries,omitempty"`
	Error       string    `json:"Error,omitempty"`
	Cause       string    `json:"Cause,omitempty"`
	InputBytes  int       `json:"InputBytes"`
	OutputBytes int       `json:"OutputBytes"`
	Entered     time.Time `json:"Entered"`
	Ended       time.Time `json:"Ended,omitzero"`
	// Resource and Function are a Task's; Waiting says a callback task
	// waits for its token.
	Resource string `json:"Resource,omitempty"`
	Function string `json:"Function,omitempty"`
	Waiting  bool   `json:"Waiting,omitempty"`
}

// Terminal reports whether the execution has ended.
func (x *Execution) Terminal() bool { return x.Status == StatusError || x.Status == StatusComplete }

// Active reports whether the execution holds or waits for a slot.
func (x *Execution) Active() bool { return !x.Terminal() }

// Node returns the run at path, if it has one.
func (x *Execution) Node(path string) (*Node, bool) {
	n, ok := x.Nodes[path]
	return n, ok
}

// Clone deep-copies the view's mutable parts, so that readers never share
// a projection's state.
func (x *Execution) Clone() *Execution {
	c := *x
	c.Nodes = make(map[string]*Node, len(x.Nodes))
	for k, n := range x.Nodes {
		nn := *n
		c.Nodes[k] = &nn
	}
	c.Globals.Media = maps.Clone(x.Globals.Media)
	c.Globals.MetaData = maps.Clone(x.Globals.MetaData)
	if x.Run != nil {
		r := *x.Run
		r.States = append([]StateRun(nil), x.Run.States...)
		c.Run = &r
	}
	return &c
}
