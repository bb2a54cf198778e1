package builtin

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/mie-kafka/mie/processors/worker"
)

// MaxSleep bounds Sleep's Configuration.DurationMs.
const MaxSleep = 24 * time.Hour

// Sleep (Async) completes Configuration.DurationMs milliseconds after it
// starts, with MetaData {"SleptMs": DurationMs}. It never sleeps in the
// handler: Start records the deadline in MonitorState and asks to be
// checked when it passes; Monitor completes once it has.
type Sleep struct {
	// Now is the clock; default time.Now.
	Now func() time.Time
}

type sleepState struct {
	DeadlineMs int64 `json:"DeadlineMs"`
	DurationMs int64 `json:"DurationMs"`
}

func (s Sleep) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// Start implements worker.Handler.
func (s Sleep) Start(_ context.Context, t *worker.Task) (worker.Result, error) {
	ms, err := durationMs(t.Configuration["DurationMs"])
	if err != nil {
		return worker.Result{}, err
	}
	now := s.now()
	st := sleepState{DeadlineMs: now.UnixMilli() + ms, DurationMs: ms}
	return worker.Executing(st, time.Duration(ms)*time.Millisecond), nil
}

// Monitor implements worker.Monitor.
func (s Sleep) Monitor(_ context.Context, t *worker.Task) (worker.Result, error) {
	var st sleepState
	if err := json.Unmarshal(t.MonitorState, &st); err != nil || st.DeadlineMs == 0 {
		return worker.Result{}, fmt.Errorf("Sleep: invalid MonitorState %q", t.MonitorState)
	}
	left := time.UnixMilli(st.DeadlineMs).Sub(s.now())
	if left > 0 {
		return worker.Executing(st, left), nil
	}
	return worker.Complete(nil, map[string]any{"SleptMs": st.DurationMs}), nil
}

// durationMs validates Configuration.DurationMs: a number of milliseconds
// in [0, MaxSleep].
func durationMs(v any) (int64, error) {
	var f float64
	switch n := v.(type) {
	case float64:
		f = n
	case json.Number:
		var err error
		if f, err = n.Float64(); err != nil {
			return 0, fmt.Errorf("Sleep: Configuration.DurationMs %q is not a number", n)
		}
	case int:
		f = float64(n)
	case int64:
		f = float64(n)
	case nil:
		return 0, fmt.Errorf("Sleep: Configuration.DurationMs is required (milliseconds, 0 to %d)", MaxSleep.Milliseconds())
	default:
		return 0, fmt.Errorf("Sleep: Configuration.DurationMs must be a number of milliseconds, got %T", v)
	}
	if math.IsNaN(f) || f < 0 || f > float64(MaxSleep.Milliseconds()) {
		return 0, fmt.Errorf("Sleep: Configuration.DurationMs %s is out of range: want 0 to %d",
			strconv.FormatFloat(f, 'f', -1, 64), MaxSleep.Milliseconds())
	}
	return int64(f), nil
}
