// Package kafkatest gives tests a Kafka cluster and the few helpers they
// share to use it. Only tests import it.
//
// By default each test gets its own in-process kfake broker. When
// MIE_TEST_KAFKA_BROKERS names brokers (host:port, comma separated), the
// same tests run against that cluster instead: every test then gets a topic
// prefix of its own and deletes its topics when it ends.
package kafkatest

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

// EnvBrokers names the environment variable that selects a real cluster.
const EnvBrokers = "MIE_TEST_KAFKA_BROKERS"

// Partitions is the partition count of the test catalog's topics.
const Partitions = 2

// Timeout bounds every wait in this package.
const Timeout = 20 * time.Second

// Shared reports whether the tests run against a real cluster named by
// EnvBrokers rather than an embedded kfake broker.
func Shared() bool { return os.Getenv(EnvBrokers) != "" }

// Start returns a cluster for one test and a catalog whose topics (all of
// Catalog.Specs) exist. The catalog's prefix is unique to the test.
func Start(t testing.TB) (broker.Config, topics.Catalog) {
	t.Helper()
	cfg := broker.Config{ClientID: "mie-test"}
	shared := Shared()
	if shared {
		cfg.Brokers = strings.Split(os.Getenv(EnvBrokers), ",")
	} else {
		e, err := broker.StartEmbedded(broker.EmbeddedConfig{Partitions: Partitions})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(e.Close)
		cfg.Brokers = e.Addrs()
	}
	id := events.NewID()
	cat := topics.New("t-"+id[len(id)-12:]+".", Partitions)
	if shared {
		t.Cleanup(func() { deleteTopics(t, cfg, cat.Prefix) })
	}
	Ensure(t, cfg, cat.Specs()...)
	return cfg, cat
}

// Ensure creates the topics of specs, or checks their shape if they exist.
func Ensure(t testing.TB, cfg broker.Config, specs ...topics.Spec) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), Timeout)
	defer cancel()
	cl := Client(t, cfg)
	if err := topics.Ensure(ctx, kadm.NewClient(cl), specs...); err != nil {
		t.Fatal(err)
	}
}

// deleteTopics deletes every topic named with prefix; it runs after the
// test, when t.Context is done.
func deleteTopics(t testing.TB, cfg broker.Config, prefix string) {
	ctx, cancel := context.WithTimeout(context.Background(), Timeout)
	defer cancel()
	if _, err := broker.DeleteTopicsWithPrefix(ctx, cfg, prefix); err != nil {
		t.Errorf("kafkatest: %v", err)
	}
}

// Client returns a client closed when the test ends. With topic names, it
// reads their committed records from the start.
func Client(t testing.TB, cfg broker.Config, topicNames ...string) *kgo.Client {
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

// Produce writes recs and fails the test if any write fails.
func Produce(t testing.TB, cfg broker.Config, recs ...*kgo.Record) {
	t.Helper()
	if err := Client(t, cfg).ProduceSync(t.Context(), recs...).FirstErr(); err != nil {
		t.Fatal(err)
	}
}

// ProduceTxn writes recs in one committed transaction and returns once
// read-committed readers can see them. On Apache Kafka a commit returns
// before the commit markers are written: for a moment after it, the last
// stable offset still stands before the transaction's records.
func ProduceTxn(t testing.TB, cfg broker.Config, recs ...*kgo.Record) {
	t.Helper()
	cl, err := kgo.NewClient(cfg.Opts(kgo.TransactionalID("kafkatest-"+events.NewID()), kgo.ProducerLinger(0))...)
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	if err := cl.BeginTransaction(); err != nil {
		t.Fatal(err)
	}
	res := cl.ProduceSync(t.Context(), recs...)
	if err := res.FirstErr(); err != nil {
		t.Fatal(err)
	}
	if err := cl.EndTransaction(t.Context(), kgo.TryCommit); err != nil {
		t.Fatal(err)
	}
	last := map[string]map[int32]int64{}
	for _, r := range res {
		if last[r.Record.Topic] == nil {
			last[r.Record.Topic] = map[int32]int64{}
		}
		last[r.Record.Topic][r.Record.Partition] = max(last[r.Record.Topic][r.Record.Partition], r.Record.Offset)
	}
	for topic, parts := range last {
		Eventually(t, "the transaction on "+topic+" to be stable", func() bool {
			ends, err := broker.StableEnds(t.Context(), cl, topic)
			if err != nil {
				t.Logf("stable ends of %s: %v", topic, err)
				return false
			}
			for p, off := range parts {
				if ends[p] <= off {
					return false
				}
			}
			return true
		})
	}
}

// Collect polls cl until it has n records, failing the test after Timeout.
func Collect(t testing.TB, cl *kgo.Client, n int) []*kgo.Record {
	t.Helper()
	recs, _ := CollectWhere(t, cl, n, nil)
	return recs
}

// CollectWhere polls cl until it has n records that keep accepts (nil
// keeps all), failing the test after Timeout, and notes when each arrived.
func CollectWhere(t testing.TB, cl *kgo.Client, n int, keep func(*kgo.Record) bool) (recs []*kgo.Record, arrived []time.Time) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), Timeout)
	defer cancel()
	for len(recs) < n {
		fs := cl.PollFetches(ctx)
		if ctx.Err() != nil {
			t.Fatalf("got %d records, want %d before the deadline", len(recs), n)
		}
		fs.EachError(func(topic string, p int32, err error) { t.Logf("fetch %s/%d: %v", topic, p, err) })
		now := time.Now()
		for _, r := range fs.Records() {
			if keep != nil && !keep(r) {
				continue
			}
			recs = append(recs, r)
			arrived = append(arrived, now)
		}
	}
	return recs, arrived
}

// Eventually polls cond every 20ms until it holds, failing the test after
// Timeout.
func Eventually(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(Timeout)
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		<-tick.C
	}
}
