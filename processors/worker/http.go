package worker

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/mie-kafka/mie/events"
)

// Defaults of the HTTP handler.
const (
	DefaultHTTPTimeout = 30 * time.Second
	// maxReplyBytes bounds an operator's reply; large payloads belong in
	// object storage, referenced from Media.
	maxReplyBytes = 8 << 20
)

// Request headers sent with every call, so that an operator can deduplicate
// redelivered calls without parsing the body.
const (
	HeaderTaskID   = "Mie-Task-Id"
	HeaderAttempt  = "Mie-Attempt"
	HeaderPhase    = "Mie-Phase"
	HeaderDelivery = "Mie-Delivery"
)

// HTTP runs operators that are HTTP endpoints (implementation
// "http(s)://..."). Start POSTs the task as JSON to Task.Implementation;
// Monitor POSTs it (Phase "Monitor", MonitorState set) to
// Configuration["MonitorUrl"] if given, else to the same URL. The reply is
// JSON: {Status, Media, MetaData, Error or Message, Cause, MonitorState,
// CheckAfterMs, DeferMs, Reason}. See docs/operators.md and docs/retries.md.
type HTTP struct {
	// Client sends the requests; default http.DefaultClient.
	Client *http.Client
	// Timeout bounds one call; default 30s.
	Timeout time.Duration
}

// Start calls the operator's URL.
func (h *HTTP) Start(ctx context.Context, t *Task) (Result, error) {
	return h.call(ctx, t.Implementation, t)
}

// Monitor calls the operator's MonitorUrl, or its URL.
func (h *HTTP) Monitor(ctx context.Context, t *Task) (Result, error) {
	u := t.Implementation
	if m, ok := t.Configuration["MonitorUrl"].(string); ok && m != "" {
		u = m
	}
	return h.call(ctx, u, t)
}

// httpReply is an operator's answer. Field names match case-insensitively.
type httpReply struct {
	Status       string                        `json:"Status"`
	Media        map[string]events.MediaObject `json:"Media"`
	MetaData     map[string]any                `json:"MetaData"`
	Error        string                        `json:"Error"`
	Message      string                        `json:"Message"`
	Cause        string                        `json:"Cause"`
	MonitorState json.RawMessage               `json:"MonitorState"`
	CheckAfterMs int64                         `json:"CheckAfterMs"`
	DeferMs      int64                         `json:"DeferMs"`
	Reason       string                        `json:"Reason"`
}

func (h *HTTP) call(ctx context.Context, target string, t *Task) (Result, error) {
	u, err := url.Parse(target)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return Failed(fmt.Sprintf("operator %s: %q is not an http(s) URL", t.Name, target), ""), nil
	}
	// MIE's operator event, without the States Language invocation's
	// fields (its Payload holds the same event).
	ev := *t
	ev.Invocation = events.Invocation{}
	body, err := json.Marshal(&ev)
	if err != nil {
		return Result{}, fmt.Errorf("encode task for %s: %w", target, err)
	}
	timeout := h.Timeout
	if timeout <= 0 {
		timeout = DefaultHTTPTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u.String(), bytes.NewReader(body))
	if err != nil {
		return Result{}, fmt.Errorf("call %s: %w", target, err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	req.Header.Set(HeaderTaskID, t.TaskId)
	req.Header.Set(HeaderAttempt, strconv.Itoa(t.Attempt))
	req.Header.Set(HeaderPhase, t.Phase)
	req.Header.Set(HeaderDelivery, strconv.Itoa(max(t.Delivery, 1)))
	cl := h.Client
	if cl == nil {
		cl = http.DefaultClient
	}
	resp, err := cl.Do(req)
	if err != nil {
		return Result{}, fmt.Errorf("call %s: %w", target, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxReplyBytes+1))
	if err != nil {
		return Result{}, fmt.Errorf("read reply of %s: %w", target, err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return Failed(fmt.Sprintf("operator %s answered HTTP %s", target, resp.Status), snippet(raw)), nil
	}
	if len(raw) > maxReplyBytes {
		return Failed(fmt.Sprintf("operator %s replied with more than %d bytes", target, maxReplyBytes), ""), nil
	}
	var rep httpReply
	if err := json.Unmarshal(raw, &rep); err != nil {
		return Failed(fmt.Sprintf("operator %s replied with invalid JSON: %v", target, err), snippet(raw)), nil
	}
	return rep.result(target), nil
}

func (rep *httpReply) result(target string) Result {
	switch {
	case strings.EqualFold(rep.Status, events.ResultComplete):
		return Complete(rep.Media, rep.MetaData)
	case strings.EqualFold(rep.Status, events.ResultExecuting):
		return Result{
			Status:       events.ResultExecuting,
			MonitorState: rep.MonitorState,
			CheckAfter:   time.Duration(max(rep.CheckAfterMs, 0)) * time.Millisecond,
		}
	case strings.EqualFold(rep.Status, events.ResultDeferred):
		return Deferred(time.Duration(max(rep.DeferMs, 0))*time.Millisecond, rep.Reason)
	case strings.EqualFold(rep.Status, events.ResultError):
		msg := rep.Error
		if msg == "" {
			msg = rep.Message
		}
		if msg == "" {
			msg = fmt.Sprintf("operator %s reported Error", target)
		}
		return Failed(msg, rep.Cause)
	}
	return Failed(fmt.Sprintf("operator %s replied with Status %q: want Complete, Executing, Deferred or Error", target, rep.Status), "")
}

// snippet returns the start of a reply body for an error's Cause.
func snippet(b []byte) string {
	const n = 512
	if len(b) > n {
		return string(b[:n]) + "..."
	}
	return string(b)
}
