package events

import "time"

// Operator is MIE's operator definition. StartLambdaArn and MonitorLambdaArn
// carry the implementation reference: builtin:<Name>, an http(s) URL, or
// worker:<topic> (see docs/operators.md).
type Operator struct {
	Name                         string         `json:"Name"`
	Type                         string         `json:"Type"` // Sync or Async
	Configuration                map[string]any `json:"Configuration"`
	StartLambdaArn               string         `json:"StartLambdaArn"`
	MonitorLambdaArn             string         `json:"MonitorLambdaArn,omitempty"`
	StateMachineExecutionRoleArn string         `json:"StateMachineExecutionRoleArn,omitempty"`
	StageName                    string         `json:"StageName"`
	Description                  string         `json:"Description,omitempty"`
	Version                      string         `json:"Version"`
	Id                           string         `json:"Id"`
	Created                      time.Time      `json:"Created"`
}

// Stage is a set of operators run in parallel.
type Stage struct {
	Name          string                    `json:"Name"`
	Operations    []string                  `json:"Operations"`
	Configuration map[string]map[string]any `json:"Configuration"`
	Description   string                    `json:"Description,omitempty"`
	Version       string                    `json:"Version"`
	Id            string                    `json:"Id"`
	Created       time.Time                 `json:"Created"`
}

// WorkflowStage is one stage's place in a workflow: exactly one of Next and
// End is set.
type WorkflowStage struct {
	Next string `json:"Next,omitempty"`
	End  bool   `json:"End,omitempty"`
}

// Workflow is a chain of stages.
type Workflow struct {
	Name        string                   `json:"Name"`
	StartAt     string                   `json:"StartAt"`
	Stages      map[string]WorkflowStage `json:"Stages"`
	Description string                   `json:"Description,omitempty"`
	Version     string                   `json:"Version"`
	Id          string                   `json:"Id"`
	Created     time.Time                `json:"Created"`
}

// Definition topic keys.
func OperatorKey(name string) string { return "operator/" + name }
func StageKey(name string) string    { return "stage/" + name }
func WorkflowKey(name string) string { return "workflow/" + name }

// SystemConfigKey is the key of the system configuration record.
const SystemConfigKey = "system/configuration"

type OperatorDefined struct {
	Operator Operator `json:"Operator"`
}
type OperatorDeleted struct {
	Name string `json:"Name"`
}
type StageDefined struct {
	Stage Stage `json:"Stage"`
}
type StageDeleted struct {
	Name string `json:"Name"`
}
type WorkflowDefined struct {
	Workflow Workflow `json:"Workflow"`
}
type WorkflowDeleted struct {
	Name string `json:"Name"`
}

// SystemConfigured sets the engine-wide configuration.
type SystemConfigured struct {
	MaxConcurrentWorkflows int `json:"MaxConcurrentWorkflows"`
}

func (OperatorDefined) EventType() string  { return "OperatorDefined" }
func (OperatorDeleted) EventType() string  { return "OperatorDeleted" }
func (StageDefined) EventType() string     { return "StageDefined" }
func (StageDeleted) EventType() string     { return "StageDeleted" }
func (WorkflowDefined) EventType() string  { return "WorkflowDefined" }
func (WorkflowDeleted) EventType() string  { return "WorkflowDeleted" }
func (SystemConfigured) EventType() string { return "SystemConfigured" }

func init() {
	register(KindEvent, 1, func() Payload { return &OperatorDefined{} })
	register(KindEvent, 1, func() Payload { return &OperatorDeleted{} })
	register(KindEvent, 1, func() Payload { return &StageDefined{} })
	register(KindEvent, 1, func() Payload { return &StageDeleted{} })
	register(KindEvent, 1, func() Payload { return &WorkflowDefined{} })
	register(KindEvent, 1, func() Payload { return &WorkflowDeleted{} })
	register(KindEvent, 1, func() Payload { return &SystemConfigured{} })
}
