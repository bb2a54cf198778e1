package events

import "time"

// UploadTrigger is a rule that starts a workflow when an object is created
// through the data plane, like an S3 event notification: an object whose key
// starts with Prefix and ends with Suffix starts Workflow with the object as
// Input.Media[MediaType]. Empty Prefix or Suffix match every key.
type UploadTrigger struct {
	Name          string        `json:"Name"`
	Prefix        string        `json:"Prefix,omitempty"`
	Suffix        string        `json:"Suffix,omitempty"`
	MediaType     string        `json:"MediaType"`
	Workflow      string        `json:"Workflow"`
	Configuration Configuration `json:"Configuration,omitempty"`
	Created       time.Time     `json:"Created"`
}

// Matches reports whether an object key matches the rule.
func (t UploadTrigger) Matches(key string) bool {
	return len(key) >= len(t.Prefix)+len(t.Suffix) &&
		key[:len(t.Prefix)] == t.Prefix && key[len(key)-len(t.Suffix):] == t.Suffix
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
