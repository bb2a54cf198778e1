// Package sns serves SNS's own API, AWS's query protocol (a form POSTed
// to / with Action=...), so that `aws sns create-topic --endpoint-url`
// and boto3's SNS client define notification topics and subscriptions
// and publish. Topics and subscriptions are events on the resources
// topic; Publish writes a NotificationPublished to the notifications
// topic, which processors/subscriptions delivers. docs/notifications.md
// lists the actions and every difference from AWS.
package sns

import (
	"context"
	"encoding/xml"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/topics"
	"github.com/mie-kafka/mie/processors/worker/services"
)

// Producer names the API on the records it writes.
const Producer = "mie-api-sns"

// namespace is SNS's XML namespace.
const namespace = "http://sns.amazonaws.com/doc/2010-03-31/"

// Resources is the resources projection as SNS's API reads it.
type Resources interface {
	Topic(arn string) (events.NotificationTopic, bool)
	TopicNamed(name string) (events.NotificationTopic, bool)
	Topics() []events.NotificationTopic
	Subscriptions(topicArn string) []events.Subscription
	Subscription(arn string) (events.Subscription, bool)
	SubscriptionFor(topicArn, protocol, endpoint string) (events.Subscription, bool)
	Sync(ctx context.Context) error
}

// Config wires the service.
type Config struct {
	Client    *kgo.Client
	Catalog   topics.Catalog
	Resources Resources
	// Region and Account make the topics' ARNs; default us-east-1 and
	// 123456789012.
	Region, Account string
	Logger          *slog.Logger
}

// Service serves SNS's API.
type Service struct {
	cfg     Config
	log     *slog.Logger
	notify  *services.Notifications
	actions map[string]action
}

// action handles one SNS action: the form in, the result element out.
type action func(ctx context.Context, f form) (any, error)

// New validates cfg.
func New(cfg Config) (*Service, error) {
	if cfg.Client == nil || cfg.Resources == nil || cfg.Logger == nil {
		return nil, errors.New("sns: Client, Resources and Logger are required")
	}
	if cfg.Region == "" {
		cfg.Region = "us-east-1"
	}
	if cfg.Account == "" {
		cfg.Account = "123456789012"
	}
	s := &Service{cfg: cfg, log: cfg.Logger.With("api", "sns"),
		notify: &services.Notifications{Catalog: cfg.Catalog, Topics: cfg.Resources}}
	s.actions = map[string]action{
		"CreateTopic":               s.createTopic,
		"DeleteTopic":               s.deleteTopic,
		"ListTopics":                s.listTopics,
		"GetTopicAttributes":        s.getTopicAttributes,
		"Subscribe":                 s.subscribe,
		"Unsubscribe":               s.unsubscribe,
		"ListSubscriptions":         s.listSubscriptions,
		"ListSubscriptionsByTopic":  s.listSubscriptionsByTopic,
		"GetSubscriptionAttributes": s.getSubscriptionAttributes,
		"Publish":                   s.publish,
	}
	return s, nil
}

// ServeHTTP serves one request of the query protocol.
func (s *Service) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	id := events.NewID()
	if err := r.ParseForm(); err != nil {
		writeError(w, id, &Error{Code: "MalformedQueryString", Message: err.Error()})
		return
	}
	f := form(r.PostForm)
	name := f.get("Action")
	act := s.actions[name]
	if act == nil {
		writeError(w, id, &Error{Code: "InvalidAction", Message: "The action " + name + " is not valid for this endpoint."})
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), 30*time.Second)
	defer cancel()
	result, err := act(ctx, f)
	if err != nil {
		writeError(w, id, err)
		return
	}
	writeXML(w, http.StatusOK, response{XMLName: xml.Name{Space: namespace, Local: name + "Response"},
		Result: result, Metadata: metadata{RequestId: id}})
}

// response is every answer's envelope: <ActionResponse><ActionResult>
// ...</ActionResult><ResponseMetadata>...</ResponseMetadata>.
type response struct {
	XMLName  xml.Name
	Result   any      `xml:",omitempty"`
	Metadata metadata `xml:"ResponseMetadata"`
}

type metadata struct {
	RequestId string `xml:"RequestId"`
}

func writeXML(w http.ResponseWriter, status int, v any) {
	body, err := xml.Marshal(v)
	if err != nil {
		status, body = http.StatusInternalServerError, []byte("<ErrorResponse/>")
	}
	w.Header().Set("Content-Type", "text/xml")
	w.WriteHeader(status)
	_, _ = w.Write(append([]byte(xml.Header), body...))
}
