package execution

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/topics"
	"github.com/mie-kafka/mie/internal/workflow"
)

var t0 = time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)

// stage is a test stage: operator name -> implementation and config.
type opSpec struct {
	name, impl, typ string
	cfg             map[string]any
}

func build(t *testing.T, stages ...[]opSpec) *events.StartExecution {
	t.Helper()
	wf := events.Workflow{Name: "wf", Stages: map[string]events.WorkflowStage{}}
	st := map[string]events.Stage{}
	ops := map[string]events.Operator{}
	for i, s := range stages {
		name := string(rune('A' + i))
		if i == 0 {
			wf.StartAt = name
		}
		link := events.WorkflowStage{End: true}
		if i < len(stages)-1 {
			link = events.WorkflowStage{Next: string(rune('A' + i + 1))}
		}
		wf.Stages[name] = link
		stage := events.Stage{Name: name}
		for _, o := range s {
			stage.Operations = append(stage.Operations, o.name)
			cfg := map[string]any{"MediaType": "Video", "Enabled": true}
			for k, v := range o.cfg {
				cfg[k] = v
			}
			typ := o.typ
			if typ == "" {
				typ = "Sync"
			}
			ops[o.name] = events.Operator{Name: o.name, Type: typ, StartLambdaArn: o.impl, Configuration: cfg}
		}
		st[name] = stage
	}
	c, err := workflow.Build(wf, st, ops, nil, topics.New("", 4))
	if err != nil {
		t.Fatal(err)
	}
	return &events.StartExecution{ExecutionId: "x1", Workflow: c.Workflow, Machine: c.Machine, AssetId: "a1",
		Input:   events.GlobalsInput(events.Globals{Media: map[string]events.MediaObject{"Video": {S3Bucket: "b", S3Key: "k.mp4"}}, MetaData: map[string]any{}}),
		Created: t0}
}

// run drives an execution and records every event it emits.
type run struct {
	t      *testing.T
	x      *Execution
	events []events.Payload
	tasks  []Task
	adm    []events.Payload
	now    time.Time
	opts   Options
}

func newRun(t *testing.T, cmd *events.StartExecution) *run {
	x, out := Start(cmd, t0)
	r := &run{t: t, x: x, now: t0, opts: Options{OperatorTimeout: time.Minute}}
	r.take(out)
	return r
}

func (r *run) take(o Output) {
	r.events = append(r.events, o.Events...)
	r.tasks = append(r.tasks, o.Tasks...)
	r.adm = append(r.adm, o.Admission...)
}

func (r *run) do(p events.Payload) Output {
	r.now = r.now.Add(time.Second)
	o := Handle(r.x, p, r.now, r.opts)
	r.take(o)
	return o
}

// task returns the last dispatched task of operator op.
func (r *run) task(op string) events.OperatorTaskRequest {
	r.t.Helper()
	for i := len(r.tasks) - 1; i >= 0; i-- {
		if r.tasks[i].Task.Name == op {
			return r.tasks[i].Task
		}
	}
	r.t.Fatalf("no task for %s", op)
	return events.OperatorTaskRequest{}
}

func (r *run) result(op, status string, meta map[string]any) Output {
	tk := r.task(op)
	return r.do(&events.OperatorResult{WorkflowExecutionId: "x1", Name: op, StageName: tk.StageName, Path: tk.Path,
		TaskId: tk.TaskId, Attempt: tk.Attempt, Phase: tk.Phase, Status: status, MetaData: meta, Error: "boom"})
}

func (r *run) types() string {
	var s []string
	for _, e := range r.events {
		s = append(s, e.EventType())
	}
	return strings.Join(s, ",")
}

func (r *run) admission() string {
	var s []string
	for _, e := range r.adm {
		s = append(s, e.EventType())
	}
	return strings.Join(s, ",")
}

