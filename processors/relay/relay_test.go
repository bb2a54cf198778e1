package relay

import (
	"context"
	"log/slog"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/mie-kafka/mie/internal/deadletter"
	"github.com/mie-kafka/mie/internal/delay"
	"github.com/mie-kafka/mie/internal/kafkatest"
)

// startRelay runs a relay until the test ends.
func startRelay(t *testing.T, cfg Config) {
	t.Helper()
	cfg.Logger = slog.New(slog.NewTextHandler(t.Output(), nil))
	r, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	})
}

func header(r *kgo.Record, key string) (string, bool) {
	for _, h := range r.Headers {
		if h.Key == key {
			return string(h.Value), true
		}
	}
	return "", false
}

// TestRelayForwardsWhenDue delays records by a few hundred milliseconds, in
// one partition with due times out of order: each is forwarded at or after
// its due time, with relay headers removed, in partition order.
func TestRelayForwardsWhenDue(t *testing.T) {
	kafka, cat := startKafka(t)
	startRelay(t, Config{Kafka: kafka, Catalog: cat})

	now := time.Now()
	dues := []time.Duration{300 * time.Millisecond, 100 * time.Millisecond, 200 * time.Millisecond}
	var recs []*kgo.Record
	for i, d := range dues {
		rec := &kgo.Record{
			Topic: targetOf(cat), Key: []byte("exec-1"), Value: []byte(strconv.Itoa(i)),
			Headers: []kgo.RecordHeader{{Key: "mie-type", Value: []byte("TimerFired")}},
		}
		recs = append(recs, delay.Delay(rec, now.Add(d), now, cat))
	}
	kafkatest.Produce(t, kafka, recs...)

	got, arrived := kafkatest.CollectWhere(t, kafkatest.Client(t, kafka, targetOf(cat)), len(dues), nil)
	for i, rec := range got {
		if string(rec.Value) != strconv.Itoa(i) {
			t.Errorf("record %d is %s, want partition order 0, 1, 2", i, rec.Value)
		}
		due := now.Add(dues[i]).UnixMilli()
		if rec.Timestamp.UnixMilli() < due || arrived[i].UnixMilli() < due {
			t.Errorf("record %s forwarded at %d, arrived at %d, before its due time %d",
				rec.Value, rec.Timestamp.UnixMilli(), arrived[i].UnixMilli(), due)
		}
		if string(rec.Key) != "exec-1" {
			t.Errorf("key = %s, want exec-1", rec.Key)
		}
		if typ, _ := header(rec, "mie-type"); typ != "TimerFired" || len(rec.Headers) != 1 {
			t.Errorf("headers = %v, want only the record's own", rec.Headers)
		}
	}
	// Partition order: the second and third wait behind the first.
	if got[1].Timestamp.Before(got[0].Timestamp) || got[2].Timestamp.Before(got[1].Timestamp) {
		t.Errorf("forwarded at %s, %s, %s: want in partition order", got[0].Timestamp, got[1].Timestamp, got[2].Timestamp)
	}

	// Offsets are committed once forwarded.
	adm := kadm.NewClient(kafkatest.Client(t, kafka))
	tier := cat.Tier(time.Second)
	kafkatest.Eventually(t, "relay offsets committed", func() bool {
		offs, err := adm.FetchOffsets(t.Context(), cat.Group(DefaultGroup))
		if err != nil {
			return false
		}
		o, ok := offs.Lookup(tier, recs[0].Partition)
		return ok && o.At == recs[len(recs)-1].Offset+1
	})
}

// offsetClock is the real clock moved by an offset the test controls.
type offsetClock struct{ off atomic.Int64 }

func (c *offsetClock) Now() time.Time      { return time.Now().Add(time.Duration(c.off.Load())) }
func (c *offsetClock) Add(d time.Duration) { c.off.Add(int64(d)) }
func endOffsets(t *testing.T, adm *kadm.Client, names ...string) int64 {
	t.Helper()
	offs, err := adm.ListEndOffsets(t.Context(), names...)
	if err != nil {
		t.Fatal(err)
	}
	var n int64
	offs.Each(func(o kadm.ListedOffset) { n += o.Offset })
	return n
}

