package worker_test

import (
	"context"
	"errors"
	"log/slog"
	"testing"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/kafkatest"
	"github.com/mie-kafka/mie/internal/transact"
	"github.com/mie-kafka/mie/processors/worker"
)

// TestEmit: records a handler emits are produced in the task's transaction,
// caused by the task, before its result; outside a Runtime Emit refuses.
func TestEmit(t *testing.T) {
	if err := worker.Emit(t.Context(), "x", "k", &events.SegmentStatusChanged{}); !errors.Is(err, worker.ErrNoTransaction) {
		t.Fatalf("Emit outside a runtime = %v", err)
	}
	kafka, cat := kafkatest.Start(t)
	topic, _ := cat.Task("worker:tasks.emit")
	kafkatest.Ensure(t, kafka, cat.TaskSpec(topic))
	h := worker.StartFunc(func(ctx context.Context, task *worker.Task) (worker.Result, error) {
		e := &events.SegmentStatusChanged{SegmentId: "s-" + task.TaskId, SessionId: "s", Status: events.SegmentPending}
		if err := worker.Emit(ctx, cat.Segments(), e.SegmentId, e); err != nil {
			return worker.Result{}, err
		}
		if task.TaskId == "fail" {
			return worker.Failed("boom", ""), nil
		}
		return worker.Complete(nil, nil), nil
	})
	rt, err := worker.New(worker.Config{Topic: topic, Handler: h,
		Config: transact.Config{Kafka: kafka, Catalog: cat, Logger: slog.New(slog.NewTextHandler(t.Output(), nil))}})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- rt.Run(ctx) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	}()
	var recs []*kgo.Record
	for _, id := range []string{"ok", "fail"} {
		env, _ := events.New("exec-1", "test", &events.OperatorTaskRequest{Name: "E", WorkflowExecutionId: "exec-1",
			Path: "S/0/E", TaskId: id, Attempt: 1, Delivery: 1, Phase: events.PhaseStart})
		rec, _ := env.Record(topic)
		recs = append(recs, rec)
	}
	kafkatest.Produce(t, kafka, recs...)

	segs := kafkatest.Collect(t, kafkatest.Client(t, kafka, cat.Segments()), 2)
	kafkatest.Collect(t, kafkatest.Client(t, kafka, cat.Results()), 2)
	seen := map[string]bool{}
	for _, r := range segs {
		env, err := events.FromRecord(r)
		if err != nil {
			t.Fatal(err)
		}
		p, err := env.Decode()
		if err != nil {
			t.Fatal(err)
		}
		e := p.(*events.SegmentStatusChanged)
		if string(r.Key) != e.SegmentId || env.CorrelationID != "exec-1" || env.CausationID == "" || env.Producer != worker.Producer {
			t.Fatalf("emitted record key %s envelope %+v", r.Key, env)
		}
		seen[e.SegmentId] = true
	}
	if !seen["s-ok"] || !seen["s-fail"] {
		t.Fatalf("emitted %v, want one per task whatever its status", seen)
	}
}
