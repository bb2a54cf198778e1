package app

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	ebtypes "github.com/aws/aws-sdk-go-v2/service/eventbridge/types"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	snstypes "github.com/aws/aws-sdk-go-v2/service/sns/types"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/kafkatest"
)

func snsClient(a *App) *sns.Client {
	return sns.New(sns.Options{Region: "us-east-1", BaseEndpoint: aws.String(a.URL()), RetryMaxAttempts: 1,
		Credentials: credentials.NewStaticCredentialsProvider("mie", "mie", "")})
}

// subscriber is a webhook that records what SNS delivers.
type subscriber struct {
	srv *httptest.Server
	mu  sync.Mutex
	got []map[string]any
}

func newSubscriber(t *testing.T) *subscriber {
	s := &subscriber{}
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		var doc map[string]any
		_ = json.Unmarshal(b, &doc)
		doc["header-message-type"] = r.Header.Get("X-Amz-Sns-Message-Type")
		s.mu.Lock()
		s.got = append(s.got, doc)
		s.mu.Unlock()
	}))
	t.Cleanup(s.srv.Close)
	return s
}

func (s *subscriber) deliveries() []map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]map[string]any(nil), s.got...)
}

// TestNotificationsWithTheGoSDK: a topic and a subscription made with
// SNS's Go client; a message published with it and one by a state
// machine's sns:publish are both delivered to the subscriber.
func TestNotificationsWithTheGoSDK(t *testing.T) {
	h := newHarness(t)
	a := h.start("a", Roles{API: true, Executor: true, Worker: true})
	ctx, c := ctxT(t), snsClient(a)
	topic, err := c.CreateTopic(ctx, &sns.CreateTopicInput{Name: aws.String("video-workflow-notifications"),
		Attributes: map[string]string{"DisplayName": "Video jobs"}})
	if err != nil {
		t.Fatal(err)
	}
	again, err := c.CreateTopic(ctx, &sns.CreateTopicInput{Name: aws.String("video-workflow-notifications")})
	if err != nil || *again.TopicArn != *topic.TopicArn {
		t.Fatalf("creating it again = %v, %v; want the same topic %s", again, err, *topic.TopicArn)
	}
	hook := newSubscriber(t)
	sub, err := c.Subscribe(ctx, &sns.SubscribeInput{TopicArn: topic.TopicArn, Protocol: aws.String("http"), Endpoint: aws.String(hook.srv.URL)})
	if err != nil {
		t.Fatal(err)
	}
	subs, err := c.ListSubscriptionsByTopic(ctx, &sns.ListSubscriptionsByTopicInput{TopicArn: topic.TopicArn})
	if err != nil || len(subs.Subscriptions) != 1 || *subs.Subscriptions[0].SubscriptionArn != *sub.SubscriptionArn {
		t.Fatalf("subscriptions = %v, %v", subs, err)
	}
	attrs, err := c.GetTopicAttributes(ctx, &sns.GetTopicAttributesInput{TopicArn: topic.TopicArn})
	if err != nil || attrs.Attributes["DisplayName"] != "Video jobs" || attrs.Attributes["SubscriptionsConfirmed"] != "1" {
		t.Errorf("attributes = %v, %v", attrs, err)
	}
	pub, err := c.Publish(ctx, &sns.PublishInput{TopicArn: topic.TopicArn, Subject: aws.String("Video Processing Success"),
		Message:           aws.String("Video processing completed successfully for job job-42"),
		MessageAttributes: map[string]snstypes.MessageAttributeValue{"JobId": {DataType: aws.String("String"), StringValue: aws.String("job-42")}}})
	if err != nil {
		t.Fatal(err)
	}
	var notFound *snstypes.NotFoundException
	if _, err := c.Publish(ctx, &sns.PublishInput{TopicArn: aws.String("arn:aws:sns:us-east-1:000000000000:nope"), Message: aws.String("x")}); !errors.As(err, &notFound) {
		t.Errorf("publishing to no topic: err = %v, want NotFoundException", err)
	}
	var invalid *snstypes.InvalidParameterException
	if _, err := c.Publish(ctx, &sns.PublishInput{TopicArn: topic.TopicArn, Message: aws.String("x"), Subject: aws.String(strings.Repeat("s", 101))}); !errors.As(err, &invalid) {
		t.Errorf("publishing with a 101-character subject: err = %v, want InvalidParameterException", err)
	}
	def := `{"StartAt":"Notify","States":{"Notify":{"Type":"Task","Resource":"arn:aws:states:::sns:publish",` +
		`"Parameters":{"TopicArn":"` + *topic.TopicArn + `","Message.$":"$.message"},"End":true}}}`
	run := waitRun(t, a, startRun(t, a, "notify", def, `{"message":"from a state machine"}`), time.Minute).Run
	if run.Status != "SUCCEEDED" {
		t.Fatalf("sns:publish run: %s %s %s", run.Status, run.Error, run.Cause)
	}
	kafkatest.Eventually(t, "both messages delivered", func() bool { return len(hook.deliveries()) >= 2 })
	got := hook.deliveries()
	if got[0]["MessageId"] != *pub.MessageId || got[0]["Subject"] != "Video Processing Success" ||
		got[0]["header-message-type"] != "Notification" || got[1]["Message"] != "from a state machine" {
		t.Errorf("deliveries = %v", got)
	}
	if _, err := c.Unsubscribe(ctx, &sns.UnsubscribeInput{SubscriptionArn: sub.SubscriptionArn}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DeleteTopic(ctx, &sns.DeleteTopicInput{TopicArn: topic.TopicArn}); err != nil {
		t.Fatal(err)
	}
	if list, err := c.ListTopics(ctx, &sns.ListTopicsInput{}); err != nil || len(list.Topics) != 0 {
		t.Errorf("topics after the deletion = %v, %v", list, err)
	}
}

func TestPutEventsWithTheGoSDK(t *testing.T) {
	h := newHarness(t)
	a := h.start("a", Roles{API: true})
	eb := eventbridge.New(eventbridge.Options{Region: "us-east-1", BaseEndpoint: aws.String(a.URL()), RetryMaxAttempts: 1,
		Credentials: credentials.NewStaticCredentialsProvider("mie", "mie", "")})
	bus := kafkatest.Client(t, a.kafka, a.cat.EventBus())
	at := time.Date(2026, 3, 14, 9, 30, 0, 0, time.UTC)
	out, err := eb.PutEvents(ctxT(t), &eventbridge.PutEventsInput{Entries: []ebtypes.PutEventsRequestEntry{
		{Source: aws.String("mie.video"), DetailType: aws.String("Job Published"), Detail: aws.String(`{"jobId":"job-42"}`), Time: &at},
		{Source: aws.String("mie.video"), DetailType: aws.String("Job Published"), Detail: aws.String(`not json`)},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if out.FailedEntryCount != 1 || out.Entries[0].EventId == nil || *out.Entries[1].ErrorCode != "MalformedDetail" {
		t.Errorf("PutEvents = %+v", out)
	}
	_, p, _ := events.DecodeRecord(kafkatest.Collect(t, bus, 1)[0])
	if e := p.(*events.BusEventPut); e.EventId != *out.Entries[0].EventId || !e.Time.Equal(at) || e.EventBusName != "default" {
		t.Errorf("event = %+v", e)
	}
}
