package schemas_test

import (
	"cmp"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/schemas"
)

var created = time.Date(2026, 3, 14, 9, 26, 53, 589793238, time.UTC)

const execID = "0195f2a4-5c3e-7d10-9c1b-2f4e8a6b1c3d"

func media() map[string]events.MediaObject {
	return map[string]events.MediaObject{
		"Video": {S3Bucket: "media", S3Key: "private/assets/a1/input/talk.mp4"},
		"Audio": {S3Bucket: "media", S3Key: "private/assets/a1/workflows/" + execID + "/talk.wav"},
	}
}

// machine is what the compiler makes of a two-stage MIE workflow: each stage
// a Parallel state whose branches are one operator Task each.
func machine() events.Machine {
	task := func(stage, name, impl, topic string) events.Machine {
		return events.Machine{StartAt: name, States: map[string]*events.State{
			name: {
				Type:           events.StateTask,
				End:            true,
				Resource:       impl,
				TimeoutSeconds: 900,
				Operator: &events.OperatorTask{
					Name: name, Stage: stage, Type: "Async", Implementation: impl, Topic: topic,
					Configuration: map[string]any{"MediaType": "Video", "Enabled": true},
				},
				Retry: []events.Retrier{{
					ErrorEquals: []string{"States.Timeout", "MasExecutionError"}, IntervalSeconds: 1,
					MaxAttempts: 3, BackoffRate: 2, MaxDelaySeconds: 60, JitterStrategy: "FULL",
				}},
				Catch:      []events.Catcher{{ErrorEquals: []string{"States.ALL"}, Next: "Failed", ResultPath: "$.Error"}},
				InputPath:  "$",
				OutputPath: "$.Outputs",
				ResultPath: "$.Result",
				Parameters: map[string]any{"AssetId.$": "$.AssetId"},
			},
			"Failed": {Type: events.StateFail, Error: "OperatorFailed", Cause: "operator " + name + " failed"},
		}}
	}
	return events.Machine{
		Comment: "compiled from workflow CaptionWorkflow v2",
		StartAt: "defaultPrelimVideoStage",
		States: map[string]*events.State{
			"defaultPrelimVideoStage": {
				Type:  events.StateParallel,
				Stage: "defaultPrelimVideoStage",
				Next:  "WaitForReview",
				Branches: []events.Machine{
					task("defaultPrelimVideoStage", "Thumbnail", "builtin:Thumbnail", "tasks.builtin.Thumbnail"),
					task("defaultPrelimVideoStage", "Mediainfo", "https://ops.example.com/mediainfo", "tasks.http"),
				},
			},
			"WaitForReview": {Type: events.StateWait, Seconds: 30, Next: "Normalize"},
			"Normalize":     {Type: events.StatePass, Comment: "reshape", Parameters: map[string]any{"x": 1}, Next: "Done"},
			"Done":          {Type: events.StateSucceed},
		},
	}
}

func workflowSnapshot() events.ExecutionWorkflow {
	return events.ExecutionWorkflow{
		Name: "CaptionWorkflow", StartAt: "defaultPrelimVideoStage", Version: "v2", Id: "wf-7",
		Stages: map[string]events.ExecutionStage{
			"defaultPrelimVideoStage": {
				Name: "defaultPrelimVideoStage", Operations: []string{"Thumbnail", "Mediainfo"},
				Configuration: map[string]map[string]any{"Thumbnail": {"Enabled": true, "MediaType": "Video"}},
				Next:          "WaitForReview",
			},
			"WaitForReview": {Name: "WaitForReview", Operations: []string{"Wait"}, Configuration: nil, End: true},
		},
	}
}

func configuration() events.Configuration {
	return events.Configuration{"defaultPrelimVideoStage": {"Thumbnail": {"Enabled": false}}}
}

