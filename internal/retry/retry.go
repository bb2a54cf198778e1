// Package retry is the engine's retry policy, shaped after Amazon States
// Language's Retry field: which errors a Task state retries (ErrorEquals),
// how often (MaxAttempts, the number of retries), and how long it waits
// before each retry (IntervalSeconds, BackoffRate, MaxDelaySeconds and full
// jitter). The workflow compiler reads an MIE operator's policy from its
// Configuration (key "Retry") into the machine's Task states; the deciders
// match errors and compute delays with it. docs/retries.md is the user's
// guide.
package retry

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/asl/failure"
)

// Error names with a meaning of their own, as in ASL (the names are
// package failure's).
const (
	// ErrorAll matches every error but States.Runtime.
	ErrorAll = failure.ALL
	// ErrorTimeout is the error of an operator attempt that ran past its
	// timeout.
	ErrorTimeout = failure.Timeout
	// ErrorTaskFailed matches every operator error but States.Timeout.
	ErrorTaskFailed = failure.TaskFailed
	// ErrorRuntime is an error of the engine or the machine (a state that
	// does not exist, ...); it is never retried.
	ErrorRuntime = failure.Runtime
)

// Jitter strategies.
const (
	JitterFull = "FULL"
	JitterNone = "NONE"
)

// ConfigKey is the operator Configuration key holding its retry policy.
const ConfigKey = "Retry"

// MIE's default policy for an operator that sets none: retry every error
// twice, after 2 s and then 4 s.
const (
	DefaultIntervalSeconds = 2.0
	DefaultMaxAttempts     = 2
	DefaultBackoffRate     = 2.0
)

// Bounds of a policy's numbers.
const (
	// MaxDelaySeconds bounds every delay: a year, the largest
	// MaxDelaySeconds AWS Step Functions accepts.
	MaxDelaySeconds = 31622400
	// MaxAttempts bounds MaxAttempts, as in AWS Step Functions.
	MaxAttempts = 99999999
)

// ASL's defaults, for a machine's retrier that omits a field.
const (
	aslIntervalSeconds = 1.0
	aslBackoffRate     = 2.0
)

// Error lists what is wrong with a policy, each problem as "field: message"
// with fields relative to the policy ("Retry[1].BackoffRate").
type Error struct {
	Problems []string
}

func (e *Error) Error() string { return strings.Join(e.Problems, "; ") }

func (e *Error) add(field, format string, args ...any) {
	e.Problems = append(e.Problems, field+": "+fmt.Sprintf(format, args...))
}

// Default is MIE's policy: every error, 2 retries, 2 s then 4 s.
func Default() []events.Retrier {
	return []events.Retrier{{
		ErrorEquals:     []string{ErrorAll},
		IntervalSeconds: DefaultIntervalSeconds,
		MaxAttempts:     DefaultMaxAttempts,
		BackoffRate:     DefaultBackoffRate,
	}}
}

// FromConfig reads the policy of an operator Configuration: Default when it
// has no Retry key, else Parse of its value. An empty list means no retries.
func FromConfig(cfg map[string]any) ([]events.Retrier, error) {
	v, ok := cfg[ConfigKey]
	if !ok {
		return Default(), nil
	}
	return Parse(v)
}

// Parse reads a Retry value as it arrives in JSON: one retrier object or a
// list of them, each with ErrorEquals (default ["States.ALL"]),
// IntervalSeconds (default 2), MaxAttempts (default 2), BackoffRate
// (default 2), MaxDelaySeconds (default none) and JitterStrategy ("FULL" or
// "NONE", the default). Every problem is reported, naming its field.
func Parse(v any) ([]events.Retrier, error) {
	var items []any
	single := false
	switch x := v.(type) {
	case []any:
		items = x
	case map[string]any:
		items, single = []any{x}, true
	default:
		return nil, &Error{Problems: []string{fmt.Sprintf("%s: want a retrier object or a list of them, got %s", ConfigKey, describe(v))}}
	}
	var probs Error
	out := make([]events.Retrier, 0, len(items))
	for i, it := range items {
		field := fmt.Sprintf("%s[%d]", ConfigKey, i)
		if single {
			field = ConfigKey
		}
		m, ok := it.(map[string]any)
		if !ok {
			probs.add(field, "want an object, got %s", describe(it))
			continue
		}
		if r, ok := parseOne(field, m, &probs); ok {
			out = append(out, r)
		}
	}
	if len(probs.Problems) == 0 {
		check(out, single, &probs)
	}
	if len(probs.Problems) > 0 {
		return nil, &probs
	}
	if len(out) == 0 {
		return nil, nil
	}
	return out, nil
}

