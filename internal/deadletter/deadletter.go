// Package deadletter builds the records that processors send to the
// dead-letter topic when an input record cannot be handled, so that the
// records behind it keep flowing. Every dead letter carries the input's
// key, value and headers unchanged, plus the mie-dlq-* headers below.
package deadletter

import (
	"strconv"
	"strings"

	"github.com/twmb/franz-go/pkg/kgo"
)

// Headers added to every dead letter, after the original headers.
const (
	// HeaderReason is a short stable code saying why (see the Reason
	// constants); alert and replay on it.
	HeaderReason = "mie-dlq-reason"
	// HeaderError is the error message, for people; absent when there is
	// no error.
	HeaderError = "mie-dlq-error"
	// HeaderSourceTopic, HeaderSourcePartition and HeaderSourceOffset are
	// where the input record sat in the log.
	HeaderSourceTopic     = "mie-dlq-source-topic"
	HeaderSourcePartition = "mie-dlq-source-partition"
	HeaderSourceOffset    = "mie-dlq-source-offset"
	// HeaderHandler is the stable name (consumer group) of the handler
	// that gave up on the record.
	HeaderHandler = "mie-dlq-handler"
)

// Reasons: short stable codes for HeaderReason.
const (
	// ReasonUndecodable: the record is not an envelope, or its payload
	// does not decode.
	ReasonUndecodable = "undecodable"
	// ReasonUnexpectedType: the record decodes but is not a type the
	// handler consumes.
	ReasonUnexpectedType = "unexpected-type"
	// ReasonInvalid: the payload decodes but misses a required field.
	ReasonInvalid = "invalid"
	// ReasonUnencodableResult: the handler's output cannot be encoded.
	ReasonUnencodableResult = "unencodable-result"
	// ReasonKeyMismatch: the record key is not the id in its payload.
	ReasonKeyMismatch = "key-mismatch"
	// ReasonUnknownExecution: the record names an execution that does not
	// exist.
	ReasonUnknownExecution = "unknown-execution"
	// ReasonBadRelayHeaders: a record on a relay tier has missing or
	// invalid relay headers.
	ReasonBadRelayHeaders = "bad-relay-headers"
	// ReasonSchemaInvalid: the record does not match its JSON Schema
	// (checked where a processor validates its inputs).
	ReasonSchemaInvalid = "schema-invalid"
	// ReasonHandlerFailed: handling the record failed (panicked) again and
	// again; the error is the last failure.
	ReasonHandlerFailed = "handler-failed"
	// ReasonUndeliverable: the relay could not deliver the record to its
	// target topic (it does not exist, or refuses the record).
	ReasonUndeliverable = "undeliverable"
)

// Record returns a dead letter for r addressed to dlqTopic: r's key, value
// and headers, followed by headers naming the reason code, the error (if
// err is not nil), r's position and the handler that gave up on it.
func Record(dlqTopic string, r *kgo.Record, reason, handler string, err error) *kgo.Record {
	h := make([]kgo.RecordHeader, 0, len(r.Headers)+6)
	h = append(h, r.Headers...)
	h = append(h, kgo.RecordHeader{Key: HeaderReason, Value: []byte(reason)})
	if err != nil {
		h = append(h, kgo.RecordHeader{Key: HeaderError, Value: []byte(err.Error())})
	}
	h = append(h,
		kgo.RecordHeader{Key: HeaderSourceTopic, Value: []byte(r.Topic)},
		kgo.RecordHeader{Key: HeaderSourcePartition, Value: strconv.AppendInt(nil, int64(r.Partition), 10)},
		kgo.RecordHeader{Key: HeaderSourceOffset, Value: strconv.AppendInt(nil, r.Offset, 10)},
		kgo.RecordHeader{Key: HeaderHandler, Value: []byte(handler)},
	)
	return &kgo.Record{Topic: dlqTopic, Key: r.Key, Value: r.Value, Headers: h}
}

// HeaderPrefix starts every header this package adds; Letter.Headers are a
// dead letter's headers without them.
const HeaderPrefix = "mie-dlq-"

// HeaderReplayOf is set on a record that `mie dlq replay` re-drove: the
// position of the dead letter it came from, "<dlq topic>/<partition>@<offset>".
// It starts with HeaderPrefix, so a replay never carries an older one on.
const HeaderReplayOf = HeaderPrefix + "replay-of"

// Letter is a dead letter read back.
type Letter struct {
	Reason, Error, Handler string
	// SourceTopic, SourcePartition and SourceOffset are where the input
	// record sat; SourcePartition is -1 when the header is missing.
	SourceTopic     string
	SourcePartition int32
	SourceOffset    int64
	// ReplayOf is set when the record had been re-driven from the DLQ
	// before and failed again.
	ReplayOf string
	// Key, Value and Headers are the input record's, without the
	// HeaderPrefix headers.
	Key, Value []byte
	Headers    []kgo.RecordHeader
}

// Parse reads a dead letter built by Record; ok is false when r carries no
// reason header (it is not a dead letter).
func Parse(r *kgo.Record) (l Letter, ok bool) {
	l = Letter{Key: r.Key, Value: r.Value, SourcePartition: -1, SourceOffset: -1}
	for _, h := range r.Headers {
		v := string(h.Value)
		switch h.Key {
		case HeaderReason:
			l.Reason, ok = v, true
		case HeaderError:
			l.Error = v
		case HeaderSourceTopic:
			l.SourceTopic = v
		case HeaderSourcePartition:
			if n, err := strconv.ParseInt(v, 10, 32); err == nil {
				l.SourcePartition = int32(n)
			}
		case HeaderSourceOffset:
			if n, err := strconv.ParseInt(v, 10, 64); err == nil {
				l.SourceOffset = n
			}
		case HeaderHandler:
			l.Handler = v
		case HeaderReplayOf:
			l.ReplayOf = v
		default:
			if !strings.HasPrefix(h.Key, HeaderPrefix) {
				l.Headers = append(l.Headers, h)
			}
		}
	}
	return l, ok
}