// samples holds one realistic payload per registered type, every field set.
func samples() []events.Payload {
	globals := events.Globals{Media: media(), MetaData: map[string]any{"WorkflowExecutionId": execID, "Duration": 93.4}}
	return []events.Payload{
		&events.AdmissionRequested{ExecutionId: execID},
		&events.SlotReleased{ExecutionId: execID, Reason: "ExecutionCompleted"},
		&events.ConcurrencyLimitSet{MaxConcurrentWorkflows: 10},
		&events.AssetCreated{AssetId: "a1", MediaType: "Video", S3Bucket: "media", S3Key: "upload/talk.mp4"},
		&events.MediaObjectAdded{AssetId: "a1", MediaType: "Audio", S3Bucket: "media",
			S3Key: "private/assets/a1/workflows/" + execID + "/talk.wav", OperatorName: "ExtractAudio", WorkflowExecutionId: execID},
		&events.MetadataStored{AssetId: "a1", OperatorName: "Transcribe", WorkflowId: execID, Page: 0, Final: true,
			Results: []byte(`{"Text":"hello"}`)},
		&events.MetadataDeleted{AssetId: "a1", OperatorName: "Transcribe"},
		&events.AssetDeleted{AssetId: "a1"},
		&events.UploadTriggerDefined{Trigger: events.UploadTrigger{Name: "videos", Prefix: "upload/", Suffix: ".mp4",
			MediaType: "Video", Workflow: "CaptionWorkflow", Created: time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC)}},
		&events.UploadTriggerDeleted{Name: "videos"},
		&events.SegmentStatusChanged{SegmentId: "s1-w003", SessionId: "s1", UserId: "u1", WindowIndex: 3, FrameCount: 30,
			Status: events.SegmentComplete, Previous: events.SegmentPending, Enriched: true, EntityCount: 4, TripleCount: 2},
		&events.AdmissionSlot{ExecutionId: execID, State: "Running", Seq: 41},
		&events.ExecutorCheckpoint{Partition: 3, Floor: 1207, Written: time.Date(2026, 11, 21, 22, 0, 0, 0, time.UTC)},
		&events.AdmissionLimit{MaxConcurrentWorkflows: 10, NextSeq: 42},

		&events.OperatorDefined{Operator: events.Operator{
			Name: "Thumbnail", Type: "Async",
			Configuration:                map[string]any{"MediaType": "Video", "Enabled": true},
			StartLambdaArn:               "builtin:Thumbnail",
			MonitorLambdaArn:             "builtin:Thumbnail",
			StateMachineExecutionRoleArn: "unused",
			StageName:                    "ThumbnailStage",
			Description:                  "thumbnails every 10s",
			Version:                      "v1", Id: "op-1", Created: created,
		}},
		&events.OperatorDeleted{Name: "Thumbnail"},
		&events.StageDefined{Stage: events.Stage{
			Name: "defaultPrelimVideoStage", Operations: []string{"Thumbnail", "Mediainfo"},
			Configuration: map[string]map[string]any{"Thumbnail": {"Enabled": true}},
			Description:   "first look", Version: "v1", Id: "st-1", Created: created,
		}},
		&events.StageDeleted{Name: "defaultPrelimVideoStage"},
		&events.WorkflowDefined{Workflow: events.Workflow{
			Name: "CaptionWorkflow", StartAt: "defaultPrelimVideoStage",
			Stages: map[string]events.WorkflowStage{
				"defaultPrelimVideoStage": {Next: "WaitForReview"},
				"WaitForReview":           {End: true},
			},
			Description: "captions", Version: "v2", Id: "wf-7", Created: created,
		}},
		&events.WorkflowDeleted{Name: "CaptionWorkflow"},
		&events.SystemConfigured{MaxConcurrentWorkflows: 5},

		&events.StartExecution{
			ExecutionId: execID, Workflow: workflowSnapshot(), Machine: machine(), AssetId: "a1",
			Input: events.GlobalsInput(globals), Configuration: configuration(),
			Trigger: events.Trigger{Source: "upload", Rule: "*.mp4"}, Created: created,
		},
		&events.AdmitExecution{ExecutionId: execID},
		&events.CancelExecution{ExecutionId: execID, Reason: "user asked"},
		&events.ResumeExecution{ExecutionId: execID, WaitingStageName: "WaitForReview"},
		&events.TimerFired{ExecutionId: execID, Kind: events.TimerOperatorTimeout,
			Path: "defaultPrelimVideoStage/0/Thumbnail", TaskId: "t-1"},

		&events.ExecutionQueued{
			ExecutionId: execID, Workflow: workflowSnapshot(), Machine: machine(), AssetId: "a1",
			Globals: globals, Configuration: configuration(),
			Trigger: events.Trigger{Source: "api"}, Created: created,
		},
		&events.ExecutionStarted{ExecutionId: execID},
		&events.StageStarted{Path: "defaultPrelimVideoStage", Stage: "defaultPrelimVideoStage"},
		&events.OperatorSkipped{Path: "defaultPrelimVideoStage/1/Mediainfo", Stage: "defaultPrelimVideoStage",
			Operator: "Mediainfo", Reason: "disabled"},
		&events.OperatorDispatched{Path: "defaultPrelimVideoStage/0/Thumbnail", Stage: "defaultPrelimVideoStage",
			Operator: "Thumbnail", TaskId: "t-1", Attempt: 1, Phase: events.PhaseStart, Topic: "tasks.builtin.Thumbnail",
			Delivery: 2, DelayMs: 900000},
		&events.OperatorExecuting{Path: "defaultPrelimVideoStage/0/Thumbnail", Stage: "defaultPrelimVideoStage",
			Operator: "Thumbnail", TaskId: "t-1", Attempt: 1, CheckAfterMs: 5000,
			MonitorState: json.RawMessage(`{"JobId":"j-9","Frames":[1,2]}`)},
		&events.OperatorWaiting{Path: "WaitForReview/0/Wait", Stage: "WaitForReview", Operator: "Wait"},
		&events.OperatorCompleted{Path: "defaultPrelimVideoStage/0/Thumbnail", Stage: "defaultPrelimVideoStage",
			Operator: "Thumbnail", TaskId: "t-1", Attempt: 2, Media: media(), MetaData: map[string]any{"Count": 9}},
		&events.OperatorRetrying{Path: "defaultPrelimVideoStage/0/Thumbnail", Stage: "defaultPrelimVideoStage",
			Operator: "Thumbnail", TaskId: "t-1", Attempt: 1, Error: "States.Timeout", Cause: "ran longer than 1h",
			Retrier: 0, NextAttempt: 2, DelayMs: 2000, Due: created.Add(2 * time.Second)},
		&events.OperatorDeferred{Path: "defaultPrelimVideoStage/0/Thumbnail", Stage: "defaultPrelimVideoStage",
			Operator: "Thumbnail", TaskId: "t-1", Attempt: 1, Phase: events.PhaseStart, Delivery: 1, DelayMs: 900000,
			Due: created.Add(15 * time.Minute), Reason: "GPU pool unavailable"},
		&events.OperatorFailed{Path: "defaultPrelimVideoStage/0/Thumbnail", Stage: "defaultPrelimVideoStage",
			Operator: "Thumbnail", TaskId: "t-1", Attempt: 3, Error: "MasExecutionError", Cause: "ffmpeg exited 1"},
		&events.StageCompleted{Path: "defaultPrelimVideoStage", Stage: "defaultPrelimVideoStage",
			Media: media(), MetaData: map[string]any{"Thumbnail": map[string]any{"Count": 9}}},
		&events.StageFailed{Path: "defaultPrelimVideoStage", Stage: "defaultPrelimVideoStage",
			Error: "OperatorFailed", Cause: "Thumbnail failed"},
		&events.ExecutionWaiting{Stage: "WaitForReview"},
		&events.ExecutionResumed{Stage: "WaitForReview"},
		&events.ExecutionCompleted{ExecutionId: execID},
		&events.ExecutionFailed{ExecutionId: execID, Error: "StageFailed", Cause: "defaultPrelimVideoStage failed"},
		&events.ExecutionCancelled{ExecutionId: execID, Reason: "user asked"},

		&events.OperatorTaskRequest{
			Name: "Thumbnail", AssetId: "a1", WorkflowExecutionId: execID,
			Input:         events.OperatorInput{Media: media(), MetaData: map[string]any{"Duration": 93.4}},
			Configuration: map[string]any{"MediaType": "Video", "Enabled": true},
			StageName:     "defaultPrelimVideoStage", Type: "Async", Implementation: "builtin:Thumbnail",
			Path: "defaultPrelimVideoStage/0/Thumbnail", TaskId: "t-1", Attempt: 1, Delivery: 2, Phase: events.PhaseMonitor,
			MonitorState: json.RawMessage(`{"JobId":"j-9"}`),
		},
		&events.OperatorResult{
			WorkflowExecutionId: execID, Name: "Thumbnail", StageName: "defaultPrelimVideoStage",
			Path: "defaultPrelimVideoStage/0/Thumbnail", TaskId: "t-1", Attempt: 1, Phase: events.PhaseMonitor,
			Status: events.ResultExecuting, Media: media(), MetaData: map[string]any{"Progress": 0.5},
			Error: "none", Cause: "none", MonitorState: json.RawMessage(`"j-9"`), CheckAfterMs: 2000,
		},
		&events.OperatorResult{
			WorkflowExecutionId: execID, Name: "Thumbnail", StageName: "defaultPrelimVideoStage",
			Path: "defaultPrelimVideoStage/0/Thumbnail", TaskId: "t-2", Attempt: 1, Phase: events.PhaseStart,
			Status: events.ResultDeferred, Delivery: 1, DeferMs: 900000, Reason: "GPU pool unavailable",
		},
	}
}

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

