package tables_test

import (
	"context"
	"log/slog"
	"testing"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/kafkatest"
	"github.com/mie-kafka/mie/internal/tables"
	"github.com/mie-kafka/mie/internal/transact"
	"github.com/mie-kafka/mie/processors/worker"
	"github.com/mie-kafka/mie/processors/worker/services"
)

// TestFunctionWritesCommitWithTheirTask: a function's UpdateItem (as the
// reference's Lambdas make them, with plain values) is sent in its task's
// transaction and applied by the item's owner; a write the function could
// not send (no such table) fails its task.
func TestFunctionWritesCommitWithTheirTask(t *testing.T) {
	e := newEnv(t)
	e.createJobs()
	e.processor("a")
	fn, err := e.cat.Task("worker:tasks.metadata")
	if err != nil {
		t.Fatal(err)
	}
	kafkatest.Ensure(t, e.kafka, e.cat.TaskSpec(fn))
	tbl := &services.Tables{Catalog: e.cat, Definitions: e.res}
	h := worker.StartFunc(func(ctx context.Context, task *worker.Task) (worker.Result, error) {
		table := "Jobs"
		if task.TaskId == "no-table" {
			table = "Nope"
		}
		err := tbl.UpdatePlain(ctx, services.PlainUpdate{TableName: table, Key: map[string]any{"JobId": "job-" + task.TaskId},
			UpdateExpression:          "SET VideoMetadata = :metadata",
			ExpressionAttributeValues: map[string]any{":metadata": map[string]any{"width": 1920.0, "codec": "h264"}}})
		if err != nil {
			return worker.Result{}, err
		}
		return worker.Complete(nil, nil), nil
	})
	rt, err := worker.New(worker.Config{Topic: fn, Handler: h,
		Config: transact.Config{Kafka: e.kafka, Catalog: e.cat, Logger: slog.New(slog.DiscardHandler)}})
	if err != nil {
		t.Fatal(err)
	}
	e.run(rt.Run)
	for _, id := range []string{"1", "no-table"} {
		kafkatest.Produce(t, e.kafka, e.record(fn, "exec-1", &events.OperatorTaskRequest{Name: "Metadata", WorkflowExecutionId: "exec-1",
			Path: "S/0/Metadata", TaskId: id, Attempt: 1, Delivery: 1, Phase: events.PhaseStart}))
	}
	results := map[string]*events.OperatorResult{}
	for _, r := range kafkatest.Collect(t, kafkatest.Client(t, e.kafka, e.cat.Results()), 2) {
		_, p, _ := events.DecodeRecord(r)
		res := p.(*events.OperatorResult)
		results[res.TaskId] = res
	}
	if r := results["no-table"]; r.Status != events.ResultError {
		t.Errorf("a write to no table: %+v", r)
	}
	c, err := tables.ChangeOf(kafkatest.Collect(t, kafkatest.Client(t, e.kafka, e.cat.Tables()), 1)[0])
	if err != nil {
		t.Fatal(err)
	}
	if m := c.Item["VideoMetadata"].MapValue(); c.Item["JobId"].Str() != "job-1" || m["width"].Str() != "1920" || m["codec"].Str() != "h264" {
		t.Errorf("the item = %s", c.Item.Encode())
	}
	if results["1"].Status != events.ResultComplete {
		t.Errorf("the writing task = %+v", results["1"])
	}
}
