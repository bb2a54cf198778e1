// Package services holds the built-in workers of AWS service
// integrations that Step Functions tasks reach (builtin:aws.<service>):
// sns:publish, events:putEvents and http:invoke. Each is a worker.Function:
// a task's Payload is the state's parameters in the service's own names,
// its result the service's response as Step Functions returns it.
//
// SNS and EventBridge publish by adding records to the task's own
// transaction (worker.Emit), so a message is published exactly when the
// task's result commits: never twice, never lost. An HTTP Task calls out,
// and like any call out may be made again when a batch is redelivered.
// The same publishers serve functions that publish as a side effect
// (Notifications, Bus, and Tables for table writes).
package services

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/functions"
	"github.com/mie-kafka/mie/internal/integrations"
	"github.com/mie-kafka/mie/internal/topics"
	"github.com/mie-kafka/mie/processors/worker"
)

// Topics is where notification topics are defined: the resources
// projection.
type Topics interface {
	TopicNamed(name string) (events.NotificationTopic, bool)
	Sync(ctx context.Context) error
}

// Notifications publishes to notification topics.
type Notifications struct {
	Catalog topics.Catalog
	Topics  Topics
}

// Publish is SNS's Publish request, in its names.
type Publish struct {
	TopicArn               string                             `json:"TopicArn"`
	TargetArn              string                             `json:"TargetArn"`
	PhoneNumber            string                             `json:"PhoneNumber"`
	Message                json.RawMessage                    `json:"Message"`
	Subject                string                             `json:"Subject"`
	MessageStructure       string                             `json:"MessageStructure"`
	MessageAttributes      map[string]events.MessageAttribute `json:"MessageAttributes"`
	MessageGroupId         string                             `json:"MessageGroupId"`
	MessageDeduplicationId string                             `json:"MessageDeduplicationId"`
}

// ServiceError is an error of a service, under its name.
type ServiceError struct {
	Code    string
	Message string
}

func (e *ServiceError) Error() string { return e.Code + ": " + e.Message }

func invalidParameter(format string, args ...any) error {
	return &ServiceError{Code: "InvalidParameterException", Message: "Invalid parameter: " + fmt.Sprintf(format, args...)}
}

// Publish checks a publish request and publishes it in the running
// task's transaction: a NotificationPublished on the notifications
// topic. It returns the message id.
func (n *Notifications) Publish(ctx context.Context, in Publish) (string, error) {
	rec, err := n.Prepare(ctx, in)
	if err != nil {
		return "", err
	}
	if err := worker.Emit(ctx, n.Catalog.Notifications(), rec.TopicArn, rec); err != nil {
		return "", err
	}
	return rec.MessageId, nil
}

// Prepare checks a publish request and makes its record (SNS's API
// produces it itself).
func (n *Notifications) Prepare(ctx context.Context, in Publish) (*events.NotificationPublished, error) {
	arn := in.TopicArn
	if arn == "" {
		arn = in.TargetArn
	}
	switch {
	case in.PhoneNumber != "":
		return nil, invalidParameter("PhoneNumber: mie delivers notifications to http(s) subscriptions only")
	case arn == "":
		return nil, invalidParameter("TopicArn or TargetArn Reason: no value for required parameter")
	case in.TopicArn != "" && in.TargetArn != "":
		return nil, invalidParameter("TopicArn Reason: Only one of TopicArn or TargetArn may be specified")
	}
	msg, err := messageText(in.Message)
	if err != nil {
		return nil, err
	}
	if err := checkPublish(in, msg); err != nil {
		return nil, err
	}
	topic, err := n.topic(ctx, arn)
	if err != nil {
		return nil, err
	}
	return &events.NotificationPublished{MessageId: events.NewID(), TopicArn: topic.TopicArn, Message: msg,
		Subject: in.Subject, MessageStructure: in.MessageStructure, MessageAttributes: in.MessageAttributes,
		MessageGroupId: in.MessageGroupId, MessageDeduplicationId: in.MessageDeduplicationId,
		Timestamp: time.Now().UTC().Truncate(time.Millisecond)}, nil
}

