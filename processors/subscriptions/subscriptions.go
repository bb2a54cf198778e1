// Package subscriptions delivers notifications to their subscriptions:
// every subscription of a notification topic follows the notifications
// topic in a consumer group of its own (so a slow or dead endpoint holds
// back only its own deliveries) from the time it was created, and POSTs
// each message of its topic that passes its filter policy to its
// endpoint as SNS does, retrying with capped exponential backoff until
// the endpoint answers 2xx; offsets commit only for what was delivered
// (internal/consume's webhook delivery). docs/notifications.md describes
// it.
package subscriptions

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/broker"
	"github.com/mie-kafka/mie/internal/consume"
	"github.com/mie-kafka/mie/internal/topics"
)

// Source is where subscriptions are defined: the resources projection.
type Source interface {
	Subscriptions(topicArn string) []events.Subscription
	Changed() <-chan struct{}
}

// Config configures the deliveries.
type Config struct {
	Kafka   broker.Config
	Catalog topics.Catalog
	Source  Source
	Logger  *slog.Logger
	// RetryMin and RetryMax bound the backoff between attempts at one
	// message; defaults 1s and 1m.
	RetryMin, RetryMax time.Duration
	// Timeout bounds one POST; default 15s (SNS's is 15s).
	Timeout time.Duration
}

// Validate joins every problem.
func (c Config) Validate() error {
	var errs []error
	if err := c.Kafka.Validate(); err != nil {
		errs = append(errs, err)
	}
	if c.Source == nil || c.Logger == nil {
		errs = append(errs, errors.New("subscriptions: Source and Logger are required"))
	}
	return errors.Join(errs...)
}

// Deliverer runs one delivery per subscription.
type Deliverer struct {
	cfg Config
	log *slog.Logger

	mu      sync.Mutex
	running map[string]context.CancelFunc
	wg      sync.WaitGroup
}

// New validates cfg.
func New(cfg Config) (*Deliverer, error) {
	if cfg.RetryMin == 0 {
		cfg.RetryMin = time.Second
	}
	if cfg.RetryMax == 0 {
		cfg.RetryMax = time.Minute
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = 15 * time.Second
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return &Deliverer{cfg: cfg, log: cfg.Logger.With("processor", "subscriptions"), running: map[string]context.CancelFunc{}}, nil
}

// Run keeps one delivery running per subscription, starting and stopping
// them as subscriptions come and go, until ctx ends.
func (d *Deliverer) Run(ctx context.Context) error {
	defer d.wg.Wait()
	for {
		changed := d.cfg.Source.Changed()
		d.reconcile(ctx)
		select {
		case <-ctx.Done():
			d.mu.Lock()
			for _, cancel := range d.running {
				cancel()
			}
			d.mu.Unlock()
			return nil
		case <-changed:
		}
	}
}

func (d *Deliverer) reconcile(ctx context.Context) {
	subs := d.cfg.Source.Subscriptions("")
	d.mu.Lock()
	defer d.mu.Unlock()
	live := map[string]bool{}
	for _, s := range subs {
		live[s.SubscriptionArn] = true
		if d.running[s.SubscriptionArn] != nil {
			continue
		}
		sctx, cancel := context.WithCancel(ctx)
		d.running[s.SubscriptionArn] = cancel
		d.wg.Go(func() { d.deliver(sctx, s) })
	}
	for arn, cancel := range d.running {
		if !live[arn] {
			cancel()
			delete(d.running, arn)
		}
	}
}

// deliver follows the notifications topic for one subscription until
// ctx ends, starting again after a failure.
func (d *Deliverer) deliver(ctx context.Context, sub events.Subscription) {
	id := sub.SubscriptionArn[strings.LastIndex(sub.SubscriptionArn, ":")+1:]
	log := d.log.With("subscription", sub.SubscriptionArn, "endpoint", sub.Endpoint)
	cfg := consume.Config{
		Brokers: d.cfg.Kafka.Brokers, Topic: d.cfg.Catalog.Notifications(),
		Group: d.cfg.Catalog.Group("mie-sns-" + id), ClientID: "mie-sns-" + id,
		From:    consume.From{Mode: consume.FromTime, Time: sub.Created},
		Webhook: sub.Endpoint, WebhookTimeout: d.cfg.Timeout, RetryMin: d.cfg.RetryMin, RetryMax: d.cfg.RetryMax,
		Logger: log,
		Filter: func(r *kgo.Record) bool {
			if string(r.Key) != sub.TopicArn {
				return false
			}
			n, err := decodeNotification(r)
			return err == nil && matches(sub.Attributes["FilterPolicy"], n)
		},
		Render: func(r *kgo.Record) ([]byte, http.Header, error) {
			n, err := decodeNotification(r)
			if err != nil {
				return nil, nil, err
			}
			body, h := render(sub, n)
			return body, h, nil
		},
	}
	for ctx.Err() == nil {
		if err := consume.Run(ctx, cfg); err != nil {
			log.Warn("subscription delivery stopped; starting again", "err", err)
		}
		select {
		case <-ctx.Done():
		case <-time.After(d.cfg.RetryMin):
		}
	}
}
