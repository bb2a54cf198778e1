package events

import (
	"encoding/json"
	"time"
)

// UploadTrigger is an object-created trigger, a rule like an S3 event
// notification: an object created in Bucket (by an upload, through the S3
// endpoint or by an aws-sdk:s3 Task) whose key starts with Prefix and ends
// with Suffix starts Workflow, an MIE workflow, with the object as
// Input.Media[MediaType], or StateMachine, a Step Functions state machine.
// Empty Prefix or Suffix match every key; an empty Bucket is the data
// plane bucket.
//
// The execution's input is the S3 event (EventFormat "EventBridge", the
// default: EventBridge's Object Created event; or "S3": the event
// notification's {"Records": [...]}), transformed by Input when it is set:
// a payload template in Parameters syntax, "name.$" fields with paths and
// intrinsic functions. For a workflow, the template's result is the run's
// Input.MetaData.
type UploadTrigger struct {
	Name          string        `json:"Name"`
	Bucket        string        `json:"Bucket,omitempty"`
	Prefix        string        `json:"Prefix,omitempty"`
	Suffix        string        `json:"Suffix,omitempty"`
	MediaType     string        `json:"MediaType,omitempty"`
	Workflow      string        `json:"Workflow,omitempty"`
	StateMachine  string        `json:"StateMachine,omitempty"`
	Configuration Configuration `json:"Configuration,omitempty"`
	Input         any           `json:"Input,omitempty"`
	EventFormat   string        `json:"EventFormat,omitempty"`
	// Definition is the state machine's definition, for a StateMachine
	// the Step Functions API does not hold (see docs/s3.md).
	Definition json.RawMessage `json:"Definition,omitempty"`
	Created    time.Time       `json:"Created"`
}

// Event formats of an UploadTrigger.
const (
	EventFormatEventBridge = "EventBridge"
	EventFormatS3          = "S3"
)

// Matches reports whether an object key matches the rule's affixes.
func (t UploadTrigger) Matches(key string) bool {
	return len(key) >= len(t.Prefix)+len(t.Suffix) &&
		key[:len(t.Prefix)] == t.Prefix && key[len(key)-len(t.Suffix):] == t.Suffix
}

// MatchesObject reports whether an object matches the rule; dataplane is
// the bucket a rule without one watches.
func (t UploadTrigger) MatchesObject(dataplane, bucket, key string) bool {
	b := t.Bucket
	if b == "" {
		b = dataplane
	}
	return b == bucket && t.Matches(key)
}

// UploadTriggerDefined sets an upload trigger, on the definitions topic.
type UploadTriggerDefined struct {
	Trigger UploadTrigger `json:"Trigger"`
}

// UploadTriggerDeleted removes one.
type UploadTriggerDeleted struct {
	Name string `json:"Name"`
}

// TriggerKey is an upload trigger's key on the definitions topic.
func TriggerKey(name string) string { return "trigger/" + name }

func (*UploadTriggerDefined) EventType() string { return "UploadTriggerDefined" }
func (*UploadTriggerDeleted) EventType() string { return "UploadTriggerDeleted" }

func init() {
	register(KindEvent, 1, func() Payload { return &UploadTriggerDefined{} })
	register(KindEvent, 1, func() Payload { return &UploadTriggerDeleted{} })
}
