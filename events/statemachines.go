package events

import (
	"encoding/json"
	"strconv"
	"time"
)

// Step Functions state machines, their versions and aliases, and
// activities are definitions, on the definitions topic beside MIE's
// operators, stages and workflows. Their fields follow the Step Functions
// API's (docs/stepfunctions.md); ARNs are not stored, the API forms them
// from the names with its --region and --account-id.

// Tag is one tag of a state machine or an activity.
type Tag struct {
	Key   string `json:"Key"`
	Value string `json:"Value"`
}

// StateMachine is a state machine's current revision. Definition is the
// States Language text exactly as it was given; Logging, Tracing and
// Encryption are the loggingConfiguration, tracingConfiguration and
// encryptionConfiguration objects as given, kept and shown but not acted
// on. RevisionId changes with every update; NextVersion is the number the
// next published version gets (numbers are never reused). Publish and
// VersionDescription are the create request's, which CreateStateMachine's
// idempotency compares.
type StateMachine struct {
	Name               string          `json:"Name"`
	Type               string          `json:"Type"`
	Status             string          `json:"Status"`
	Definition         string          `json:"Definition"`
	RoleArn            string          `json:"RoleArn"`
	RevisionId         string          `json:"RevisionId"`
	Logging            json.RawMessage `json:"Logging,omitempty"`
	Tracing            json.RawMessage `json:"Tracing,omitempty"`
	Encryption         json.RawMessage `json:"Encryption,omitempty"`
	Tags               []Tag           `json:"Tags,omitempty"`
	NextVersion        int             `json:"NextVersion"`
	Publish            bool            `json:"Publish,omitempty"`
	VersionDescription string          `json:"VersionDescription,omitempty"`
	Created            time.Time       `json:"Created"`
	Updated            time.Time       `json:"Updated"`
}

// State machine statuses and types.
const (
	StateMachineActive   = "ACTIVE"
	StateMachineDeleting = "DELETING"
	TypeStandard         = "STANDARD"
	TypeExpress          = "EXPRESS"
)

// StateMachineVersion is a published, immutable snapshot of a state
// machine's revision.
type StateMachineVersion struct {
	StateMachine string          `json:"StateMachine"`
	Version      int             `json:"Version"`
	Type         string          `json:"Type"`
	Definition   string          `json:"Definition"`
	RoleArn      string          `json:"RoleArn"`
	RevisionId   string          `json:"RevisionId"`
	Logging      json.RawMessage `json:"Logging,omitempty"`
	Tracing      json.RawMessage `json:"Tracing,omitempty"`
	Encryption   json.RawMessage `json:"Encryption,omitempty"`
	Description  string          `json:"Description,omitempty"`
	Created      time.Time       `json:"Created"`
}

// AliasRoute sends Weight percent of an alias's executions to Version.
type AliasRoute struct {
	Version int `json:"Version"`
	Weight  int `json:"Weight"`
}

// StateMachineAlias names one version of a state machine, or splits
// executions between two by weight.
type StateMachineAlias struct {
	StateMachine string       `json:"StateMachine"`
	Name         string       `json:"Name"`
	Description  string       `json:"Description,omitempty"`
	Routing      []AliasRoute `json:"Routing"`
	Created      time.Time    `json:"Created"`
	Updated      time.Time    `json:"Updated"`
}

// Activity is a Step Functions activity: Task states that name it send
// their tasks to Topic, where GetActivityTask hands each to one worker.
type Activity struct {
	Name       string          `json:"Name"`
	Topic      string          `json:"Topic"`
	Encryption json.RawMessage `json:"Encryption,omitempty"`
	Tags       []Tag           `json:"Tags,omitempty"`
	Created    time.Time       `json:"Created"`
}

// StateMachineDefined sets a state machine (created, updated, tagged, or
// marked DELETING).
type StateMachineDefined struct {
	StateMachine StateMachine `json:"StateMachine"`
}

// StateMachineDeleted removes a state machine; its versions and aliases
// are deleted in the same transaction.
type StateMachineDeleted struct {
	Name string `json:"Name"`
}

// StateMachineVersionPublished records a new version.
type StateMachineVersionPublished struct {
	Version StateMachineVersion `json:"Version"`
}

// StateMachineVersionDeleted removes one version.
type StateMachineVersionDeleted struct {
	StateMachine string `json:"StateMachine"`
	Version      int    `json:"Version"`
}

// StateMachineAliasDefined sets an alias.
type StateMachineAliasDefined struct {
	Alias StateMachineAlias `json:"Alias"`
}

// StateMachineAliasDeleted removes an alias.
type StateMachineAliasDeleted struct {
	StateMachine string `json:"StateMachine"`
	Name         string `json:"Name"`
}

// ActivityDefined sets an activity.
type ActivityDefined struct {
	Activity Activity `json:"Activity"`
}

// ActivityDeleted removes an activity.
type ActivityDeleted struct {
	Name string `json:"Name"`
}

// Definition topic keys of state machines, their versions and aliases,
// and activities. State machine and alias names hold no '/'.
func StateMachineKey(name string) string { return "statemachine/" + name }
func StateMachineVersionKey(name string, version int) string {
	return StateMachineKey(name) + "/version/" + strconv.Itoa(version)
}
func StateMachineAliasKey(name, alias string) string {
	return StateMachineKey(name) + "/alias/" + alias
}
func ActivityKey(name string) string { return "activity/" + name }

func (StateMachineDefined) EventType() string          { return "StateMachineDefined" }
func (StateMachineDeleted) EventType() string          { return "StateMachineDeleted" }
func (StateMachineVersionPublished) EventType() string { return "StateMachineVersionPublished" }
func (StateMachineVersionDeleted) EventType() string   { return "StateMachineVersionDeleted" }
func (StateMachineAliasDefined) EventType() string     { return "StateMachineAliasDefined" }
func (StateMachineAliasDeleted) EventType() string     { return "StateMachineAliasDeleted" }
func (ActivityDefined) EventType() string              { return "ActivityDefined" }
func (ActivityDeleted) EventType() string              { return "ActivityDeleted" }

func init() {
	register(KindEvent, 1, func() Payload { return &StateMachineDefined{} })
	register(KindEvent, 1, func() Payload { return &StateMachineDeleted{} })
	register(KindEvent, 1, func() Payload { return &StateMachineVersionPublished{} })
	register(KindEvent, 1, func() Payload { return &StateMachineVersionDeleted{} })
	register(KindEvent, 1, func() Payload { return &StateMachineAliasDefined{} })
	register(KindEvent, 1, func() Payload { return &StateMachineAliasDeleted{} })
	register(KindEvent, 1, func() Payload { return &ActivityDefined{} })
	register(KindEvent, 1, func() Payload { return &ActivityDeleted{} })
}
