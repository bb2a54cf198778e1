package sns

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/processors/worker/services"
)

var topicName = regexp.MustCompile(`^[A-Za-z0-9_-]{1,256}$`)

// write writes a resources record and waits until this instance's
// projection has applied it.
func (s *Service) write(ctx context.Context, key string, p events.Payload) error {
	env, err := events.New(key, Producer, p)
	if err != nil {
		return err
	}
	rec, err := env.Record(s.cfg.Catalog.Resources())
	if err != nil {
		return err
	}
	if err := s.cfg.Client.ProduceSync(ctx, rec).FirstErr(); err != nil {
		return &Error{Code: "ServiceUnavailable", Message: "the definition could not be written: " + err.Error()}
	}
	if err := s.cfg.Resources.Sync(ctx); err != nil {
		return &Error{Code: "ServiceUnavailable", Message: "the definition was written but not read back: " + err.Error()}
	}
	return nil
}

// topic finds a topic by its ARN.
func (s *Service) topic(ctx context.Context, arn string) (events.NotificationTopic, error) {
	if arn == "" {
		return events.NotificationTopic{}, invalidParameter("TopicArn")
	}
	if t, ok := s.cfg.Resources.Topic(arn); ok {
		return t, nil
	}
	if err := s.cfg.Resources.Sync(ctx); err == nil {
		if t, ok := s.cfg.Resources.Topic(arn); ok {
			return t, nil
		}
	}
	return events.NotificationTopic{}, &Error{Code: "NotFound", Message: "Topic does not exist"}
}

type topicArnResult struct {
	XMLName  xml.Name
	TopicArn string `xml:"TopicArn"`
}

// createTopic defines a topic; creating one that exists answers with it,
// as SNS does.
func (s *Service) createTopic(ctx context.Context, f form) (any, error) {
	name := f.get("Name")
	if !topicName.MatchString(strings.TrimSuffix(name, ".fifo")) {
		return nil, invalidParameter("Topic Name")
	}
	result := func(arn string) any {
		return topicArnResult{XMLName: xml.Name{Local: "CreateTopicResult"}, TopicArn: arn}
	}
	if t, ok := s.cfg.Resources.TopicNamed(name); ok {
		return result(t.TopicArn), nil
	}
	t := events.NotificationTopic{Name: name, TopicArn: "arn:aws:sns:" + s.cfg.Region + ":" + s.cfg.Account + ":" + name,
		Attributes: f.entries("Attributes"), Tags: f.tags(), Created: time.Now().UTC().Truncate(time.Millisecond)}
	if len(t.Attributes) == 0 {
		t.Attributes = nil
	}
	if err := s.write(ctx, "sns/topic/"+name, &events.TopicCreated{Topic: t}); err != nil {
		return nil, err
	}
	live, ok := s.cfg.Resources.TopicNamed(name)
	if !ok {
		return nil, &Error{Code: "InternalError", Message: "the topic was written but is not defined"}
	}
	return result(live.TopicArn), nil
}

func (s *Service) deleteTopic(ctx context.Context, f form) (any, error) {
	arn := f.get("TopicArn")
	if _, ok := s.cfg.Resources.Topic(arn); !ok {
		return nil, nil // deleting a topic that does not exist succeeds, as on SNS
	}
	return nil, s.write(ctx, "sns/topic/"+arn[strings.LastIndex(arn, ":")+1:], &events.TopicDeleted{TopicArn: arn})
}

type topicsResult struct {
	XMLName xml.Name `xml:"ListTopicsResult"`
	Topics  []member `xml:"Topics>member"`
}

type member struct {
	TopicArn string `xml:"TopicArn"`
}

func (s *Service) listTopics(context.Context, form) (any, error) {
	out := topicsResult{Topics: []member{}}
	for _, t := range s.cfg.Resources.Topics() {
		out.Topics = append(out.Topics, member{TopicArn: t.TopicArn})
	}
	return out, nil
}

type attributesResult struct {
	XMLName    xml.Name
	Attributes attributes `xml:"Attributes"`
}

func (s *Service) getTopicAttributes(ctx context.Context, f form) (any, error) {
	t, err := s.topic(ctx, f.get("TopicArn"))
	if err != nil {
		return nil, err
	}
	subs := s.cfg.Resources.Subscriptions(t.TopicArn)
	m := map[string]string{"TopicArn": t.TopicArn, "Owner": s.cfg.Account, "DisplayName": t.Attributes["DisplayName"],
		"SubscriptionsConfirmed": strconv.Itoa(len(subs)), "SubscriptionsPending": "0", "SubscriptionsDeleted": "0"}
	keys := []string{"TopicArn", "Owner", "DisplayName", "SubscriptionsConfirmed", "SubscriptionsPending", "SubscriptionsDeleted"}
	for k, v := range t.Attributes {
		if _, ok := m[k]; !ok {
			m[k] = v
			keys = append(keys, k)
		}
	}
	return attributesResult{XMLName: xml.Name{Local: "GetTopicAttributesResult"}, Attributes: attributesOf(m, keys)}, nil
}

type subscribeResult struct {
	XMLName         xml.Name `xml:"SubscribeResult"`
	SubscriptionArn string   `xml:"SubscriptionArn"`
}

