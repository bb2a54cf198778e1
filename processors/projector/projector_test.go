package projector_test

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"reflect"
	"sort"
	"sync/atomic"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/mie-kafka/mie/internal/broker"
	"github.com/mie-kafka/mie/internal/deadletter"
	"github.com/mie-kafka/mie/internal/kafkatest"
	"github.com/mie-kafka/mie/internal/topics"
	"github.com/mie-kafka/mie/processors/projector"
	"github.com/mie-kafka/mie/projections/projectiontest"
)

func logger(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
}

func streams() []projectiontest.Stream {
	return []projectiontest.Stream{projectiontest.Executions(), projectiontest.Dataplane(), projectiontest.Segments(), projectiontest.Tables()}
}

// want is what folding every stream from the start writes, as FINAL reads.
func want(t *testing.T) map[string][]any {
	t.Helper()
	w := newTables()
	for _, s := range streams() {
		var recs []projector.Record
		for i, e := range s.Events {
			env := e.Envelope(s.Name, i)
			v, _ := json.Marshal(&env)
			rec, bad := projector.Decode(&kgo.Record{Key: []byte(env.Key), Value: v, Offset: int64(i)})
			if bad != nil {
				t.Fatal(bad.Err)
			}
			recs = append(recs, rec)
		}
		rows, _ := projector.FoldAll(definition(t, s.Name), recs, 1)
		w.write(&rows)
	}
	return w.final()
}

// finalByKey drops the log positions, which differ between a topic with
// several partitions and the single-partition fold of want.
func finalByKey(t *testing.T, m map[string][]any) string {
	t.Helper()
	b, _ := json.Marshal(m)
	var generic map[string][]map[string]any
	if err := json.Unmarshal(b, &generic); err != nil {
		t.Fatal(err)
	}
	for _, rows := range generic {
		for _, r := range rows {
			delete(r, "partition")
			delete(r, "offset")
			delete(r, "_version")
			if runs, ok := r["runs"].(map[string]any); ok {
				for _, run := range runs {
					delete(run.(map[string]any), "partition")
					delete(run.(map[string]any), "offset")
					delete(run.(map[string]any), "_version")
				}
			}
		}
	}
	// Sort each table's rows: their keys held offsets, which differ.
	for table, rows := range generic {
		sort.Slice(rows, func(i, j int) bool {
			a, _ := json.Marshal(rows[i])
			b, _ := json.Marshal(rows[j])
			return string(a) < string(b)
		})
		generic[table] = rows
	}
	b, _ = json.Marshal(generic)
	return string(b)
}

func produceStreams(t *testing.T, kafka broker.Config, cat topics.Catalog) {
	for _, s := range streams() {
		projectiontest.Produce(t, kafka, cat, s.Name, 0, s.Topic(cat), s.Events)
	}
}

type runner struct {
	cancel   context.CancelFunc
	finished chan struct{}
	err      error
	p        *projector.Projector
}

func start(t *testing.T, cfg projector.Config) *runner {
	t.Helper()
	if cfg.FlushInterval == 0 {
		cfg.FlushInterval = 50 * time.Millisecond
	}
	cfg.Backoff = projector.Backoff{Min: 10 * time.Millisecond, Max: 100 * time.Millisecond}
	cfg.SessionTimeout = 6 * time.Second
	cfg.Logger = logger(t)
	p, err := projector.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	r := &runner{cancel: cancel, finished: make(chan struct{}), p: p}
	go func() {
		r.err = p.Run(ctx)
		close(r.finished)
	}()
	t.Cleanup(func() { r.stop() })
	return r
}

// stop stops the projector and returns what Run returned.
func (r *runner) stop() error {
	r.cancel()
	return r.wait()
}

// wait waits for Run to return by itself and returns what it returned.
func (r *runner) wait() error {
	select {
	case <-r.finished:
		return r.err
	case <-time.After(kafkatest.Timeout):
		return errors.New("projector did not stop")
	}
}