// TestRelayHopsTiers runs the relay with small tiers and a clock the test
// moves. A record due in 700ms hops down from the larger tier to the smaller
// one; a record due in an hour hops again and again in the larger tier,
// keeping its target and due time, and is forwarded only once the clock
// passes its due time.
func TestRelayHopsTiers(t *testing.T) {
	tiers := []time.Duration{100 * time.Millisecond, 250 * time.Millisecond}
	kafka, cat := startKafka(t, tiers...)
	clock := &offsetClock{}
	startRelay(t, Config{Kafka: kafka, Catalog: cat, Tiers: tiers, Clock: clock.Now})

	now := clock.Now()
	dueSoon, dueLate := now.Add(700*time.Millisecond), now.Add(time.Hour)
	soon := &kgo.Record{Topic: targetOf(cat), Key: []byte("exec-6"), Value: []byte("soon")}
	late := &kgo.Record{Topic: targetOf(cat), Key: []byte("exec-7"), Value: []byte("late")}
	kafkatest.Produce(t, kafka, delay.Redelay(soon, soon.Topic, dueSoon, now, cat, tiers), delay.Redelay(late, late.Topic, dueLate, now, cat, tiers))
	value := func(v string) func(*kgo.Record) bool {
		return func(r *kgo.Record) bool { return string(r.Value) == v }
	}

	target := kafkatest.Client(t, kafka, targetOf(cat))
	got := kafkatest.Collect(t, target, 1)
	if string(got[0].Value) != "soon" || got[0].Timestamp.UnixMilli() < dueSoon.UnixMilli() {
		t.Fatalf("first forwarded %s at %s, want soon at or after %s", got[0].Value, got[0].Timestamp, dueSoon)
	}
	kafkatest.CollectWhere(t, kafkatest.Client(t, kafka, cat.Tier(tiers[0])), 1, value("soon")) // hopped down a tier

	hops, _ := kafkatest.CollectWhere(t, kafkatest.Client(t, kafka, cat.Tier(tiers[1])), 4, value("late"))
	for _, h := range hops {
		to, _ := header(h, delay.HeaderTarget)
		d, _ := header(h, delay.HeaderDue)
		if to != targetOf(cat) || d != strconv.FormatInt(dueLate.UnixMilli(), 10) || string(h.Key) != "exec-7" {
			t.Errorf("hop %d has target %q due %q key %s, want them kept", h.Offset, to, d, h.Key)
		}
	}
	adm := kadm.NewClient(kafkatest.Client(t, kafka))
	if n := endOffsets(t, adm, targetOf(cat)); n != 1 {
		t.Fatalf("target has %d records before the late one is due, want 1", n)
	}

	clock.Add(time.Hour)
	got = kafkatest.Collect(t, target, 1)
	if got[0].Timestamp.UnixMilli() < dueLate.UnixMilli() {
		t.Errorf("forwarded at %s, before the due time %s", got[0].Timestamp, dueLate)
	}
	if string(got[0].Value) != "late" || string(got[0].Key) != "exec-7" || len(got[0].Headers) != 0 {
		t.Errorf("forwarded %s=%s %v, want the late record without relay headers", got[0].Key, got[0].Value, got[0].Headers)
	}
}

// TestRelayDeadLetters sends a record without relay headers to the DLQ
// with its reason and keeps forwarding the records behind it.
func TestRelayDeadLetters(t *testing.T) {
	kafka, cat := startKafka(t)
	startRelay(t, Config{Kafka: kafka, Catalog: cat})

	tier := cat.Tier(time.Second)
	now := time.Now()
	bad := &kgo.Record{Topic: tier, Key: []byte("exec-3"), Value: []byte("lost")}
	loop := delay.Delay(&kgo.Record{Topic: tier, Key: []byte("exec-3"), Value: []byte("loop")}, now, now, cat)
	good := delay.Delay(&kgo.Record{Topic: targetOf(cat), Key: []byte("exec-3"), Value: []byte("fine")}, now, now, cat)
	kafkatest.Produce(t, kafka, bad, loop, good)

	got := kafkatest.Collect(t, kafkatest.Client(t, kafka, targetOf(cat)), 1)
	if string(got[0].Value) != "fine" {
		t.Errorf("forwarded %s, want fine", got[0].Value)
	}
	dead := kafkatest.Collect(t, kafkatest.Client(t, kafka, cat.DLQ()), 2)
	for i, want := range []struct {
		rec *kgo.Record
		err string
	}{
		{bad, "invalid relay headers: no mie-relay-target header"},
		{loop, "invalid relay headers: target " + tier + " is a relay tier"},
	} {
		d := dead[i]
		if string(d.Value) != string(want.rec.Value) {
			t.Errorf("dead letter %d = %s, want %s", i, d.Value, want.rec.Value)
		}
		for key, v := range map[string]string{
			deadletter.HeaderReason:          deadletter.ReasonBadRelayHeaders,
			deadletter.HeaderError:           want.err,
			deadletter.HeaderSourceTopic:     tier,
			deadletter.HeaderSourcePartition: strconv.Itoa(int(want.rec.Partition)),
			deadletter.HeaderSourceOffset:    strconv.FormatInt(want.rec.Offset, 10),
			deadletter.HeaderHandler:         cat.Group(DefaultGroup),
		} {
			if h, _ := header(d, key); h != v {
				t.Errorf("dead letter %d header %s = %q, want %q", i, key, h, v)
			}
		}
	}
}

// TestRelayHandsOverHeldRecords stops a relay while it holds a record: the
// record was never committed, so the relay that takes over forwards it.
func TestRelayHandsOverHeldRecords(t *testing.T) {
	kafka, cat := startKafka(t)
	first, err := New(Config{Kafka: kafka, Catalog: cat, Logger: slog.New(slog.NewTextHandler(t.Output(), nil))})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- first.Run(ctx) }()

	now := time.Now()
	due := now.Add(800 * time.Millisecond)
	kafkatest.Produce(t, kafka, delay.Delay(&kgo.Record{Topic: targetOf(cat), Key: []byte("exec-9"), Value: []byte("held")}, due, now, cat))
	kafkatest.Eventually(t, "the first relay to hold the record", func() bool {
		first.mu.Lock()
		defer first.mu.Unlock()
		for _, q := range first.parts {
			if len(q.items) == 1 && q.paused {
				return true
			}
		}
		return false
	})
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Run: %v", err)
	}
	first.mu.Lock()
	if len(first.parts) != 0 {
		t.Errorf("stopped relay still owns %d partitions, want its buffers dropped", len(first.parts))
	}
	first.mu.Unlock()

	startRelay(t, Config{Kafka: kafka, Catalog: cat})
	got := kafkatest.Collect(t, kafkatest.Client(t, kafka, targetOf(cat)), 1)
	if string(got[0].Value) != "held" || got[0].Timestamp.UnixMilli() < due.UnixMilli() {
		t.Errorf("forwarded %s at %s, want held at or after %s", got[0].Value, got[0].Timestamp, due)
	}
}
