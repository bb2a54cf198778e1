package relay

import (
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/mie-kafka/mie/internal/deadletter"
	"github.com/mie-kafka/mie/internal/delay"
	"github.com/mie-kafka/mie/internal/kafkatest"
)

// TestRelayDeadLettersUndeliverable: a delayed record whose target topic
// does not exist goes to the DLQ (undeliverable) after MaxForwardFailures
// failed forwards (1 here: each takes the client's unknown-topic wait), and the record behind it in its tier partition is forwarded.
func TestRelayDeadLettersUndeliverable(t *testing.T) {
	kafka, cat := startKafka(t)
	startRelay(t, Config{Kafka: kafka, Catalog: cat, MaxForwardFailures: 1})

	now := time.Now()
	lost := &kgo.Record{Topic: cat.Prefix + "no-such-topic", Key: []byte("exec-9"), Value: []byte("lost")}
	next := &kgo.Record{Topic: targetOf(cat), Key: []byte("exec-9"), Value: []byte("next")}
	kafkatest.Produce(t, kafka, delay.Delay(lost, now, now, cat), delay.Delay(next, now, now, cat))

	got := kafkatest.Collect(t, kafkatest.Client(t, kafka, targetOf(cat)), 1)
	if string(got[0].Value) != "next" {
		t.Fatalf("forwarded %s, want next", got[0].Value)
	}
	dl := kafkatest.Collect(t, kafkatest.Client(t, kafka, cat.DLQ()), 1)
	l, ok := deadletter.Parse(dl[0])
	if !ok || l.Reason != deadletter.ReasonUndeliverable || l.SourceTopic != cat.Tier(time.Second) ||
		!strings.Contains(l.Error, "no-such-topic") || string(l.Value) != "lost" || l.Handler == "" {
		t.Fatalf("dead letter %+v", l)
	}
	if target, _ := header(dl[0], delay.HeaderTarget); target != lost.Topic {
		t.Fatalf("the dead letter lost its relay headers: target %q", target)
	}
}
