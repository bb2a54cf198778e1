package subscriptions_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/broker"
	"github.com/mie-kafka/mie/internal/kafkatest"
	"github.com/mie-kafka/mie/internal/topics"
	"github.com/mie-kafka/mie/processors/subscriptions"
	"github.com/mie-kafka/mie/projections/memory"
)

type hook struct {
	srv   *httptest.Server
	fails atomic.Int32 // answer 500 this many times first
	mu    sync.Mutex
	got   []delivery
}

type delivery struct {
	header http.Header
	body   string
}

func newHook(t *testing.T) *hook {
	h := &hook{}
	h.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if h.fails.Add(-1) >= 0 {
			http.Error(w, "down", http.StatusInternalServerError)
			return
		}
		b, _ := io.ReadAll(r.Body)
		h.mu.Lock()
		h.got = append(h.got, delivery{r.Header.Clone(), string(b)})
		h.mu.Unlock()
	}))
	t.Cleanup(h.srv.Close)
	return h
}

func (h *hook) deliveries() []delivery {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]delivery(nil), h.got...)
}

// startDeliveries runs the resources projection and the deliveries until
// the test ends.
func startDeliveries(t *testing.T) (broker.Config, topics.Catalog) {
	kafka, cat := kafkatest.Start(t)
	log := slog.New(slog.DiscardHandler)
	res, err := memory.NewResources(memory.ResourcesConfig{Kafka: kafka, Catalog: cat, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	t.Cleanup(func() { cancel(); wg.Wait() })
	wg.Go(func() { _ = res.Run(ctx) })
	d, err := subscriptions.New(subscriptions.Config{Kafka: kafka, Catalog: cat, Source: res, Logger: log,
		RetryMin: 10 * time.Millisecond, RetryMax: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	wg.Go(func() { _ = d.Run(ctx) })
	return kafka, cat
}

func TestSubscriptionsDeliverAsSNSDoes(t *testing.T) {
	kafka, cat := startDeliveries(t)

	const arn = "arn:aws:sns:us-east-1:000000000000:jobs"
	all, filtered, raw := newHook(t), newHook(t), newHook(t)
	all.fails.Store(2) // delivered after two failed attempts
	created := time.Now().UTC().Add(-time.Second)
	resource := func(key string, p events.Payload) {
		env, _ := events.New(key, "test", p)
		rec, _ := env.Record(cat.Resources())
		kafkatest.Produce(t, kafka, rec)
	}
	resource("sns/topic/jobs", &events.TopicCreated{Topic: events.NotificationTopic{Name: "jobs", TopicArn: arn, Created: created}})
	for i, h := range []*hook{all, filtered, raw} {
		attrs := map[string]string{}
		switch h {
		case filtered:
			attrs["FilterPolicy"] = `{"status":["FAILED_QC",{"prefix":"FAILED_"}]}`
		case raw:
			attrs["RawMessageDelivery"] = "true"
		}
		sub := events.Subscription{SubscriptionArn: arn + ":sub-" + string(rune('a'+i)), TopicArn: arn, Protocol: "http",
			Endpoint: h.srv.URL, Attributes: attrs, Created: created}
		resource("sns/subscription/"+sub.SubscriptionArn, &events.SubscriptionCreated{Subscription: sub})
	}
	publish := func(id, status string) {
		env, _ := events.New(arn, "test", &events.NotificationPublished{MessageId: id, TopicArn: arn, Subject: "Job " + status,
			Message: `{"default":"job j-1 ` + status + `","http":"job j-1 is ` + status + `"}`, MessageStructure: "json",
			MessageAttributes: map[string]events.MessageAttribute{"status": {DataType: "String", StringValue: status}},
			Timestamp:         time.Now().UTC()})
		rec, _ := env.Record(cat.Notifications())
		kafkatest.Produce(t, kafka, rec)
	}
	publish("m-1", "PUBLISHED")
	publish("m-2", "FAILED_PROCESSING")
	// Another topic's message on the same topic: never delivered here.
	env, _ := events.New("arn:aws:sns:us-east-1:000000000000:other", "test", &events.NotificationPublished{MessageId: "m-x",
		TopicArn: "arn:aws:sns:us-east-1:000000000000:other", Message: "x", Timestamp: time.Now().UTC()})
	rec, _ := env.Record(cat.Notifications())
	kafkatest.Produce(t, kafka, rec)

	kafkatest.Eventually(t, "every delivery", func() bool {
		return len(all.deliveries()) >= 2 && len(filtered.deliveries()) >= 1 && len(raw.deliveries()) >= 2
	})
	first := all.deliveries()[0]
	var doc map[string]any
	if err := json.Unmarshal([]byte(first.body), &doc); err != nil {
		t.Fatal(err)
	}
	if doc["Type"] != "Notification" || doc["MessageId"] != "m-1" || doc["TopicArn"] != arn || doc["Message"] != "job j-1 is PUBLISHED" ||
		doc["Subject"] != "Job PUBLISHED" || first.header.Get("X-Amz-Sns-Message-Type") != "Notification" ||
		first.header.Get("X-Amz-Sns-Subscription-Arn") != arn+":sub-a" {
		t.Errorf("notification = %s %v", first.body, first.header)
	}
	if attrs, _ := doc["MessageAttributes"].(map[string]any); attrs["status"] == nil {
		t.Errorf("no MessageAttributes in %s", first.body)
	}
	if got := filtered.deliveries(); len(got) != 1 || !strings.Contains(got[0].body, "m-2") {
		t.Errorf("filtered deliveries = %v", got)
	}
	if got := raw.deliveries(); got[0].body != "job j-1 is PUBLISHED" || got[0].header.Get("X-Amz-Sns-Rawdelivery") != "true" {
		t.Errorf("raw delivery = %+v", got[0])
	}
	for _, h := range []*hook{all, raw} {
		for _, dl := range h.deliveries() {
			if strings.Contains(dl.body, "m-x") || dl.body == "x" {
				t.Errorf("another topic's message delivered: %s", dl.body)
			}
		}
	}
}
