package schemas_test

import (
	"encoding/json"
	"errors"
	"os"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/schemas"
)

func newValidator(t testing.TB) *schemas.Validator {
	t.Helper()
	v, err := schemas.New()
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return v
}

// record encodes p the way the engine does: events.New, causation set, the
// envelope marshalled as the record value.
func record(t testing.TB, p events.Payload) []byte {
	t.Helper()
	env, err := events.New(execID, "executor", p)
	if err != nil {
		t.Fatalf("events.New(%s): %v", p.EventType(), err)
	}
	cause, err := events.New(execID, "api", &events.AdmitExecution{ExecutionId: execID})
	if err != nil {
		t.Fatal(err)
	}
	cause.CorrelationID = "req-17"
	env.CausedBy(&cause, &events.Position{Topic: "commands", Partition: 7, Offset: 1234})
	b, err := json.Marshal(env)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// schemaFile matches events/<Type>.v<Version>.json.
var schemaFile = regexp.MustCompile(`^([A-Z][A-Za-z0-9]*)\.v([1-9][0-9]*)\.json$`)

// TestEverySchemaFileMatchesARegisteredType: each registered type has the
// file of its current version; a file of a lower version is one kept for
// the records still on the log, and must say the same kind; no file is of
// an unregistered type or of a version newer than the registered one.
func TestEverySchemaFileMatchesARegisteredType(t *testing.T) {
	docs := loadDocs(t)
	entries, err := os.ReadDir("events")
	if err != nil {
		t.Fatal(err)
	}
	have := map[string]bool{}
	for _, e := range entries {
		name := e.Name()
		if name == "defs.v1.json" {
			continue
		}
		have[name] = true
		m := schemaFile.FindStringSubmatch(name)
		if m == nil {
			t.Errorf("schemas/events/%s: want <Type>.v<Version>.json", name)
			continue
		}
		info, ok := events.Lookup(m[1])
		if !ok {
			t.Errorf("schemas/events/%s matches no registered type", name)
			continue
		}
		switch version, _ := strconv.Atoi(m[2]); {
		case version > info.Version:
			t.Errorf("schemas/events/%s is newer than %s's registered version %d", name, info.Type, info.Version)
		case version < info.Version:
			if got := docs["events/"+name]["x-mie-kind"]; got != string(info.Kind) {
				t.Errorf("schemas/events/%s: x-mie-kind = %v, want %s as in the current version", name, got, info.Kind)
			}
		}
	}
	for _, info := range events.Types() {
		if !have[fileName(info)] {
			t.Errorf("registered type has no schema for its current version: schemas/events/%s", fileName(info))
		}
	}
}

func fileName(info events.Info) string {
	return info.Type + ".v" + strconv.Itoa(info.Version) + ".json"
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// TestSamplesValidate: every sample validates, and every registered type
// has at least one.
func TestSamplesValidate(t *testing.T) {
	v := newValidator(t)
	byType := map[string][]events.Payload{}
	for _, p := range samples() {
		byType[p.EventType()] = append(byType[p.EventType()], p)
	}
	for _, info := range events.Types() {
		t.Run(info.Type, func(t *testing.T) {
			ps := byType[info.Type]
			if len(ps) == 0 {
				t.Fatalf("no sample for %s: add one to samples()", info.Type)
			}
			for i, p := range ps {
				if err := v.Validate(record(t, p)); err != nil {
					t.Errorf("sample %d: %v", i, err)
				}
			}
		})
	}
}

// TestSamplesSetEveryField: between them, the samples of a type set every
// field it has, so that every property schema is exercised.
func TestSamplesSetEveryField(t *testing.T) {
	set := map[string]map[string]bool{}
	for _, p := range samples() {
		var m map[string]json.RawMessage
		if err := json.Unmarshal(must(json.Marshal(p)), &m); err != nil {
			t.Fatal(err)
		}
		if set[p.EventType()] == nil {
			set[p.EventType()] = map[string]bool{}
		}
		for k := range m {
			set[p.EventType()][k] = true
		}
	}
	for _, info := range events.Types() {
		fields, _ := jsonFields(reflect.TypeOf(info.New()).Elem())
		for _, f := range fields {
			if !set[info.Type][f.name] {
				t.Errorf("%s: no sample sets %s", info.Type, f.name)
			}
		}
	}
}

// TestOlderVersionsValidate: the records an MIE execution wrote before
// StartExecution and ExecutionQueued went to version 2 still validate,
// against version 1, for as long as they are on the log; the same payloads
// are valid version 2 records too.
func TestOlderVersionsValidate(t *testing.T) {
	v := newValidator(t)
	globals := events.Globals{Media: media(), MetaData: map[string]any{"WorkflowExecutionId": execID}}
	for _, p := range []events.Payload{
		&events.StartExecution{ExecutionId: execID, Workflow: workflowSnapshot(), Machine: machine(), AssetId: "a1",
			Input: events.GlobalsInput(globals), Configuration: configuration(),
			Trigger: events.Trigger{Source: "upload", Rule: "*.mp4"}, Created: created},
		&events.ExecutionQueued{ExecutionId: execID, Workflow: workflowSnapshot(), Machine: machine(), AssetId: "a1",
			Globals: globals, Configuration: configuration(), Trigger: events.Trigger{Source: "api"}, Created: created},
	} {
		for _, version := range []int{1, 2} {
			t.Run(p.EventType()+".v"+strconv.Itoa(version), func(t *testing.T) {
				var rec map[string]any
				if err := json.Unmarshal(record(t, p), &rec); err != nil {
					t.Fatal(err)
				}
				rec["version"] = version
				if err := v.Validate(must(json.Marshal(rec))); err != nil {
					t.Fatal(err)
				}
			})
		}
	}
}

// TestZeroValuesValidate: what Go emits for empty maps, slices and raw JSON
// (null) is accepted wherever the field is not omitempty, and so are the
// fields a producer leaves empty.
func TestZeroValuesValidate(t *testing.T) {
	v := newValidator(t)
	cases := []events.Payload{
		&events.ExecutionQueued{ExecutionId: execID, Workflow: events.ExecutionWorkflow{Name: "W", StartAt: "S"},
			Machine: events.Machine{StartAt: "S"}, Created: created, Trigger: events.Trigger{Source: "api"}},
		&events.OperatorTaskRequest{Name: "Thumbnail", WorkflowExecutionId: execID, Type: "Sync",
			Path: "S/0/Thumbnail", TaskId: "t-1", Phase: events.PhaseStart},
		&events.StageDefined{Stage: events.Stage{Name: "S", Created: created}},

		// A state machine started with no input: Input and Configuration are
		// null, Workflow, Machine and Globals absent.
		&events.StartExecution{ExecutionId: smID, Trigger: events.Trigger{Source: "api"}, Created: created,
			Run: events.Run{Definition: json.RawMessage(orderPipeline)}},
		&events.ExecutionQueued{ExecutionId: smID, Trigger: events.Trigger{Source: "api"}, Created: created,
			Run: events.Run{Definition: json.RawMessage(orderPipeline)}},
		// Raw JSON that Go leaves nil is null.
		&events.StateEntered{RunRef: events.RunRef{Run: 1, State: "Validate"}, Type: "Task", Visit: 1},
		&events.StateExited{RunRef: events.RunRef{Run: 1, State: "Validate"}},
		&events.StateCaught{RunRef: events.RunRef{Run: 1, State: "Validate"}, Error: "States.ALL", Next: "Rejected"},
		&events.TaskScheduled{RunRef: smRef, TaskId: "t-1", Attempt: 1, Resource: "arn:aws:states:::lambda:invoke"},
		&events.TaskSucceeded{RunRef: smRef, TaskId: "t-1", Attempt: 1},
		&events.MapStarted{RunRef: events.RunRef{Run: 2, State: "ResizeAll"}},
		// A failure before any task was sent has no TaskId.
		&events.TaskFailed{RunRef: smRef, Attempt: 1, Error: "States.Runtime"},
		// A task of a States Language run, as the executor sends it: no MIE
		// operator Type, StageName, Implementation, Input or Configuration.
		&events.OperatorTaskRequest{Name: "ResizeImage", WorkflowExecutionId: smID, Path: "ResizeImage", TaskId: "t-1",
			Attempt: 1, Delivery: 1, Phase: events.PhaseStart,
			Invocation: events.Invocation{Run: 4, Resource: "arn:aws:states:::lambda:invoke"}},
	}
	for _, p := range cases {
		t.Run(p.EventType(), func(t *testing.T) {
			if err := v.Validate(record(t, p)); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestInvalidRecords(t *testing.T) {
	v := newValidator(t)
	queued := &events.ExecutionQueued{ExecutionId: execID, Workflow: workflowSnapshot(), Machine: machine(),
		AssetId: "a1", Globals: events.Globals{Media: media()}, Trigger: events.Trigger{Source: "api"}, Created: created}
	dispatched := &events.OperatorDispatched{Path: "S/0/Op", Stage: "S", Operator: "Op", TaskId: "t-1",
		Attempt: 1, Phase: events.PhaseStart, Topic: "tasks.http"}
	sm := events.Run{Definition: json.RawMessage(orderPipeline),
		StateMachine: &events.StateMachineRef{Kind: events.KindStateMachine, Name: "OrderPipeline"}}
	start := &events.StartExecution{ExecutionId: smID, Input: json.RawMessage(`{"orderId":"o-1234"}`),
		Trigger: events.Trigger{Source: "api"}, Created: created, Run: sm}
	entered := &events.StateEntered{RunRef: smRef, Type: "Task", Parent: 2, Slot: 1, Visit: 1,
		Input: json.RawMessage(`{"key":"img/2.png"}`)}
	answered := &events.TaskTokenAnswered{ExecutionId: smID, Token: token, Outcome: events.TokenHeartbeat}
	retrying := &events.TaskRetrying{RunRef: smRef, Attempt: 1, Error: "States.Timeout", NextAttempt: 2,
		DelayMs: 4000, Due: created}

	tests := []struct {
		name     string
		payload  events.Payload
		edit     func(rec map[string]any)
		raw      string // used instead of payload when set
		sentinel error
		typ      string
		pointer  string
	}{
		{
			name: "missing required payload field", payload: queued,
			edit:     func(r map[string]any) { delete(data(r), "AssetId") },
			sentinel: schemas.ErrInvalid, typ: "ExecutionQueued", pointer: "/data/AssetId",
		},
		{
			name: "wrong type", payload: dispatched,
			edit:     func(r map[string]any) { data(r)["Attempt"] = "1" },
			sentinel: schemas.ErrInvalid, typ: "OperatorDispatched", pointer: "/data/Attempt",
		},
		{
			name: "bad enum", payload: dispatched,
			edit:     func(r map[string]any) { data(r)["Phase"] = "Finish" },
			sentinel: schemas.ErrInvalid, typ: "OperatorDispatched", pointer: "/data/Phase",
		},
		{
			name: "unknown payload property", payload: dispatched,
			edit:     func(r map[string]any) { data(r)["Extra"] = true },
			sentinel: schemas.ErrInvalid, typ: "OperatorDispatched", pointer: "/data/Extra",
		},
		{
			name: "bad state type inside a Parallel branch", payload: queued,
			edit: func(r map[string]any) {
				branch := obj(data(r), "Machine", "States", "defaultPrelimVideoStage")["Branches"].([]any)[0]
				obj(branch.(map[string]any), "States", "Thumbnail")["Type"] = "Lambda"
			},
			sentinel: schemas.ErrInvalid, typ: "ExecutionQueued",
			pointer: "/data/Machine/States/defaultPrelimVideoStage/Branches/0/States/Thumbnail/Type",
		},
		{
			name: "Parallel state without branches", payload: queued,
			edit: func(r map[string]any) {
				delete(obj(data(r), "Machine", "States", "defaultPrelimVideoStage"), "Branches")
			},
			sentinel: schemas.ErrInvalid, typ: "ExecutionQueued",
			pointer: "/data/Machine/States/defaultPrelimVideoStage/Branches",
		},
		{
			name: "state with both Next and End", payload: queued,
			edit: func(r map[string]any) {
				obj(data(r), "Machine", "States", "WaitForReview")["End"] = true
			},
			sentinel: schemas.ErrInvalid, typ: "ExecutionQueued", pointer: "/data/Machine/States/WaitForReview",
		},
		{
			name: "missing envelope field", payload: dispatched,
			edit:     func(r map[string]any) { delete(r, "time") },
			sentinel: schemas.ErrInvalid, typ: "OperatorDispatched", pointer: "/time",
		},
		{
			name: "time not RFC 3339", payload: dispatched,
			edit:     func(r map[string]any) { r["time"] = "yesterday" },
			sentinel: schemas.ErrInvalid, typ: "OperatorDispatched", pointer: "/time",
		},
		{
			name: "kind does not match the type", payload: dispatched,
			edit:     func(r map[string]any) { r["kind"] = "command" },
			sentinel: schemas.ErrInvalid, typ: "OperatorDispatched", pointer: "/kind",
		},
		{
			name: "unknown type", payload: dispatched,
			edit:     func(r map[string]any) { r["type"] = "OperatorTeleported" },
			sentinel: schemas.ErrUnknownType, typ: "OperatorTeleported", pointer: "/type",
		},
		{
			name: "unknown version", payload: dispatched,
			edit:     func(r map[string]any) { r["version"] = 9 },
			sentinel: schemas.ErrUnknownType, typ: "OperatorDispatched", pointer: "/type",
		},
		{
			name: "run event without its run", payload: entered,
			edit:     func(r map[string]any) { delete(data(r), "Run") },
			sentinel: schemas.ErrInvalid, typ: "StateEntered", pointer: "/data/Run",
		},
		{
			name: "run numbers start at 1", payload: entered,
			edit:     func(r map[string]any) { data(r)["Run"] = 0 },
			sentinel: schemas.ErrInvalid, typ: "StateEntered", pointer: "/data/Run",
		},
		{
			name: "run number past int32", payload: entered,
			edit:     func(r map[string]any) { data(r)["Parent"] = 1 << 31 },
			sentinel: schemas.ErrInvalid, typ: "StateEntered", pointer: "/data/Parent",
		},
		{
			name: "bad ASL state type", payload: entered,
			edit:     func(r map[string]any) { data(r)["Type"] = "Lambda" },
			sentinel: schemas.ErrInvalid, typ: "StateEntered", pointer: "/data/Type",
		},
		{
			name: "bad token outcome", payload: answered,
			edit:     func(r map[string]any) { data(r)["Outcome"] = "Timeout" },
			sentinel: schemas.ErrInvalid, typ: "TaskTokenAnswered", pointer: "/data/Outcome",
		},
		{
			name: "retry due not RFC 3339", payload: retrying,
			edit:     func(r map[string]any) { data(r)["Due"] = "in 4s" },
			sentinel: schemas.ErrInvalid, typ: "TaskRetrying", pointer: "/data/Due",
		},
		{
			name: "start with neither Definition nor Machine", payload: start,
			edit:     func(r map[string]any) { delete(data(r), "Definition") },
			sentinel: schemas.ErrInvalid, typ: "StartExecution", pointer: "/data/Definition",
		},
		{
			name: "bad state machine kind", payload: start,
			edit:     func(r map[string]any) { obj(data(r), "StateMachine")["Kind"] = "Activity" },
			sentinel: schemas.ErrInvalid, typ: "StartExecution", pointer: "/data/StateMachine/Kind",
		},
		{
			name: "bad execution type", payload: start,
			edit:     func(r map[string]any) { data(r)["Type"] = "standard" },
			sentinel: schemas.ErrInvalid, typ: "StartExecution", pointer: "/data/Type",
		},
		{
			// The record is checked against the schema of its own version:
			// version 1 has no Definition and needs a Workflow.
			name: "version 2 record labelled version 1", payload: start,
			edit:     func(r map[string]any) { r["version"] = 1 },
			sentinel: schemas.ErrInvalid, typ: "StartExecution", pointer: "/data/Definition",
		},
		{
			name: "version 1 start without its Globals input", payload: start,
			edit: func(r map[string]any) {
				r["version"] = 1
				d := data(r)
				delete(d, "Definition")
				delete(d, "StateMachine")
				d["Workflow"], d["Machine"] = must(roundTrip(workflowSnapshot())), must(roundTrip(machine()))
				d["AssetId"], d["Configuration"] = "a1", nil
			},
			sentinel: schemas.ErrInvalid, typ: "StartExecution", pointer: "/data/Input/Media",
		},
		{
			name: "not JSON", raw: `{"id":`,
			sentinel: schemas.ErrInvalid, pointer: "",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			value := []byte(tt.raw)
			if tt.raw == "" {
				var rec map[string]any
				if err := json.Unmarshal(record(t, tt.payload), &rec); err != nil {
					t.Fatal(err)
				}
				tt.edit(rec)
				value = must(json.Marshal(rec))
			}
			err := v.Validate(value)
			if !errors.Is(err, tt.sentinel) {
				t.Fatalf("Validate = %v, want %v", err, tt.sentinel)
			}
			var verr *schemas.Error
			if !errors.As(err, &verr) {
				t.Fatalf("Validate = %T, want *schemas.Error", err)
			}
			if verr.Type != tt.typ {
				t.Errorf("Type = %q, want %q", verr.Type, tt.typ)
			}
			pointers := make([]string, len(verr.Violations))
			for i, vi := range verr.Violations {
				pointers[i] = vi.Pointer
			}
			if !slices.Contains(pointers, tt.pointer) {
				t.Errorf("violations at %q, want one at %q", pointers, tt.pointer)
			}
			msg := err.Error()
			if !strings.Contains(msg, tt.typ) || (tt.pointer != "" && !strings.Contains(msg, tt.pointer)) {
				t.Errorf("message %q does not name type %q and pointer %q", msg, tt.typ, tt.pointer)
			}
		})
	}
}

func data(rec map[string]any) map[string]any { return rec["data"].(map[string]any) }

// roundTrip is v as a decoded JSON value.
func roundTrip(v any) (any, error) {
	var out any
	err := json.Unmarshal(must(json.Marshal(v)), &out)
	return out, err
}

func obj(m map[string]any, keys ...string) map[string]any {
	for _, k := range keys {
		m = m[k].(map[string]any)
	}
	return m
}

// BenchmarkValidate measures validating the largest record (ExecutionQueued,
// with its machine) and a typical small one.
func BenchmarkValidate(b *testing.B) {
	v := newValidator(b)
	largest := map[string][]byte{}
	for _, p := range samples() {
		if typ := p.EventType(); typ == "ExecutionQueued" || typ == "OperatorDispatched" {
			if rec := record(b, p); len(rec) > len(largest[typ]) {
				largest[typ] = rec
			}
		}
	}
	for _, typ := range []string{"ExecutionQueued", "OperatorDispatched"} {
		rec := largest[typ]
		b.Run(typ, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(rec)))
			for b.Loop() {
				if err := v.Validate(rec); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
