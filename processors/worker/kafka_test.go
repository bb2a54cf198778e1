package worker_test

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

// startKafka returns a cluster for one test: the brokers named in
// MIE_TEST_KAFKA_BROKERS if set, else an in-process kfake broker. Topics get
// a prefix unique to the test and are created with 2 partitions.
func startKafka(t *testing.T) (broker.Config, topics.Catalog) {
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
	cfg := broker.Config{Brokers: brokers, ClientID: "worker-test"}
	cl, err := kgo.NewClient(cfg.Opts()...)
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	if err := topics.Ensure(ctx, kadm.NewClient(cl), cat.Specs()...); err != nil {
		t.Fatal(err)
	}
	return cfg, cat
}

// newClient returns a plain client that reads committed records from the
// start of topics.
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

// collect polls cl until it has n records or the deadline passes.
func collect(t *testing.T, cl *kgo.Client, n int) []*kgo.Record {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	var out []*kgo.Record
	for len(out) < n {
		fs := cl.PollFetches(ctx)
		if ctx.Err() != nil {
			t.Fatalf("got %d records, want %d before the deadline", len(out), n)
		}
		fs.EachError(func(topic string, p int32, err error) { t.Logf("fetch %s/%d: %v", topic, p, err) })
		out = append(out, fs.Records()...)
	}
	return out
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
