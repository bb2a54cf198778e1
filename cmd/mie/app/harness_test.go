package app

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/mie-kafka/mie/internal/broker"
	"github.com/mie-kafka/mie/internal/cli"
	"github.com/mie-kafka/mie/internal/topics"
	"github.com/mie-kafka/mie/schemas"
)

// BrokersEnv names a real Kafka cluster for the integration tests; without
// it they run against the in-process kfake broker.
const BrokersEnv = "MIE_TEST_KAFKA_BROKERS"

type harness struct {
	t       *testing.T
	brokers []string
	prefix  string
	dataDir string
	apps    []*App
	// configure, when set, adjusts every instance's Config; logs, when
	// set, receives every instance's log as JSON lines from Info up
	// instead of the test log.
	configure func(*Config)
	logs      io.Writer
}

// newHarness gives a test a broker: the real one named by MIE_TEST_KAFKA_BROKERS
// (with a topic prefix of its own) or a fresh in-process kfake.
func newHarness(t *testing.T) *harness {
	t.Helper()
	h := &harness{t: t, prefix: fmt.Sprintf("t%d.", time.Now().UnixNano()), dataDir: t.TempDir()}
	if env := os.Getenv(BrokersEnv); env != "" {
		h.brokers = cli.SplitList(env)
	} else {
		emb, err := broker.StartEmbedded(broker.EmbeddedConfig{Partitions: 4})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(emb.Close)
		h.brokers = emb.Addrs()
	}
	return h
}

func (h *harness) config(instance string) Config {
	c := h.baseConfig(instance)
	if h.configure != nil {
		h.configure(&c)
	}
	return c
}

func (h *harness) baseConfig(instance string) Config {
	return Config{
		Addr: "127.0.0.1:0", Kafka: h.brokers, TopicPrefix: h.prefix, Partitions: 4, Instance: instance,
		Operators: []string{"Passthrough", "Sleep", "Fail", "ObjectInfo", "http", "aws.dynamodb", "aws.sns", "aws.events", "aws.http"},
		DataDir:   h.dataDir,
		Store:     "local", Bucket: "mie-dataplane", UploadLimit: 8 << 20, ClaimThreshold: 64 << 10,
		OperatorTimeout: time.Hour, SessionTimeout: 3 * time.Second, Log: cli.Log{Level: slog.LevelWarn, Format: "text"},
	}
}

func (h *harness) start(instance string, roles Roles) *App {
	h.t.Helper()
	cfg := h.config(instance)
	log := slog.New(slog.NewTextHandler(testWriter{h.t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
	if h.logs != nil {
		log = slog.New(slog.NewJSONHandler(h.logs, &slog.HandlerOptions{Level: slog.LevelInfo}))
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	a, err := Start(ctx, cfg, roles, log)
	if err != nil {
		h.t.Fatal(err)
	}
	h.t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		a.Shutdown(ctx)
	})
	h.apps = append(h.apps, a)
	return a
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

// call does one HTTP request and decodes the JSON answer into out.
func call(t *testing.T, a *App, method, path string, body any, out any) int {
	t.Helper()
	var rd io.Reader
	if body != nil {
		if s, ok := body.(string); ok {
			rd = strings.NewReader(s)
		} else {
			b, _ := json.Marshal(body)
			rd = bytes.NewReader(b)
		}
	}
	req, _ := http.NewRequest(method, a.URL()+path, rd)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if out != nil && len(b) > 0 {
		if err := json.Unmarshal(b, out); err != nil {
			t.Fatalf("%s %s: %d %s: %v", method, path, resp.StatusCode, b, err)
		}
	}
	return resp.StatusCode
}

// must is call that expects a status.
func must(t *testing.T, a *App, want int, method, path string, body any, out any) {
	t.Helper()
	var raw json.RawMessage
	got := call(t, a, method, path, body, &raw)
	if got != want {
		t.Fatalf("%s %s = %d %s, want %d", method, path, got, raw, want)
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			t.Fatal(err)
		}
	}
}

// eventually polls cond until it holds or the deadline passes.
func eventually(t *testing.T, d time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// validateTopics reads every record of the engine's topics and validates
// each against its JSON Schema: every record the code emitted is checked.
func validateTopics(t *testing.T, a *App) int {
	t.Helper()
	v, err := schemas.New()
	if err != nil {
		t.Fatal(err)
	}
	cat := a.Catalog()
	tops := []string{cat.Definitions(), cat.Commands(), cat.Executions(), cat.Results(), cat.Admission(), cat.AdmissionState(),
		cat.Dataplane(), cat.Segments()}
	for _, impl := range a.taskImpls(true) {
		tp, _ := cat.Task(impl)
		tops = append(tops, tp)
	}
	for _, d := range topics.Tiers {
		tops = append(tops, cat.Tier(d))
	}
	for _, s := range a.mediaSpecs() {
		tops = append(tops, s.Name)
	}
	cl, err := kgo.NewClient(a.kafka.Opts()...)
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	n := 0
	for _, topic := range tops {
		ends, err := broker.StableEnds(context.Background(), cl, topic)
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		err = a.kafka.ReadCommitted(ctx, topic, ends, func(r *kgo.Record) error {
			if r.Value == nil {
				return nil // compaction tombstone
			}
			n++
			if err := v.Validate(r.Value); err != nil {
				return fmt.Errorf("%s/%d@%d: %w", r.Topic, r.Partition, r.Offset, err)
			}
			return nil
		})
		cancel()
		if err != nil {
			t.Fatal(err)
		}
	}
	return n
}
