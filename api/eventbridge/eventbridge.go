// Package eventbridge serves EventBridge's PutEvents, AWS JSON 1.1 on
// POST / with X-Amz-Target AWSEvents.PutEvents, so that AWS's clients put
// events on mie's event buses (the event-bus topic) with --endpoint-url.
// docs/notifications.md describes the events and every difference from
// AWS.
package eventbridge

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"math"
	"net/http"
	"strings"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/topics"
	"github.com/mie-kafka/mie/processors/worker/services"
)

// TargetPrefix starts the X-Amz-Target of every EventBridge request.
const TargetPrefix = "AWSEvents."

// Producer names the API on the records it writes.
const Producer = "mie-api-events"

// Config wires the service.
type Config struct {
	Client  *kgo.Client
	Catalog topics.Catalog
	// Region and Account are the events'; default us-east-1 and
	// 123456789012.
	Region, Account string
	Logger          *slog.Logger
}

// Service serves EventBridge's PutEvents.
type Service struct {
	cfg Config
	bus *services.Bus
}

// New validates cfg.
func New(cfg Config) (*Service, error) {
	if cfg.Client == nil || cfg.Logger == nil {
		return nil, errors.New("eventbridge: Client and Logger are required")
	}
	return &Service{cfg: cfg, bus: &services.Bus{Catalog: cfg.Catalog, Region: cfg.Region, Account: cfg.Account}}, nil
}

// entry is a PutEventsRequestEntry as the JSON protocol sends it: Time in
// epoch seconds.
type entry struct {
	Source       string   `json:"Source"`
	DetailType   string   `json:"DetailType"`
	Detail       string   `json:"Detail"`
	EventBusName string   `json:"EventBusName"`
	Resources    []string `json:"Resources"`
	Time         *float64 `json:"Time"`
	TraceHeader  string   `json:"TraceHeader"`
}

// ServeHTTP serves PutEvents; other actions are UnknownOperation.
func (s *Service) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	action := strings.TrimPrefix(r.Header.Get("X-Amz-Target"), TargetPrefix)
	if action != "PutEvents" {
		writeJSON(w, http.StatusBadRequest, map[string]string{"__type": "UnknownOperationException", "message": "mie's EventBridge takes PutEvents only, not " + action})
		return
	}
	var in struct {
		Entries []entry `json:"Entries"`
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err == nil {
		err = json.Unmarshal(body, &in)
	}
	if err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"__type": "SerializationException", "message": "the request is not a PutEvents request"})
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), 30*time.Second)
	defer cancel()
	out, err := s.put(ctx, in.Entries)
	if err != nil {
		var se *services.ServiceError
		if errors.As(err, &se) {
			writeJSON(w, http.StatusBadRequest, map[string]string{"__type": se.Code, "message": se.Message})
			return
		}
		writeJSON(w, http.StatusInternalServerError, map[string]string{"__type": "InternalException", "message": err.Error()})
		return
	}
	writeJSON(w, http.StatusOK, out)
}

// put checks the entries and writes the valid ones.
func (s *Service) put(ctx context.Context, entries []entry) (services.PutResult, error) {
	if len(entries) == 0 || len(entries) > 10 {
		return services.PutResult{}, &services.ServiceError{Code: "ValidationException",
			Message: "1 validation error detected: Value at 'entries' failed to satisfy constraint: Member must have length less than or equal to 10 and greater than or equal to 1"}
	}
	out := services.PutResult{Entries: make([]services.EntryResult, len(entries))}
	var recs []*kgo.Record
	for i, e := range entries {
		se := services.Entry{Source: e.Source, DetailType: e.DetailType, EventBusName: e.EventBusName,
			Resources: e.Resources, TraceHeader: e.TraceHeader}
		if e.Detail != "" {
			se.Detail, _ = json.Marshal(e.Detail)
		}
		if e.Time != nil {
			sec, frac := math.Modf(*e.Time)
			at := time.Unix(int64(sec), int64(frac*1e9)).UTC()
			se.Time = &at
		}
		rec, res := s.bus.Event(se)
		out.Entries[i] = res
		if rec == nil {
			out.FailedEntryCount++
			continue
		}
		env, err := events.New(rec.EventBusName, Producer, rec)
		if err != nil {
			return out, err
		}
		kr, err := env.Record(s.cfg.Catalog.EventBus())
		if err != nil {
			return out, err
		}
		recs = append(recs, kr)
	}
	if err := s.cfg.Client.ProduceSync(ctx, recs...).FirstErr(); err != nil {
		return out, err
	}
	return out, nil
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	body, _ := json.Marshal(v)
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}
