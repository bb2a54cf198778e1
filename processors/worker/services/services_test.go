package services_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/broker"
	"github.com/mie-kafka/mie/internal/kafkatest"
	"github.com/mie-kafka/mie/internal/topics"
	"github.com/mie-kafka/mie/internal/transact"
	"github.com/mie-kafka/mie/processors/worker"
	"github.com/mie-kafka/mie/processors/worker/services"
	"github.com/mie-kafka/mie/projections/memory"
)

// rig runs one service worker on its task topic.
type rig struct {
	t       *testing.T
	kafka   broker.Config
	cat     topics.Catalog
	topic   string
	results *kgo.Client
	n       int
}

func newRig(t *testing.T, service string, h func(topics.Catalog, broker.Config) worker.Handler) *rig {
	kafka, cat := kafkatest.Start(t)
	topic, err := cat.Task("builtin:aws." + service)
	if err != nil {
		t.Fatal(err)
	}
	kafkatest.Ensure(t, kafka, cat.TaskSpec(topic))
	rt, err := worker.New(worker.Config{Topic: topic, Handler: h(cat, kafka),
		Config: transact.Config{Kafka: kafka, Catalog: cat, Logger: slog.New(slog.DiscardHandler)}})
	if err != nil {
		t.Fatal(err)
	}
	run(t, rt.Run)
	return &rig{t: t, kafka: kafka, cat: cat, topic: topic, results: kafkatest.Client(t, kafka, cat.Results())}
}

func run(t *testing.T, fn func(context.Context) error) {
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() {
		if err := fn(ctx); err != nil {
			t.Error(err)
		}
	})
	t.Cleanup(func() { cancel(); wg.Wait() })
}

// call sends a task and returns its result.
func (r *rig) call(resource, payload string) *events.OperatorResult {
	r.t.Helper()
	r.n++
	env, _ := events.New("exec-1", "test", &events.OperatorTaskRequest{Name: resource, WorkflowExecutionId: "exec-1",
		Path: "Notify", TaskId: fmt.Sprintf("t-%d", r.n), Attempt: 1, Delivery: 1, Phase: events.PhaseStart,
		Invocation: events.Invocation{Run: int32(r.n), Resource: resource, Payload: json.RawMessage(payload)}})
	rec, _ := env.Record(r.topic)
	kafkatest.Produce(r.t, r.kafka, rec)
	_, p, err := events.DecodeRecord(kafkatest.Collect(r.t, r.results, 1)[0])
	if err != nil {
		r.t.Fatal(err)
	}
	return p.(*events.OperatorResult)
}