func parseOne(field string, m map[string]any, probs *Error) (events.Retrier, bool) {
	r := events.Retrier{
		ErrorEquals:     []string{ErrorAll},
		IntervalSeconds: DefaultIntervalSeconds,
		MaxAttempts:     DefaultMaxAttempts,
		BackoffRate:     DefaultBackoffRate,
	}
	before := len(probs.Problems)
	bad := func(key, format string, args ...any) { probs.add(field+"."+key, format, args...) }
	for _, key := range slices.Sorted(maps.Keys(m)) {
		v := m[key]
		switch key {
		case "ErrorEquals":
			list, ok := v.([]any)
			if !ok {
				if ss, isStrings := v.([]string); isStrings {
					list = make([]any, len(ss))
					for i, s := range ss {
						list[i] = s
					}
					ok = true
				}
			}
			if !ok {
				bad(key, "want a list of error names, got %s", describe(v))
				continue
			}
			r.ErrorEquals = r.ErrorEquals[:0:0]
			for _, e := range list {
				s, isStr := e.(string)
				if !isStr || s == "" {
					bad(key, "want non-empty error names, got %s", describe(e))
					continue
				}
				r.ErrorEquals = append(r.ErrorEquals, s)
			}
		case "IntervalSeconds", "MaxDelaySeconds":
			n, ok := num(v)
			if !ok || n <= 0 || n > MaxDelaySeconds {
				bad(key, "want a number of seconds above 0 and at most %d, got %s", MaxDelaySeconds, describe(v))
				continue
			}
			if key == "IntervalSeconds" {
				r.IntervalSeconds = n
			} else {
				r.MaxDelaySeconds = n
			}
		case "MaxAttempts":
			n, ok := num(v)
			if !ok || n != math.Trunc(n) || n < 0 || n > MaxAttempts {
				bad(key, "want a whole number from 0 (no retries) to %d, got %s", MaxAttempts, describe(v))
				continue
			}
			r.MaxAttempts = int(n)
		case "BackoffRate":
			n, ok := num(v)
			if !ok || n < 1 {
				bad(key, "want a number of at least 1, got %s", describe(v))
				continue
			}
			r.BackoffRate = n
		case "JitterStrategy":
			s, ok := v.(string)
			if !ok || (s != JitterFull && s != JitterNone) {
				bad(key, "want %q or %q, got %s", JitterFull, JitterNone, describe(v))
				continue
			}
			r.JitterStrategy = s
		default:
			bad(key, "unknown field; want ErrorEquals, IntervalSeconds, MaxAttempts, BackoffRate, MaxDelaySeconds or JitterStrategy")
		}
	}
	if len(probs.Problems) == before {
		checkOne(field, r, probs)
	}
	return r, len(probs.Problems) == before
}

// num reads a JSON number (float64 from encoding/json; ints from Go code).
func num(v any) (float64, bool) {
	switch n := v.(type) {
	case float64:
		return n, !math.IsNaN(n) && !math.IsInf(n, 0)
	case int:
		return float64(n), true
	case int64:
		return float64(n), true
	}
	return 0, false
}

func describe(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case string:
		return fmt.Sprintf("%q", x)
	case map[string]any:
		return "an object"
	case []any:
		return "a list"
	}
	return fmt.Sprint(v)
}

// Validate checks the retriers of a machine's Task state against ASL's
// rules and the engine's bounds.
func Validate(rs []events.Retrier) error {
	var probs Error
	check(rs, false, &probs)
	if len(probs.Problems) > 0 {
		return &probs
	}
	return nil
}

