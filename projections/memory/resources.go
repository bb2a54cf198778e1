package memory

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"sync"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/broker"
	"github.com/mie-kafka/mie/internal/tables"
	"github.com/mie-kafka/mie/internal/topics"
)

// ResourcesName is the resources projection's stable name.
const ResourcesName = "memory-resources"

// ResourcesConfig configures the resources projection.
type ResourcesConfig struct {
	Kafka   broker.Config
	Catalog topics.Catalog
	Logger  *slog.Logger
}

// Resources is the memory projection of the resources topic: the live
// tables, notification topics and subscriptions. Every process that
// serves the integrations folds the whole topic (it is small); the fold
// is deterministic, so every process agrees on which of two racing
// creations won (the first in the log).
type Resources struct {
	cfg ResourcesConfig
	log *slog.Logger

	mu      sync.RWMutex
	tables  map[string]*tables.Schema
	topics  map[string]events.NotificationTopic // by ARN
	subs    map[string]events.Subscription      // by ARN
	changed chan struct{}
	// gone are the incarnations of deleted tables.
	gone map[string]bool
	*tracker
}

// NewResources returns an empty projection; Run fills it.
func NewResources(cfg ResourcesConfig) (*Resources, error) {
	var errs []error
	if err := cfg.Kafka.Validate(); err != nil {
		errs = append(errs, err)
	}
	if cfg.Logger == nil {
		errs = append(errs, errors.New("memory resources projection: Logger is required"))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return &Resources{
		cfg: cfg, log: cfg.Logger.With("projection", ResourcesName),
		tables: map[string]*tables.Schema{}, topics: map[string]events.NotificationTopic{},
		subs: map[string]events.Subscription{}, gone: map[string]bool{}, changed: make(chan struct{}),
		tracker: newTracker(cfg.Catalog.Resources()),
	}, nil
}

// Run consumes the resources topic until ctx is cancelled.
func (r *Resources) Run(ctx context.Context) error {
	return r.tracker.run(ctx, r.cfg.Kafka, r.log, r.applyRecord)
}

func (r *Resources) applyRecord(rec *kgo.Record) {
	_, p, err := events.DecodeRecord(rec)
	if err == nil {
		err = r.Apply(p)
	}
	if err != nil {
		r.log.Warn("resources record skipped", "partition", rec.Partition, "offset", rec.Offset, "err", err)
	}
}

// Apply folds one resources event.
func (r *Resources) Apply(p events.Payload) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	switch e := p.(type) {
	case *events.TableCreated:
		if _, live := r.tables[e.Table.TableName]; live {
			return nil // the first creation won
		}
		s, err := tables.NewSchema(e.Table)
		if err != nil {
			return fmt.Errorf("table %s: %w", e.Table.TableName, err)
		}
		r.tables[e.Table.TableName] = s
	case *events.TableDeleted:
		if s, ok := r.tables[e.TableName]; ok && s.Table.TableId == e.TableId {
			delete(r.tables, e.TableName)
			r.gone[e.TableId] = true
		}
	case *events.TopicCreated:
		if _, ok := r.topics[e.Topic.TopicArn]; !ok {
			r.topics[e.Topic.TopicArn] = e.Topic
		}
	case *events.TopicDeleted:
		delete(r.topics, e.TopicArn)
		for arn, s := range r.subs {
			if s.TopicArn == e.TopicArn {
				delete(r.subs, arn)
			}
		}
	case *events.SubscriptionCreated:
		if _, ok := r.topics[e.Subscription.TopicArn]; ok {
			r.subs[e.Subscription.SubscriptionArn] = e.Subscription
		}
	case *events.SubscriptionDeleted:
		delete(r.subs, e.SubscriptionArn)
	default:
		return fmt.Errorf("unexpected %s on the resources topic", p.EventType())
	}
	close(r.changed)
	r.changed = make(chan struct{})
	return nil
}

// Changed returns a channel closed at the next change.
func (r *Resources) Changed() <-chan struct{} {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.changed
}

// Table returns a live table's schema.
func (r *Resources) Table(name string) (*tables.Schema, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	s, ok := r.tables[name]
	return s, ok
}

// Gone reports whether a table incarnation was deleted.
func (r *Resources) Gone(tableID string) bool {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.gone[tableID]
}

// Tables returns the live tables' definitions, by name.
func (r *Resources) Tables() []events.Table {
	r.mu.RLock()
	defer r.mu.RUnlock()
	out := make([]events.Table, 0, len(r.tables))
	for _, s := range r.tables {
		out = append(out, s.Table)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].TableName < out[j].TableName })
	return out
}

// Topic returns a notification topic by its ARN.
func (r *Resources) Topic(arn string) (events.NotificationTopic, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	t, ok := r.topics[arn]
	return t, ok
}

// TopicNamed returns a notification topic by its name.
func (r *Resources) TopicNamed(name string) (events.NotificationTopic, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	for _, t := range r.topics {
		if t.Name == name {
			return t, true
		}
	}
	return events.NotificationTopic{}, false
}

// Topics returns the notification topics, by ARN.
func (r *Resources) Topics() []events.NotificationTopic {
	r.mu.RLock()
	defer r.mu.RUnlock()
	out := make([]events.NotificationTopic, 0, len(r.topics))
	for _, t := range r.topics {
		out = append(out, t)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].TopicArn < out[j].TopicArn })
	return out
}

// Subscriptions returns a topic's subscriptions (every topic's for ""),
// by ARN.
func (r *Resources) Subscriptions(topicArn string) []events.Subscription {
	r.mu.RLock()
	defer r.mu.RUnlock()
	var out []events.Subscription
	for _, s := range r.subs {
		if topicArn == "" || s.TopicArn == topicArn {
			out = append(out, s)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].SubscriptionArn < out[j].SubscriptionArn })
	return out
}

// Subscription returns a subscription by its ARN.
func (r *Resources) Subscription(arn string) (events.Subscription, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	s, ok := r.subs[arn]
	return s, ok
}

// SubscriptionFor finds an existing subscription of an endpoint to a
// topic (SNS's Subscribe is idempotent).
func (r *Resources) SubscriptionFor(topicArn, protocol, endpoint string) (events.Subscription, bool) {
	for _, s := range r.Subscriptions(topicArn) {
		if strings.EqualFold(s.Protocol, protocol) && s.Endpoint == endpoint {
			return s, true
		}
	}
	return events.Subscription{}, false
}
