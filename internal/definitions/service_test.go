package definitions_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/definitions"
	"github.com/mie-kafka/mie/internal/definitions/definitionstest"
	"github.com/mie-kafka/mie/internal/problem"
)

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func passthrough(name string) events.Operator {
	return events.Operator{Name: name, Type: "Sync", StartLambdaArn: "builtin:Passthrough",
		Configuration: map[string]any{"MediaType": "Video", "Enabled": true}}
}

// TestReadYourWrites checks that a write is visible in the Store as soon as
// the Service returns, and that getters hand out copies.
func TestReadYourWrites(t *testing.T) {
	c := definitionstest.StartCluster(t)
	in := c.Start(t, "ryw")
	ctx := ctxT(t)

	op, err := in.Service.CreateOperator(ctx, passthrough("Probe"))
	if err != nil {
		t.Fatal(err)
	}
	if op.StageName != "_Probe" || op.Id == "" || op.Version != "v0" {
		t.Errorf("created operator = %+v", op)
	}
	got, ok := in.Store.Operator("Probe")
	if !ok || got.Id != op.Id {
		t.Fatalf("store operator = %+v, %v; want the created one", got, ok)
	}
	if st, ok := in.Store.Stage("_Probe"); !ok || !slices.Equal(st.Operations, []string{"Probe"}) {
		t.Fatalf("store stage _Probe = %+v, %v", st, ok)
	}
	got.Configuration["MediaType"] = "Audio"
	if again, _ := in.Store.Operator("Probe"); again.Configuration["MediaType"] != "Video" {
		t.Error("changing a returned operator changed the store")
	}

	wf := events.Workflow{Name: "W", StartAt: "_Probe", Stages: map[string]events.WorkflowStage{"_Probe": {End: true}}}
	if _, err := in.Service.CreateWorkflow(ctx, wf); err != nil {
		t.Fatal(err)
	}
	if got := in.Store.WorkflowsUsingOperator("Probe"); !slices.Equal(got, []string{"W"}) {
		t.Errorf("workflows using Probe = %v, want [W]", got)
	}
	if _, err := in.Service.DeleteWorkflow(ctx, "W"); err != nil {
		t.Fatal(err)
	}
	if _, err := in.Service.DeleteOperator(ctx, "Probe", false); err != nil {
		t.Fatal(err)
	}
	if _, ok := in.Store.Stage("_Probe"); ok {
		t.Error("deleting the operator left its stage")
	}
	if n := len(in.Store.Operators()) + len(in.Store.Stages()) + len(in.Store.Workflows()); n != 0 {
		t.Errorf("%d definitions left, want none", n)
	}
}

// TestInstancesShareDefinitions checks that every instance materializes
// the same topic: an instance started later replays what another wrote,
// and a write on one is seen by the other's validation.
func TestInstancesShareDefinitions(t *testing.T) {
	c := definitionstest.StartCluster(t)
	a := c.Start(t, "a")
	ctx := ctxT(t)
	if _, err := a.Service.CreateOperator(ctx, passthrough("One")); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Service.Configure(ctx, events.SystemConfigured{MaxConcurrentWorkflows: 4}); err != nil {
		t.Fatal(err)
	}

	b := c.Start(t, "b")
	if err := b.Store.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if _, ok := b.Store.Operator("One"); !ok {
		t.Error("a later instance does not see an earlier instance's operator")
	}
	if got := b.Store.SystemConfig().MaxConcurrentWorkflows; got != 4 {
		t.Errorf("MaxConcurrentWorkflows on b = %d, want 4", got)
	}

	if _, err := b.Service.CreateOperator(ctx, passthrough("Two")); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Service.CreateOperator(ctx, passthrough("Two")); !errors.Is(err, problem.ErrConflict) {
		t.Errorf("creating on a what b created: err = %v, want a conflict", err)
	}
	if _, ok := a.Store.Operator("Two"); !ok {
		t.Error("a does not see b's operator after its own write synced")
	}
}

// TestConfigureWritesAdmission checks that the limit reaches the admission
// topic, committed, next to the definition.
func TestConfigureWritesAdmission(t *testing.T) {
	c := definitionstest.StartCluster(t)
	in := c.Start(t, "cfg")
	ctx := ctxT(t)
	if got := in.Service.SystemConfig().MaxConcurrentWorkflows; got != definitions.DefaultMaxConcurrentWorkflows {
		t.Errorf("default MaxConcurrentWorkflows = %d", got)
	}
	if _, err := in.Service.Configure(ctx, events.SystemConfigured{MaxConcurrentWorkflows: 0}); !errors.Is(err, problem.ErrInvalid) {
		t.Errorf("Configure(0): err = %v, want invalid", err)
	}
	got, err := in.Service.Configure(ctx, events.SystemConfigured{MaxConcurrentWorkflows: 7})
	if err != nil || got.MaxConcurrentWorkflows != 7 {
		t.Fatalf("Configure(7) = %+v, %v", got, err)
	}

	cl, err := kgo.NewClient(c.Kafka.Opts(
		kgo.ConsumeTopics(c.Catalog.Admission()),
		kgo.FetchIsolationLevel(kgo.ReadCommitted()),
	)...)
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	for {
		fs := cl.PollFetches(ctx)
		if err := ctx.Err(); err != nil {
			t.Fatal("no ConcurrencyLimitSet on the admission topic")
		}
		for _, r := range fs.Records() {
			env, err := events.FromRecord(r)
			if err != nil {
				t.Fatal(err)
			}
			p, err := env.Decode()
			if err != nil {
				t.Fatal(err)
			}
			if set, ok := p.(*events.ConcurrencyLimitSet); ok && set.MaxConcurrentWorkflows == 7 {
				return
			}
		}
	}
}

// TestWorkerOperatorTopic checks that a worker operator's task topic exists
// once the operator does.
func TestWorkerOperatorTopic(t *testing.T) {
	c := definitionstest.StartCluster(t)
	in := c.Start(t, "worker")
	ctx := ctxT(t)
	op := passthrough("Gpu")
	op.StartLambdaArn = "worker:tasks.gpu"
	if _, err := in.Service.CreateOperator(ctx, op); err != nil {
		t.Fatal(err)
	}
	topic, _ := c.Catalog.Task(op.StartLambdaArn)
	details, err := c.Admin.ListTopics(ctx, topic)
	if err != nil {
		t.Fatal(err)
	}
	d, ok := details[topic]
	if !ok || d.Err != nil || int32(len(d.Partitions)) != c.Catalog.Partitions {
		t.Errorf("task topic %s = %+v, want %d partitions", topic, d, c.Catalog.Partitions)
	}
}

// TestWaitForStops checks that a waiter is released when the store stops.
func TestWaitForStops(t *testing.T) {
	c := definitionstest.StartCluster(t)
	in := c.Start(t, "stop")
	ctx := ctxT(t)
	if err := in.Store.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	short, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	if err := in.Store.WaitFor(short, in.Store.Applied()+1); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("WaitFor past the end: err = %v, want deadline exceeded", err)
	}
	in.Store.Close()
	if err := in.Store.WaitFor(ctx, in.Store.Applied()+1); !errors.Is(err, definitions.ErrStopped) {
		t.Errorf("WaitFor after Close: err = %v, want ErrStopped", err)
	}
}
