package deadletter_test

import (
	"errors"
	"reflect"
	"testing"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/mie-kafka/mie/internal/deadletter"
)

func TestRecord(t *testing.T) {
	h := func(k, v string) kgo.RecordHeader { return kgo.RecordHeader{Key: k, Value: []byte(v)} }
	tests := []struct {
		name    string
		in      *kgo.Record
		reason  string
		handler string
		err     error
		want    []kgo.RecordHeader
	}{
		{
			name: "original headers first, then the reason, error and source",
			in: &kgo.Record{Topic: "p.commands", Partition: 3, Offset: 42, Key: []byte("exec-1"), Value: []byte("not json"),
				Headers: []kgo.RecordHeader{h("mie-type", "StartExecution"), h("trace", "abc")}},
			reason: deadletter.ReasonUndecodable, handler: "mie-executor", err: errors.New("malformed record"),
			want: []kgo.RecordHeader{
				h("mie-type", "StartExecution"), h("trace", "abc"),
				h("mie-dlq-reason", "undecodable"),
				h("mie-dlq-error", "malformed record"),
				h("mie-dlq-source-topic", "p.commands"),
				h("mie-dlq-source-partition", "3"),
				h("mie-dlq-source-offset", "42"),
				h("mie-dlq-handler", "mie-executor"),
			},
		},
		{
			name:   "no error, no error header",
			in:     &kgo.Record{Topic: "p.retry.1s", Partition: 0, Offset: 0, Key: []byte("k"), Value: []byte("v")},
			reason: deadletter.ReasonBadRelayHeaders, handler: "mie-relay",
			want: []kgo.RecordHeader{
				h("mie-dlq-reason", "bad-relay-headers"),
				h("mie-dlq-source-topic", "p.retry.1s"),
				h("mie-dlq-source-partition", "0"),
				h("mie-dlq-source-offset", "0"),
				h("mie-dlq-handler", "mie-relay"),
			},
		},
		{
			name:   "nil key and value are kept",
			in:     &kgo.Record{Topic: "p.results", Partition: 23, Offset: 9_000_000_000},
			reason: deadletter.ReasonUnknownExecution, handler: "mie-executor", err: errors.New(`no execution "x"`),
			want: []kgo.RecordHeader{
				h("mie-dlq-reason", "unknown-execution"),
				h("mie-dlq-error", `no execution "x"`),
				h("mie-dlq-source-topic", "p.results"),
				h("mie-dlq-source-partition", "23"),
				h("mie-dlq-source-offset", "9000000000"),
				h("mie-dlq-handler", "mie-executor"),
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			origHeaders := append([]kgo.RecordHeader(nil), tt.in.Headers...)
			got := deadletter.Record("p.dlq", tt.in, tt.reason, tt.handler, tt.err)
			if got.Topic != "p.dlq" {
				t.Errorf("topic = %q, want p.dlq", got.Topic)
			}
			if string(got.Key) != string(tt.in.Key) || string(got.Value) != string(tt.in.Value) ||
				(got.Key == nil) != (tt.in.Key == nil) || (got.Value == nil) != (tt.in.Value == nil) {
				t.Errorf("key/value = %q/%q, want %q/%q", got.Key, got.Value, tt.in.Key, tt.in.Value)
			}
			if !reflect.DeepEqual(got.Headers, tt.want) {
				t.Errorf("headers:\n got %q\nwant %q", got.Headers, tt.want)
			}
			if !reflect.DeepEqual(tt.in.Headers, origHeaders) {
				t.Errorf("input headers changed to %q", tt.in.Headers)
			}
			if got.Partition != 0 || got.Offset != 0 {
				t.Errorf("dead letter carries partition/offset %d/%d; the producer must pick them", got.Partition, got.Offset)
			}
		})
	}
}

// TestParse reads back what Record writes, without the dead-letter headers.
func TestParse(t *testing.T) {
	in := &kgo.Record{Topic: "p.results", Partition: 2, Offset: 9, Key: []byte("exec-1"), Value: []byte("v"),
		Headers: []kgo.RecordHeader{{Key: "mie-type", Value: []byte("OperatorResult")}, {Key: deadletter.HeaderReplayOf, Value: []byte("p.dlq/1@4")}}}
	l, ok := deadletter.Parse(deadletter.Record("p.dlq", in, deadletter.ReasonHandlerFailed, "mie-executor", errors.New("panicked")))
	want := deadletter.Letter{Reason: "handler-failed", Error: "panicked", Handler: "mie-executor", SourceTopic: "p.results",
		SourcePartition: 2, SourceOffset: 9, ReplayOf: "p.dlq/1@4", Key: in.Key, Value: in.Value, Headers: in.Headers[:1]}
	if !ok || !reflect.DeepEqual(l, want) {
		t.Fatalf("Parse = %+v, %v\nwant %+v", l, ok, want)
	}
	if _, ok := deadletter.Parse(in); ok {
		t.Fatal("a record without a reason header parsed as a dead letter")
	}
}
