package definitions

import (
	"errors"
	"strings"
	"testing"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/problem"
	"github.com/mie-kafka/mie/internal/topics"
)

var testRules = rules{
	builtins: map[string]string{"Passthrough": TypeSync, "Sleep": TypeAsync},
	catalog:  topics.New("t.", 2),
}

// fixture is a small set of definitions: operators A and B with their own
// stages, stage S1 running both, stage S2 running A, workflow W1 (S1 then
// S2) and workflow W2 (A's own stage alone).
func fixture() state {
	s := newState()
	for _, n := range []string{"A", "B"} {
		s.operators[n] = events.Operator{Name: n, Type: TypeSync, StartLambdaArn: "builtin:Passthrough",
			Configuration: map[string]any{"MediaType": "Video", "Enabled": true}}
		s.stages[OperatorStage(n)] = events.Stage{Name: OperatorStage(n), Operations: []string{n}}
	}
	s.stages["S1"] = events.Stage{Name: "S1", Operations: []string{"A", "B"}}
	s.stages["S2"] = events.Stage{Name: "S2", Operations: []string{"A"}}
	s.workflows["W1"] = events.Workflow{Name: "W1", StartAt: "S1", Stages: map[string]events.WorkflowStage{
		"S1": {Next: "S2"}, "S2": {End: true}}}
	s.workflows["W2"] = events.Workflow{Name: "W2", StartAt: "_A", Stages: map[string]events.WorkflowStage{
		"_A": {End: true}}}
	return s
}

// checkErr fails t unless err is nil when want is nil, or wraps want and
// mentions every one of mention.
func checkErr(t *testing.T, err, want error, mention ...string) {
	t.Helper()
	if want == nil {
		if err != nil {
			t.Fatalf("err = %v, want nil", err)
		}
		return
	}
	if !errors.Is(err, want) {
		t.Fatalf("err = %v, want %v", err, want)
	}
	for _, m := range mention {
		if !strings.Contains(err.Error(), m) {
			t.Errorf("err = %q, want it to mention %q", err, m)
		}
	}
}

