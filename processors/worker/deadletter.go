package worker

import (
	"strconv"

	"github.com/twmb/franz-go/pkg/kgo"
)

// Headers added to every dead letter; the original headers are kept.
const (
	HeaderDLQReason          = "mie-dlq-reason"
	HeaderDLQSourceTopic     = "mie-dlq-source-topic"
	HeaderDLQSourcePartition = "mie-dlq-source-partition"
	HeaderDLQSourceOffset    = "mie-dlq-source-offset"
	HeaderDLQHandler         = "mie-dlq-handler"
)

// DeadLetter returns a copy of rec addressed to the dead-letter topic dlq,
// with its key, value and headers, plus headers naming why (reason), where
// it came from and which handler (consumer group) gave up on it.
func DeadLetter(rec *kgo.Record, dlq, handler string, reason error) *kgo.Record {
	h := make([]kgo.RecordHeader, 0, len(rec.Headers)+5)
	h = append(h, rec.Headers...)
	h = append(h,
		kgo.RecordHeader{Key: HeaderDLQReason, Value: []byte(reason.Error())},
		kgo.RecordHeader{Key: HeaderDLQSourceTopic, Value: []byte(rec.Topic)},
		kgo.RecordHeader{Key: HeaderDLQSourcePartition, Value: []byte(strconv.FormatInt(int64(rec.Partition), 10))},
		kgo.RecordHeader{Key: HeaderDLQSourceOffset, Value: []byte(strconv.FormatInt(rec.Offset, 10))},
		kgo.RecordHeader{Key: HeaderDLQHandler, Value: []byte(handler)},
	)
	return &kgo.Record{Topic: dlq, Key: rec.Key, Value: rec.Value, Headers: h}
}