// replayEquals checks that folding the emitted events gives the same state
// the deciders built: the executor and the projections cannot disagree.
func (r *run) replayEquals() {
	r.t.Helper()
	var envs []events.Envelope
	at := t0
	for _, e := range r.events {
		b, _ := json.Marshal(e)
		envs = append(envs, events.Envelope{Type: e.EventType(), Data: b, Time: at})
	}
	got, err := Fold(envs)
	if err != nil {
		r.t.Fatal(err)
	}
	if got.Status != r.x.Status || got.Version != r.x.Version || !reflect.DeepEqual(got.Globals, r.x.Globals) || len(got.Nodes) != len(r.x.Nodes) {
		r.t.Fatalf("replay differs: %s/%d vs %s/%d", got.Status, got.Version, r.x.Status, r.x.Version)
	}
	for p, n := range r.x.Nodes {
		if g := got.Nodes[p]; g == nil || g.Status != n.Status || g.TaskId != n.TaskId || !reflect.DeepEqual(g.MetaData, n.MetaData) ||
			g.Attempt != n.Attempt || g.Delivery != n.Delivery || g.Phase != n.Phase || !reflect.DeepEqual(g.Retries, n.Retries) ||
			g.Deferrals != n.Deferrals || g.LastError != n.LastError || g.Error != n.Error || string(g.MonitorState) != string(n.MonitorState) {
			r.t.Fatalf("replay node %s differs: %+v vs %+v", p, g, n)
		}
	}
}

func TestHappyPathTwoStages(t *testing.T) {
	r := newRun(t, build(t,
		[]opSpec{{name: "P1", impl: "builtin:Passthrough"}, {name: "P2", impl: "builtin:Passthrough"}},
		[]opSpec{{name: "P3", impl: "builtin:Passthrough"}}))
	if r.x.Status != StatusQueued || r.admission() != "AdmissionRequested" {
		t.Fatalf("after start: %s %s", r.x.Status, r.admission())
	}
	r.do(&events.AdmitExecution{ExecutionId: "x1"})
	if len(r.tasks) != 2 || r.x.Status != StatusStarted || r.x.CurrentStage != "A" {
		t.Fatalf("stage A should dispatch both operators at once: %d tasks, %s", len(r.tasks), r.x.Status)
	}
	r.result("P1", events.ResultComplete, map[string]any{"k1": "v1", "same": "x"})
	if r.x.Nodes["A"].Status != NodeStarted {
		t.Fatal("stage completed before its second operator")
	}
	r.result("P2", events.ResultComplete, map[string]any{"k2": "v2", "same": "x"})
	if r.x.CurrentStage != "B" || r.task("P3").Input.MetaData["k1"] != "v1" {
		t.Fatalf("stage B should start with stage A's metadata: %+v", r.task("P3").Input)
	}
	r.result("P3", events.ResultComplete, nil)
	want := "ExecutionQueued,ExecutionStarted,StageStarted,OperatorDispatched,OperatorDispatched,OperatorCompleted,OperatorCompleted,StageCompleted,StageStarted,OperatorDispatched,OperatorCompleted,StageCompleted,ExecutionCompleted"
	if r.types() != want {
		t.Fatalf("events:\n got %s\nwant %s", r.types(), want)
	}
	if r.x.Status != StatusComplete || r.admission() != "AdmissionRequested,SlotReleased" {
		t.Fatalf("end: %s %s", r.x.Status, r.admission())
	}
	if r.x.Globals.MetaData["k2"] != "v2" || r.x.Globals.Media["Video"].S3Key != "k.mp4" {
		t.Fatalf("globals: %+v", r.x.Globals)
	}
	r.replayEquals()
}

