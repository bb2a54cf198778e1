package dlq_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/mie-kafka/mie/internal/broker"
	"github.com/mie-kafka/mie/internal/deadletter"
	"github.com/mie-kafka/mie/internal/dlq"
	"github.com/mie-kafka/mie/internal/kafkatest"
	"github.com/mie-kafka/mie/internal/topics"
)

// fixture writes three input records to commands and results and dead
// letters for them, as the executor would: two undecodable, one for an
// unknown execution. It returns the dead letters as written.
func fixture(t *testing.T) (broker.Config, topics.Catalog, []*kgo.Record, []*kgo.Record) {
	t.Helper()
	kafka, cat := kafkatest.Start(t)
	cl := kafkatest.Client(t, kafka)
	h := func(k, v string) kgo.RecordHeader { return kgo.RecordHeader{Key: k, Value: []byte(v)} }
	inputs := []*kgo.Record{
		{Topic: cat.Commands(), Key: []byte("exec-1"), Value: []byte(`{"broken`), Headers: []kgo.RecordHeader{h("mie-type", "StartExecution"), h("trace", "a")}},
		{Topic: cat.Results(), Key: []byte("exec-2"), Value: []byte(`{"also broken`)},
		{Topic: cat.Commands(), Key: []byte("ghost"), Value: []byte(`{"kind":"command"}`), Headers: []kgo.RecordHeader{h("mie-type", "CancelExecution")}},
	}
	if err := cl.ProduceSync(t.Context(), inputs...).FirstErr(); err != nil {
		t.Fatal(err)
	}
	reasons := []string{deadletter.ReasonUndecodable, deadletter.ReasonUndecodable, deadletter.ReasonUnknownExecution}
	var letters []*kgo.Record
	for i, in := range inputs {
		letters = append(letters, deadletter.Record(cat.DLQ(), in, reasons[i], "mie-executor", errors.New("cause "+string(in.Key))))
	}
	if err := cl.ProduceSync(t.Context(), letters...).FirstErr(); err != nil {
		t.Fatal(err)
	}
	return kafka, cat, inputs, letters
}

func run(t *testing.T, kafka broker.Config, cat topics.Catalog, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	env := map[string]string{"MIE_KAFKA_BROKERS": strings.Join(kafka.Brokers, ","), "MIE_TOPIC_PREFIX": cat.Prefix}
	err := dlq.Run(context.Background(), args, func(k string) string { return env[k] }, &out)
	return out.String(), err
}