// messageText reads Message: a string, or any other JSON value, which is
// published as its JSON text (as Step Functions serializes a non-string
// Message).
func messageText(raw json.RawMessage) (string, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return "", invalidParameter("Message Reason: no value for required parameter")
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s, nil
	}
	return string(raw), nil
}

// maxMessageBytes is SNS's limit on a message.
const maxMessageBytes = 256 << 10

func checkPublish(in Publish, msg string) error {
	switch {
	case msg == "":
		return invalidParameter("Empty message")
	case len(msg) > maxMessageBytes:
		return invalidParameter("Message too long")
	case len(in.Subject) > 100 || strings.ContainsAny(in.Subject, "\n\r") || !utf8.ValidString(in.Subject):
		return invalidParameter("Subject")
	case in.MessageStructure != "" && in.MessageStructure != "json":
		return invalidParameter("MessageStructure")
	}
	if in.MessageStructure == "json" {
		var per map[string]any
		if json.Unmarshal([]byte(msg), &per) != nil {
			return invalidParameter("Message Structure - JSON message body failed to parse")
		}
		if _, ok := per["default"].(string); !ok {
			return invalidParameter("Message Structure - No default entry in JSON message body")
		}
	}
	for name, a := range in.MessageAttributes {
		switch {
		case a.DataType == "":
			return invalidParameter("The message attribute '%s' must contain non-empty message attribute type.", name)
		case strings.HasPrefix(a.DataType, "Binary") && len(a.BinaryValue) == 0,
			!strings.HasPrefix(a.DataType, "Binary") && a.StringValue == "":
			return invalidParameter("The message attribute '%s' must contain non-empty message attribute value for message attribute type '%s'.", name, a.DataType)
		}
	}
	return nil
}

// topic finds a topic by its ARN's name, syncing the definitions once
// when it is not known here yet.
func (n *Notifications) topic(ctx context.Context, arn string) (events.NotificationTopic, error) {
	name := arn[strings.LastIndex(arn, ":")+1:]
	if t, ok := n.Topics.TopicNamed(name); ok {
		return t, nil
	}
	if err := n.Topics.Sync(ctx); err == nil {
		if t, ok := n.Topics.TopicNamed(name); ok {
			return t, nil
		}
	}
	return events.NotificationTopic{}, &ServiceError{Code: "NotFoundException", Message: "Topic does not exist"}
}

// SNS is the worker of sns:publish (optimized and aws-sdk).
type SNS struct{ Notifications *Notifications }

// Start refuses MIE operator tasks: SNS serves Task states only.
func (SNS) Start(context.Context, *worker.Task) (worker.Result, error) {
	return worker.Failed("States.Runtime", "builtin:aws.sns serves sns:publish Task states, not MIE operators"), nil
}

// Invoke publishes.
func (h SNS) Invoke(ctx context.Context, t *worker.Task) (worker.Result, error) {
	if _, action, _, _ := functions.Service(t.Resource); action != "publish" {
		return worker.Failed("States.Runtime", fmt.Sprintf("the resource %s is not an SNS integration this engine runs: it runs sns:publish", t.Resource)), nil
	}
	var in Publish
	if err := json.Unmarshal(t.Payload, &in); err != nil {
		return failure(integrations.SNS, t, &ServiceError{Code: "InvalidParameterException", Message: "the parameters are not a Publish request: " + err.Error()}), nil
	}
	id, err := h.Notifications.Publish(ctx, in)
	if err != nil {
		return failure(integrations.SNS, t, err), nil
	}
	return worker.Returned(integrations.WithMetadata(t.Resource, map[string]any{"MessageId": id}, "text/xml", t.TaskId)), nil
}

// failure is a task's failure under the service's error names; errors
// that are not the service's (a worker outside a Runtime) are States.Runtime.
func failure(svc integrations.Service, t *worker.Task, err error) worker.Result {
	var se *ServiceError
	if !errors.As(err, &se) {
		return worker.Failed("States.Runtime", err.Error())
	}
	name, cause := svc.Failure(t.Resource, se.Code, se.Message, 400, t.TaskId)
	return worker.Failed(name, cause)
}
