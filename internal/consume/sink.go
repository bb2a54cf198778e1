package consume

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/mie-kafka/mie/events"
)

// Change is what mie consume prints (one JSON line) or POSTs for each
// record: the record's place in the log and the envelope exactly as it was
// written. A record that is not a valid envelope (not written by the
// engine) is passed on too, with Error saying why and Value holding its
// bytes (base64), so that nothing is dropped silently.
type Change struct {
	Topic     string          `json:"topic"`
	Partition int32           `json:"partition"`
	Offset    int64           `json:"offset"`
	Timestamp time.Time       `json:"timestamp"`
	Key       string          `json:"key"`
	Envelope  json.RawMessage `json:"envelope,omitempty"`
	Error     string          `json:"error,omitempty"`
	Value     []byte          `json:"value,omitempty"`

	id, typ string
	// headers are a Render's request headers.
	headers http.Header
}

// changeOf builds the Change of a record.
func changeOf(r *kgo.Record) Change {
	c := Change{
		Topic: r.Topic, Partition: r.Partition, Offset: r.Offset,
		Timestamp: r.Timestamp.UTC(), Key: string(r.Key),
	}
	env, err := events.FromRecord(r)
	if err != nil {
		c.Error, c.Value = err.Error(), r.Value
		return c
	}
	c.Envelope, c.id, c.typ = json.RawMessage(r.Value), env.ID, env.Type
	return c
}

// sink delivers changes. Deliver makes one attempt; an error wrapping
// errPermanent is not retried.
type sink interface {
	Deliver(ctx context.Context, c *Change, body []byte) error
	// Flush makes everything delivered so far durable (written out)
	// before its offsets are committed.
	Flush() error
}

var errPermanent = errors.New("permanent")

// lines writes one JSON line per change.
type lines struct{ w *bufio.Writer }

func newLines(w io.Writer) *lines { return &lines{w: bufio.NewWriter(w)} }

func (l *lines) Deliver(_ context.Context, _ *Change, body []byte) error {
	if _, err := l.w.Write(body); err != nil {
		return fmt.Errorf("%w: write output: %w", errPermanent, err)
	}
	if err := l.w.WriteByte('\n'); err != nil {
		return fmt.Errorf("%w: write output: %w", errPermanent, err)
	}
	return nil
}

func (l *lines) Flush() error {
	if err := l.w.Flush(); err != nil {
		return fmt.Errorf("%w: write output: %w", errPermanent, err)
	}
	return nil
}

// Headers of each webhook POST besides Content-Type.
const (
	HeaderEventID   = "Mie-Event-Id"
	HeaderEventType = "Mie-Event-Type"
)

// webhook POSTs each change; a 2xx answer is a delivery.
type webhook struct {
	url     string
	client  *http.Client
	timeout time.Duration
}

// StatusError is a webhook's non-2xx answer.
type StatusError struct {
	Status int
	Body   string
}

func (e *StatusError) Error() string {
	if e.Body == "" {
		return fmt.Sprintf("webhook answered %d %s", e.Status, http.StatusText(e.Status))
	}
	return fmt.Sprintf("webhook answered %d %s: %s", e.Status, http.StatusText(e.Status), e.Body)
}

func (w *webhook) Deliver(ctx context.Context, c *Change, body []byte) error {
	ctx, cancel := context.WithTimeout(ctx, w.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.url, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("%w: %w", errPermanent, err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "mie-consume")
	if c.id != "" {
		req.Header.Set(HeaderEventID, c.id)
		req.Header.Set(HeaderEventType, c.typ)
	}
	for k, v := range c.headers {
		req.Header[k] = v
	}
	resp, err := w.client.Do(req)
	if err != nil {
		return fmt.Errorf("post: %w", err)
	}
	defer resp.Body.Close()
	snippet, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return &StatusError{Status: resp.StatusCode, Body: string(bytes.TrimSpace(snippet))}
	}
	return nil
}

func (w *webhook) Flush() error { return nil }
