package engine

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mie-kafka/mie/events"
)

var update = flag.Bool("update", false, "rewrite the golden event traces in testdata/golden")

// specCase is one file of testdata/spec: a machine, its input, how its
// functions answer, and the result the States Language specification (or
// AWS's documentation) states.
type specCase struct {
	About      string                `json:"about"`
	Definition json.RawMessage       `json:"definition"`
	Input      json.RawMessage       `json:"input"`
	Answers    map[string]specAnswer `json:"answers"`
	Attempts   map[string]int        `json:"attempts"`
	Output     json.RawMessage       `json:"output"`
	Error      string                `json:"error"`
	Cause      string                `json:"cause"`
}

type specAnswer struct {
	ExpectPayload json.RawMessage `json:"expectPayload"`
	Output        json.RawMessage `json:"output"`
	Error         string          `json:"error"`
	Cause         string          `json:"cause"`
}

// TestSpecExamples runs the examples of testdata/spec and checks each
// ends as stated, then compares its event trace with testdata/golden
// (go test -run TestSpecExamples -update rewrites them).
func TestSpecExamples(t *testing.T) {
	files, err := filepath.Glob("testdata/spec/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no spec examples: %v", err)
	}
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".json")
		t.Run(name, func(t *testing.T) {
			raw, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			var c specCase
			if err := json.Unmarshal(raw, &c); err != nil {
				t.Fatalf("%s: %v", file, err)
			}
			h := newHarness(t).start(string(c.Definition), string(c.Input))
			calls := runSpec(t, h, c)
			if c.Error != "" {
				h.failedWith(c.Error, c.Cause)
			} else {
				h.succeeded(string(c.Output))
			}
			for fn, n := range c.Attempts {
				if calls[fn] != n {
					t.Errorf("%s called %d times, want %d", fn, calls[fn], n)
				}
			}
			golden(t, name, h.log)
		})
	}
}

// runSpec answers tasks and fires timers until the execution ends; it
// returns how often each function was called.
func runSpec(t *testing.T, h *harness, c specCase) map[string]int {
	t.Helper()
	calls := map[string]int{}
	for steps := 0; !h.x.Status.Terminal(); steps++ {
		if steps > 1000 {
			t.Fatalf("no end after %d steps: %s", steps, summary(h.x))
		}
		switch {
		case len(h.tasks) > 0:
			task := h.task()
			fn := task.Function
			calls[fn]++
			a, ok := c.Answers[fn]
			if !ok {
				t.Fatalf("no answer for function %s", fn)
			}
			if len(a.ExpectPayload) > 0 {
				h.sameJSON(decode(task.Payload), string(a.ExpectPayload))
			}
			if a.Error != "" {
				h.t.Helper()
				res := &events.OperatorResult{WorkflowExecutionId: h.x.ID, TaskId: task.TaskId, Attempt: task.Attempt,
					Phase: task.Phase, Status: events.ResultError, Run: task.Run, Error: a.Error, Cause: a.Cause}
				h.take(Handle(h.x, res, h.now, &h.opts))
			} else {
				h.complete(task, string(a.Output))
			}
		case len(h.timers) > 0:
			h.fireTimers()
		default:
			t.Fatalf("the execution waits for nothing: %s", summary(h.x))
		}
	}
	return calls
}

// golden compares the events with testdata/golden/<name>.jsonl, one
// {"type": ..., "event": ...} per line.
func golden(t *testing.T, name string, log []logged) {
	t.Helper()
	var b bytes.Buffer
	for _, l := range log {
		line, err := json.Marshal(map[string]any{"type": l.p.EventType(), "event": l.p})
		if err != nil {
			t.Fatal(err)
		}
		b.Write(line)
		b.WriteByte('\n')
	}
	path := filepath.Join("testdata", "golden", name+".jsonl")
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./internal/engine -run TestSpecExamples -update to write it)", err)
	}
	if !bytes.Equal(b.Bytes(), want) {
		got, exp := strings.Split(b.String(), "\n"), strings.Split(string(want), "\n")
		for i := range min(len(got), len(exp)) {
			if got[i] != exp[i] {
				t.Fatalf("event trace differs from %s at line %d:\n got %s\nwant %s", path, i+1, got[i], exp[i])
			}
		}
		t.Fatalf("event trace differs from %s: %d lines, want %d", path, len(got), len(exp))
	}
}
