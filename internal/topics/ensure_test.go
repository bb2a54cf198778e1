package topics_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/mie-kafka/mie/internal/broker"
	"github.com/mie-kafka/mie/internal/kafkatest"
	"github.com/mie-kafka/mie/internal/topics"
)

// cluster returns a test cluster (kfake, or MIE_TEST_KAFKA_BROKERS) with
// an admin client, and a catalog under the test's own prefix whose topics
// do not exist yet.
func cluster(t *testing.T, sub string, partitions int32) (broker.Config, *kgo.Client, topics.Catalog) {
	t.Helper()
	kafka, base := kafkatest.Start(t)
	return kafka, kafkatest.Client(t, kafka), topics.New(base.Prefix+sub, partitions)
}

// TestEnsureCreatesAndChecks: once Ensure returns, the topics are usable at
// once (on Apache Kafka, CreateTopics answers before the brokers' metadata
// knows the topic), with the catalog's partitions and cleanup policy.
func TestEnsureCreatesAndChecks(t *testing.T) {
	ctx, cancel := context.WithTimeout(t.Context(), kafkatest.Timeout)
	defer cancel()
	_, cl, cat := cluster(t, "x.", 6)
	adm := kadm.NewClient(cl)
	if err := topics.Ensure(ctx, adm, cat.Specs()...); err != nil {
		t.Fatal(err)
	}
	// No polling: usable right away.
	ends, err := broker.StableEnds(ctx, cl, cat.Commands())
	if err != nil {
		t.Fatalf("list offsets right after Ensure: %v", err)
	}
	if len(ends) != 6 {
		t.Fatalf("commands has %d partitions in ListOffsets, want 6", len(ends))
	}
	if err := cl.ProduceSync(ctx, &kgo.Record{Topic: cat.Definitions(), Key: []byte("k"), Value: []byte("v")}).FirstErr(); err != nil {
		t.Fatalf("produce right after Ensure: %v", err)
	}
	// Idempotent.
	if err := topics.Ensure(ctx, adm, cat.Specs()...); err != nil {
		t.Fatalf("second Ensure: %v", err)
	}
	details, err := adm.ListTopics(ctx, cat.Commands(), cat.Definitions())
	if err != nil {
		t.Fatal(err)
	}
	if n := len(details[cat.Commands()].Partitions); n != 6 {
		t.Fatalf("commands has %d partitions", n)
	}
	if n := len(details[cat.Definitions()].Partitions); n != 1 {
		t.Fatalf("definitions has %d partitions", n)
	}
	rc, err := adm.DescribeTopicConfigs(ctx, cat.Definitions())
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, c := range rc[0].Configs {
		if c.Key == "cleanup.policy" && c.Value != nil && *c.Value == "compact" {
			found = true
		}
	}
	if !found {
		t.Fatal("definitions is not compacted")
	}
}

// TestLookupDoesNotCreate: the engine's clients never auto-create topics.
// Apache Kafka brokers do by default on any metadata request that allows
// it, with the broker's shape (1 partition); Ensure must be the one to
// create them, with the catalog's.
func TestLookupDoesNotCreate(t *testing.T) {
	ctx, cancel := context.WithTimeout(t.Context(), kafkatest.Timeout)
	defer cancel()
	_, cl, cat := cluster(t, "auto.", 3)
	adm := kadm.NewClient(cl)
	// Look-ups that would auto-create with a client that allows it.
	if _, err := adm.ListTopics(ctx, cat.Commands()); err != nil {
		t.Fatal(err)
	}
	_ = cl.ProduceSync(ctx, &kgo.Record{Topic: cat.Results(), Value: []byte("x")}).FirstErr()
	details, err := adm.ListTopics(kadm.WithAuthorizedOps(ctx), cat.Commands(), cat.Results())
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{cat.Commands(), cat.Results()} {
		if d := details[n]; !errors.Is(d.Err, kerr.UnknownTopicOrPartition) {
			t.Fatalf("%s after a look-up: %+v, want UNKNOWN_TOPIC_OR_PARTITION (auto-created?)", n, d)
		}
	}
	if err := topics.Ensure(ctx, adm, cat.Specs()...); err != nil {
		t.Fatal(err)
	}
	details, err = adm.ListTopics(ctx, cat.Commands())
	if err != nil {
		t.Fatal(err)
	}
	if n := len(details[cat.Commands()].Partitions); n != 3 {
		t.Fatalf("commands has %d partitions, want the catalog's 3", n)
	}
}

func TestEnsureRefusesWrongShape(t *testing.T) {
	ctx, cancel := context.WithTimeout(t.Context(), kafkatest.Timeout)
	defer cancel()
	_, cl, cat := cluster(t, "y.", 6)
	adm := kadm.NewClient(cl)
	del := "delete"
	if _, err := adm.CreateTopic(ctx, 3, -1, nil, cat.Commands()); err != nil {
		t.Fatal(err)
	}
	if _, err := adm.CreateTopic(ctx, 1, -1, map[string]*string{"cleanup.policy": &del}, cat.Definitions()); err != nil {
		t.Fatal(err)
	}
	err := topics.Ensure(ctx, adm, cat.Specs()...)
	var mm *topics.MismatchError
	if !errors.As(err, &mm) {
		t.Fatalf("want a MismatchError, got %v", err)
	}
	msg := err.Error()
	for _, want := range []string{cat.Commands() + " exists with the wrong shape: has 3 partitions, want 6",
		cat.Definitions() + " exists with the wrong shape: cleanup.policy is delete, want compact"} {
		if !strings.Contains(msg, want) {
			t.Fatalf("error %q does not say %q", msg, want)
		}
	}
}
