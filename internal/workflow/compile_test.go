package workflow

import (
	"errors"
	"strings"
	"testing"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/problem"
	"github.com/mie-kafka/mie/internal/topics"
)

type defs struct {
	wf  map[string]events.Workflow
	st  map[string]events.Stage
	ops map[string]events.Operator
}

func (d defs) Workflow(n string) (events.Workflow, bool) { w, ok := d.wf[n]; return w, ok }
func (d defs) Stage(n string) (events.Stage, bool)       { s, ok := d.st[n]; return s, ok }
func (d defs) Operator(n string) (events.Operator, bool) { o, ok := d.ops[n]; return o, ok }

func fixture() defs {
	op := func(name, impl string) events.Operator {
		return events.Operator{Name: name, Type: "Sync", StartLambdaArn: impl,
			Configuration: map[string]any{"MediaType": "Video", "Enabled": true, "Level": "low"}}
	}
	return defs{
		wf: map[string]events.Workflow{"wf": {Name: "wf", StartAt: "A", Stages: map[string]events.WorkflowStage{
			"A": {Next: "B"}, "B": {End: true}}}},
		st: map[string]events.Stage{
			"A": {Name: "A", Operations: []string{"P1", "P2"}, Configuration: map[string]map[string]any{"P2": {"Level": "mid"}}},
			"B": {Name: "B", Operations: []string{"W"}},
		},
		ops: map[string]events.Operator{
			"P1": op("P1", "builtin:Passthrough"), "P2": op("P2", "http://gpu:9000/run"), "W": op("W", "worker:my.topic"),
		},
	}
}

func TestCompile(t *testing.T) {
	cat := topics.New("t.", 4)
	got, err := Compile(fixture(), "wf", events.Configuration{"A": {"P1": {"Enabled": false}}}, cat)
	if err != nil {
		t.Fatal(err)
	}
	m := got.Machine
	if m.StartAt != "A" || len(m.States) != 2 {
		t.Fatalf("machine: %+v", m)
	}
	a := m.States["A"]
	if a.Type != events.StateParallel || a.Stage != "A" || a.Next != "B" || a.End || len(a.Branches) != 2 {
		t.Fatalf("stage A: %+v", a)
	}
	if b := m.States["B"]; !b.End || b.Next != "" {
		t.Fatalf("stage B: %+v", b)
	}
	tests := []struct {
		branch         int
		name, topic    string
		enabled, level any
	}{
		{0, "P1", "t.tasks.builtin.Passthrough", false, "low"},
		{1, "P2", "t.tasks.http", true, "mid"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			br := a.Branches[tt.branch]
			task := br.States[br.StartAt]
			if br.StartAt != tt.name || task.Type != events.StateTask || !task.End || task.Operator == nil {
				t.Fatalf("branch: %+v", br)
			}
			o := task.Operator
			if o.Topic != tt.topic || o.Stage != "A" || o.Configuration["Enabled"] != tt.enabled || o.Configuration["Level"] != tt.level {
				t.Fatalf("operator task: %+v", o)
			}
		})
	}
	if w := got.Machine.States["B"].Branches[0].States["W"].Operator.Topic; w != "t.my.topic" {
		t.Fatalf("worker topic %q", w)
	}
	if cfg := got.Workflow.Stages["A"].Configuration["P2"]; cfg["Level"] != "mid" {
		t.Fatalf("frozen workflow config: %+v", cfg)
	}
}

func TestCompileErrors(t *testing.T) {
	cat := topics.New("", 4)
	tests := []struct {
		name      string
		wf        string
		overrides events.Configuration
		want      error
	}{
		{"unknown workflow", "nope", nil, problem.ErrNotFound},
		{"override names unknown stage", "wf", events.Configuration{"Z": {}}, problem.ErrInvalid},
		{"override names operator not in stage", "wf", events.Configuration{"A": {"W": {}}}, problem.ErrInvalid},
		{"override with a bad retry policy", "wf", events.Configuration{"A": {"P1": {"Retry": map[string]any{"BackoffRate": 0.5}}}}, problem.ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Compile(fixture(), tt.wf, tt.overrides, cat)
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
		})
	}
	d := fixture()
	delete(d.ops, "W")
	if _, err := Compile(d, "wf", nil, cat); !errors.Is(err, problem.ErrConflict) {
		t.Fatalf("deleted operator: %v", err)
	}
}

// TestCompileRetry: every operator Task gets MIE's default retry policy
// unless its Configuration (operator, stage or per-run) sets Retry.
func TestCompileRetry(t *testing.T) {
	d := fixture()
	p2 := d.ops["P2"]
	p2.Configuration["Retry"] = []any{map[string]any{"ErrorEquals": []any{"Throttled"}, "IntervalSeconds": 0.5, "MaxAttempts": 4.0,
		"JitterStrategy": "FULL"}}
	d.ops["P2"] = p2
	got, err := Compile(d, "wf", events.Configuration{"B": {"W": {"Retry": []any{}}}}, topics.New("", 4))
	if err != nil {
		t.Fatal(err)
	}
	task := func(stage string, b int, name string) *events.State {
		return got.Machine.States[stage].Branches[b].States[name]
	}
	if r := task("A", 0, "P1").Retry; len(r) != 1 || r[0].ErrorEquals[0] != "States.ALL" || r[0].IntervalSeconds != 2 ||
		r[0].MaxAttempts != 2 || r[0].BackoffRate != 2 {
		t.Fatalf("P1 has no MIE default retry: %+v", r)
	}
	if r := task("A", 1, "P2").Retry; len(r) != 1 || r[0].ErrorEquals[0] != "Throttled" || r[0].IntervalSeconds != 0.5 ||
		r[0].MaxAttempts != 4 || r[0].JitterStrategy != "FULL" {
		t.Fatalf("P2's policy not compiled: %+v", r)
	}
	if r := task("B", 0, "W").Retry; r != nil {
		t.Fatalf("a per-run Retry of [] should turn retries off: %+v", r)
	}
	_, err = Compile(fixture(), "wf", events.Configuration{"A": {"P1": {"Retry": map[string]any{"MaxAttempts": -2.0}}}}, topics.New("", 4))
	if !errors.Is(err, problem.ErrInvalid) || !strings.Contains(err.Error(), "Configuration.A.P1: Retry.MaxAttempts") {
		t.Fatalf("bad override: %v", err)
	}
}