func TestFilterAndFailures(t *testing.T) {
	tests := []struct {
		name    string
		ops     []opSpec
		results []struct {
			op, status string
			meta       map[string]any
		}
		wantStatus string
		wantNodes  map[string]string
		wantError  string
	}{
		{
			name: "disabled and missing media are skipped, MetadataOnly runs",
			ops: []opSpec{
				{name: "Off", impl: "builtin:Passthrough", cfg: map[string]any{"Enabled": false}},
				{name: "Aud", impl: "builtin:Passthrough", cfg: map[string]any{"MediaType": "Audio"}},
				{name: "Meta", impl: "builtin:Passthrough", cfg: map[string]any{"MediaType": "MetadataOnly"}},
			},
			results: []struct {
				op, status string
				meta       map[string]any
			}{{"Meta", events.ResultComplete, nil}},
			wantStatus: StatusComplete,
			wantNodes:  map[string]string{"A/0/Off": NodeSkipped, "A/1/Aud": NodeSkipped, "A/2/Meta": NodeComplete, "A": NodeComplete},
		},
		{
			name:       "all skipped completes the stage at once",
			ops:        []opSpec{{name: "Off", impl: "builtin:Passthrough", cfg: map[string]any{"Enabled": false}}},
			wantStatus: StatusComplete,
			wantNodes:  map[string]string{"A/0/Off": NodeSkipped, "A": NodeComplete},
		},
		{
			name: "an operator error fails stage and execution",
			ops: []opSpec{{name: "F", impl: "builtin:Fail", cfg: map[string]any{"Retry": []any{}}},
				{name: "P", impl: "builtin:Passthrough"}},
			results: []struct {
				op, status string
				meta       map[string]any
			}{
				{"F", events.ResultError, nil}, {"P", events.ResultComplete, nil}},
			wantStatus: StatusError,
			wantNodes:  map[string]string{"A/0/F": NodeError, "A": NodeError, "A/1/P": NodeError},
			wantError:  "boom",
		},
		{
			name: "same key with different values fails the stage",
			ops:  []opSpec{{name: "P1", impl: "builtin:Passthrough"}, {name: "P2", impl: "builtin:Passthrough"}},
			results: []struct {
				op, status string
				meta       map[string]any
			}{
				{"P1", events.ResultComplete, map[string]any{"k": 1.0}}, {"P2", events.ResultComplete, map[string]any{"k": 2.0}}},
			wantStatus: StatusError,
			wantNodes:  map[string]string{"A": NodeError},
			wantError:  `duplicate MetaData key "k" from operators P1 and P2`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRun(t, build(t, tt.ops))
			r.do(&events.AdmitExecution{ExecutionId: "x1"})
			for _, res := range tt.results {
				r.result(res.op, res.status, res.meta)
			}
			if r.x.Status != tt.wantStatus || r.x.Error != tt.wantError {
				t.Fatalf("status %s error %q, want %s %q (events %s)", r.x.Status, r.x.Error, tt.wantStatus, tt.wantError, r.types())
			}
			for p, want := range tt.wantNodes {
				if n := r.x.Nodes[p]; n == nil || n.Status != want {
					t.Fatalf("node %s = %+v, want %s", p, n, want)
				}
			}
			if r.x.Terminal() && !strings.HasSuffix(r.admission(), "SlotReleased") {
				t.Fatalf("ended without releasing its slot: %s", r.admission())
			}
			r.replayEquals()
		})
	}
}

func TestAsyncMonitorAndStaleResults(t *testing.T) {
	r := newRun(t, build(t, []opSpec{{name: "S", impl: "builtin:Sleep", typ: "Async"}}))
	r.do(&events.AdmitExecution{ExecutionId: "x1"})
	first := r.task("S")
	tk := r.task("S")
	o := r.do(&events.OperatorResult{Path: tk.Path, TaskId: tk.TaskId, Attempt: 1, Status: events.ResultExecuting,
		CheckAfterMs: 300, MonitorState: json.RawMessage(`{"deadline":1}`)})
	if len(o.Tasks) != 1 || o.Tasks[0].Delay != 300*time.Millisecond || o.Tasks[0].Task.Phase != events.PhaseMonitor ||
		string(o.Tasks[0].Task.MonitorState) != `{"deadline":1}` || o.Tasks[0].Task.TaskId == first.TaskId {
		t.Fatalf("monitor task: %+v", o.Tasks)
	}
	if r.x.Nodes["A/0/S"].Status != NodeExecuting {
		t.Fatalf("status %s", r.x.Nodes["A/0/S"].Status)
	}
	// A result for another task id or attempt is stale and decides nothing.
	if o := r.do(&events.OperatorResult{Path: tk.Path, TaskId: "other", Attempt: 1, Status: events.ResultComplete}); len(o.Events) != 0 {
		t.Fatalf("stale result decided %v", o.Events)
	}
	// The start task delivered twice answers Executing again: stale.
	if o := r.do(&events.OperatorResult{Path: tk.Path, TaskId: tk.TaskId, Attempt: 1, Status: events.ResultExecuting, CheckAfterMs: 300}); len(o.Events) != 0 {
		t.Fatalf("duplicate start result decided %v", o.Events)
	}
	mon := r.task("S")
	r.do(&events.OperatorResult{Path: mon.Path, TaskId: mon.TaskId, Attempt: 1, Phase: events.PhaseMonitor, Status: events.ResultComplete})
	// The same result redelivered is not counted twice.
	if o := r.do(&events.OperatorResult{Path: mon.Path, TaskId: mon.TaskId, Attempt: 1, Status: events.ResultComplete}); len(o.Events) != 0 {
		t.Fatalf("duplicate result decided %v", o.Events)
	}
	if r.x.Status != StatusComplete {
		t.Fatalf("status %s", r.x.Status)
	}
	r.replayEquals()
}