// subscribe subscribes an http(s) endpoint. Subscriptions are confirmed
// at once (SNS first POSTs a SubscriptionConfirmation for the endpoint to
// confirm); subscribing the same endpoint again answers with the same
// subscription.
func (s *Service) subscribe(ctx context.Context, f form) (any, error) {
	t, err := s.topic(ctx, f.get("TopicArn"))
	if err != nil {
		return nil, err
	}
	protocol, endpoint := strings.ToLower(f.get("Protocol")), f.get("Endpoint")
	if protocol != "http" && protocol != "https" {
		return nil, invalidParameter("Amazon SNS does not support this protocol string: " + f.get("Protocol") + " (mie delivers to http and https endpoints)")
	}
	if u, err := url.Parse(endpoint); err != nil || u.Scheme != protocol || u.Host == "" {
		return nil, invalidParameter("Endpoint must match the specified protocol")
	}
	result := func(arn string) any { return subscribeResult{SubscriptionArn: arn} }
	if sub, ok := s.cfg.Resources.SubscriptionFor(t.TopicArn, protocol, endpoint); ok {
		return result(sub.SubscriptionArn), nil
	}
	attrs := f.entries("Attributes")
	if len(attrs) == 0 {
		attrs = nil
	}
	sub := events.Subscription{SubscriptionArn: t.TopicArn + ":" + events.NewID(), TopicArn: t.TopicArn, Protocol: protocol,
		Endpoint: endpoint, Attributes: attrs, Created: time.Now().UTC().Truncate(time.Millisecond)}
	if err := s.write(ctx, "sns/subscription/"+sub.SubscriptionArn, &events.SubscriptionCreated{Subscription: sub}); err != nil {
		return nil, err
	}
	return result(sub.SubscriptionArn), nil
}

func (s *Service) unsubscribe(ctx context.Context, f form) (any, error) {
	arn := f.get("SubscriptionArn")
	if _, ok := s.cfg.Resources.Subscription(arn); !ok {
		return nil, &Error{Code: "NotFound", Message: "Subscription does not exist"}
	}
	return nil, s.write(ctx, "sns/subscription/"+arn, &events.SubscriptionDeleted{SubscriptionArn: arn})
}

type subscriptionsResult struct {
	XMLName       xml.Name
	Subscriptions []subscriptionMember `xml:"Subscriptions>member"`
}

type subscriptionMember struct {
	TopicArn        string `xml:"TopicArn"`
	Protocol        string `xml:"Protocol"`
	SubscriptionArn string `xml:"SubscriptionArn"`
	Owner           string `xml:"Owner"`
	Endpoint        string `xml:"Endpoint"`
}

func (s *Service) subscriptions(result, topicArn string) any {
	out := subscriptionsResult{XMLName: xml.Name{Local: result}, Subscriptions: []subscriptionMember{}}
	for _, sub := range s.cfg.Resources.Subscriptions(topicArn) {
		out.Subscriptions = append(out.Subscriptions, subscriptionMember{TopicArn: sub.TopicArn, Protocol: sub.Protocol,
			SubscriptionArn: sub.SubscriptionArn, Owner: s.cfg.Account, Endpoint: sub.Endpoint})
	}
	return out
}

func (s *Service) listSubscriptions(context.Context, form) (any, error) {
	return s.subscriptions("ListSubscriptionsResult", ""), nil
}

func (s *Service) listSubscriptionsByTopic(ctx context.Context, f form) (any, error) {
	t, err := s.topic(ctx, f.get("TopicArn"))
	if err != nil {
		return nil, err
	}
	return s.subscriptions("ListSubscriptionsByTopicResult", t.TopicArn), nil
}

func (s *Service) getSubscriptionAttributes(_ context.Context, f form) (any, error) {
	sub, ok := s.cfg.Resources.Subscription(f.get("SubscriptionArn"))
	if !ok {
		return nil, &Error{Code: "NotFound", Message: "Subscription does not exist"}
	}
	m := map[string]string{"SubscriptionArn": sub.SubscriptionArn, "TopicArn": sub.TopicArn, "Protocol": sub.Protocol,
		"Endpoint": sub.Endpoint, "Owner": s.cfg.Account, "ConfirmationWasAuthenticated": "true", "PendingConfirmation": "false",
		"RawMessageDelivery": "false"}
	for k, v := range sub.Attributes {
		m[k] = v
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return attributesResult{XMLName: xml.Name{Local: "GetSubscriptionAttributesResult"}, Attributes: attributesOf(m, keys)}, nil
}

type publishResult struct {
	XMLName   xml.Name `xml:"PublishResult"`
	MessageId string   `xml:"MessageId"`
}

// publish writes the message to the notifications topic.
func (s *Service) publish(ctx context.Context, f form) (any, error) {
	attrs, err := f.messageAttributes()
	if err != nil {
		return nil, err
	}
	in := services.Publish{TopicArn: f.get("TopicArn"), TargetArn: f.get("TargetArn"), PhoneNumber: f.get("PhoneNumber"),
		Subject: f.get("Subject"), MessageStructure: f.get("MessageStructure"), MessageAttributes: attrs,
		MessageGroupId: f.get("MessageGroupId"), MessageDeduplicationId: f.get("MessageDeduplicationId")}
	if msg := f.get("Message"); msg != "" {
		in.Message = jsonString(msg)
	}
	rec, err := s.notify.Prepare(ctx, in)
	if err != nil {
		return nil, err
	}
	env, err := events.New(rec.TopicArn, Producer, rec)
	if err != nil {
		return nil, err
	}
	kr, err := env.Record(s.cfg.Catalog.Notifications())
	if err != nil {
		return nil, err
	}
	if err := s.cfg.Client.ProduceSync(ctx, kr).FirstErr(); err != nil {
		return nil, &Error{Code: "ServiceUnavailable", Message: "the message could not be published: " + err.Error()}
	}
	return publishResult{MessageId: rec.MessageId}, nil
}

// jsonString encodes s as a JSON string, the form Publish's Message
// takes.
func jsonString(s string) []byte {
	b, _ := json.Marshal(s)
	return b
}