func TestSNSPublish(t *testing.T) {
	var res *memory.Resources
	r := newRig(t, "sns", func(cat topics.Catalog, kafka broker.Config) worker.Handler {
		var err error
		res, err = memory.NewResources(memory.ResourcesConfig{Kafka: kafka, Catalog: cat, Logger: slog.New(slog.DiscardHandler)})
		if err != nil {
			t.Fatal(err)
		}
		run(t, res.Run)
		return services.SNS{Notifications: &services.Notifications{Catalog: cat, Topics: res}}
	})
	const arn = "arn:aws:sns:us-east-1:000000000000:video-workflow-notifications"
	env, _ := events.New("sns/topic/video-workflow-notifications", "test", &events.TopicCreated{Topic: events.NotificationTopic{
		Name: "video-workflow-notifications", TopicArn: arn, Created: time.Now().UTC()}})
	rec, _ := env.Record(r.cat.Resources())
	kafkatest.Produce(t, r.kafka, rec)

	out := r.call("arn:aws:states:::sns:publish", `{"TopicArn":"`+arn+`","Subject":"Video Processing Success",
		"Message":{"jobId":"job-42","status":"PUBLISHED"},"MessageAttributes":{"JobId":{"DataType":"String","StringValue":"job-42"}}}`)
	if out.Status != events.ResultComplete || !strings.Contains(string(out.Output), `"MessageId"`) || !strings.Contains(string(out.Output), "SdkHttpMetadata") {
		t.Fatalf("publish = %+v %s", out, out.Output)
	}
	var got struct{ MessageId string }
	_ = json.Unmarshal(out.Output, &got)
	notes := kafkatest.Collect(t, kafkatest.Client(t, r.kafka, r.cat.Notifications()), 1)
	_, p, _ := events.DecodeRecord(notes[0])
	n := p.(*events.NotificationPublished)
	if string(notes[0].Key) != arn || n.MessageId != got.MessageId || n.Message != `{"jobId":"job-42","status":"PUBLISHED"}` ||
		n.Subject != "Video Processing Success" || n.MessageAttributes["JobId"].StringValue != "job-42" {
		t.Errorf("notification %s = %+v", notes[0].Key, n)
	}
	tests := []struct{ resource, payload, want string }{
		{"arn:aws:states:::sns:publish", `{"TopicArn":"arn:aws:sns:us-east-1:000000000000:nope","Message":"x"}`, "SNS.NotFoundException"},
		{"arn:aws:states:::aws-sdk:sns:publish", `{"TopicArn":"arn:aws:sns:us-east-1:000000000000:nope","Message":"x"}`, "Sns.NotFoundException"},
		{"arn:aws:states:::sns:publish", `{"TopicArn":"` + arn + `"}`, "SNS.InvalidParameterException"},
		{"arn:aws:states:::sns:publish", `{"TopicArn":"` + arn + `","Message":"x","Subject":"` + strings.Repeat("s", 101) + `"}`, "SNS.InvalidParameterException"},
		{"arn:aws:states:::sns:publish", `{"TopicArn":"` + arn + `","Message":"{}","MessageStructure":"json"}`, "SNS.InvalidParameterException"},
		{"arn:aws:states:::sns:createTopic", `{"Name":"x"}`, "States.Runtime"},
	}
	for _, tt := range tests {
		if out := r.call(tt.resource, tt.payload); out.Error != tt.want {
			t.Errorf("%s %s = %s %s, want %s", tt.resource, tt.payload, out.Error, out.Cause, tt.want)
		}
	}
}

func TestEventBridgePutEvents(t *testing.T) {
	r := newRig(t, "events", func(cat topics.Catalog, _ broker.Config) worker.Handler {
		return services.EventBridge{Bus: &services.Bus{Catalog: cat}}
	})
	out := r.call("arn:aws:states:::events:putEvents", `{"Entries":[{"Detail":{"Message":"MyMessage"},"DetailType":"MyDetailType",
		"EventBusName":"MyEventBus","Source":"my.source"},{"Detail":"{\"jobId\":\"j-1\"}","DetailType":"Job","Source":"mie.video"}]}`)
	if out.Status != events.ResultComplete || !strings.Contains(string(out.Output), `"FailedEntryCount":0`) {
		t.Fatalf("putEvents = %+v %s", out, out.Output)
	}
	recs := kafkatest.Collect(t, kafkatest.Client(t, r.kafka, r.cat.EventBus()), 2)
	buses := map[string]string{}
	for _, rec := range recs {
		_, p, _ := events.DecodeRecord(rec)
		e := p.(*events.BusEventPut)
		buses[string(rec.Key)] = string(e.Detail)
	}
	if buses["MyEventBus"] != `{"Message":"MyMessage"}` || buses["default"] != `{"jobId":"j-1"}` {
		t.Errorf("events by bus = %v", buses)
	}
	out = r.call("arn:aws:states:::events:putEvents", `{"Entries":[{"Detail":"not json","DetailType":"d","Source":"s"}]}`)
	if out.Error != "EventBridge.FailedEntry" || !strings.Contains(out.Cause, "MalformedDetail") {
		t.Errorf("a malformed entry = %s %s", out.Error, out.Cause)
	}
	out = r.call("arn:aws:states:::aws-sdk:eventbridge:putEvents", `{"Entries":[{"Detail":"{}","Source":"s"}]}`)
	if out.Status != events.ResultComplete || !strings.Contains(string(out.Output), `"FailedEntryCount":1`) {
		t.Errorf("the SDK integration reports failed entries in its result: %+v %s", out, out.Output)
	}
}