func TestValidateOperator(t *testing.T) {
	cfg := map[string]any{"MediaType": "Video", "Enabled": true}
	op := func(mod func(*events.Operator)) events.Operator {
		o := events.Operator{Name: "New", Type: TypeSync, Configuration: cfg, StartLambdaArn: "builtin:Passthrough"}
		mod(&o)
		return o
	}
	tests := []struct {
		name      string
		op        events.Operator
		wantErr   error
		mention   []string
		wantKind  string
		wantTopic string
	}{
		{name: "builtin", op: op(func(*events.Operator) {}), wantKind: implBuiltin},
		{name: "async builtin monitors itself", op: op(func(o *events.Operator) {
			o.Type, o.StartLambdaArn, o.MonitorLambdaArn = TypeAsync, "builtin:Sleep", "builtin:Sleep"
		}), wantKind: implBuiltin},
		{name: "http", op: op(func(o *events.Operator) { o.StartLambdaArn = "https://ops.example.com/start" }), wantKind: implHTTP},
		{name: "async http", op: op(func(o *events.Operator) {
			o.Type, o.StartLambdaArn, o.MonitorLambdaArn = TypeAsync, "http://h:8080/start", "http://h:8080/status"
		}), wantKind: implHTTP},
		{name: "worker", op: op(func(o *events.Operator) { o.StartLambdaArn = "worker:tasks.gpu" }),
			wantKind: implWorker, wantTopic: "t.tasks.gpu"},
		{name: "async worker", op: op(func(o *events.Operator) {
			o.Type, o.StartLambdaArn, o.MonitorLambdaArn = TypeAsync, "worker:transcribe", "worker:transcribe"
		}), wantKind: implWorker, wantTopic: "t.transcribe"},
		{name: "everything missing", op: events.Operator{}, wantErr: problem.ErrInvalid,
			mention: []string{"Name: required", "Type:", "Configuration: required", "StartLambdaArn: required"}},
		{name: "bad name", op: op(func(o *events.Operator) { o.Name = "a b" }), wantErr: problem.ErrInvalid, mention: []string{"Name:"}},
		{name: "long name", op: op(func(o *events.Operator) { o.Name = strings.Repeat("x", 129) }), wantErr: problem.ErrInvalid, mention: []string{"Name:"}},
		{name: "bad type", op: op(func(o *events.Operator) { o.Type = "sync" }), wantErr: problem.ErrInvalid, mention: []string{"Type:"}},
		{name: "configuration without keys", op: op(func(o *events.Operator) { o.Configuration = map[string]any{} }),
			wantErr: problem.ErrInvalid, mention: []string{"Configuration.MediaType: required", "Configuration.Enabled: required"}},
		{name: "configuration of wrong types", op: op(func(o *events.Operator) {
			o.Configuration = map[string]any{"MediaType": "", "Enabled": "yes"}
		}), wantErr: problem.ErrInvalid, mention: []string{"Configuration.MediaType:", "Configuration.Enabled:"}},
		{name: "retry policy", op: op(func(o *events.Operator) {
			o.Configuration = map[string]any{"MediaType": "Video", "Enabled": true, "Retry": map[string]any{"MaxAttempts": 5.0}}
		}), wantKind: implBuiltin},
		{name: "bad retry policy", op: op(func(o *events.Operator) {
			o.Configuration = map[string]any{"MediaType": "Video", "Enabled": true,
				"Retry": []any{map[string]any{"MaxAttempts": -1.0, "BackoffRate": 0.1}}}
		}), wantErr: problem.ErrInvalid, mention: []string{"Configuration.Retry[0].MaxAttempts:", "Configuration.Retry[0].BackoffRate:"}},
		{name: "unknown builtin", op: op(func(o *events.Operator) { o.StartLambdaArn = "builtin:Nope" }),
			wantErr: problem.ErrInvalid, mention: []string{"StartLambdaArn:", "Nope", "Passthrough"}},
		{name: "builtin of another type", op: op(func(o *events.Operator) { o.StartLambdaArn = "builtin:Sleep" }),
			wantErr: problem.ErrInvalid, mention: []string{"Type: builtin Sleep is Async"}},
		{name: "url without host", op: op(func(o *events.Operator) { o.StartLambdaArn = "http:///x" }),
			wantErr: problem.ErrInvalid, mention: []string{"StartLambdaArn:"}},
		{name: "lambda arn", op: op(func(o *events.Operator) { o.StartLambdaArn = "arn:aws:lambda:us-east-1:1:function:f" }),
			wantErr: problem.ErrInvalid, mention: []string{"StartLambdaArn:"}},
		{name: "bad worker topic", op: op(func(o *events.Operator) { o.StartLambdaArn = "worker:a/b" }),
			wantErr: problem.ErrInvalid, mention: []string{"StartLambdaArn:"}},
		{name: "worker on an engine topic", op: op(func(o *events.Operator) { o.StartLambdaArn = "worker:definitions" }),
			wantErr: problem.ErrInvalid, mention: []string{"StartLambdaArn:", "t.definitions"}},
		{name: "worker on a builtin's topic", op: op(func(o *events.Operator) { o.StartLambdaArn = "worker:tasks.builtin.Sleep" }),
			wantErr: problem.ErrInvalid, mention: []string{"StartLambdaArn:"}},
		{name: "async without monitor", op: op(func(o *events.Operator) {
			o.Type, o.StartLambdaArn = TypeAsync, "https://h/start"
		}), wantErr: problem.ErrInvalid, mention: []string{"MonitorLambdaArn: required"}},
		{name: "async builtin with another monitor", op: op(func(o *events.Operator) {
			o.Type, o.StartLambdaArn, o.MonitorLambdaArn = TypeAsync, "builtin:Sleep", "https://h/status"
		}), wantErr: problem.ErrInvalid, mention: []string{"MonitorLambdaArn:"}},
		{name: "async http with a bad monitor", op: op(func(o *events.Operator) {
			o.Type, o.StartLambdaArn, o.MonitorLambdaArn = TypeAsync, "https://h/start", "worker:x"
		}), wantErr: problem.ErrInvalid, mention: []string{"MonitorLambdaArn:"}},
		{name: "sync with a monitor", op: op(func(o *events.Operator) { o.MonitorLambdaArn = "builtin:Passthrough" }),
			wantErr: problem.ErrInvalid, mention: []string{"MonitorLambdaArn:"}},
		{name: "existing operator", op: op(func(o *events.Operator) { o.Name = "A" }),
			wantErr: problem.ErrConflict, mention: []string{`operator "A"`}},
		{name: "its stage exists", op: op(func(o *events.Operator) { o.Name = "1" }),
			wantErr: problem.ErrConflict, mention: []string{`stage "_1"`}},
	}
	st := fixture()
	st.stages["_1"] = events.Stage{Name: "_1"}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			kind, topic, err := testRules.operator(tt.op, st)
			checkErr(t, err, tt.wantErr, tt.mention...)
			if kind != tt.wantKind || topic != tt.wantTopic {
				t.Errorf("kind, topic = %q, %q; want %q, %q", kind, topic, tt.wantKind, tt.wantTopic)
			}
		})
	}
}

