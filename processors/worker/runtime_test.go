package worker_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/deadletter"
	"github.com/mie-kafka/mie/internal/kafkatest"
	"github.com/mie-kafka/mie/internal/transact"
	"github.com/mie-kafka/mie/processors/worker"
	"github.com/mie-kafka/mie/processors/worker/builtin"
)

func header(r *kgo.Record, key string) string {
	for _, h := range r.Headers {
		if h.Key == key {
			return string(h.Value)
		}
	}
	return ""
}

// TestRuntime runs the Sleep built-in in a Runtime on kfake: a malformed
// record goes to the DLQ and the tasks behind it still get their results, in
// the same transactions that commit the offsets.
func TestRuntime(t *testing.T) {
	kafka, cat := kafkatest.Start(t)
	taskTopic, err := cat.Task("builtin:Sleep")
	if err != nil {
		t.Fatal(err)
	}
	kafkatest.Ensure(t, kafka, cat.TaskSpec(taskTopic))

	now := time.UnixMilli(1_700_000_000_000)
	rt, err := worker.New(worker.Config{
		Config: transact.Config{Kafka: kafka, Catalog: cat, Logger: slog.New(slog.NewTextHandler(t.Output(), nil))},
		Topic:  taskTopic, Concurrency: 2,
		Handler: builtin.Sleep{Now: func() time.Time { return now }},
	})
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

	// All records share a key, so one partition, in this order.
	const exec = "exec-1"
	task := func(id, phase string, cfg map[string]any, state string) *kgo.Record {
		env, err := events.New(exec, "test", &events.OperatorTaskRequest{
			Name: "Sleep", WorkflowExecutionId: exec, StageName: "S", Path: "S/Sleep", Type: "Async",
			Implementation: "builtin:Sleep", Configuration: cfg, TaskId: id, Attempt: 1, Phase: phase,
			MonitorState: json.RawMessage(state),
		})
		if err != nil {
			t.Fatal(err)
		}
		env.CorrelationID = exec
		rec, err := env.Record(taskTopic)
		if err != nil {
			t.Fatal(err)
		}
		return rec
	}
	deadline := strconv.FormatInt(now.Add(-time.Second).UnixMilli(), 10)
	recs := []*kgo.Record{
		{Topic: taskTopic, Key: []byte(exec), Value: []byte("not json")},
		task("t-start", events.PhaseStart, map[string]any{"DurationMs": 1500}, ""),
		task("t-monitor", events.PhaseMonitor, nil, `{"DeadlineMs":`+deadline+`,"DurationMs":1000}`),
		task("t-bad", events.PhaseStart, map[string]any{"DurationMs": -5}, ""),
	}
	prod := kafkatest.Client(t, kafka)
	if err := prod.ProduceSync(t.Context(), recs...).FirstErr(); err != nil {
		t.Fatal(err)
	}

	results := kafkatest.Collect(t, kafkatest.Client(t, kafka, cat.Results()), 3)
	byTask := map[string]*events.OperatorResult{}
	for _, rec := range results {
		env, err := events.FromRecord(rec)
		if err != nil {
			t.Fatal(err)
		}
		p, err := env.Decode()
		if err != nil {
			t.Fatal(err)
		}
		res := p.(*events.OperatorResult)
		byTask[res.TaskId] = res
		cause := recs[map[string]int{"t-start": 1, "t-monitor": 2, "t-bad": 3}[res.TaskId]]
		causeEnv, _ := events.FromRecord(cause)
		if string(rec.Key) != exec || env.Producer != worker.Producer || env.CausationID != causeEnv.ID ||
			env.CorrelationID != exec || env.CausationPosition == nil || env.CausationPosition.Offset != cause.Offset {
			t.Errorf("result envelope of %s = %+v (key %s), want key %s, producer worker, caused by %s@%d",
				res.TaskId, env, rec.Key, exec, causeEnv.ID, cause.Offset)
		}
		if res.WorkflowExecutionId != exec || res.Name != "Sleep" || res.StageName != "S" || res.Path != "S/Sleep" || res.Attempt != 1 {
			t.Errorf("result %+v does not echo its task", res)
		}
	}
	if r := byTask["t-start"]; r == nil || r.Status != events.ResultExecuting || r.CheckAfterMs != 1500 || r.Phase != events.PhaseStart || len(r.MonitorState) == 0 {
		t.Errorf("start result = %+v, want Executing, check after 1500ms, with state", r)
	}
	if r := byTask["t-monitor"]; r == nil || r.Status != events.ResultComplete || r.MetaData["SleptMs"] != 1000.0 || r.Phase != events.PhaseMonitor {
		t.Errorf("monitor result = %+v, want Complete with SleptMs 1000", r)
	}
	if r := byTask["t-bad"]; r == nil || r.Status != events.ResultError || !strings.Contains(r.Error, "DurationMs") {
		t.Errorf("bad result = %+v, want Error naming DurationMs", r)
	}

	dead := kafkatest.Collect(t, kafkatest.Client(t, kafka, cat.DLQ()), 1)[0]
	if string(dead.Value) != "not json" || string(dead.Key) != exec {
		t.Errorf("dead letter = %s/%s, want the malformed record", dead.Key, dead.Value)
	}
	for key, want := range map[string]string{
		deadletter.HeaderReason:          deadletter.ReasonUndecodable,
		deadletter.HeaderSourceTopic:     taskTopic,
		deadletter.HeaderSourcePartition: strconv.Itoa(int(recs[0].Partition)),
		deadletter.HeaderSourceOffset:    strconv.FormatInt(recs[0].Offset, 10),
		deadletter.HeaderHandler:         "mie-worker-" + taskTopic,
	} {
		if got := header(dead, key); got != want {
			t.Errorf("dead letter header %s = %q, want %q", key, got, want)
		}
	}
	if got := header(dead, deadletter.HeaderError); !strings.Contains(got, "malformed") {
		t.Errorf("dead letter error = %q, want it to say malformed", got)
	}

	// The offsets committed with the results cover every record.
	adm := kadm.NewClient(prod)
	kafkatest.Eventually(t, "offsets committed past the last task", func() bool {
		offs, err := adm.FetchOffsets(t.Context(), "mie-worker-"+taskTopic)
		if err != nil {
			return false
		}
		o, ok := offs.Lookup(taskTopic, recs[0].Partition)
		return ok && o.At == recs[len(recs)-1].Offset+1
	})
}

