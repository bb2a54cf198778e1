package relay

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/broker"
	"github.com/mie-kafka/mie/internal/topics"
)

var testKafka = broker.Config{Brokers: []string{"localhost:9092"}}

// startKafka returns a cluster for one test: the brokers named in
// MIE_TEST_KAFKA_BROKERS if set, else an in-process kfake broker. Topics get
// a prefix unique to the test and are created with 2 partitions, with a
// tier topic for each of tiers.
func startKafka(t *testing.T, tiers ...time.Duration) (broker.Config, topics.Catalog) {
	t.Helper()
	var brokers []string
	if env := os.Getenv("MIE_TEST_KAFKA_BROKERS"); env != "" {
		brokers = strings.Split(env, ",")
	} else {
		e, err := broker.StartEmbedded(broker.EmbeddedConfig{Partitions: 2})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(e.Close)
		brokers = e.Addrs()
	}
	id := events.NewID()
	cat := topics.New("t-"+id[len(id)-12:]+".", 2)
	cfg := broker.Config{Brokers: brokers, ClientID: "relay-test"}
	specs := append(cat.Specs(), cat.TaskSpec(targetOf(cat)))
	for _, d := range tiers {
		specs = append(specs, topics.Spec{Name: cat.Tier(d), Partitions: 2, Retention: time.Hour})
	}
	cl := newClient(t, cfg)
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	if err := topics.Ensure(ctx, kadm.NewClient(cl), specs...); err != nil {
		t.Fatal(err)
	}
	return cfg, cat
}

// newClient returns a plain client that reads committed records from the
// start of topicNames.
func newClient(t *testing.T, cfg broker.Config, topicNames ...string) *kgo.Client {
	t.Helper()
	opts := []kgo.Opt{kgo.FetchIsolationLevel(kgo.ReadCommitted()), kgo.FetchMaxWait(200 * time.Millisecond)}
	if len(topicNames) > 0 {
		opts = append(opts, kgo.ConsumeTopics(topicNames...), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
	}
	cl, err := kgo.NewClient(cfg.Opts(opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cl.Close)
	return cl
}

// collect polls cl until it has n records or the deadline passes, and
// notes when each arrived.
func collect(t *testing.T, cl *kgo.Client, n int) (recs []*kgo.Record, arrived []time.Time) {
	t.Helper()
	return collectWhere(t, cl, n, func(*kgo.Record) bool { return true })
}

// collectWhere is collect for the records that keep accepts.
func collectWhere(t *testing.T, cl *kgo.Client, n int, keep func(*kgo.Record) bool) (recs []*kgo.Record, arrived []time.Time) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	for len(recs) < n {
		fs := cl.PollFetches(ctx)
		if ctx.Err() != nil {
			t.Fatalf("got %d records, want %d before the deadline", len(recs), n)
		}
		fs.EachError(func(topic string, p int32, err error) { t.Logf("fetch %s/%d: %v", topic, p, err) })
		now := time.Now()
		for _, r := range fs.Records() {
			if !keep(r) {
				continue
			}
			recs = append(recs, r)
			arrived = append(arrived, now)
		}
	}
	return recs, arrived
}

// eventually polls cond every 20ms until it holds or 20s pass.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		<-tick.C
	}
}

// targetOf is the topic the tests delay records to.
func targetOf(cat topics.Catalog) string { return cat.Prefix + "target" }
