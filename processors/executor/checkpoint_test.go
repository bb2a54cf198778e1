package executor_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/broker"
	"github.com/mie-kafka/mie/internal/deadletter"
	"github.com/mie-kafka/mie/internal/kafkatest"
	"github.com/mie-kafka/mie/internal/view"
	"github.com/mie-kafka/mie/processors/executor"
)

// TestCheckpointsBoundTheRebuild: once the executions of a partition have
// ended and been forgotten, a checkpoint moves its floor past them, and a
// restarted executor rebuilds from there instead of from the start. An
// execution running across the restart, queued after the finished ones on
// the same partition and waiting out a retry, is rebuilt in full and
// completes exactly once; so does one on the other partition, whose floor
// it holds at its own ExecutionQueued (short executions started after it
// there end without moving that floor). A late input for a forgotten
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
		if x, envs := s.hist.ended(id); x.Status != view.StatusComplete {
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
		s.hist.wait(id, "its retry to be scheduled", func(x *view.Execution) bool {
			n, ok := x.Nodes["S/0/Op"]
			return ok && n.Attempt == 2
		})
	}

	// Where longP's ExecutionQueued sits: partition p's floor can move up
	// to it (every short execution below it is over and forgotten) and no
	// further (longP still runs).
	// Partition q's floor is held at longQ's.
	queuedAt := map[int32]int64{p: queuedOffset(t, s, longP), q: queuedOffset(t, s, longQ)}
	nudges := 0
	kafkatest.Eventually(t, fmt.Sprintf("checkpoints at offsets %v", queuedAt), func() bool {
		floors := readCheckpoints(t, s)
		for part, at := range queuedAt {
			if floors[part] > at {
				t.Fatalf("partition %d's floor %d is past the ExecutionQueued of its running execution at %d", part, floors[part], at)
			}
		}
		if floors[p] == queuedAt[p] && floors[q] == queuedAt[q] {
			return true
		}
		// Checkpoints ride on batches that consume records: start a short
		// execution on q to give the executor one.
		nudges++
		s.start(keyIn(cmds, fmt.Sprintf("nudge%d", nudges), q), []string{"ok"}, nil)
		return false
	})

	s.restartExecutor()
	for _, id := range []string{longP, longQ} {
		x, envs := s.hist.ended(id)
		if x.Status != view.StatusComplete {
			t.Fatalf("%s after the restart: %s %s; events %v", id, x.Status, x.Error, typesOf(envs))
		}
		if n := len(payloads[*events.ExecutionCompleted](t, envs)); n != 1 {
			t.Fatalf("%s completed %d times; events %v", id, n, typesOf(envs))
		}
		if calls := s.script.of(id); len(calls) != 2 {
			t.Fatalf("%s: the operator ran %d times, want 2 (the failure and its retry): %+v", id, len(calls), calls)
		}
	}
	// The rebuild read nothing below the floors, where the 20 short
	// executions are: reading from the start, as before checkpoints, it
	// would have read all of those too.
	read, skipped := s.ex.Rebuilt()
	all, below := countRecords(t, s, queuedAt)
	if below < 100 {
		t.Fatalf("only %d records below the floors %v; the short executions should be there", below, queuedAt)
	}
	if read == 0 || read > all-below {
		t.Errorf("the restarted executor's rebuild read %d records; %d are in the log, %d of them below the floors, so at most %d",
			read, all, below, all-below)
	}
	t.Logf("rebuild read %d records (%d skipped); the log holds %d, %d of them below the floors", read, skipped, all, below)

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
		if r.Partition != ck.Partition {
			t.Fatalf("the checkpoint of partition %d is on executor-state partition %d", ck.Partition, r.Partition)
		}
		floors[ck.Partition] = ck.Floor
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return floors
}

// countRecords counts the committed records of the executions topic, and
// those below the given offsets of their partitions.
func countRecords(t *testing.T, s *stack, floors map[int32]int64) (all, below int64) {
	t.Helper()
	ends, err := broker.StableEnds(t.Context(), kafkatest.Client(t, s.kafka), s.cat.Executions())
	if err != nil {
		t.Fatal(err)
	}
	err = s.kafka.ReadCommitted(t.Context(), s.cat.Executions(), ends, func(r *kgo.Record) error {
		all++
		if r.Offset < floors[r.Partition] {
			below++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return all, below
}
