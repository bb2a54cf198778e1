package consume_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/broker"
	"github.com/mie-kafka/mie/internal/consume"
	"github.com/mie-kafka/mie/internal/kafkatest"
)

// change builds a data-plane event for an asset; seq makes each distinct.
func change(t *testing.T, asset string, seq int) events.Envelope {
	t.Helper()
	var p events.Payload
	switch seq % 4 {
	case 0:
		p = &events.AssetCreated{AssetId: asset, MediaType: "Video", S3Bucket: "media", S3Key: fmt.Sprintf("upload/%s-%d.mp4", asset, seq)}
	case 1:
		p = &events.MediaObjectAdded{AssetId: asset, MediaType: "Audio", S3Bucket: "media", S3Key: fmt.Sprintf("%s/%d.wav", asset, seq)}
	case 2:
		p = &events.MetadataStored{AssetId: asset, OperatorName: "Labels", Page: seq, Final: true, Results: json.RawMessage(`{"n":1}`)}
	default:
		p = &events.MetadataDeleted{AssetId: asset, OperatorName: "Labels"}
	}
	env, err := events.New(asset, "test", p)
	if err != nil {
		t.Fatal(err)
	}
	return env
}

// produceTx writes envs in one transaction, committed or aborted.
func produceTx(t *testing.T, cfg broker.Config, topic string, commit bool, envs ...events.Envelope) {
	t.Helper()
	cl, err := kgo.NewClient(cfg.Opts(kgo.TransactionalID("test-" + events.NewID()))...)
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	ctx := t.Context()
	if err := cl.BeginTransaction(); err != nil {
		t.Fatal(err)
	}
	for _, e := range envs {
		rec, err := e.Record(topic)
		if err != nil {
			t.Fatal(err)
		}
		if err := cl.ProduceSync(ctx, rec).FirstErr(); err != nil {
			t.Fatal(err)
		}
	}
	if err := cl.EndTransaction(ctx, kgo.TransactionEndTry(commit)); err != nil {
		t.Fatal(err)
	}
}

// producePlain writes envs without a transaction, each to the partition
// given beside it (-1: by key).
func producePlain(t *testing.T, cfg broker.Config, topic string, partition int32, envs ...events.Envelope) {
	t.Helper()
	cl, err := kgo.NewClient(cfg.Opts(kgo.RecordPartitioner(kgo.ManualPartitioner()))...)
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	for _, e := range envs {
		rec, err := e.Record(topic)
		if err != nil {
			t.Fatal(err)
		}
		rec.Partition = partition
		if err := cl.ProduceSync(t.Context(), rec).FirstErr(); err != nil {
			t.Fatal(err)
		}
	}
}

// lines is a goroutine-safe output that splits what is written into lines.
type lines struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *lines) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *lines) changes(t *testing.T) []consume.Change {
	t.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []consume.Change
	sc := bufio.NewScanner(bytes.NewReader(l.buf.Bytes()))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var c consume.Change
		if err := json.Unmarshal(sc.Bytes(), &c); err != nil {
			t.Fatalf("output line %q is not a change: %v", sc.Text(), err)
		}
		out = append(out, c)
	}
	return out
}

// running is a consumer started by start.
type running struct {
	cancel context.CancelFunc
	done   chan error
}

// start runs the consumer in the background; stop cancels it (as SIGINT
// does) and returns what Run returned.
func start(t *testing.T, cfg consume.Config) *running {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	r := &running{cancel: cancel, done: make(chan error, 1)}
	go func() { r.done <- consume.Run(ctx, cfg) }()
	t.Cleanup(func() { r.stop(t) })
	return r
}

func (r *running) stop(t *testing.T) error {
	t.Helper()
	r.cancel()
	select {
	case err, ok := <-r.done:
		if ok {
			close(r.done)
		}
		return err
	case <-time.After(kafkatest.Timeout):
		t.Fatal("consumer did not stop after cancel")
		return nil
	}
}

// baseConfig is a fast-retrying consumer of the catalog's dataplane topic.
func baseConfig(cfg broker.Config, topic, group string) consume.Config {
	return consume.Config{
		Brokers:        cfg.Brokers,
		Topic:          topic,
		Group:          group,
		RetryMin:       5 * time.Millisecond,
		RetryMax:       40 * time.Millisecond,
		CommitInterval: 50 * time.Millisecond,
	}
}

// committed returns the group's committed offsets on topic.
func committed(t *testing.T, cfg broker.Config, group, topic string) map[int32]int64 {
	t.Helper()
	adm := kadm.NewClient(kafkatest.Client(t, cfg))
	resp, err := adm.FetchOffsets(t.Context(), group)
	if err != nil {
		t.Fatal(err)
	}
	out := map[int32]int64{}
	resp.Each(func(o kadm.OffsetResponse) {
		if o.Topic == topic && o.Err == nil && o.At >= 0 {
			out[o.Partition] = o.At
		}
	})
	return out
}

// envelopeOf decodes a change's envelope.
func envelopeOf(t *testing.T, c consume.Change) events.Envelope {
	t.Helper()
	var e events.Envelope
	if err := json.Unmarshal(c.Envelope, &e); err != nil {
		t.Fatalf("change %s/%d@%d has no envelope: %v (error %q)", c.Topic, c.Partition, c.Offset, err, c.Error)
	}
	return e
}

// checkOrder checks that got holds exactly the ids of want, each once, in
// want's order per key.
func checkOrder(t *testing.T, want []events.Envelope, got []events.Envelope) {
	t.Helper()
	seen := map[string]int{}
	for _, e := range got {
		seen[e.ID]++
	}
	wantIDs := map[string]bool{}
	for _, e := range want {
		wantIDs[e.ID] = true
		if seen[e.ID] != 1 {
			t.Errorf("%s %s (key %s) delivered %d times, want once", e.Type, e.ID, e.Key, seen[e.ID])
		}
	}
	for id := range seen {
		if !wantIDs[id] {
			t.Errorf("unexpected change %s delivered", id)
		}
	}
	perKey := func(list []events.Envelope) map[string]string {
		m := map[string][]string{}
		for _, e := range list {
			m[e.Key] = append(m[e.Key], e.ID)
		}
		out := map[string]string{}
		for k, ids := range m {
			out[k] = strings.Join(ids, ",")
		}
		return out
	}
	w, g := perKey(want), perKey(got)
	for k := range w {
		if w[k] != g[k] {
			t.Errorf("key %s: order\n got %s\nwant %s", k, g[k], w[k])
		}
	}
}