func TestValidateStage(t *testing.T) {
	tests := []struct {
		name    string
		stage   events.Stage
		wantErr error
		mention []string
	}{
		{name: "ok", stage: events.Stage{Name: "S3", Operations: []string{"A", "B"}}},
		{name: "ok with overrides", stage: events.Stage{Name: "S3", Operations: []string{"A"},
			Configuration: map[string]map[string]any{"A": {"Enabled": false, "Lang": "fr"}}}},
		{name: "no name, no operations", stage: events.Stage{}, wantErr: problem.ErrInvalid,
			mention: []string{"Name: required", "Operations: required"}},
		{name: "reserved name", stage: events.Stage{Name: "_X", Operations: []string{"A"}}, wantErr: problem.ErrInvalid,
			mention: []string{"Name:", "reserved"}},
		{name: "unknown operator", stage: events.Stage{Name: "S3", Operations: []string{"A", "Nope"}}, wantErr: problem.ErrInvalid,
			mention: []string{`Operations: unknown operator "Nope"`}},
		{name: "duplicate operator", stage: events.Stage{Name: "S3", Operations: []string{"A", "A"}}, wantErr: problem.ErrInvalid,
			mention: []string{`Operations: operator "A" is listed twice`}},
		{name: "configuration of an unlisted operator", stage: events.Stage{Name: "S3", Operations: []string{"A"},
			Configuration: map[string]map[string]any{"B": {}}}, wantErr: problem.ErrInvalid,
			mention: []string{"Configuration.B:"}},
		{name: "configuration of a wrong type", stage: events.Stage{Name: "S3", Operations: []string{"A"},
			Configuration: map[string]map[string]any{"A": {"Enabled": 1.0}}}, wantErr: problem.ErrInvalid,
			mention: []string{"Configuration.A.Enabled:"}},
		{name: "existing", stage: events.Stage{Name: "S1", Operations: []string{"A"}}, wantErr: problem.ErrConflict,
			mention: []string{`stage "S1"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkErr(t, testRules.stage(tt.stage, fixture()), tt.wantErr, tt.mention...)
		})
	}
}

func TestValidateWorkflow(t *testing.T) {
	type ws = events.WorkflowStage
	wf := func(start string, stages map[string]ws) events.Workflow {
		return events.Workflow{Name: "W", StartAt: start, Stages: stages}
	}
	tests := []struct {
		name    string
		wf      events.Workflow
		mention []string
	}{
		{name: "one stage", wf: wf("S1", map[string]ws{"S1": {End: true}})},
		{name: "a chain", wf: wf("_A", map[string]ws{"_A": {Next: "S1"}, "S1": {Next: "S2"}, "S2": {End: true}})},
		{name: "nothing", wf: events.Workflow{}, mention: []string{"Name: required", "Stages: required", "StartAt: required"}},
		{name: "bad name", wf: events.Workflow{Name: "w/1", StartAt: "S1", Stages: map[string]ws{"S1": {End: true}}},
			mention: []string{"Name:"}},
		{name: "unknown stage", wf: wf("S1", map[string]ws{"S1": {Next: "Nope"}, "Nope": {End: true}}),
			mention: []string{`Stages: unknown stage "Nope"`}},
		{name: "start not in stages", wf: wf("S2", map[string]ws{"S1": {End: true}}),
			mention: []string{`StartAt: "S2" is not a stage of this workflow`}},
		{name: "next and end", wf: wf("S1", map[string]ws{"S1": {Next: "S2", End: true}, "S2": {End: true}}),
			mention: []string{"Stages.S1: has both Next and End"}},
		{name: "neither next nor end", wf: wf("S1", map[string]ws{"S1": {}}),
			mention: []string{"Stages.S1: want exactly one of Next and End"}},
		{name: "next outside the workflow", wf: wf("S1", map[string]ws{"S1": {Next: "S2"}}),
			mention: []string{`Stages.S1.Next: "S2" is not a stage of this workflow`}},
		{name: "two ends", wf: wf("S1", map[string]ws{"S1": {End: true}, "S2": {End: true}}),
			mention: []string{"found 2"}},
		{name: "no end", wf: wf("S1", map[string]ws{"S1": {Next: "S2"}, "S2": {Next: "S1"}}),
			mention: []string{"found 0"}},
		{name: "cycle", wf: wf("S1", map[string]ws{"S1": {Next: "S2"}, "S2": {Next: "S1"}, "_A": {End: true}}),
			mention: []string{"cycle: S1 -> S2 -> S1", `"_A" is not reachable`}},
		{name: "unreachable stage", wf: wf("S1", map[string]ws{"S1": {End: true}, "S2": {Next: "S1"}}),
			mention: []string{`Stages: "S2" is not reachable from StartAt`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var want error
			if len(tt.mention) > 0 {
				want = problem.ErrInvalid
			}
			checkErr(t, testRules.workflow(tt.wf, fixture()), want, tt.mention...)
		})
	}
}

func TestValidateSystemConfig(t *testing.T) {
	for _, tt := range []struct {
		n       int
		wantErr error
	}{{1, nil}, {50, nil}, {0, problem.ErrInvalid}, {-3, problem.ErrInvalid}} {
		checkErr(t, systemConfig(events.SystemConfigured{MaxConcurrentWorkflows: tt.n}), tt.wantErr, "MaxConcurrentWorkflows")
	}
}

func TestOperatorDeletion(t *testing.T) {
	st := fixture()
	st.operators["C"] = events.Operator{Name: "C"}
	st.stages["_C"] = events.Stage{Name: "_C", Operations: []string{"C"}}
	tests := []struct {
		name    string
		op      string
		force   bool
		wantErr error
		mention []string
	}{
		{name: "unused but for its own stage", op: "C"},
		{name: "unknown", op: "Nope", wantErr: problem.ErrNotFound, mention: []string{`operator "Nope"`}},
		{name: "unknown with force", op: "Nope", force: true, wantErr: problem.ErrNotFound},
		{name: "used by stages and through its stage by a workflow", op: "A", wantErr: problem.ErrConflict,
			mention: []string{"stages S1, S2", "workflows W2"}},
		{name: "used by a stage", op: "B", wantErr: problem.ErrConflict, mention: []string{"stages S1"}},
		{name: "in use with force", op: "A", force: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkErr(t, operatorDeletion(tt.op, st, tt.force), tt.wantErr, tt.mention...)
		})
	}
}

func TestStageDeletion(t *testing.T) {
	st := fixture()
	st.stages["S3"] = events.Stage{Name: "S3", Operations: []string{"B"}}
	st.stages["_Gone"] = events.Stage{Name: "_Gone", Operations: []string{"Gone"}}
	tests := []struct {
		name    string
		stage   string
		force   bool
		wantErr error
		mention []string
	}{
		{name: "unused", stage: "S3"},
		{name: "a deleted operator's leftover stage", stage: "_Gone"},
		{name: "unknown", stage: "Nope", wantErr: problem.ErrNotFound, mention: []string{`stage "Nope"`}},
		{name: "used by a workflow", stage: "S1", wantErr: problem.ErrConflict, mention: []string{"workflows W1"}},
		{name: "an operator's own stage", stage: "_B", wantErr: problem.ErrConflict, mention: []string{`operator "B"`}},
		{name: "both", stage: "_A", wantErr: problem.ErrConflict, mention: []string{"workflows W2", `operator "A"`}},
		{name: "in use with force", stage: "S1", force: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkErr(t, stageDeletion(tt.stage, st, tt.force), tt.wantErr, tt.mention...)
		})
	}
}

func TestEffectiveConfiguration(t *testing.T) {
	op := events.Operator{Name: "A", Configuration: map[string]any{"MediaType": "Video", "Enabled": true, "Lang": "en"}}
	stage := events.Stage{Name: "S", Operations: []string{"A"},
		Configuration: map[string]map[string]any{"A": {"Enabled": false, "Extra": []any{"x"}}}}
	got := EffectiveConfiguration(op, stage)
	want := map[string]any{"MediaType": "Video", "Enabled": false, "Lang": "en", "Extra": []any{"x"}}
	if !equalJSON(got, want) {
		t.Errorf("effective = %v, want %v", got, want)
	}
	got["Lang"] = "fr"
	got["Extra"].([]any)[0] = "y"
	if op.Configuration["Lang"] != "en" || stage.Configuration["A"]["Extra"].([]any)[0] != "x" {
		t.Error("EffectiveConfiguration shares memory with its inputs")
	}
}

func TestWorkflowViews(t *testing.T) {
	st := fixture()
	st.stages["S2"] = events.Stage{Name: "S2", Operations: []string{"A"},
		Configuration: map[string]map[string]any{"A": {"Enabled": false}}}
	cfg := st.workflowConfiguration(st.workflows["W1"])
	want := WorkflowConfiguration{
		"S1": {"A": {"MediaType": "Video", "Enabled": true}, "B": {"MediaType": "Video", "Enabled": true}},
		"S2": {"A": {"MediaType": "Video", "Enabled": false}},
	}
	if !equalJSON(cfg, want) {
		t.Errorf("configuration = %v, want %v", cfg, want)
	}
	x := st.expand(st.workflows["W1"])
	if x.Stages["S1"].Next != "S2" || !x.Stages["S2"].End || len(x.Stages["S1"].Operations) != 2 ||
		x.Stages["S2"].Configuration["A"]["Enabled"] != false {
		t.Errorf("expanded = %+v", x)
	}
	if got := st.workflowsUsingOperator("B"); len(got) != 1 || got[0] != "W1" {
		t.Errorf("workflows using B = %v, want [W1]", got)
	}
	if got := st.workflowsUsingOperator("A"); len(got) != 2 {
		t.Errorf("workflows using A = %v, want [W1 W2]", got)
	}
}
