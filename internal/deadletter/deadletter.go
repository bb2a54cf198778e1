// Package deadletter builds the records that processors send to the
// dead-letter topic when an input record cannot be handled, so that the
// records behind it keep flowing. Every dead letter carries the input's
// key, value and headers unchanged, plus the mie-dlq-* headers below.
package deadletter

import (
	"strconv"

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