// TestRuntimeDrainsOnShutdown cancels Run while a task is running: the task
// finishes with a live context and its result commits before Run returns.
func TestRuntimeDrainsOnShutdown(t *testing.T) {
	kafka, cat := kafkatest.Start(t)
	taskTopic, _ := cat.Task("worker:tasks.slow")
	kafkatest.Ensure(t, kafka, cat.TaskSpec(taskTopic))
	started, release := make(chan struct{}), make(chan struct{})
	rt, err := worker.New(worker.Config{
		Config: transact.Config{Kafka: kafka, Catalog: cat, Logger: slog.New(slog.NewTextHandler(t.Output(), nil))},
		Topic:  taskTopic,
		Handler: worker.StartFunc(func(ctx context.Context, task *worker.Task) (worker.Result, error) {
			close(started)
			<-release
			if err := ctx.Err(); err != nil {
				return worker.Result{}, err
			}
			return worker.Complete(nil, map[string]any{"done": true}), nil
		}),
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- rt.Run(ctx) }()

	env, _ := events.New("exec-2", "test", &events.OperatorTaskRequest{
		Name: "Slow", WorkflowExecutionId: "exec-2", TaskId: "t-1", Phase: events.PhaseStart,
	})
	rec, _ := env.Record(taskTopic)
	if err := kafkatest.Client(t, kafka).ProduceSync(t.Context(), rec).FirstErr(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-started:
	case <-time.After(20 * time.Second):
		t.Fatal("handler never started")
	}
	cancel()
	close(release)
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Run: %v", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("Run did not return after cancel")
	}

	res := kafkatest.Collect(t, kafkatest.Client(t, kafka, cat.Results()), 1)[0]
	got, _ := events.FromRecord(res)
	p, _ := got.Decode()
	if r := p.(*events.OperatorResult); r.Status != events.ResultComplete || r.TaskId != "t-1" {
		t.Errorf("result = %+v, want t-1 Complete with a live context", r)
	}
}
