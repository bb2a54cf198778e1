package definitions

import (
	"encoding/json"
	"errors"
	"maps"
	"reflect"
	"slices"
	"testing"

	"github.com/mie-kafka/mie/events"
)

// env builds the envelope of p as the definitions topic carries it.
func env(t *testing.T, key string, p events.Payload) events.Envelope {
	t.Helper()
	e, err := events.New(key, "test", p)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// names lists a state's definitions by kind, for comparison.
func names(s state) map[string][]string {
	return map[string][]string{
		"operators": sortedKeys(s.operators),
		"stages":    sortedKeys(s.stages),
		"workflows": sortedKeys(s.workflows),
	}
}

func sortedKeys[V any](m map[string]V) []string {
	return append([]string{}, slices.Sorted(maps.Keys(m))...)
}

func TestApply(t *testing.T) {
	op := func(n string) events.Operator {
		return events.Operator{Name: n, Type: "Sync", Configuration: map[string]any{"MediaType": "Video", "Enabled": true}}
	}
	stage := func(n string, ops ...string) events.Stage { return events.Stage{Name: n, Operations: ops} }
	wf := func(n, start string) events.Workflow {
		return events.Workflow{Name: n, StartAt: start, Stages: map[string]events.WorkflowStage{start: {End: true}}}
	}
	tests := []struct {
		name      string
		events    []events.Envelope
		want      map[string][]string
		wantMax   int
		wantErrAt int // index of the event that must fail, -1 for none
		wantErrIs error
	}{
		{
			name:    "empty topic has MIE's default limit",
			want:    map[string][]string{"operators": {}, "stages": {}, "workflows": {}},
			wantMax: DefaultMaxConcurrentWorkflows, wantErrAt: -1,
		},
		{
			name: "defined events add",
			events: []events.Envelope{
				env(t, events.OperatorKey("A"), &events.OperatorDefined{Operator: op("A")}),
				env(t, events.StageKey("_A"), &events.StageDefined{Stage: stage("_A", "A")}),
				env(t, events.WorkflowKey("W"), &events.WorkflowDefined{Workflow: wf("W", "_A")}),
			},
			want:    map[string][]string{"operators": {"A"}, "stages": {"_A"}, "workflows": {"W"}},
			wantMax: DefaultMaxConcurrentWorkflows, wantErrAt: -1,
		},
		{
			name: "deleted events remove",
			events: []events.Envelope{
				env(t, events.OperatorKey("A"), &events.OperatorDefined{Operator: op("A")}),
				env(t, events.OperatorKey("B"), &events.OperatorDefined{Operator: op("B")}),
				env(t, events.StageKey("S"), &events.StageDefined{Stage: stage("S", "A")}),
				env(t, events.WorkflowKey("W"), &events.WorkflowDefined{Workflow: wf("W", "S")}),
				env(t, events.OperatorKey("A"), &events.OperatorDeleted{Name: "A"}),
				env(t, events.StageKey("S"), &events.StageDeleted{Name: "S"}),
				env(t, events.WorkflowKey("W"), &events.WorkflowDeleted{Name: "W"}),
			},
			want:    map[string][]string{"operators": {"B"}, "stages": {}, "workflows": {}},
			wantMax: DefaultMaxConcurrentWorkflows, wantErrAt: -1,
		},
		{
			name: "deleting the unknown is a no-op",
			events: []events.Envelope{
				env(t, events.StageKey("X"), &events.StageDeleted{Name: "X"}),
			},
			want:    map[string][]string{"operators": {}, "stages": {}, "workflows": {}},
			wantMax: DefaultMaxConcurrentWorkflows, wantErrAt: -1,
		},
		{
			name: "a later definition replaces an earlier one",
			events: []events.Envelope{
				env(t, events.WorkflowKey("W"), &events.WorkflowDefined{Workflow: wf("W", "S1")}),
				env(t, events.WorkflowKey("W"), &events.WorkflowDefined{Workflow: wf("W", "S2")}),
			},
			want:    map[string][]string{"operators": {}, "stages": {}, "workflows": {"W"}},
			wantMax: DefaultMaxConcurrentWorkflows, wantErrAt: -1,
		},
		{
			name: "system configuration sets the limit",
			events: []events.Envelope{
				env(t, events.SystemConfigKey, &events.SystemConfigured{MaxConcurrentWorkflows: 3}),
			},
			want:    map[string][]string{"operators": {}, "stages": {}, "workflows": {}},
			wantMax: 3, wantErrAt: -1,
		},
		{
			name: "an impossible limit is skipped",
			events: []events.Envelope{
				env(t, events.SystemConfigKey, &events.SystemConfigured{MaxConcurrentWorkflows: 4}),
				env(t, events.SystemConfigKey, &events.SystemConfigured{MaxConcurrentWorkflows: 0}),
			},
			want:    map[string][]string{"operators": {}, "stages": {}, "workflows": {}},
			wantMax: 4, wantErrAt: 1, wantErrIs: errUnexpected,
		},
		{
			name: "another record type is skipped",
			events: []events.Envelope{
				env(t, "x", &events.ConcurrencyLimitSet{MaxConcurrentWorkflows: 2}),
			},
			want:    map[string][]string{"operators": {}, "stages": {}, "workflows": {}},
			wantMax: DefaultMaxConcurrentWorkflows, wantErrAt: 0, wantErrIs: errUnexpected,
		},
		{
			name: "a definition without a name is skipped",
			events: []events.Envelope{
				env(t, events.OperatorKey(""), &events.OperatorDefined{}),
			},
			want:    map[string][]string{"operators": {}, "stages": {}, "workflows": {}},
			wantMax: DefaultMaxConcurrentWorkflows, wantErrAt: 0, wantErrIs: errUnexpected,
		},
		{
			name: "an undecodable payload is skipped",
			events: []events.Envelope{
				{ID: "1", Type: "OperatorDefined", Data: json.RawMessage(`{"Operator": 7}`)},
			},
			want:    map[string][]string{"operators": {}, "stages": {}, "workflows": {}},
			wantMax: DefaultMaxConcurrentWorkflows, wantErrAt: 0, wantErrIs: events.ErrMalformed,
		},
		{
			name: "an unknown type is skipped",
			events: []events.Envelope{
				{ID: "1", Type: "NoSuchEvent", Data: json.RawMessage(`{}`)},
			},
			want:    map[string][]string{"operators": {}, "stages": {}, "workflows": {}},
			wantMax: DefaultMaxConcurrentWorkflows, wantErrAt: 0, wantErrIs: events.ErrUnknownType,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newState()
			for i, e := range tt.events {
				var err error
				s, err = apply(s, e)
				switch {
				case i == tt.wantErrAt && !errors.Is(err, tt.wantErrIs):
					t.Fatalf("event %d: err = %v, want %v", i, err, tt.wantErrIs)
				case i != tt.wantErrAt && err != nil:
					t.Fatalf("event %d: %v", i, err)
				}
			}
			if got := names(s); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("definitions = %v, want %v", got, tt.want)
			}
			if got := s.system.MaxConcurrentWorkflows; got != tt.wantMax {
				t.Errorf("MaxConcurrentWorkflows = %d, want %d", got, tt.wantMax)
			}
		})
	}
}

