package kafkatest_test

import (
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/mie-kafka/mie/internal/broker"
	"github.com/mie-kafka/mie/internal/kafkatest"
	"github.com/mie-kafka/mie/internal/topics"
)

// topicNames lists the topics of the cluster at brokers named with prefix.
func topicNames(t *testing.T, brokers []string, prefix string) []string {
	t.Helper()
	cl := kafkatest.Client(t, broker.Config{Brokers: brokers})
	listed, err := kadm.NewClient(cl).ListTopics(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, n := range listed.Names() {
		if strings.HasPrefix(n, prefix) {
			out = append(out, n)
		}
	}
	slices.Sort(out)
	return out
}

func specNames(specs []topics.Spec) []string {
	var out []string
	for _, s := range specs {
		out = append(out, s.Name)
	}
	slices.Sort(out)
	return out
}

// TestStartKfake gets a fresh broker with the catalog's topics, and reads
// back what it produces.
func TestStartKfake(t *testing.T) {
	t.Setenv(kafkatest.EnvBrokers, "")
	kafka, cat := kafkatest.Start(t)
	if got, want := topicNames(t, kafka.Brokers, cat.Prefix), specNames(cat.Specs()); !slices.Equal(got, want) {
		t.Fatalf("topics %v, want %v", got, want)
	}
	kafkatest.Produce(t, kafka,
		&kgo.Record{Topic: cat.Commands(), Key: []byte("a"), Value: []byte("1")},
		&kgo.Record{Topic: cat.Commands(), Key: []byte("a"), Value: []byte("2")},
		&kgo.Record{Topic: cat.Commands(), Key: []byte("a"), Value: []byte("3")})
	recs, arrived := kafkatest.CollectWhere(t, kafkatest.Client(t, kafka, cat.Commands()), 2,
		func(r *kgo.Record) bool { return string(r.Value) != "2" })
	if len(recs) != 2 || string(recs[0].Value) != "1" || string(recs[1].Value) != "3" || len(arrived) != 2 || arrived[0].IsZero() {
		t.Fatalf("collected %d records %v arrived %v, want 1 and 3", len(recs), recs, arrived)
	}
}

// sharedCluster is the cluster MIE_TEST_KAFKA_BROKERS names, or else an
// embedded broker that the variable is pointed at for the test.
type sharedCluster []string

func (s sharedCluster) Addrs() []string { return s }

func startShared(t *testing.T) sharedCluster {
	t.Helper()
	if env := os.Getenv(kafkatest.EnvBrokers); env != "" {
		return strings.Split(env, ",")
	}
	e, err := broker.StartEmbedded(broker.EmbeddedConfig{Partitions: kafkatest.Partitions})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(e.Close)
	t.Setenv(kafkatest.EnvBrokers, strings.Join(e.Addrs(), ","))
	return e.Addrs()
}

// TestStartSharedCluster points MIE_TEST_KAFKA_BROKERS at one broker (the
// real one, when it names one): each test gets its own prefix, its topics
// are listed right after Start, and they are deleted when it ends.
func TestStartSharedCluster(t *testing.T) {
	shared := startShared(t)

	var prefixes []string
	for _, name := range []string{"first", "second"} {
		t.Run(name, func(t *testing.T) {
			kafka, cat := kafkatest.Start(t)
			if !slices.Equal(kafka.Brokers, shared.Addrs()) {
				t.Errorf("brokers %v, want the shared %v", kafka.Brokers, shared.Addrs())
			}
			if got, want := topicNames(t, shared.Addrs(), cat.Prefix), specNames(cat.Specs()); !slices.Equal(got, want) {
				t.Errorf("topics %v, want %v", got, want)
			}
			prefixes = append(prefixes, cat.Prefix)
		})
	}
	if len(prefixes) != 2 || prefixes[0] == prefixes[1] {
		t.Fatalf("prefixes %v, want two different ones", prefixes)
	}
	for _, p := range prefixes {
		if left := topicNames(t, shared.Addrs(), p); len(left) != 0 {
			t.Errorf("topics %v left after the test, want them deleted", left)
		}
	}
}
