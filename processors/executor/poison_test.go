package executor_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/deadletter"
	"github.com/mie-kafka/mie/internal/engine"
	"github.com/mie-kafka/mie/internal/kafkatest"
	"github.com/mie-kafka/mie/internal/view"
	"github.com/mie-kafka/mie/processors/executor"
)

// keyIn returns the first key prefix-0, prefix-1, ... that the default
// partitioner puts on partition want, so that a test can line records up
// in one partition.
func keyIn(topic, prefix string, want int) string {
	p := kgo.StickyKeyPartitioner(nil).ForTopic(topic)
	for i := 0; ; i++ {
		k := fmt.Sprintf("%s-%d", prefix, i)
		if p.Partition(&kgo.Record{Key: []byte(k)}, kafkatest.Partitions) == want {
			return k
		}
	}
}

// TestPoisonRecords puts poison records between good ones, in one commands
// partition, and one result that makes the executor fail (its random source
// panics) on the results topic. Every poison record goes to the DLQ with its
// reason, its source position and the handler's name, and the good
// executions behind them complete.
func TestPoisonRecords(t *testing.T) {
	s := startStack(t, executor.Config{
		ValidateInputs: true,
		Engine:         engine.Options{Rand: func() float64 { panic("random source broken") }},
	})
	cmds := s.cat.Commands()
	part := kgo.StickyKeyPartitioner(nil).ForTopic(cmds).Partition(&kgo.Record{Key: []byte("good-0")}, kafkatest.Partitions)
	good1, good2 := keyIn(cmds, "good", part), keyIn(cmds, "later", part)
	ghost, mismatch, invalid, boom := keyIn(cmds, "ghost", part), keyIn(cmds, "mismatch", part), keyIn(cmds, "invalid", part), keyIn(cmds, "boom", part)

	garbage := &kgo.Record{Topic: cmds, Key: []byte(good1), Value: []byte(`{"kind": "command", "type": `),
		Headers: []kgo.RecordHeader{{Key: "trace", Value: []byte("t-1")}}}
	orphan := s.record(ghost, &events.OperatorResult{WorkflowExecutionId: ghost, Name: "Op", Path: "S/0/Op", TaskId: "t", Attempt: 1,
		Phase: events.PhaseStart, Status: events.ResultComplete})
	wrongKey := s.record(mismatch, s.command("someone-else", []string{"ok"}, nil))
	// Decodes (Go ignores what is missing) but misses every required field
	// but ExecutionId: only schema validation catches it.
	bad := s.record(invalid, &events.StartExecution{ExecutionId: invalid})
	var raw map[string]any
	if err := json.Unmarshal(bad.Value, &raw); err != nil {
		t.Fatal(err)
	}
	raw["data"] = map[string]any{"ExecutionId": invalid}
	bad.Value, _ = json.Marshal(raw)

	recs := []*kgo.Record{
		s.record(good1, s.command(good1, []string{"ok"}, nil)),
		garbage, orphan, wrongKey, bad,
		// Its operator fails with an error whose retrier has full jitter:
		// deciding the retry needs the random source, which panics.
		s.record(boom, s.command(boom, []string{"fail:Jittery"},
			map[string]any{"Retry": map[string]any{"ErrorEquals": []any{"Jittery"}, "JitterStrategy": "FULL"}})),
		s.record(good2, s.command(good2, []string{"ok"}, nil)),
	}
	res := kafkatest.Client(t, s.kafka).ProduceSync(t.Context(), recs...)
	if err := res.FirstErr(); err != nil {
		t.Fatal(err)
	}
	at := map[*kgo.Record]*kgo.Record{}
	for _, r := range res {
		if r.Record.Partition != int32(part) {
			t.Fatalf("record %s landed on partition %d, want %d", r.Record.Key, r.Record.Partition, part)
		}
		at[r.Record] = r.Record
	}

	for _, id := range []string{good1, good2} {
		if x, envs := s.hist.ended(id); x.Status != view.StatusComplete {
			t.Fatalf("%s: %s %s; events %v", id, x.Status, x.Error, typesOf(envs))
		}
	}

	dlq := kafkatest.Client(t, s.kafka, s.cat.DLQ())
	letters := map[string]deadletter.Letter{}
	for _, r := range kafkatest.Collect(t, dlq, 5) {
		l, ok := deadletter.Parse(r)
		if !ok {
			t.Fatalf("not a dead letter: %+v", r)
		}
		if _, dup := letters[l.Reason]; dup {
			t.Fatalf("two dead letters for %s", l.Reason)
		}
		letters[l.Reason] = l
	}
	want := []struct {
		reason string
		rec    *kgo.Record
		errHas string
	}{
		{deadletter.ReasonUndecodable, garbage, "malformed"},
		{deadletter.ReasonUnknownExecution, orphan, ghost},
		{deadletter.ReasonKeyMismatch, wrongKey, "someone-else"},
		{deadletter.ReasonSchemaInvalid, bad, "/data/Created: required property is missing"},
	}
	for _, w := range want {
		l, ok := letters[w.reason]
		if !ok {
			t.Fatalf("no %s dead letter; got %v", w.reason, keys(letters))
		}
		if l.SourceTopic != cmds || l.SourcePartition != w.rec.Partition || l.SourceOffset != w.rec.Offset ||
			l.Handler != executor.Name || string(l.Key) != string(w.rec.Key) || string(l.Value) != string(w.rec.Value) ||
			!strings.Contains(l.Error, w.errHas) {
			t.Fatalf("%s dead letter %+v, want source %s/%d@%d and an error mentioning %q", w.reason, l, cmds, w.rec.Partition, w.rec.Offset, w.errHas)
		}
	}
	if l := letters[deadletter.ReasonUndecodable]; len(l.Headers) != 1 || l.Headers[0].Key != "trace" {
		t.Fatalf("the original headers are not kept: %+v", l.Headers)
	}
	// The result that made the executor panic, after MaxHandlerFailures
	// aborted batches.
	l, ok := letters[deadletter.ReasonHandlerFailed]
	if !ok || l.SourceTopic != s.cat.Results() || string(l.Key) != boom || l.Handler != executor.Name ||
		!strings.Contains(l.Error, "panicked: random source broken") {
		t.Fatalf("handler-failed dead letter: %+v", l)
	}
	env, err := events.FromRecord(&kgo.Record{Key: l.Key, Value: l.Value})
	if err != nil || env.Type != "OperatorResult" {
		t.Fatalf("dead letter of %s: %v", env.Type, err)
	}
	if bx, _ := s.hist.wait(boom, "its failed attempt", func(x *view.Execution) bool { return x.Status == view.StatusStarted }); bx.Nodes["S/0/Op"].Attempt != 1 {
		t.Fatalf("boom: %+v", bx.Nodes["S/0/Op"])
	}
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