// TestApplyIsPure checks that apply leaves the state it was given alone,
// which lets readers hold a snapshot without a lock.
func TestApplyIsPure(t *testing.T) {
	s0 := newState()
	s1, err := apply(s0, env(t, events.OperatorKey("A"), &events.OperatorDefined{Operator: events.Operator{Name: "A"}}))
	if err != nil {
		t.Fatal(err)
	}
	s2, err := apply(s1, env(t, events.OperatorKey("A"), &events.OperatorDeleted{Name: "A"}))
	if err != nil {
		t.Fatal(err)
	}
	if len(s0.operators) != 0 || len(s1.operators) != 1 || len(s2.operators) != 0 {
		t.Errorf("operators: s0 %d, s1 %d, s2 %d; want 0, 1, 0", len(s0.operators), len(s1.operators), len(s2.operators))
	}
}

func TestApplyTombstone(t *testing.T) {
	s := newState()
	for _, e := range []events.Envelope{
		env(t, events.OperatorKey("A"), &events.OperatorDefined{Operator: events.Operator{Name: "A"}}),
		env(t, events.StageKey("S"), &events.StageDefined{Stage: events.Stage{Name: "S"}}),
		env(t, events.WorkflowKey("W"), &events.WorkflowDefined{Workflow: events.Workflow{Name: "W"}}),
		env(t, events.SystemConfigKey, &events.SystemConfigured{MaxConcurrentWorkflows: 2}),
	} {
		var err error
		if s, err = apply(s, e); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		key     string
		wantErr error
	}{
		{events.OperatorKey("A"), nil},
		{events.StageKey("S"), nil},
		{events.WorkflowKey("W"), nil},
		{events.SystemConfigKey, nil},
		{"what/ever", errUnexpected},
	}
	for _, tt := range tests {
		var err error
		s, err = applyTombstone(s, tt.key)
		if !errors.Is(err, tt.wantErr) {
			t.Errorf("tombstone %q: err = %v, want %v", tt.key, err, tt.wantErr)
		}
	}
	want := map[string][]string{"operators": {}, "stages": {}, "workflows": {}}
	if got := names(s); !reflect.DeepEqual(got, want) {
		t.Errorf("after tombstones: %v, want %v", got, want)
	}
	if s.system.MaxConcurrentWorkflows != DefaultMaxConcurrentWorkflows {
		t.Errorf("MaxConcurrentWorkflows = %d after tombstone, want the default", s.system.MaxConcurrentWorkflows)
	}
}

// equalJSON compares two values by their JSON encoding.
func equalJSON(a, b any) bool {
	ja, errA := json.Marshal(a)
	jb, errB := json.Marshal(b)
	return errA == nil && errB == nil && string(ja) == string(jb)
}