func TestHTTPInvoke(t *testing.T) {
	var mu sync.Mutex
	var seen []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		mu.Lock()
		seen = append(seen, fmt.Sprintf("%s %s %s %s %s", req.Method, req.URL.RequestURI(), req.Header.Get("Content-Type"), req.Header.Get("X-Api-Key"), body))
		mu.Unlock()
		switch req.URL.Path {
		case "/missing":
			http.NotFound(w, req)
		case "/text":
			_, _ = w.Write([]byte("plain"))
		default:
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"customers":[{"id":"c-1"}]}`))
		}
	}))
	defer srv.Close()
	r := newRig(t, "http", func(topics.Catalog, broker.Config) worker.Handler { return services.HTTPInvoke{} })
	out := r.call("arn:aws:states:::http:invoke", `{"ApiEndpoint":"`+srv.URL+`/v1/customers","Method":"POST",
		"Authentication":{"ConnectionArn":"arn:aws:events:us-east-2:123456789012:connection/Stripe/81210c42"},
		"Headers":{"X-Api-Key":"k-1"},"QueryParameters":{"limit":10,"expand":["a","b"]},"RequestBody":{"name":"x"}}`)
	var res struct {
		Headers      map[string][]string
		ResponseBody map[string]any
		StatusCode   int
		StatusText   string
	}
	if err := json.Unmarshal(out.Output, &res); err != nil || out.Status != events.ResultComplete {
		t.Fatalf("invoke = %+v %s", out, out.Output)
	}
	if res.StatusCode != 200 || res.StatusText != "OK" || res.Headers["content-type"][0] != "application/json" ||
		res.ResponseBody["customers"] == nil {
		t.Errorf("result = %+v", res)
	}
	out = r.call("arn:aws:states:::http:invoke", `{"ApiEndpoint":"`+srv.URL+`/form","Method":"PUT","RequestBody":{"a":"1","b":["x","y"]},
		"Transform":{"RequestBodyEncoding":"URL_ENCODED","RequestEncodingOptions":{"ArrayFormat":"REPEAT"}}}`)
	if out.Status != events.ResultComplete {
		t.Errorf("url-encoded = %+v", out)
	}
	out = r.call("arn:aws:states:::http:invoke", `{"ApiEndpoint":"`+srv.URL+`/missing","Method":"GET"}`)
	if out.Error != "States.Http.StatusCode.404" || !strings.Contains(out.Cause, `"StatusCode":404`) {
		t.Errorf("a 404 = %s %s", out.Error, out.Cause)
	}
	out = r.call("arn:aws:states:::http:invoke", `{"ApiEndpoint":"http://127.0.0.1:1/","Method":"GET"}`)
	if out.Error != services.ErrHTTPSocket {
		t.Errorf("no server = %s %s", out.Error, out.Cause)
	}
	out = r.call("arn:aws:states:::http:invoke", `{"ApiEndpoint":"`+srv.URL+`/text","Method":"GET"}`)
	if !strings.Contains(string(out.Output), `"ResponseBody":"plain"`) {
		t.Errorf("a text answer = %s", out.Output)
	}
	mu.Lock()
	defer mu.Unlock()
	want := []string{
		`POST /v1/customers?expand%5B0%5D=a&expand%5B1%5D=b&limit=10 application/json; charset=UTF-8 k-1 {"name":"x"}`,
		`PUT /form application/x-www-form-urlencoded  a=1&b=x&b=y`,
	}
	for i, w := range want {
		if i >= len(seen) || seen[i] != w {
			t.Errorf("request %d = %q, want %q", i, seen, w)
		}
	}
}
