// Package events defines the records that flow through the engine's Kafka
// topics: one envelope shared by every record, and the typed payloads that
// ride inside it. Every type has a JSON Schema under schemas/.
package events

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/twmb/franz-go/pkg/kgo"
)

// Kind separates what is asked for (a command) from what happened (an event).
type Kind string

const (
	KindCommand Kind = "command"
	KindEvent   Kind = "event"
)

// Header names copied from the envelope so that consumers can route and
// filter without decoding the value.
const (
	HeaderType    = "mie-type"
	HeaderKind    = "mie-kind"
	HeaderVersion = "mie-version"
)

// Position is the place of a record in the log.
type Position struct {
	Topic     string `json:"topic"`
	Partition int32  `json:"partition"`
	Offset    int64  `json:"offset"`
}

// Envelope wraps every record on every engine topic.
type Envelope struct {
	// ID is unique per record.
	ID string `json:"id"`
	// Kind is command or event.
	Kind Kind `json:"kind"`
	// Type names the payload, e.g. "ExecutionStarted".
	Type string `json:"type"`
	// Version is the payload's schema version.
	Version int `json:"version"`
	// Key is the record key: the execution id on engine topics, the name
	// of the definition on the definitions topic.
	Key string `json:"key"`
	// CausationID is the id of the record (usually a command) that caused
	// this one; CausationPosition is where that record sits in the log.
	CausationID       string    `json:"causationId,omitempty"`
	CausationPosition *Position `json:"causationPosition,omitempty"`
	// CorrelationID ties together everything that belongs to one request
	// or one execution.
	CorrelationID string `json:"correlationId,omitempty"`
	// Time is when the record was created.
	Time time.Time `json:"time"`
	// Producer names the process role that wrote the record.
	Producer string `json:"producer"`
	// Data is the typed payload, JSON encoded.
	Data json.RawMessage `json:"data"`

	// compact is set by New: Data came from json.Marshal, so it is valid
	// compact JSON and Record writes it as is.
	compact bool
}

// Payload is implemented by every typed payload.
type Payload interface {
	EventType() string
}

// ErrUnknownType is returned when decoding a record whose type is not
// registered.
var ErrUnknownType = errors.New("unknown record type")

// ErrMalformed is returned when a record cannot be decoded.
var ErrMalformed = errors.New("malformed record")

// NewID returns a new time-ordered unique id.
func NewID() string {
	id, err := uuid.NewV7()
	if err != nil {
		return uuid.NewString()
	}
	return id.String()
}

// New builds an envelope for payload p with the registered kind and
// version of its type. The caller sets causation and correlation.
func New(key, producer string, p Payload) (Envelope, error) {
	info, ok := Lookup(p.EventType())
	if !ok {
		return Envelope{}, fmt.Errorf("new envelope: %w: %q", ErrUnknownType, p.EventType())
	}
	data, err := json.Marshal(p)
	if err != nil {
		return Envelope{}, fmt.Errorf("new envelope %s: %w", p.EventType(), err)
	}
	return Envelope{
		ID:       NewID(),
		Kind:     info.Kind,
		Type:     info.Type,
		Version:  info.Version,
		Key:      key,
		Time:     time.Now().UTC(),
		Producer: producer,
		Data:     data,
		compact:  true,
	}, nil
}

// CausedBy sets the causation fields from the record that caused this one
// and inherits its correlation id.
func (e *Envelope) CausedBy(cause *Envelope, pos *Position) {
	e.CausationID = cause.ID
	e.CausationPosition = pos
	if e.CorrelationID == "" {
		e.CorrelationID = cause.CorrelationID
	}
}

// Decode unmarshals the payload into a value of the registered type.
func (e *Envelope) Decode() (Payload, error) {
	info, ok := Lookup(e.Type)
	if !ok {
		return nil, fmt.Errorf("decode %s: %w", e.Type, ErrUnknownType)
	}
	p := info.New()
	if err := json.Unmarshal(e.Data, p); err != nil {
		return nil, fmt.Errorf("decode %s: %w: %v", e.Type, ErrMalformed, err)
	}
	return p, nil
}

// Record encodes the envelope as a Kafka record for topic.
func (e *Envelope) Record(topic string) (*kgo.Record, error) {
	v, ok := appendEnvelope(make([]byte, 0, 256+len(e.Data)), e)
	if !ok {
		var err error
		if v, err = json.Marshal(e); err != nil {
			return nil, fmt.Errorf("encode %s: %w", e.Type, err)
		}
	}
	return &kgo.Record{
		Topic: topic,
		Key:   []byte(e.Key),
		Value: v,
		Headers: []kgo.RecordHeader{
			{Key: HeaderType, Value: []byte(e.Type)},
			{Key: HeaderKind, Value: []byte(e.Kind)},
		},
	}, nil
}

// FromRecord decodes a Kafka record into an envelope. Its Data may share
// r.Value's memory.
func FromRecord(r *kgo.Record) (Envelope, error) {
	e, ok := parseEnvelope(r.Value)
	if !ok {
		e = Envelope{}
		if err := json.Unmarshal(r.Value, &e); err != nil {
			return e, fmt.Errorf("%w: %s/%d@%d: %v", ErrMalformed, r.Topic, r.Partition, r.Offset, err)
		}
	}
	if e.Type == "" || e.ID == "" {
		return e, fmt.Errorf("%w: %s/%d@%d: missing id or type", ErrMalformed, r.Topic, r.Partition, r.Offset)
	}
	return e, nil
}

// DecodeRecord decodes a Kafka record into its envelope and typed payload.
// When only the payload fails to decode, the envelope is still returned.
func DecodeRecord(r *kgo.Record) (Envelope, Payload, error) {
	e, err := FromRecord(r)
	if err != nil {
		return e, nil, err
	}
	p, err := e.Decode()
	return e, p, err
}

// PositionOf returns the log position of r.
func PositionOf(r *kgo.Record) *Position {
	return &Position{Topic: r.Topic, Partition: r.Partition, Offset: r.Offset}
}