// TestZeroValuesValidate: what Go emits for empty maps and slices (null) is
// accepted wherever the field is not omitempty.
func TestZeroValuesValidate(t *testing.T) {
	v := newValidator(t)
	cases := []events.Payload{
		&events.ExecutionQueued{ExecutionId: execID, Workflow: events.ExecutionWorkflow{Name: "W", StartAt: "S"},
			Machine: events.Machine{StartAt: "S"}, Created: created, Trigger: events.Trigger{Source: "api"}},
		&events.OperatorTaskRequest{Name: "Thumbnail", WorkflowExecutionId: execID, Type: "Sync",
			Path: "S/0/Thumbnail", TaskId: "t-1", Phase: events.PhaseStart},
		&events.StageDefined{Stage: events.Stage{Name: "S", Created: created}},
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

func obj(m map[string]any, keys ...string) map[string]any {
	for _, k := range keys {
		m = m[k].(map[string]any)
	}
	return m
}

// TestSchemasFollowGoStructs walks every registered Go payload type next to
// its schema: each struct's json fields are exactly the schema's properties,
// the fields without omitempty exactly its required ones, and closed structs
// forbid additional properties.
func TestSchemasFollowGoStructs(t *testing.T) {
	docs := loadDocs(t)
	for _, info := range events.Types() {
		t.Run(info.Type, func(t *testing.T) {
			file := "events/" + fileName(info)
			root, ok := docs[file]
			if !ok {
				t.Fatalf("no %s", file)
			}
			if got := root["x-mie-kind"]; got != string(info.Kind) {
				t.Errorf("x-mie-kind = %v, want %s", got, info.Kind)
			}
			s := &structWalker{t: t, docs: docs, seen: map[reflect.Type]bool{}}
			s.check(reflect.TypeOf(info.New()).Elem(), node{file, root}, info.Type)
		})
	}
}

func TestEnvelopeSchemaFollowsGoStruct(t *testing.T) {
	docs := loadDocs(t)
	s := &structWalker{t: t, docs: docs, seen: map[reflect.Type]bool{}}
	s.check(reflect.TypeFor[events.Envelope](), node{"envelope.v1.json", docs["envelope.v1.json"]}, "envelope")
}

// TestJSONFieldsMatchEncodingJSON keeps jsonFields honest: for every
// registered payload type, and for structs that exercise promotion and
// hiding, the members it lists are the keys encoding/json writes for a
// value with every field set, and the required ones the keys it writes for
// the zero value.
func TestJSONFieldsMatchEncodingJSON(t *testing.T) {
	type inner struct {
		A string `json:"A"`
		B string `json:"B"`
		C string // hidden: other.C is at the same depth, neither tagged
	}
	type other struct {
		C string
		D int `json:"D,omitempty"`
	}
	type ptr struct {
		E string `json:"E"`
	}
	type tagged struct {
		F string `json:"F"`
	}
	type promoted struct {
		inner        // A promoted; B hidden by the shallower B below
		other        // D promoted
		*ptr         // E promoted, optional: absent when the pointer is nil
		Tag   tagged `json:"Tag"` // a named struct, not promoted
		B     int    `json:"B,omitzero"`
	}
	types := []reflect.Type{reflect.TypeFor[promoted]()}
	for _, info := range events.Types() {
		types = append(types, reflect.TypeOf(info.New()).Elem())
	}
	for _, typ := range types {
		t.Run(typ.Name(), func(t *testing.T) {
			fields, _ := jsonFields(typ)
			var all, required []string
			for _, f := range fields {
				all = append(all, f.name)
				if !f.optional {
					required = append(required, f.name)
				}
			}
			full := reflect.New(typ).Elem()
			fill(full, 3)
			if got := keys(t, full); !sameSet(got, all) {
				t.Errorf("encoding/json writes %v for a full value, jsonFields lists %v", got, all)
			}
			if got := keys(t, reflect.New(typ).Elem()); !sameSet(got, required) {
				t.Errorf("encoding/json writes %v for the zero value, jsonFields requires %v", got, required)
			}
		})
	}
}

// fill sets every field of v reachable within depth levels to a non-zero
// value.
func fill(v reflect.Value, depth int) {
	if depth < 0 || !v.CanSet() {
		return
	}
	switch {
	case v.Type() == timeType:
		v.Set(reflect.ValueOf(created))
	case v.Type() == rawType:
		v.SetBytes([]byte("1"))
		return
	}
	switch v.Kind() {
	case reflect.String:
		v.SetString("x")
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(1)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		v.SetUint(1)
	case reflect.Float32, reflect.Float64:
		v.SetFloat(1)
	case reflect.Interface:
		v.Set(reflect.ValueOf("x"))
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		fill(v.Elem(), depth-1)
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 1, 1))
		fill(v.Index(0), depth-1)
	case reflect.Map:
		v.Set(reflect.MakeMap(v.Type()))
		k, e := reflect.New(v.Type().Key()).Elem(), reflect.New(v.Type().Elem()).Elem()
		fill(k, depth-1)
		fill(e, depth-1)
		v.SetMapIndex(k, e)
	case reflect.Struct:
		if v.Type() == timeType {
			return
		}
		for i := range v.NumField() {
			if f := v.Field(i); f.CanSet() {
				fill(f, depth-1)
			} else if v.Type().Field(i).Anonymous && f.Kind() == reflect.Struct {
				// An unexported embedded struct: its exported fields are
				// still promoted, and settable through it.
				fill(reflect.NewAt(f.Type(), f.Addr().UnsafePointer()).Elem(), depth-1)
			}
		}
	}
}

