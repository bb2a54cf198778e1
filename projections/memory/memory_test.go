package memory_test

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"testing"
	"time"

	"github.com/mie-kafka/mie/internal/view"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/broker"
	"github.com/mie-kafka/mie/internal/execution"
	"github.com/mie-kafka/mie/internal/execution/executiontest"
	"github.com/mie-kafka/mie/internal/kafkatest"
	"github.com/mie-kafka/mie/internal/problem"
	"github.com/mie-kafka/mie/internal/topics"
	"github.com/mie-kafka/mie/projections/memory"
)

var t0 = time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)

// records encodes the events of execution id for the executions topic.
func records(t *testing.T, cat topics.Catalog, id string, evs []events.Payload) []*kgo.Record {
	t.Helper()
	var out []*kgo.Record
	for _, e := range evs {
		env, err := events.New(id, "test", e)
		if err != nil {
			t.Fatal(err)
		}
		env.CorrelationID = id
		rec, err := env.Record(cat.Executions())
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, rec)
	}
	return out
}

// produceTxn writes recs in one committed transaction, as the executor
// does, and waits until read-committed readers see it (on Apache Kafka the
// commit markers land shortly after the commit returns).
func produceTxn(t *testing.T, kafka broker.Config, recs ...*kgo.Record) {
	t.Helper()
	kafkatest.ProduceTxn(t, kafka, recs...)
}

// startProjection runs a projection until the test ends.
func startProjection(t *testing.T, kafka broker.Config, cat topics.Catalog) *memory.Projection {
	t.Helper()
	p, err := memory.New(memory.Config{Kafka: kafka, Catalog: cat, Logger: slog.New(slog.NewTextHandler(t.Output(), nil))})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- p.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	})
	return p
}

func ids(xs []*view.Execution) []string {
	var out []string
	for _, x := range xs {
		out = append(out, x.Id)
	}
	return out
}

func types(envs []events.Envelope) []string {
	var out []string
	for _, e := range envs {
		out = append(out, e.Type)
	}
	return out
}

func payloadTypes(ps []events.Payload) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.EventType())
	}
	return out
}

