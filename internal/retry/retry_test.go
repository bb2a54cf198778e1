package retry

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/mie-kafka/mie/events"
)

// decode turns a JSON literal into what an operator Configuration holds.
func decode(t *testing.T, s string) any {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatal(err)
	}
	return v
}

func TestFromConfig(t *testing.T) {
	got, err := FromConfig(map[string]any{"MediaType": "Video"})
	if err != nil || !reflect.DeepEqual(got, Default()) {
		t.Fatalf("no Retry key: %+v, %v; want MIE's default", got, err)
	}
	if d := Default()[0]; d.IntervalSeconds != 2 || d.MaxAttempts != 2 || d.BackoffRate != 2 || d.ErrorEquals[0] != ErrorAll {
		t.Fatalf("default is not MIE's 2 s, 2 retries, rate 2: %+v", d)
	}
	got, err = FromConfig(map[string]any{"Retry": []any{}})
	if err != nil || got != nil {
		t.Fatalf("empty list: %+v, %v; want no retries", got, err)
	}
}

func TestParse(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []events.Retrier
		errs []string // each must appear in the error
	}{
		{name: "one object, defaults filled", in: `{"MaxAttempts": 5}`,
			want: []events.Retrier{{ErrorEquals: []string{ErrorAll}, IntervalSeconds: 2, MaxAttempts: 5, BackoffRate: 2}}},
		{name: "a list, every field", in: `[
			{"ErrorEquals": ["GPU.Unavailable"], "MaxAttempts": 0},
			{"ErrorEquals": ["States.Timeout", "Throttled"], "IntervalSeconds": 0.05, "MaxAttempts": 3,
			 "BackoffRate": 1.5, "MaxDelaySeconds": 10, "JitterStrategy": "FULL"}]`,
			want: []events.Retrier{
				{ErrorEquals: []string{"GPU.Unavailable"}, IntervalSeconds: 2, MaxAttempts: 0, BackoffRate: 2},
				{ErrorEquals: []string{"States.Timeout", "Throttled"}, IntervalSeconds: 0.05, MaxAttempts: 3,
					BackoffRate: 1.5, MaxDelaySeconds: 10, JitterStrategy: JitterFull},
			}},
		{name: "not an object", in: `"often"`, errs: []string{`Retry: want a retrier object or a list of them, got "often"`}},
		{name: "null", in: `null`, errs: []string{"got null"}},
		{name: "every bad field named", in: `{"IntervalSeconds": 0, "MaxAttempts": 1.5, "BackoffRate": 0.5,
			"MaxDelaySeconds": -1, "JitterStrategy": "SOME", "ErrorEquals": [""], "Tries": 3}`,
			errs: []string{"Retry.IntervalSeconds:", "Retry.MaxAttempts:", "Retry.BackoffRate:", "Retry.MaxDelaySeconds:",
				"Retry.JitterStrategy:", "Retry.ErrorEquals:", "Retry.Tries: unknown field"}},
		{name: "negative attempts", in: `[{"MaxAttempts": -1}]`, errs: []string{"Retry[0].MaxAttempts: want a whole number from 0"}},
		{name: "States.ALL not last", in: `[{"ErrorEquals": ["States.ALL"]}, {"ErrorEquals": ["X"]}]`,
			errs: []string{"Retry[0].ErrorEquals: States.ALL must be in the last retrier"}},
		{name: "States.ALL not alone", in: `{"ErrorEquals": ["States.ALL", "X"]}`, errs: []string{"must appear alone"}},
		{name: "empty ErrorEquals", in: `{"ErrorEquals": []}`, errs: []string{"want at least one error name"}},
		{name: "item not an object", in: `[3]`, errs: []string{"Retry[0]: want an object, got 3"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(decode(t, tt.in))
			if len(tt.errs) == 0 {
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(got, tt.want) {
					t.Fatalf("got %+v\nwant %+v", got, tt.want)
				}
				if err := Validate(got); err != nil {
					t.Fatalf("a parsed policy fails Validate: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("no error; got %+v", got)
			}
			for _, want := range tt.errs {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not mention %q", err, want)
				}
			}
		})
	}
}

func TestMatch(t *testing.T) {
	rs := []events.Retrier{
		{ErrorEquals: []string{"Throttled"}},
		{ErrorEquals: []string{ErrorTimeout}},
		{ErrorEquals: []string{ErrorTaskFailed}},
	}
	tests := []struct {
		err  string
		want int
		ok   bool
	}{
		{"Throttled", 0, true},
		{ErrorTimeout, 1, true},
		{"Boom", 2, true},
		{ErrorRuntime, 0, false},
	}
	for _, tt := range tests {
		if i, ok := Match(rs, tt.err); i != tt.want || ok != tt.ok {
			t.Errorf("Match(%q) = %d, %v; want %d, %v", tt.err, i, ok, tt.want, tt.ok)
		}
	}
	all := []string{ErrorAll}
	for _, e := range []string{"Boom", ErrorTimeout, ErrorTaskFailed} {
		if !Matches(all, e) {
			t.Errorf("States.ALL does not match %q", e)
		}
	}
	if Matches(all, ErrorRuntime) {
		t.Error("States.ALL matches States.Runtime")
	}
	if Matches([]string{ErrorTaskFailed}, ErrorTimeout) {
		t.Error("States.TaskFailed matches States.Timeout")
	}
	if _, ok := Match(nil, "Boom"); ok {
		t.Error("no retriers matched")
	}
}

func TestDelay(t *testing.T) {
	mie := Default()[0]
	tests := []struct {
		name string
		r    events.Retrier
		n    int
		u    float64
		want time.Duration
	}{
		{"first retry", mie, 1, 0.5, 2 * time.Second},
		{"second retry doubles", mie, 2, 0.5, 4 * time.Second},
		{"fifth", mie, 5, 0, 32 * time.Second},
		{"capped by MaxDelaySeconds", events.Retrier{IntervalSeconds: 2, BackoffRate: 2, MaxDelaySeconds: 5}, 3, 0, 5 * time.Second},
		{"full jitter scales the capped delay", events.Retrier{IntervalSeconds: 2, BackoffRate: 2, MaxDelaySeconds: 5, JitterStrategy: JitterFull}, 3, 0.5, 2500 * time.Millisecond},
		{"full jitter may be zero", events.Retrier{IntervalSeconds: 2, JitterStrategy: JitterFull}, 1, 0, 0},
		{"jitter NONE ignores u", events.Retrier{IntervalSeconds: 2, JitterStrategy: JitterNone}, 1, 0.1, 2 * time.Second},
		{"sub-second", events.Retrier{IntervalSeconds: 0.05, BackoffRate: 2}, 2, 0, 100 * time.Millisecond},
		{"ASL defaults for omitted fields", events.Retrier{}, 3, 0, 4 * time.Second},
		{"huge growth stops at a year", events.Retrier{IntervalSeconds: 2, BackoffRate: 10}, 400, 0, MaxDelaySeconds * time.Second},
		{"rate 1 is constant", events.Retrier{IntervalSeconds: 3, BackoffRate: 1}, 9, 0, 3 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Delay(tt.r, tt.n, tt.u); got != tt.want {
				t.Fatalf("Delay = %s, want %s", got, tt.want)
			}
		})
	}
}
