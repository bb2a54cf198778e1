package services

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/functions"
	"github.com/mie-kafka/mie/internal/integrations"
	"github.com/mie-kafka/mie/internal/topics"
	"github.com/mie-kafka/mie/processors/worker"
)

// Bus puts events on event buses: the event-bus topic.
type Bus struct {
	Catalog topics.Catalog
	// Region and Account are the events' (EventBridge's Account and
	// Region fields); default us-east-1 and 123456789012.
	Region, Account string
}

// Entry is one of PutEvents' Entries, in EventBridge's names. Detail is
// a JSON object, or a string holding one (the API's form).
type Entry struct {
	Source       string          `json:"Source"`
	DetailType   string          `json:"DetailType"`
	Detail       json.RawMessage `json:"Detail"`
	EventBusName string          `json:"EventBusName"`
	Resources    []string        `json:"Resources"`
	Time         *time.Time      `json:"Time"`
	TraceHeader  string          `json:"TraceHeader"`
}

// EntryResult is one entry's answer: its EventId, or why it failed.
type EntryResult struct {
	EventId      string `json:"EventId,omitempty"`
	ErrorCode    string `json:"ErrorCode,omitempty"`
	ErrorMessage string `json:"ErrorMessage,omitempty"`
}

// PutResult is PutEvents' response.
type PutResult struct {
	Entries          []EntryResult `json:"Entries"`
	FailedEntryCount int           `json:"FailedEntryCount"`
}

// maxEntries is PutEvents' limit.
const maxEntries = 10

// Put puts the valid entries in the running task's transaction, each a
// BusEventPut on the event-bus topic, and answers for each as
// EventBridge does (a failed entry does not stop the others).
func (b *Bus) Put(ctx context.Context, entries []Entry) (PutResult, error) {
	if len(entries) == 0 || len(entries) > maxEntries {
		return PutResult{}, &ServiceError{Code: "ValidationException",
			Message: fmt.Sprintf("1 validation error detected: Value at 'entries' failed to satisfy constraint: Member must have length less than or equal to 10 and greater than or equal to 1 (%d given)", len(entries))}
	}
	out := PutResult{Entries: make([]EntryResult, len(entries))}
	for i, e := range entries {
		rec, res := b.Event(e)
		if rec != nil {
			if err := worker.Emit(ctx, b.Catalog.EventBus(), rec.EventBusName, rec); err != nil {
				return PutResult{}, err
			}
		}
		if res.ErrorCode != "" {
			out.FailedEntryCount++
		}
		out.Entries[i] = res
	}
	return out, nil
}

// Event checks one entry and makes its record (nil when it failed), and
// the entry's answer. EventBridge's API produces the records itself.
func (b *Bus) Event(e Entry) (*events.BusEventPut, EntryResult) {
	bad := func(code, msg string) (*events.BusEventPut, EntryResult) {
		return nil, EntryResult{ErrorCode: code, ErrorMessage: msg}
	}
	switch {
	case e.Source == "":
		return bad("InvalidArgument", "Parameter Source is not valid. Reason: Source is a required argument.")
	case e.DetailType == "":
		return bad("InvalidArgument", "Parameter DetailType is not valid. Reason: DetailType is a required argument.")
	case len(e.Detail) == 0:
		return bad("InvalidArgument", "Parameter Detail is not valid. Reason: Detail is a required argument.")
	}
	detail := e.Detail
	var s string
	if json.Unmarshal(detail, &s) == nil {
		detail = json.RawMessage(s)
	}
	var obj map[string]any
	if json.Unmarshal(detail, &obj) != nil || obj == nil {
		return bad("MalformedDetail", "Detail is malformed.")
	}
	bus := e.EventBusName
	if bus == "" {
		bus = "default"
	}
	bus = bus[strings.LastIndex(bus, "/")+1:] // a bus ARN names it after the last '/'
	at := time.Now().UTC().Truncate(time.Second)
	if e.Time != nil {
		at = e.Time.UTC()
	}
	region, account := b.Region, b.Account
	if region == "" {
		region = "us-east-1"
	}
	if account == "" {
		account = "123456789012"
	}
	rec := &events.BusEventPut{EventId: events.NewID(), EventBusName: bus, Source: e.Source, DetailType: e.DetailType,
		Detail: detail, Resources: e.Resources, TraceHeader: e.TraceHeader, Account: account, Region: region, Time: at}
	return rec, EntryResult{EventId: rec.EventId}
}

// EventBridge is the worker of events:putEvents (optimized and aws-sdk).
type EventBridge struct{ Bus *Bus }

// Start refuses MIE operator tasks.
func (EventBridge) Start(context.Context, *worker.Task) (worker.Result, error) {
	return worker.Failed("States.Runtime", "builtin:aws.events serves events:putEvents Task states, not MIE operators"), nil
}

// Invoke puts the entries. The optimized integration fails the task with
// EventBridge.FailedEntry when any entry failed, as Step Functions does.
func (h EventBridge) Invoke(ctx context.Context, t *worker.Task) (worker.Result, error) {
	if _, action, _, _ := functions.Service(t.Resource); action != "putEvents" {
		return worker.Failed("States.Runtime", fmt.Sprintf("the resource %s is not an EventBridge integration this engine runs: it runs events:putEvents", t.Resource)), nil
	}
	var in struct {
		Entries []Entry `json:"Entries"`
	}
	if err := json.Unmarshal(t.Payload, &in); err != nil {
		return failure(integrations.EventBridge, t, &ServiceError{Code: "ValidationException", Message: "the parameters are not a PutEvents request: " + err.Error()}), nil
	}
	res, err := h.Bus.Put(ctx, in.Entries)
	if err != nil {
		return failure(integrations.EventBridge, t, err), nil
	}
	out := map[string]any{"Entries": res.Entries, "FailedEntryCount": res.FailedEntryCount}
	if res.FailedEntryCount > 0 && !integrations.IsSDK(t.Resource) {
		body, _ := json.Marshal(out)
		return worker.Failed("EventBridge.FailedEntry", string(body)), nil
	}
	return worker.Returned(integrations.WithMetadata(t.Resource, out, "application/x-amz-json-1.1", t.TaskId)), nil
}
