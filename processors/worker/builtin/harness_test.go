package builtin_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/broker"
	"github.com/mie-kafka/mie/internal/claimcheck"
	"github.com/mie-kafka/mie/internal/kafkatest"
	"github.com/mie-kafka/mie/internal/media/mediatest"
	"github.com/mie-kafka/mie/internal/media/probe"
	"github.com/mie-kafka/mie/internal/objectstore"
	"github.com/mie-kafka/mie/internal/topics"
	"github.com/mie-kafka/mie/internal/transact"
	"github.com/mie-kafka/mie/processors/worker"
)

const dpBucket = "mie-dataplane"

// syncBuffer collects log lines from several goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// harness runs built-ins in real worker Runtimes on kfake with a data
// plane on a local object store, and reads back their results and data
// plane changes.
type harness struct {
	t     *testing.T
	kafka broker.Config
	cat   topics.Catalog
	store *objectstore.Local
	dp    *worker.DataPlane
	logs  syncBuffer

	mu      sync.Mutex
	started map[string]bool
	results map[string]*events.OperatorResult
	changes map[string][]events.Payload // by asset
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	kafka, cat := kafkatest.Start(t)
	store, err := objectstore.NewLocal(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	cl, err := claimcheck.New(store, claimcheck.Config{Bucket: dpBucket})
	if err != nil {
		t.Fatal(err)
	}
	h := &harness{t: t, kafka: kafka, cat: cat, store: store, dp: &worker.DataPlane{Store: store, Bucket: dpBucket, Claims: cl},
		started: map[string]bool{}, results: map[string]*events.OperatorResult{}, changes: map[string][]events.Payload{}}
	h.follow(cat.Results(), func(p events.Payload) {
		r := p.(*events.OperatorResult)
		h.results[r.TaskId] = r
	})
	h.follow(cat.Dataplane(), func(p events.Payload) {
		asset := ""
		switch c := p.(type) {
		case *events.MetadataStored:
			asset = c.AssetId
		case *events.MediaObjectAdded:
			asset = c.AssetId
		}
		h.changes[asset] = append(h.changes[asset], p)
	})
	return h
}

func (h *harness) follow(topic string, f func(events.Payload)) {
	cl := kafkatest.Client(h.t, h.kafka, topic)
	h.run(func(ctx context.Context) error {
		for ctx.Err() == nil {
			cl.PollFetches(ctx).EachRecord(func(r *kgo.Record) {
				_, p, err := events.DecodeRecord(r)
				if err != nil {
					h.t.Errorf("%s: %v", topic, err)
					return
				}
				h.mu.Lock()
				f(p)
				h.mu.Unlock()
			})
		}
		return nil
	})
}

func (h *harness) run(fn func(context.Context) error) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := fn(ctx); err != nil {
			h.t.Errorf("run: %v", err)
		}
	}()
	h.t.Cleanup(func() { cancel(); <-done })
}

// serve starts handler h on builtin:<name>'s topic, once.
func (h *harness) serve(name string, handler worker.Handler) string {
	h.t.Helper()
	topic, err := h.cat.Task("builtin:" + name)
	if err != nil {
		h.t.Fatal(err)
	}
	h.mu.Lock()
	started := h.started[name]
	h.started[name] = true
	h.mu.Unlock()
	if started {
		return topic
	}
	kafkatest.Ensure(h.t, h.kafka, h.cat.TaskSpec(topic))
	rt, err := worker.New(worker.Config{Config: transact.Config{Kafka: h.kafka, Catalog: h.cat,
		Logger: slog.New(slog.NewTextHandler(&h.logs, &slog.HandlerOptions{Level: slog.LevelWarn}))},
		Topic: topic, Handler: handler, DataPlane: h.dp, Concurrency: 2})
	if err != nil {
		h.t.Fatal(err)
	}
	h.run(rt.Run)
	return topic
}

