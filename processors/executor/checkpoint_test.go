package executor_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/broker"
	"github.com/mie-kafka/mie/internal/deadletter"
	"github.com/mie-kafka/mie/internal/execution"
	"github.com/mie-kafka/mie/internal/kafkatest"
	"github.com/mie-kafka/mie/processors/executor"
)

// TestCheckpointsBoundTheRebuild: once the executions of a partition have
// ended and been forgotten, a checkpoint moves its floor past them, and a
// restarted executor rebuilds from there instead of from the start. An
// execution running across the restart, queued after the finished ones on
// the same partition and waiting out a retry, is rebuilt in full and
// completes exactly once; so does one on the other partition, whose floor
// it holds at its own ExecutionQueued. A late input for a forgotten
// execution is dead-lettered as unknown.
func TestCheckpointsBoundTheRebuild(t *testing.T) {
	s := startStack(t, executor.Config{CheckpointInterval: 20 * time.Millisecond, EndedRetention: 200 * time.Millisecond})
	cmds := s.cat.Commands()
	const p, q = 0, 1
	var short []string
	for i := range 20 {
		id := keyIn(cmds, fmt.Sprintf("short%d", i), p)
		short = append(short, id)
		s.start(id, []string{"ok"}, nil)
	}
	for _, id := range short {
		if x, envs := s.hist.ended(id); x.Status != execution.StatusComplete {
			t.Fatalf("%s: %s; events %v", id, x.Status, typesOf(envs))
		}
	}
	// Two executions that fail once and retry 3 s later, one per partition.
	retry := map[string]any{"Retry": map[string]any{"IntervalSeconds": 3.0, "MaxAttempts": 1.0}}
	longP, longQ := keyIn(cmds, "longp", p), keyIn(cmds, "longq", q)
	for _, id := range []string{longP, longQ} {
		s.start(id, []string{"fail:Once", "ok"}, retry)
	}
	for _, id := range []string{longP, longQ} {
		s.hist.wait(id, "its retry to be scheduled", func(x *execution.Execution) bool {
			n, ok := x.Nodes["S/0/Op"]
			return ok && n.Attempt == 2
		})
	}

	// Where longP's ExecutionQueued sits: partition p's floor can move up
	// to it (every short execution below it is over and forgotten) and no
	// further (longP still runs).
	queuedAt := queuedOffset(t, s, longP)
	total := int64(0)
	kafkatest.Eventually(t, fmt.Sprintf("a checkpoint of partition %d at offset %d", p, queuedAt), func() bool {
		floors := readCheckpoints(t, s)
		if floors[p] > queuedAt {
			t.Fatalf("partition %d's floor %d is past the ExecutionQueued of running execution %s at %d", p, floors[p], longP, queuedAt)
		}
		return floors[p] == queuedAt
	})
	for _, envs := range s.hist.envs {
		total += int64(len(envs))
	}

	s.restartExecutor()
	for _, id := range []string{longP, longQ} {
		x, envs := s.hist.ended(id)
		if x.Status != execution.StatusComplete {
			t.Fatalf("%s after the restart: %s %s; events %v", id, x.Status, x.Error, typesOf(envs))
		}
		if n := len(payloads[*events.ExecutionCompleted](t, envs)); n != 1 {
			t.Fatalf("%s completed %d times; events %v", id, n, typesOf(envs))
		}
		if calls := s.script.of(id); len(calls) != 2 {
			t.Fatalf("%s: the operator ran %d times, want 2 (the failure and its retry): %+v", id, len(calls), calls)
		}
	}
	read, skipped := s.ex.Rebuilt()
	// The 20 short executions wrote at least 5 events each before longP's
	// ExecutionQueued; the rebuild starts after all of them.
	if read == 0 || read > total-100 {
		t.Errorf("the restarted executor's rebuild read %d of the %d events before it, want fewer than %d", read, total, total-100)
	}
	t.Logf("rebuild read %d records (%d skipped) of %d events written before the restart", read, skipped, total)

	// A result for a forgotten execution is unknown now, and says so.
	late := s.record(short[0], &events.OperatorResult{WorkflowExecutionId: short[0], Name: "Op", Path: "S/0/Op",
		TaskId: "late", Attempt: 1, Phase: events.PhaseStart, Status: events.ResultComplete})
	late.Topic = s.cat.Results()
	kafkatest.Produce(t, s.kafka, late)
	dlq := kafkatest.Client(t, s.kafka, s.cat.DLQ())
	l, ok := deadletter.Parse(kafkatest.Collect(t, dlq, 1)[0])
	if !ok || l.Reason != deadletter.ReasonUnknownExecution {
		t.Fatalf("dead letter %+v, want reason %s", l, deadletter.ReasonUnknownExecution)
	}
}

// queuedOffset finds the ExecutionQueued of execution id on the executions
// topic.
func queuedOffset(t *testing.T, s *stack, id string) int64 {
	t.Helper()
	cl := kafkatest.Client(t, s.kafka, s.cat.Executions())
	for {
		for _, r := range kafkatest.Collect(t, cl, 1) {
			if string(r.Key) != id {
				continue
			}
			env, err := events.FromRecord(r)
			if err != nil {
				t.Fatal(err)
			}
			if env.Type == "ExecutionQueued" {
				return r.Offset
			}
		}
	}
}

// readCheckpoints reads the last committed floor of each partition.
func readCheckpoints(t *testing.T, s *stack) map[int32]int64 {
	t.Helper()
	cl := kafkatest.Client(t, s.kafka)
	ends, err := broker.StableEnds(t.Context(), cl, s.cat.ExecutorState())
	if err != nil {
		t.Fatal(err)
	}
	floors := map[int32]int64{}
	err = s.kafka.ReadCommitted(t.Context(), s.cat.ExecutorState(), ends, func(r *kgo.Record) error {
		env, err := events.FromRecord(r)
		if err != nil {
			return err
		}
		pl, err := env.Decode()
		if err != nil {
			return err
		}
		ck := pl.(*events.ExecutorCheckpoint)
		floors[ck.Partition] = ck.Floor
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return floors
}