func check(rs []events.Retrier, single bool, probs *Error) {
	for i, r := range rs {
		field := fmt.Sprintf("%s[%d]", ConfigKey, i)
		if single {
			field = ConfigKey
		}
		checkOne(field, r, probs)
		if slices.Contains(r.ErrorEquals, ErrorAll) && i != len(rs)-1 {
			probs.add(field+".ErrorEquals", "%s must be in the last retrier", ErrorAll)
		}
	}
}

func checkOne(field string, r events.Retrier, probs *Error) {
	bad := func(key, format string, args ...any) { probs.add(field+"."+key, format, args...) }
	if len(r.ErrorEquals) == 0 {
		bad("ErrorEquals", "want at least one error name")
	}
	if slices.Contains(r.ErrorEquals, ErrorAll) && len(r.ErrorEquals) > 1 {
		bad("ErrorEquals", "%s must appear alone", ErrorAll)
	}
	if r.IntervalSeconds < 0 || r.IntervalSeconds > MaxDelaySeconds {
		bad("IntervalSeconds", "want a number of seconds above 0 and at most %d, got %v", MaxDelaySeconds, r.IntervalSeconds)
	}
	if r.MaxAttempts < 0 || r.MaxAttempts > MaxAttempts {
		bad("MaxAttempts", "want a whole number from 0 (no retries) to %d, got %d", MaxAttempts, r.MaxAttempts)
	}
	if r.BackoffRate != 0 && r.BackoffRate < 1 {
		bad("BackoffRate", "want a number of at least 1, got %v", r.BackoffRate)
	}
	if r.MaxDelaySeconds < 0 || r.MaxDelaySeconds > MaxDelaySeconds {
		bad("MaxDelaySeconds", "want a number of seconds above 0 and at most %d, got %v", MaxDelaySeconds, r.MaxDelaySeconds)
	}
	if r.JitterStrategy != "" && r.JitterStrategy != JitterFull && r.JitterStrategy != JitterNone {
		bad("JitterStrategy", "want %q or %q, got %q", JitterFull, JitterNone, r.JitterStrategy)
	}
}

// Matches reports whether an ErrorEquals list (of a retrier or a catcher)
// matches error name err: by name, States.ALL for anything but
// States.Runtime, and States.TaskFailed for anything but States.Timeout and
// States.Runtime.
func Matches(errorEquals []string, err string) bool {
	for _, e := range errorEquals {
		switch {
		case e == err:
			return true
		case err == ErrorRuntime:
		case e == ErrorAll:
			return true
		case e == ErrorTaskFailed && err != ErrorTimeout:
			return true
		}
	}
	return false
}

// Match returns the first retrier that matches err, as ASL does: only that
// one decides, even when its attempts are used up.
func Match(rs []events.Retrier, err string) (int, bool) {
	for i := range rs {
		if Matches(rs[i].ErrorEquals, err) {
			return i, true
		}
	}
	return 0, false
}

// Delay is the wait before retry n (1 for the first) under r:
// IntervalSeconds × BackoffRate^(n-1), capped by MaxDelaySeconds (and by a
// year), then, with JitterStrategy FULL, scaled by u, a random number in
// [0, 1). It is rounded to the millisecond. Fields a machine's retrier omits
// take ASL's defaults (1 s, rate 2).
func Delay(r events.Retrier, n int, u float64) time.Duration {
	interval := r.IntervalSeconds
	if interval <= 0 {
		interval = aslIntervalSeconds
	}
	rate := r.BackoffRate
	if rate <= 0 {
		rate = aslBackoffRate
	}
	secs := interval * math.Pow(rate, float64(max(n, 1)-1))
	limit := float64(MaxDelaySeconds)
	if r.MaxDelaySeconds > 0 && r.MaxDelaySeconds < limit {
		limit = r.MaxDelaySeconds
	}
	if !(secs < limit) { // also catches +Inf and NaN
		secs = limit
	}
	if r.JitterStrategy == JitterFull {
		secs *= min(max(u, 0), 1)
	}
	return time.Duration(math.Round(secs*1000)) * time.Millisecond
}