// operator runs one MIE operator task (the operator event of an MIE
// workflow) and returns its result.
func (h *harness) operator(name string, handler worker.Handler, asset string, media map[string]events.MediaObject,
	metadata, cfg map[string]any) *events.OperatorResult {
	h.t.Helper()
	id := events.NewID()
	return h.send(name, handler, id, &events.OperatorTaskRequest{Name: name, AssetId: asset, WorkflowExecutionId: "exec-" + asset,
		Input: events.OperatorInput{Media: media, MetaData: metadata}, Configuration: cfg, StageName: "S",
		Type: "Sync", Implementation: "builtin:" + name, Path: "S/" + name, TaskId: id, Attempt: 1, Phase: events.PhaseStart})
}

// function invokes a function as a Task whose Resource is its Lambda ARN
// does.
func (h *harness) function(name, impl string, handler worker.Handler, payload any) *events.OperatorResult {
	h.t.Helper()
	raw, err := json.Marshal(payload)
	if err != nil {
		h.t.Fatal(err)
	}
	id := events.NewID()
	return h.send(impl, handler, id, &events.OperatorTaskRequest{Name: name, WorkflowExecutionId: "exec-fn", Path: name,
		TaskId: id, Attempt: 1, Phase: events.PhaseStart, Implementation: "builtin:" + impl, Invocation: events.Invocation{Run: 2,
			Payload: raw, Function: name, Resource: "arn:aws:lambda:us-east-1:123456789012:function:" + name}})
}

func (h *harness) send(impl string, handler worker.Handler, id string, task *events.OperatorTaskRequest) *events.OperatorResult {
	h.t.Helper()
	topic := h.serve(impl, handler)
	env, err := events.New(task.WorkflowExecutionId, "test", task)
	if err != nil {
		h.t.Fatal(err)
	}
	rec, err := env.Record(topic)
	if err != nil {
		h.t.Fatal(err)
	}
	kafkatest.Produce(h.t, h.kafka, rec)
	var res *events.OperatorResult
	h.eventually("the result of "+impl+" task "+id, func() bool {
		res = h.results[id]
		return res != nil
	})
	return res
}

// changesOf waits for the asset's data plane changes (they commit with
// the result, on another topic) and returns them.
func (h *harness) changesOf(asset string, n int) []events.Payload {
	h.t.Helper()
	var out []events.Payload
	h.eventually("data plane changes of "+asset, func() bool {
		out = append([]events.Payload(nil), h.changes[asset]...)
		return len(out) >= n
	})
	return out
}

// eventually polls cond, under the harness's lock, until it holds.
func (h *harness) eventually(what string, cond func() bool) {
	h.t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		h.mu.Lock()
		ok := cond()
		h.mu.Unlock()
		if ok {
			return
		}
		if time.Now().After(deadline) {
			h.t.Fatalf("timed out waiting for %s\n%s", what, h.logs.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// put stores a file at dpBucket/key.
func (h *harness) put(key, path string) events.MediaObject {
	h.t.Helper()
	f, err := os.Open(path)
	if err != nil {
		h.t.Fatal(err)
	}
	defer f.Close()
	if _, err := h.store.Put(h.t.Context(), dpBucket, key, f, -1, ""); err != nil {
		h.t.Fatal(err)
	}
	return events.MediaObject{S3Bucket: dpBucket, S3Key: key}
}

// clip makes a clip and stores it at key.
func (h *harness) clip(key string, c mediatest.Clip) events.MediaObject {
	h.t.Helper()
	c.Name = filepath.Base(key)
	return h.put(key, mediatest.Make(h.t, "", c))
}

// probe describes a stored object.
func (h *harness) probe(m events.MediaObject) *probe.Metadata {
	h.t.Helper()
	md, err := probe.File(h.t.Context(), filepath.Join(h.store.Dir(), m.S3Bucket, m.S3Key))
	if err != nil {
		h.t.Fatalf("probe %s: %v", m.S3Key, err)
	}
	return md
}

func (h *harness) read(m events.MediaObject) []byte {
	h.t.Helper()
	b, err := os.ReadFile(filepath.Join(h.store.Dir(), m.S3Bucket, m.S3Key))
	if err != nil {
		h.t.Fatal(err)
	}
	return b
}
