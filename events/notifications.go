package events

import (
	"encoding/json"
	"time"
)

// Notifications (SNS's model; docs/notifications.md).
//
// A notification topic is a TopicCreated on the resources topic, keyed
// "sns/topic/<name>"; a subscription a SubscriptionCreated keyed
// "sns/subscription/<arn>". What sns:publish publishes is a
// NotificationPublished on the notifications topic, keyed by the topic's
// ARN; subscriptions deliver it.

// NotificationTopic is an SNS topic.
type NotificationTopic struct {
	Name       string            `json:"Name"`
	TopicArn   string            `json:"TopicArn"`
	Attributes map[string]string `json:"Attributes,omitempty"`
	Tags       []Tag             `json:"Tags,omitempty"`
	Created    time.Time         `json:"Created"`
}

// Subscription delivers a topic's notifications to an endpoint: Protocol
// http or https (a webhook, POSTed SNS's notification JSON) or, for
// tests and tools, the same with RawMessageDelivery. Attributes are SNS's
// subscription attributes (RawMessageDelivery, FilterPolicy,
// FilterPolicyScope).
type Subscription struct {
	SubscriptionArn string            `json:"SubscriptionArn"`
	TopicArn        string            `json:"TopicArn"`
	Protocol        string            `json:"Protocol"`
	Endpoint        string            `json:"Endpoint"`
	Attributes      map[string]string `json:"Attributes,omitempty"`
	Created         time.Time         `json:"Created"`
}

// TopicCreated defines a notification topic; creating a name that exists
// is a no-op, as on SNS (the first definition stays).
type TopicCreated struct {
	Topic NotificationTopic `json:"Topic"`
}

// TopicDeleted deletes a topic and its subscriptions.
type TopicDeleted struct {
	TopicArn string `json:"TopicArn"`
}

// SubscriptionCreated subscribes an endpoint to a topic.
type SubscriptionCreated struct {
	Subscription Subscription `json:"Subscription"`
}

// SubscriptionDeleted ends a subscription.
type SubscriptionDeleted struct {
	SubscriptionArn string `json:"SubscriptionArn"`
}

// MessageAttribute is an SNS message attribute: DataType String,
// String.Array, Number or Binary, and its value.
type MessageAttribute struct {
	DataType    string `json:"DataType"`
	StringValue string `json:"StringValue,omitempty"`
	BinaryValue []byte `json:"BinaryValue,omitempty"`
}

// NotificationPublished is one message published to a topic
// (notifications topic, keyed by TopicArn). MessageStructure "json"
// means Message is a JSON object of per-protocol messages ("default"
// required).
type NotificationPublished struct {
	MessageId              string                      `json:"MessageId"`
	TopicArn               string                      `json:"TopicArn"`
	Message                string                      `json:"Message"`
	Subject                string                      `json:"Subject,omitempty"`
	MessageStructure       string                      `json:"MessageStructure,omitempty"`
	MessageAttributes      map[string]MessageAttribute `json:"MessageAttributes,omitempty"`
	MessageGroupId         string                      `json:"MessageGroupId,omitempty"`
	MessageDeduplicationId string                      `json:"MessageDeduplicationId,omitempty"`
	Timestamp              time.Time                   `json:"Timestamp"`
}

// BusEventPut is one entry events:putEvents put on an event bus (the
// event-bus topic, keyed by EventBusName), in EventBridge's event fields.
// Detail is the entry's Detail, a JSON object.
type BusEventPut struct {
	EventId      string          `json:"EventId"`
	EventBusName string          `json:"EventBusName"`
	Source       string          `json:"Source"`
	DetailType   string          `json:"DetailType"`
	Detail       json.RawMessage `json:"Detail"`
	Resources    []string        `json:"Resources,omitempty"`
	TraceHeader  string          `json:"TraceHeader,omitempty"`
	Account      string          `json:"Account"`
	Region       string          `json:"Region"`
	Time         time.Time       `json:"Time"`
}

func (*TopicCreated) EventType() string          { return "TopicCreated" }
func (*TopicDeleted) EventType() string          { return "TopicDeleted" }
func (*SubscriptionCreated) EventType() string   { return "SubscriptionCreated" }
func (*SubscriptionDeleted) EventType() string   { return "SubscriptionDeleted" }
func (*NotificationPublished) EventType() string { return "NotificationPublished" }
func (*BusEventPut) EventType() string           { return "BusEventPut" }

func init() {
	register(KindEvent, 1, func() Payload { return &TopicCreated{} })
	register(KindEvent, 1, func() Payload { return &TopicDeleted{} })
	register(KindEvent, 1, func() Payload { return &SubscriptionCreated{} })
	register(KindEvent, 1, func() Payload { return &SubscriptionDeleted{} })
	register(KindEvent, 1, func() Payload { return &NotificationPublished{} })
	register(KindEvent, 1, func() Payload { return &BusEventPut{} })
}
