package events

import "time"

// Function is code a Task reaches by name: a Lambda function ARN
// (arn:aws:lambda:<region>:<account>:function:<Name>) or lambda:invoke's
// FunctionName resolves to it. Implementation is an http(s) URL speaking
// Lambda's invoke contract, builtin:<Name>, or worker:<topic>; Environment
// is what the implementation learns its settings from, as a Lambda's
// environment variables.
type Function struct {
	Name           string            `json:"Name"`
	Implementation string            `json:"Implementation"`
	TimeoutSeconds int64             `json:"TimeoutSeconds,omitempty"`
	Environment    map[string]string `json:"Environment,omitempty"`
	Description    string            `json:"Description,omitempty"`
	Version        string            `json:"Version"`
	Created        time.Time         `json:"Created"`
	Updated        time.Time         `json:"Updated"`
}

// FunctionDefined sets a function, on the definitions topic.
type FunctionDefined struct {
	Function Function `json:"Function"`
}

// FunctionDeleted removes one.
type FunctionDeleted struct {
	Name string `json:"Name"`
}

// FunctionKey is a function's key on the definitions topic.
func FunctionKey(name string) string { return "function/" + name }

func (FunctionDefined) EventType() string { return "FunctionDefined" }
func (FunctionDeleted) EventType() string { return "FunctionDeleted" }

func init() {
	register(KindEvent, 1, func() Payload { return &FunctionDefined{} })
	register(KindEvent, 1, func() Payload { return &FunctionDeleted{} })
}