func TestWaitAndResume(t *testing.T) {
	r := newRun(t, build(t,
		[]opSpec{{name: "W", impl: WaitImplementation}},
		[]opSpec{{name: "P", impl: "builtin:Passthrough"}}))
	r.do(&events.AdmitExecution{ExecutionId: "x1"})
	if r.x.Status != StatusWaiting || r.x.WaitingStage != "A" || len(r.tasks) != 0 {
		t.Fatalf("not waiting: %s %q %d", r.x.Status, r.x.WaitingStage, len(r.tasks))
	}
	if o := r.do(&events.ResumeExecution{WaitingStageName: "B"}); len(o.Events) != 0 {
		t.Fatal("resume at the wrong stage must decide nothing")
	}
	r.do(&events.ResumeExecution{WaitingStageName: "A"})
	if r.x.Status != StatusResumed || r.x.CurrentStage != "B" || len(r.tasks) != 1 {
		t.Fatalf("after resume: %s %s %d", r.x.Status, r.x.CurrentStage, len(r.tasks))
	}
	r.result("P", events.ResultComplete, nil)
	if r.x.Status != StatusComplete {
		t.Fatal(r.x.Status)
	}
	r.replayEquals()
}

func TestCancelAndTimeout(t *testing.T) {
	t.Run("cancel while queued and while running", func(t *testing.T) {
		r := newRun(t, build(t, []opSpec{{name: "P", impl: "builtin:Passthrough"}}))
		r.do(&events.CancelExecution{Reason: "user"})
		if r.x.Status != StatusError || !r.x.Cancelled || r.admission() != "AdmissionRequested,SlotReleased" {
			t.Fatalf("%s %v %s", r.x.Status, r.x.Cancelled, r.admission())
		}
		// A grant arriving after the cancel is given back at once.
		o := r.do(&events.AdmitExecution{})
		if len(o.Events) != 0 || len(o.Admission) != 1 {
			t.Fatalf("late grant: %+v", o)
		}
	})
	t.Run("cancel while running ends the running stage and operators", func(t *testing.T) {
		r := newRun(t, build(t, []opSpec{{name: "P", impl: "builtin:Passthrough"}}))
		r.do(&events.AdmitExecution{})
		r.do(&events.CancelExecution{Reason: "user"})
		for _, p := range []string{"A", "A/0/P"} {
			if n := r.x.Nodes[p]; n.Status != NodeError || n.Error != "Execution cancelled" {
				t.Fatalf("node %s after cancel: %+v", p, n)
			}
		}
		r.replayEquals()
	})
	t.Run("operator timeout fails the execution", func(t *testing.T) {
		r := newRun(t, build(t, []opSpec{{name: "P", impl: "builtin:Passthrough", cfg: map[string]any{"Retry": []any{}}}}))
		r.do(&events.AdmitExecution{})
		opts := Options{OperatorTimeout: time.Minute}
		d := Deadline(r.x, opts)
		if d.IsZero() {
			t.Fatal("no deadline")
		}
		if o := Sweep(r.x, d.Add(-time.Millisecond), opts); len(o.Events) != 0 {
			t.Fatal("swept before the deadline")
		}
		r.take(Sweep(r.x, d, opts))
		if r.x.Status != StatusError || r.x.Error != "States.Timeout" || !strings.HasSuffix(r.admission(), "SlotReleased") {
			t.Fatalf("%s %q %s", r.x.Status, r.x.Error, r.admission())
		}
		r.replayEquals()
	})
}