// keys returns the member names of the JSON object encoding/json writes
// for v.
func keys(t *testing.T, v reflect.Value) []string {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal(must(json.Marshal(v.Interface())), &m); err != nil {
		t.Fatal(err)
	}
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

type node struct {
	file string
	m    map[string]any
}

type structWalker struct {
	t    *testing.T
	docs map[string]map[string]any
	seen map[reflect.Type]bool
}

var timeType = reflect.TypeFor[time.Time]()
var rawType = reflect.TypeFor[json.RawMessage]()

// resolve follows $ref until a node without one.
func (s *structWalker) resolve(n node) node {
	for {
		ref, ok := n.m["$ref"].(string)
		if !ok {
			return n
		}
		file, frag, _ := strings.Cut(ref, "#")
		if file == "" {
			file = n.file
		} else {
			file = filepath.ToSlash(filepath.Join(filepath.Dir(n.file), file))
		}
		m := s.docs[file]
		for _, tok := range strings.Split(strings.TrimPrefix(frag, "/"), "/") {
			if tok != "" {
				m = m[tok].(map[string]any)
			}
		}
		n = node{file, m}
	}
}

func (s *structWalker) check(typ reflect.Type, n node, where string) {
	for typ.Kind() == reflect.Pointer {
		typ = typ.Elem()
	}
	n = s.resolve(n)
	switch {
	case typ == timeType || typ == rawType:
		return
	case typ.Kind() == reflect.Map:
		if sub, ok := n.m["additionalProperties"].(map[string]any); ok {
			s.check(typ.Elem(), node{n.file, sub}, where+"/*")
		} else if isStruct(typ.Elem()) {
			s.t.Errorf("%s: map of %s has no additionalProperties schema", where, typ.Elem())
		}
		return
	case typ.Kind() == reflect.Slice:
		if sub, ok := n.m["items"].(map[string]any); ok {
			s.check(typ.Elem(), node{n.file, sub}, where+"/0")
		}
		return
	case typ.Kind() != reflect.Struct:
		return
	}
	if s.seen[typ] {
		return
	}
	s.seen[typ] = true

	props, _ := n.m["properties"].(map[string]any)
	var required []string
	for _, r := range asSlice(n.m["required"]) {
		required = append(required, r.(string))
	}
	if n.m["additionalProperties"] != false {
		s.t.Errorf("%s (%s): additionalProperties is not false", where, typ)
	}
	var names, wantRequired []string
	fields, hidden := jsonFields(typ)
	for _, name := range hidden {
		s.t.Errorf("%s (%s): encoding/json drops %s: two fields at the same depth claim the name", where, typ, name)
	}
	for _, f := range fields {
		name, ft := f.name, f.typ
		names = append(names, name)
		if !f.optional {
			wantRequired = append(wantRequired, name)
		}
		sub, ok := props[name].(map[string]any)
		if !ok {
			s.t.Errorf("%s (%s): field %s has no schema property", where, typ, name)
			continue
		}
		if !f.optional && (ft.Kind() == reflect.Map || ft.Kind() == reflect.Slice) && ft != rawType {
			if !allowsNull(s.resolve(node{n.file, sub})) {
				s.t.Errorf("%s/%s: Go encodes an empty %s as null; the schema must allow it", where, name, ft)
			}
		}
		s.check(ft, node{n.file, sub}, where+"/"+name)
	}
	for p := range props {
		if !slices.Contains(names, p) {
			s.t.Errorf("%s (%s): schema property %s has no Go field", where, typ, p)
		}
	}
	slices.Sort(required)
	slices.Sort(wantRequired)
	if !slices.Equal(required, wantRequired) {
		s.t.Errorf("%s (%s): required = %v, want the fields without omitempty %v", where, typ, required, wantRequired)
	}
}

// jsonField is one member of the JSON object encoding/json writes for a
// struct.
type jsonField struct {
	name     string
	typ      reflect.Type
	optional bool // omitempty or omitzero, or promoted from an embedded pointer
	depth    int  // how deep in embedded structs it was declared
	tagged   bool // named by its json tag
}

// jsonFields lists the members encoding/json writes for struct typ, in
// order: the exported fields under their json names, and the fields of
// embedded structs without a json name promoted into the object. As in
// encoding/json, a shallower field hides deeper ones of the same name, and
// two at the same depth hide each other unless exactly one is tagged;
// hidden lists the names dropped that way.
func jsonFields(typ reflect.Type) (fields []jsonField, hidden []string) {
	var all []jsonField
	var walk func(t reflect.Type, depth int, optional bool)
	walk = func(t reflect.Type, depth int, optional bool) {
		for f := range t.Fields() {
			tag := f.Tag.Get("json")
			if tag == "-" {
				continue
			}
			name, opts, _ := strings.Cut(tag, ",")
			ft := f.Type
			if f.Anonymous && name == "" {
				et := ft
				if et.Kind() == reflect.Pointer {
					et = et.Elem()
				}
				if et.Kind() == reflect.Struct {
					if f.IsExported() || ft.Kind() != reflect.Pointer {
						walk(et, depth+1, optional || ft.Kind() == reflect.Pointer)
					}
					continue
				}
			}
			if !f.IsExported() {
				continue
			}
			omit := strings.Contains(opts, "omitempty") || strings.Contains(opts, "omitzero")
			all = append(all, jsonField{name: cmp.Or(name, f.Name), typ: ft, optional: optional || omit,
				depth: depth, tagged: name != ""})
		}
	}
	walk(typ, 0, false)

	byName := map[string][]jsonField{}
	var order []string
	for _, f := range all {
		if _, ok := byName[f.name]; !ok {
			order = append(order, f.name)
		}
		byName[f.name] = append(byName[f.name], f)
	}
	for _, name := range order {
		fs := byName[name]
		top := slices.MinFunc(fs, func(a, b jsonField) int { return a.depth - b.depth }).depth
		fs = slices.DeleteFunc(fs, func(f jsonField) bool { return f.depth != top })
		if len(fs) > 1 {
			fs = slices.DeleteFunc(fs, func(f jsonField) bool { return !f.tagged })
		}
		if len(fs) != 1 {
			hidden = append(hidden, name)
			continue
		}
		fields = append(fields, fs[0])
	}
	return fields, hidden
}

func isStruct(t reflect.Type) bool {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t.Kind() == reflect.Struct && t != timeType
}

func allowsNull(n node) bool {
	return slices.Contains(asSlice(n.m["type"]), any("null"))
}

func asSlice(v any) []any {
	s, _ := v.([]any)
	return s
}

func loadDocs(t *testing.T) map[string]map[string]any {
	t.Helper()
	docs := map[string]map[string]any{}
	paths, err := filepath.Glob("events/*.json")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range append(paths, "envelope.v1.json") {
		var m map[string]any
		if err := json.Unmarshal(must(os.ReadFile(p)), &m); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		docs[filepath.ToSlash(p)] = m
	}
	return docs
}

// BenchmarkValidate measures validating the largest record (ExecutionQueued,
// with its machine) and a typical small one.
func BenchmarkValidate(b *testing.B) {
	v := newValidator(b)
	for _, p := range samples() {
		if p.EventType() != "ExecutionQueued" && p.EventType() != "OperatorDispatched" {
			continue
		}
		rec := record(b, p)
		b.Run(p.EventType(), func(b *testing.B) {
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