// lagZero waits until the group of d's generation gen has committed every
// partition's stable end.
func lagZero(t *testing.T, kafka broker.Config, cat topics.Catalog, d projector.Definition, gen uint32) {
	t.Helper()
	adm := kadm.NewClient(kafkatest.Client(t, kafka))
	kafkatest.Eventually(t, d.Name+" to catch up", func() bool {
		st, err := projector.GroupStatus(t.Context(), adm, d, cat, gen)
		return err == nil && st.Lag == 0 && len(st.Partitions) > 0
	})
}

// TestProjectorFoldsTopics: each projection's projector folds its topic
// into the sink, exactly as folding the stream at once does.
func TestProjectorFoldsTopics(t *testing.T) {
	kafka, cat := kafkatest.Start(t)
	produceStreams(t, kafka, cat)
	sink := newTables()
	for _, d := range projector.Definitions() {
		start(t, projector.Config{Definition: d, Kafka: kafka, Catalog: cat, Sink: sink})
	}
	for _, d := range projector.Definitions() {
		lagZero(t, kafka, cat, d, 1)
	}
	got, w := sink.final(), want(t)
	for table := range w {
		if g, w := finalByKey(t, map[string][]any{table: got[table]}), finalByKey(t, map[string][]any{table: w[table]}); g != w {
			t.Errorf("projected %s differ from the fold:\n got %.3000s\nwant %.3000s", table, g, w)
		}
	}
}

// TestProjectorRetriesTransientFailures: transient sink failures are
// retried with the same rows; nothing is lost or committed early.
func TestProjectorRetriesTransientFailures(t *testing.T) {
	kafka, cat := kafkatest.Start(t)
	produceStreams(t, kafka, cat)
	sink := newTables()
	sink.failNext = 4
	r := start(t, projector.Config{Definition: projector.Executions, Kafka: kafka, Catalog: cat, Sink: sink})
	lagZero(t, kafka, cat, projector.Executions, 1)
	if _, left := sink.counters(); left != 0 {
		t.Fatalf("%d injected failures left", left)
	}
	if err := r.stop(); err != nil {
		t.Fatalf("Run = %v after transient failures, want nil", err)
	}
	w := want(t)
	got := sink.final()
	for _, table := range projector.Executions.Tables {
		if len(got[table]) != len(w[table]) {
			t.Errorf("%s: %d rows after retries, want %d", table, len(got[table]), len(w[table]))
		}
	}
}

// TestProjectorPermanentFailure: a permanent sink failure stops the
// projector without committing, and the next run writes everything.
func TestProjectorPermanentFailure(t *testing.T) {
	kafka, cat := kafkatest.Start(t)
	produceStreams(t, kafka, cat)
	sink := newTables()
	sink.failNext, sink.permanent = 1, true
	r := start(t, projector.Config{Definition: projector.Segments, Kafka: kafka, Catalog: cat, Sink: sink})
	if err := r.wait(); !errors.Is(err, errInjected) {
		t.Fatalf("Run = %v, want it to stop on the permanent failure", err)
	}
	adm := kadm.NewClient(kafkatest.Client(t, kafka))
	committed, err := broker.Committed(t.Context(), adm, projector.Group(cat, "segments", 1), cat.Segments())
	if err != nil {
		t.Fatal(err)
	}
	if len(committed) != 0 {
		t.Fatalf("offsets %v committed although the write failed", committed)
	}
	start(t, projector.Config{Definition: projector.Segments, Kafka: kafka, Catalog: cat, Sink: sink})
	lagZero(t, kafka, cat, projector.Segments, 1)
	if got, w := sink.count("segments"), len(want(t)["segments"]); got != w {
		t.Errorf("%d segments after the restart, want %d", got, w)
	}
}

