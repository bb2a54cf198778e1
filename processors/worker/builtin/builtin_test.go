package builtin

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/processors/worker"
)

func TestPassthrough(t *testing.T) {
	tests := []struct {
		name   string
		input  map[string]any
		config map[string]any
		want   map[string]any
	}{
		{name: "no output", input: map[string]any{"a": "1"}, want: map[string]any{"a": "1"}},
		{name: "nil input", want: map[string]any{}},
		{
			name: "object output merges over input", input: map[string]any{"a": "1", "b": "2"},
			config: map[string]any{"Output": map[string]any{"b": "x", "c": 3.0}},
			want:   map[string]any{"a": "1", "b": "x", "c": 3.0},
		},
		{
			name: "scalar output", input: map[string]any{"a": "1"},
			config: map[string]any{"Output": "hello"},
			want:   map[string]any{"a": "1", "Output": "hello"},
		},
		{
			name: "list output", config: map[string]any{"Output": []any{1.0, 2.0}},
			want: map[string]any{"Output": []any{1.0, 2.0}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			task := &worker.Task{
				Input: events.OperatorInput{
					Media:    map[string]events.MediaObject{"Video": {S3Bucket: "b", S3Key: "v"}},
					MetaData: tt.input,
				},
				Configuration: tt.config,
			}
			r, err := Passthrough{}.Start(t.Context(), task)
			if err != nil {
				t.Fatal(err)
			}
			if r.Status != events.ResultComplete || r.Media != nil {
				t.Errorf("result = %+v, want Complete without media", r)
			}
			if !reflect.DeepEqual(r.MetaData, tt.want) {
				t.Errorf("MetaData = %v, want %v", r.MetaData, tt.want)
			}
			if tt.input != nil && tt.input["b"] == "2" && task.Input.MetaData["b"] != "2" {
				t.Error("Passthrough modified its input")
			}
		})
	}
}

func TestFail(t *testing.T) {
	tests := []struct {
		name             string
		config           map[string]any
		wantErr, wantCau string
	}{
		{name: "default", wantErr: "Fail"},
		{name: "configured", config: map[string]any{"Error": "Custom.Error", "Cause": "because"}, wantErr: "Custom.Error", wantCau: "because"},
		{name: "non-string ignored", config: map[string]any{"Error": 3.0}, wantErr: "Fail"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := Fail{}.Start(t.Context(), &worker.Task{Configuration: tt.config})
			if err != nil {
				t.Fatal(err)
			}
			if r.Status != events.ResultError || r.Error != tt.wantErr || r.Cause != tt.wantCau {
				t.Errorf("result = %+v, want Error %q Cause %q", r, tt.wantErr, tt.wantCau)
			}
		})
	}
}

func TestSleepStart(t *testing.T) {
	start := time.UnixMilli(1_700_000_000_000)
	s := Sleep{Now: func() time.Time { return start }}
	tests := []struct {
		name      string
		duration  any
		wantAfter time.Duration
		wantErr   string
	}{
		{name: "zero", duration: 0.0, wantAfter: 0},
		{name: "ms", duration: 1500.0, wantAfter: 1500 * time.Millisecond},
		{name: "json number", duration: json.Number("250"), wantAfter: 250 * time.Millisecond},
		{name: "a day", duration: float64(24 * time.Hour / time.Millisecond), wantAfter: 24 * time.Hour},
		{name: "missing", duration: nil, wantErr: "DurationMs is required"},
		{name: "negative", duration: -1.0, wantErr: "DurationMs -1 is out of range"},
		{name: "over a day", duration: float64(24*time.Hour/time.Millisecond) + 1, wantErr: "DurationMs 86400001 is out of range"},
		{name: "string", duration: "10", wantErr: "DurationMs must be a number"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := map[string]any{}
			if tt.duration != nil {
				cfg["DurationMs"] = tt.duration
			}
			r, err := s.Start(t.Context(), &worker.Task{Configuration: cfg, Phase: events.PhaseStart})
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if r.Status != events.ResultExecuting || r.CheckAfter != tt.wantAfter {
				t.Errorf("result = %+v, want Executing after %s", r, tt.wantAfter)
			}
			var st sleepState
			if err := json.Unmarshal(r.MonitorState, &st); err != nil {
				t.Fatal(err)
			}
			if want := start.Add(tt.wantAfter).UnixMilli(); st.DeadlineMs != want {
				t.Errorf("deadline = %d, want %d", st.DeadlineMs, want)
			}
		})
	}
}

func TestSleepMonitor(t *testing.T) {
	start := time.UnixMilli(1_700_000_000_000)
	now := start
	s := Sleep{Now: func() time.Time { return now }}
	r, err := s.Start(t.Context(), &worker.Task{Configuration: map[string]any{"DurationMs": 1000.0}})
	if err != nil {
		t.Fatal(err)
	}
	state := r.MonitorState
	tests := []struct {
		name       string
		at         time.Time
		state      json.RawMessage
		wantStatus string
		wantAfter  time.Duration
		wantErr    string
	}{
		{name: "not yet", at: start.Add(400 * time.Millisecond), state: state, wantStatus: events.ResultExecuting, wantAfter: 600 * time.Millisecond},
		{name: "at deadline", at: start.Add(time.Second), state: state, wantStatus: events.ResultComplete},
		{name: "past deadline", at: start.Add(time.Hour), state: state, wantStatus: events.ResultComplete},
		{name: "bad state", at: start, state: json.RawMessage(`"x"`), wantErr: "invalid MonitorState"},
		{name: "no state", at: start, wantErr: "invalid MonitorState"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			now = tt.at
			r, err := s.Monitor(t.Context(), &worker.Task{MonitorState: tt.state, Phase: events.PhaseMonitor})
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if r.Status != tt.wantStatus || r.CheckAfter != tt.wantAfter {
				t.Fatalf("result = %+v, want %s after %s", r, tt.wantStatus, tt.wantAfter)
			}
			switch r.Status {
			case events.ResultComplete:
				if r.MetaData["SleptMs"] != int64(1000) {
					t.Errorf("MetaData = %v, want SleptMs 1000", r.MetaData)
				}
			case events.ResultExecuting:
				if string(r.MonitorState) != string(state) {
					t.Errorf("MonitorState = %s, want it kept: %s", r.MonitorState, state)
				}
			}
		})
	}
}

func TestRegistry(t *testing.T) {
	reg := Registry()
	for name, b := range reg {
		if b.Name != name || b.Handler == nil {
			t.Errorf("Registry()[%q] = %+v, want its name and a handler", name, b)
		}
		_, monitors := b.Handler.(worker.Monitor)
		if monitors != (b.Type == TypeAsync) {
			t.Errorf("%s is %s but implements Monitor = %v", name, b.Type, monitors)
		}
	}
	want := map[string]string{"Passthrough": "Sync", "Sleep": "Async", "Fail": "Sync", "ObjectInfo": "Sync", "Wait": "Sync",
		"MediaInfo": "Sync", "Thumbnail": "Sync", "Transcode": "Sync", "ExtractAudio": "Sync", "PackageHLS": "Sync",
		"MediaMetadata": "Sync", "MediaQualityControl": "Sync", "MediaPublish": "Sync"}
	if got := Types(); !reflect.DeepEqual(got, want) {
		t.Errorf("Types() = %v, want %v", got, want)
	}
	if _, ok := reg[Wait]; ok {
		t.Error("Wait is engine-native and must have no worker handler")
	}
}