// TestProjection replays executions written before it starts, then follows
// new ones; every query of projections.Executions is checked on the way.
func TestProjection(t *testing.T) {
	kafka, cat := kafkatest.Start(t)
	ctx := t.Context()

	// x1 (asset a1) ran to completion; x2 (a2) is running; x3 (a1) was
	// cancelled while queued; x4 (a3) is queued. Each was created a minute
	// after the one before.
	x1, x1Events := executiontest.Run(executiontest.Command("x1", "a1", t0, 3, 2), t0)
	x2, o := execution.Start(executiontest.Command("x2", "a2", t0.Add(time.Minute), 3, 2), t0)
	x2Events := o.Events
	o = execution.Handle(x2, &events.AdmitExecution{ExecutionId: "x2"}, t0, execution.Options{})
	x2Events, x2Tasks := append(x2Events, o.Events...), o.Tasks
	x3, o := execution.Start(executiontest.Command("x3", "a1", t0.Add(2*time.Minute), 3, 2), t0)
	x3Events := o.Events
	x3Events = append(x3Events, execution.Handle(x3, &events.CancelExecution{ExecutionId: "x3", Reason: "test"}, t0, execution.Options{}).Events...)
	x4, o := execution.Start(executiontest.Command("x4", "a3", t0.Add(3*time.Minute), 3, 2), t0)
	x4Events := o.Events
	if x1.Status != execution.StatusComplete || x2.Status != execution.StatusStarted || x3.Status != execution.StatusError || x4.Status != execution.StatusQueued {
		t.Fatalf("fixture statuses %s %s %s %s", x1.Status, x2.Status, x3.Status, x4.Status)
	}

	// Written before the projection starts: plainly and, last, in a
	// transaction, so that a partition's log ends in a commit marker.
	kafkatest.Produce(t, kafka, records(t, cat, "x1", x1Events)...)
	kafkatest.Produce(t, kafka, records(t, cat, "x3", x3Events)...)
	produceTxn(t, kafka, append(records(t, cat, "x2", x2Events), records(t, cat, "x4", x4Events)...)...)
	before := len(x1Events) + len(x2Events) + len(x3Events) + len(x4Events)

	p := startProjection(t, kafka, cat)
	select {
	case <-p.Ready():
	case <-time.After(kafkatest.Timeout):
		t.Fatal("projection never became ready")
	}
	// Ready means replayed: everything written before is there at once.
	if got := p.Applied(); got != int64(before) {
		t.Fatalf("ready after %d events, want the %d written before start", got, before)
	}

	t.Run("Execution", func(t *testing.T) {
		for _, want := range []*execution.Execution{x1, x2, x3, x4} {
			got, err := p.Execution(ctx, want.Id)
			if err != nil {
				t.Fatalf("Execution(%s): %v", want.Id, err)
			}
			if got.Status != want.Status || got.AssetId != want.AssetId || got.Version != want.Version ||
				!got.Created.Equal(want.Created) || len(got.Nodes) != len(want.Nodes) {
				t.Errorf("Execution(%s) = %s %s v%d %s %d nodes, want %s %s v%d %s %d nodes", want.Id,
					got.Status, got.AssetId, got.Version, got.Created, len(got.Nodes),
					want.Status, want.AssetId, want.Version, want.Created, len(want.Nodes))
			}
		}
		got, _ := p.Execution(ctx, "x1")
		if got.Globals.MetaData["C2"] != "done" {
			t.Errorf("x1 globals %v, want every stage's metadata", got.Globals.MetaData)
		}
		// Readers get copies.
		got.Status, got.Nodes["A"].Status, got.Globals.MetaData["C2"] = "Mutated", "Mutated", "mutated"
		again, _ := p.Execution(ctx, "x1")
		if again.Status != view.StatusComplete || again.Nodes["A"].Status != view.NodeComplete || again.Globals.MetaData["C2"] != "done" {
			t.Errorf("a reader's change leaked into the projection: %s %s %v", again.Status, again.Nodes["A"].Status, again.Globals.MetaData["C2"])
		}
		if _, err := p.Execution(ctx, "nope"); !errors.Is(err, problem.ErrNotFound) {
			t.Errorf("Execution(nope) = %v, want ErrNotFound", err)
		}
	})

	t.Run("Executions", func(t *testing.T) {
		for _, tt := range []struct {
			name string
			f    view.Filter
			want []string
		}{
			{"all, newest first", view.Filter{}, []string{"x4", "x3", "x2", "x1"}},
			{"by status", view.Filter{Status: execution.StatusComplete}, []string{"x1"}},
			{"by status Error", view.Filter{Status: execution.StatusError}, []string{"x3"}},
			{"by asset", view.Filter{AssetId: "a1"}, []string{"x3", "x1"}},
			{"by status and asset", view.Filter{Status: execution.StatusQueued, AssetId: "a3"}, []string{"x4"}},
			{"no match", view.Filter{Status: execution.StatusWaiting}, nil},
			{"limit", view.Filter{Limit: 2}, []string{"x4", "x3"}},
			{"limit after filter", view.Filter{AssetId: "a1", Limit: 1}, []string{"x3"}},
			{"limit above count", view.Filter{Limit: 10}, []string{"x4", "x3", "x2", "x1"}},
		} {
			t.Run(tt.name, func(t *testing.T) {
				got, err := p.Executions(ctx, tt.f)
				if err != nil {
					t.Fatal(err)
				}
				if !slices.Equal(ids(got), tt.want) {
					t.Errorf("Executions(%+v) = %v, want %v", tt.f, ids(got), tt.want)
				}
			})
		}
	})

	t.Run("History", func(t *testing.T) {
		for id, want := range map[string][]events.Payload{"x1": x1Events, "x2": x2Events, "x3": x3Events} {
			h, err := p.History(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(types(h), payloadTypes(want)) {
				t.Errorf("History(%s) = %v, want %v", id, types(h), payloadTypes(want))
			}
			for _, e := range h {
				if e.Key != id {
					t.Errorf("History(%s) holds an event of %s", id, e.Key)
				}
			}
		}
		if _, err := p.History(ctx, "nope"); !errors.Is(err, problem.ErrNotFound) {
			t.Errorf("History(nope) = %v, want ErrNotFound", err)
		}
	})

	t.Run("ActiveExecution", func(t *testing.T) {
		for asset, want := range map[string]string{"a1": "", "a2": "x2", "a3": "x4", "a9": ""} {
			id, ok, err := p.ActiveExecution(ctx, asset)
			if err != nil || id != want || ok != (want != "") {
				t.Errorf("ActiveExecution(%s) = %q %v %v, want %q", asset, id, ok, err, want)
			}
		}
	})

	t.Run("WaitExecution", func(t *testing.T) {
		short, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
		defer cancel()
		if err := p.WaitExecution(short, "x5"); !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("WaitExecution of an unknown execution = %v, want it to block until the deadline", err)
		}
		if err := p.WaitExecution(ctx, "x1"); err != nil {
			t.Fatalf("WaitExecution of a known execution = %v", err)
		}
		waited := make(chan error, 1)
		go func() {
			wctx, cancel := context.WithTimeout(ctx, kafkatest.Timeout)
			defer cancel()
			waited <- p.WaitExecution(wctx, "x5")
		}()
		_, o := execution.Start(executiontest.Command("x5", "a5", t0.Add(4*time.Minute), 1, 1), t0)
		kafkatest.Produce(t, kafka, records(t, cat, "x5", o.Events)...)
		if err := <-waited; err != nil {
			t.Fatalf("WaitExecution(x5) = %v, want it unblocked by x5's first event", err)
		}
		if x, err := p.Execution(ctx, "x5"); err != nil || x.Status != execution.StatusQueued {
			t.Fatalf("after WaitExecution, Execution(x5) = %v, %v; want it Queued", x, err)
		}
	})

	t.Run("ActiveExecution ends with the execution", func(t *testing.T) {
		var evs []events.Payload
		for len(x2Tasks) > 0 {
			task := &x2Tasks[0].Task
			o := execution.Handle(x2, executiontest.Complete(task), t0, execution.Options{})
			evs, x2Tasks = append(evs, o.Events...), append(x2Tasks[1:], o.Tasks...)
		}
		if x2.Status != execution.StatusComplete {
			t.Fatalf("x2 is %s after its results, want Complete", x2.Status)
		}
		produceTxn(t, kafka, records(t, cat, "x2", evs)...)
		kafkatest.Eventually(t, "x2 to end", func() bool {
			x, err := p.Execution(ctx, "x2")
			return err == nil && x.Status == execution.StatusComplete
		})
		if id, ok, err := p.ActiveExecution(ctx, "a2"); ok || err != nil {
			t.Errorf("ActiveExecution(a2) = %q %v %v after x2 completed, want none", id, ok, err)
		}
		if id, ok, _ := p.ActiveExecution(ctx, "a3"); id != "x4" || !ok {
			t.Errorf("ActiveExecution(a3) = %q %v, want x4 still", id, ok)
		}
		h, _ := p.History(ctx, "x2")
		if want := append(payloadTypes(x2Events), payloadTypes(evs)...); !slices.Equal(types(h), want) {
			t.Errorf("History(x2) = %v, want %v", types(h), want)
		}
	})
}

// TestProjectionReadyOnEmptyLog: with nothing to replay, Ready closes at once
// and later events are still followed.
func TestProjectionReadyOnEmptyLog(t *testing.T) {
	kafka, cat := kafkatest.Start(t)
	p := startProjection(t, kafka, cat)
	select {
	case <-p.Ready():
	case <-time.After(kafkatest.Timeout):
		t.Fatal("projection on an empty log never became ready")
	}
	_, o := execution.Start(executiontest.Command("x1", "a1", t0, 1, 1), t0)
	kafkatest.Produce(t, kafka, records(t, cat, "x1", o.Events)...)
	wctx, cancel := context.WithTimeout(t.Context(), kafkatest.Timeout)
	defer cancel()
	if err := p.WaitExecution(wctx, "x1"); err != nil {
		t.Fatal(err)
	}
}