// TestProjectorDeadLetters: records that cannot be folded go to the DLQ
// with their reason; the rest are folded and everything is committed.
func TestProjectorDeadLetters(t *testing.T) {
	kafka, cat := kafkatest.Start(t)
	good := projectiontest.Segments().Events[:2]
	orphan := projectiontest.Event{Key: "mismatch", Time: projectiontest.T0, Payload: good[0].Payload}
	projectiontest.Produce(t, kafka, cat, "segments", 0, cat.Segments(), good)
	projectiontest.Produce(t, kafka, cat, "segments", 2, cat.Segments(), []projectiontest.Event{orphan})
	kafkatest.Produce(t, kafka, &kgo.Record{Topic: cat.Segments(), Key: []byte("junk"), Value: []byte("not an envelope")})
	sink := newTables()
	start(t, projector.Config{Definition: projector.Segments, Kafka: kafka, Catalog: cat, Sink: sink})
	lagZero(t, kafka, cat, projector.Segments, 1)
	if n := sink.count("segments"); n != 2 {
		t.Errorf("%d segments folded, want the 2 good ones", n)
	}
	dlq := kafkatest.Collect(t, kafkatest.Client(t, kafka, cat.DLQ()), 2)
	reasons := map[string]string{}
	for _, r := range dlq {
		h := map[string]string{}
		for _, x := range r.Headers {
			h[x.Key] = string(x.Value)
		}
		reasons[string(r.Key)] = h[deadletter.HeaderReason]
		if h[deadletter.HeaderHandler] != projector.Group(cat, "segments", 1) || h[deadletter.HeaderSourceTopic] != cat.Segments() {
			t.Errorf("dead letter headers %v", h)
		}
	}
	if w := map[string]string{"mismatch": deadletter.ReasonKeyMismatch, "junk": deadletter.ReasonUndecodable}; !reflect.DeepEqual(reasons, w) {
		t.Errorf("dead letters %v, want %v", reasons, w)
	}
}

// TestProjectorDrainsOnStop: a stopped projector writes and commits the
// batch in hand even when no flush was due.
func TestProjectorDrainsOnStop(t *testing.T) {
	kafka, cat := kafkatest.Start(t)
	produceStreams(t, kafka, cat)
	sink := newTables()
	r := start(t, projector.Config{Definition: projector.Dataplane, Kafka: kafka, Catalog: cat, Sink: sink,
		FlushInterval: time.Hour, FlushRows: 100_000})
	total := int64(0)
	for _, s := range streams() {
		if s.Name == "dataplane" {
			total = int64(len(s.Events))
		}
	}
	// Every record is polled, but no flush is due for an hour.
	kafkatest.Eventually(t, "the dataplane records to be polled", func() bool { return r.p.Polled() == total })
	if writes, _ := sink.counters(); writes != 0 || r.p.Flushes() != 0 {
		t.Fatalf("%d writes before any flush was due", writes)
	}
	if err := r.stop(); err != nil {
		t.Fatal(err)
	}
	if r.p.Flushes() != 1 || sink.count("assets") != 5 {
		t.Errorf("stop wrote %d batches, %d assets; want the batch in hand (1) with 5 assets", r.p.Flushes(), sink.count("assets"))
	}
	st, err := projector.GroupStatus(t.Context(), kadm.NewClient(kafkatest.Client(t, kafka)), projector.Dataplane, cat, 1)
	if err != nil || st.Lag != 0 {
		t.Errorf("lag %d (%v) after a drained stop, want 0", st.Lag, err)
	}
}

// TestProjectorFollowsGeneration: when another generation goes live, the
// projector drops its batch and goes on with that generation's group.
func TestProjectorFollowsGeneration(t *testing.T) {
	kafka, cat := kafkatest.Start(t)
	produceStreams(t, kafka, cat)
	sink := newTables()
	gens := &generations{}
	gens.gen.Store(1)
	start(t, projector.Config{Definition: projector.Segments, Kafka: kafka, Catalog: cat, Sink: sink, Generations: gens})
	lagZero(t, kafka, cat, projector.Segments, 1)
	gens.gen.Store(2)
	more := projectiontest.Segments().Events[:1]
	projectiontest.Produce(t, kafka, cat, "segments", 100, cat.Segments(), more)
	lagZero(t, kafka, cat, projector.Segments, 2)
}

type generations struct{ gen atomic.Uint32 }

func (g *generations) Generation(context.Context, string) (uint32, error) { return g.gen.Load(), nil }
