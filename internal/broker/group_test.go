package broker_test

import (
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/mie-kafka/mie/internal/broker"
	"github.com/mie-kafka/mie/internal/kafkatest"
)

// TestCheckSessionTimeout reads the brokers' allowed range, as Apache
// Kafka reports it through DescribeConfigs, and refuses a session timeout
// outside it with a typed error naming the range.
func TestCheckSessionTimeout(t *testing.T) {
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.BrokerConfigs(map[string]string{
		"group.min.session.timeout.ms": "6000", "group.max.session.timeout.ms": "60000"}))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	cl, err := kgo.NewClient(kgo.SeedBrokers(c.ListenAddrs()...))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	for _, tc := range []struct {
		session time.Duration
		bad     bool
	}{
		{3 * time.Second, true},
		{6 * time.Second, false},
		{10 * time.Second, false},
		{time.Minute, false},
		{2 * time.Minute, true},
	} {
		t.Run(tc.session.String(), func(t *testing.T) {
			err := broker.CheckSessionTimeout(t.Context(), cl, tc.session)
			var ste *broker.SessionTimeoutError
			switch {
			case tc.bad && !errors.As(err, &ste):
				t.Fatalf("got %v, want a SessionTimeoutError", err)
			case tc.bad && (ste.Min != 6*time.Second || ste.Max != time.Minute):
				t.Fatalf("range %s..%s, want 6s..1m0s", ste.Min, ste.Max)
			case !tc.bad && err != nil:
				t.Fatalf("got %v, want nil", err)
			}
		})
	}
}

// TestEmbeddedAllowsShortSessions: the embedded broker accepts the short
// session timeouts that tests and single-process restarts use.
func TestEmbeddedAllowsShortSessions(t *testing.T) {
	e, err := broker.StartEmbedded(broker.EmbeddedConfig{})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	cl, err := kgo.NewClient(kgo.SeedBrokers(e.Addrs()...))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	if err := broker.CheckSessionTimeout(t.Context(), cl, time.Second); err != nil {
		t.Fatal(err)
	}
	if err := broker.CheckSessionTimeout(t.Context(), cl, 500*time.Millisecond); err == nil {
		t.Fatal("500ms accepted, want refused below the 1s minimum")
	}
}

func TestSessionOpts(t *testing.T) {
	for _, tc := range []struct{ session, hb time.Duration }{
		{3 * time.Second, time.Second},
		{10 * time.Second, 3 * time.Second},
		{time.Minute, 3 * time.Second},
	} {
		cl, err := kgo.NewClient(append(broker.SessionOpts(tc.session), kgo.ConsumerGroup("g"), kgo.ConsumeTopics("t"))...)
		if err != nil {
			t.Fatal(err)
		}
		if got := cl.OptValue(kgo.HeartbeatInterval); got != tc.hb {
			t.Errorf("session %s: heartbeat %v, want %s", tc.session, got, tc.hb)
		}
		if got := cl.OptValue(kgo.SessionTimeout); got != tc.session {
			t.Errorf("session %s: session timeout %v", tc.session, got)
		}
		cl.Close()
	}
}

// TestCheckSessionTimeoutRealCluster reads the range of the cluster named
// by MIE_TEST_KAFKA_BROKERS (Apache Kafka describes static broker configs
// only per broker id, not for the cluster default).
func TestCheckSessionTimeoutRealCluster(t *testing.T) {
	env := os.Getenv(kafkatest.EnvBrokers)
	if env == "" {
		t.Skip("needs a real cluster: set " + kafkatest.EnvBrokers)
	}
	cl, err := kgo.NewClient(kgo.SeedBrokers(strings.Split(env, ",")...))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	var ste *broker.SessionTimeoutError
	if err := broker.CheckSessionTimeout(t.Context(), cl, time.Millisecond); !errors.As(err, &ste) {
		t.Fatalf("1ms: got %v, want a SessionTimeoutError (the range was not read)", err)
	}
	if ste.Min <= 0 || ste.Max < ste.Min {
		t.Fatalf("range %s..%s", ste.Min, ste.Max)
	}
	if err := broker.CheckSessionTimeout(t.Context(), cl, ste.Min); err != nil {
		t.Fatalf("the minimum itself: %v", err)
	}
}