func TestList(t *testing.T) {
	kafka, cat, inputs, letters := fixture(t)
	all, err := dlq.List(t.Context(), kafka, cat, dlq.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 3 {
		t.Fatalf("listed %d, want 3", len(all))
	}
	byKey := map[string]dlq.Entry{}
	for _, e := range all {
		byKey[e.Key] = e
	}
	for i, in := range inputs {
		e := byKey[string(in.Key)]
		if e.SourceTopic != in.Topic || e.SourcePartition != in.Partition || e.SourceOffset != in.Offset ||
			e.Handler != "mie-executor" || e.Error != "cause "+string(in.Key) || e.Replayed != nil ||
			e.Position.Partition != letters[i].Partition || e.Position.Offset != letters[i].Offset || e.Time.IsZero() {
			t.Fatalf("entry for %s: %+v", in.Key, e)
		}
	}
	if byKey["exec-1"].Type != "StartExecution" || byKey["exec-2"].Type != "" || byKey["ghost"].Reason != deadletter.ReasonUnknownExecution {
		t.Fatalf("types or reasons: %+v", byKey)
	}

	got, err := dlq.List(t.Context(), kafka, cat, dlq.Filter{Reason: deadletter.ReasonUndecodable, SourceTopic: cat.Commands()})
	if err != nil || len(got) != 1 || got[0].Key != "exec-1" {
		t.Fatalf("filtered: %+v %v", got, err)
	}

	out, err := run(t, kafka, cat, "list", "--reason", "undecodable")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"REASON", "undecodable", "mie-executor", cat.Commands() + "/", "exec-1", "exec-2", "StartExecution", "cause exec-1"} {
		if !strings.Contains(out, want) {
			t.Errorf("list output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "ghost") {
		t.Errorf("--reason undecodable listed the unknown-execution letter:\n%s", out)
	}
	out, err = run(t, kafka, cat, "list", "--json", "--limit", "2")
	if err != nil {
		t.Fatal(err)
	}
	var js []dlq.Entry
	if err := json.Unmarshal([]byte(out), &js); err != nil || len(js) != 2 || js[1].Key != all[2].Key {
		t.Fatalf("--json --limit 2 (the newest two): %v\n%s", err, out)
	}
}

// TestReplay: by reason, then again (nothing twice), then by offset; each
// re-driven record lands on its source topic and partition with its key,
// value and original headers, and its marker makes it listed as replayed.
func TestReplay(t *testing.T) {
	kafka, cat, inputs, _ := fixture(t)
	src := kafkatest.Client(t, kafka, cat.Commands(), cat.Results())
	// The inputs themselves, read first.
	kafkatest.Collect(t, src, len(inputs))

	out, err := run(t, kafka, cat, "replay", "--reason", "undecodable", "--dry-run")
	if err != nil || !strings.Contains(out, "would replay 2 dead letter(s)") {
		t.Fatalf("dry run: %v\n%s", err, out)
	}
	out, err = run(t, kafka, cat, "replay", "--reason", "undecodable")
	if err != nil || !strings.Contains(out, "replayed 2 dead letter(s); 0 skipped") {
		t.Fatalf("replay: %v\n%s", err, out)
	}
	got := kafkatest.Collect(t, src, 2)
	for _, r := range got {
		var in *kgo.Record
		for _, i := range inputs[:2] {
			if string(i.Key) == string(r.Key) {
				in = i
			}
		}
		if in == nil || r.Topic != in.Topic || r.Partition != in.Partition || string(r.Value) != string(in.Value) {
			t.Fatalf("re-driven %s/%d %s=%s, want the input back on its topic and partition", r.Topic, r.Partition, r.Key, r.Value)
		}
		var names []string
		for _, h := range r.Headers {
			names = append(names, h.Key)
		}
		want := []string{deadletter.HeaderReplayOf}
		if string(r.Key) == "exec-1" {
			want = []string{"mie-type", "trace", deadletter.HeaderReplayOf}
		}
		if strings.Join(names, ",") != strings.Join(want, ",") {
			t.Fatalf("headers of %s: %v, want %v (no dead-letter headers)", r.Key, names, want)
		}
	}

	// Replaying the same again re-drives nothing.
	out, err = run(t, kafka, cat, "replay", "--reason", "undecodable")
	if err != nil || !strings.Contains(out, "replayed 0 dead letter(s); 2 skipped") {
		t.Fatalf("second replay: %v\n%s", err, out)
	}
	entries, err := dlq.List(t.Context(), kafka, cat, dlq.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	var ghost dlq.Entry
	for _, e := range entries {
		switch {
		case e.Key == "ghost":
			ghost = e
			if e.Replayed != nil {
				t.Fatalf("ghost was not chosen but is marked replayed")
			}
		case e.Replayed == nil:
			t.Fatalf("%s is not marked replayed", e.Key)
		}
	}
	if len(entries) != 3 {
		t.Fatalf("replay markers were listed as dead letters: %d entries", len(entries))
	}

	// By offset; --all then finds nothing left.
	out, err = run(t, kafka, cat, "replay", "--offset", ghost.Position.String(), "--json")
	var res struct{ Replayed, Skipped []dlq.Entry }
	if err != nil || json.Unmarshal([]byte(out), &res) != nil || len(res.Replayed) != 1 || res.Replayed[0].Key != "ghost" {
		t.Fatalf("replay --offset: %v\n%s", err, out)
	}
	if r := kafkatest.Collect(t, src, 1)[0]; string(r.Key) != "ghost" || r.Topic != cat.Commands() {
		t.Fatalf("re-driven %s to %s", r.Key, r.Topic)
	}
	if out, err = run(t, kafka, cat, "replay", "--all"); err != nil || !strings.Contains(out, "replayed 0 dead letter(s); 3 skipped") {
		t.Fatalf("replay --all: %v\n%s", err, out)
	}
}

func TestCLIErrors(t *testing.T) {
	kafka, cat, _, _ := fixture(t)
	// A dead letter without source headers cannot be replayed; the others are.
	kafkatest.Produce(t, kafka, &kgo.Record{Topic: cat.DLQ(), Key: []byte("x"), Value: []byte("v"),
		Headers: []kgo.RecordHeader{{Key: deadletter.HeaderReason, Value: []byte("invalid")}}})
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"replay"}, "choose what to replay"},
		{[]string{"replay", "--offset", "3"}, "want partition:offset"},
		{[]string{"list", "--limit", "-1"}, "negative"},
		{[]string{"frobnicate"}, "unknown command"},
		{[]string{"list", "extra"}, `unexpected argument "extra"`},
		{[]string{"replay", "--reason", "invalid"}, "name no source topic"},
	}
	for _, tt := range tests {
		if _, err := run(t, kafka, cat, tt.args...); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%v: err %v, want it to mention %q", tt.args, err, tt.want)
		}
	}
	err := dlq.Run(t.Context(), []string{"list"}, func(string) string { return "" }, &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "--kafka") {
		t.Errorf("no brokers: %v", err)
	}
	var help bytes.Buffer
	if err := dlq.Run(t.Context(), []string{"--help"}, func(string) string { return "" }, &help); err != nil ||
		!strings.Contains(help.String(), "--reason") || !strings.Contains(help.String(), "--dry-run") {
		t.Errorf("help: %v\n%s", err, help.String())
	}
}
