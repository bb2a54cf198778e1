// Package ingest is the ingest-window workflow as built-in operators: one
// 30-second recording window of a session is transcribed, captioned on a
// GPU worker, mined for entities and triples and embedded, and its
// segment's processing_status moves pending -> complete | failed | skipped,
// each move a SegmentStatusChanged on the segments topic, committed in the
// same transaction as the task's result. See docs/ingest-window.md.
//
// Two operators run in two stages of the workflow IngestWindow:
//
//   - IngestWindowPrepare: idempotency, frames, audio and transcription,
//     the pending segment; an audio-only window completes here.
//   - IngestWindowEnrich: the GPU path. When the GPU pool is down it defers
//     the task (worker.Deferred) so that the executor delivers it again
//     later, and fails the segment after the last delivery.
package ingest

import (
	"encoding/json"
	"fmt"
	"math"
	"path"
	"strings"

	"github.com/mie-kafka/mie/internal/problem"
)

// Input.MetaData keys of a window, as in the design's IngestWindowEvent.
const (
	KeySessionID   = "sessionId"
	KeyUserID      = "userId"
	KeyWindowIndex = "windowIndex"
	KeyFrameCount  = "frameCount"
)

// Limits of a window's fields.
const (
	maxSessionID = 128
	maxIndex     = 1_000_000
)

// Window is one recording window, the design's IngestWindowEvent.
type Window struct {
	SessionID   string `json:"sessionId"`
	UserID      string `json:"userId"`
	WindowIndex int    `json:"windowIndex"`
	FrameCount  int    `json:"frameCount"`
}

// WindowFrom reads a window from an execution's MetaData, naming the bad
// field when one is wrong.
func WindowFrom(meta map[string]any) (Window, error) {
	var w Window
	field := func(k string) string { return "Input.MetaData." + k }
	s, ok := meta[KeySessionID].(string)
	if !ok || !validSession(s) {
		return w, problem.Invalid(field(KeySessionID), "a session id of 1 to %d letters, digits, '.', '_' or '-' is required", maxSessionID)
	}
	w.SessionID = s
	u, ok := meta[KeyUserID].(string)
	if !ok || strings.TrimSpace(u) == "" {
		return w, problem.Invalid(field(KeyUserID), "a user id is required")
	}
	w.UserID = u
	var err error
	if w.WindowIndex, err = count(meta[KeyWindowIndex]); err != nil {
		return w, problem.Invalid(field(KeyWindowIndex), "%v", err)
	}
	if w.FrameCount, err = count(meta[KeyFrameCount]); err != nil {
		return w, problem.Invalid(field(KeyFrameCount), "%v", err)
	}
	return w, nil
}

// MetaData is the window as an execution's Input.MetaData.
func (w Window) MetaData() map[string]any {
	return map[string]any{KeySessionID: w.SessionID, KeyUserID: w.UserID, KeyWindowIndex: w.WindowIndex, KeyFrameCount: w.FrameCount}
}

func validSession(s string) bool {
	if s == "" || len(s) > maxSessionID || s == "." || s == ".." {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-') {
			return false
		}
	}
	return true
}

// count reads a non-negative integer from decoded JSON.
func count(v any) (int, error) {
	var f float64
	switch n := v.(type) {
	case float64:
		f = n
	case int:
		f = float64(n)
	case int64:
		f = float64(n)
	case json.Number:
		var err error
		if f, err = n.Float64(); err != nil {
			return 0, fmt.Errorf("%q is not a number", n)
		}
	case nil:
		return 0, fmt.Errorf("is required (an integer >= 0)")
	default:
		return 0, fmt.Errorf("must be an integer >= 0, got %T", v)
	}
	if f != math.Trunc(f) || f < 0 || f > maxIndex {
		return 0, fmt.Errorf("must be an integer from 0 to %d, got %v", maxIndex, f)
	}
	return int(f), nil
}

// SegmentID is the window's segment: the same for every delivery and
// every execution of the window. The last "-w<digits>" splits it back
// unambiguously, as session ids hold no such suffix of their own meaning.
func (w Window) SegmentID() string { return fmt.Sprintf("%s-w%03d", w.SessionID, w.WindowIndex) }

// Dir is the window's folder in object storage.
func (w Window) Dir() string {
	return fmt.Sprintf("sessions/%s/window_%03d/", w.SessionID, w.WindowIndex)
}

// SessionDir is the session's folder in object storage.
func (w Window) SessionDir() string { return "sessions/" + w.SessionID + "/" }

// isFrame matches frame_*.jpg directly in the window's folder.
func isFrame(dir, key string) bool {
	name, ok := strings.CutPrefix(key, dir)
	if !ok || strings.Contains(name, "/") {
		return false
	}
	m, _ := path.Match("frame_*.jpg", name)
	return m
}

// isAudio matches audio.<ext> directly in dir.
func isAudio(dir, key string) bool {
	name, ok := strings.CutPrefix(key, dir)
	return ok && !strings.Contains(name, "/") && strings.HasPrefix(name, "audio.") && len(name) > len("audio.")
}

// sample picks up to k of n items uniformly, first and last included.
func sample(n, k int) []int {
	if n <= 0 || k <= 0 {
		return nil
	}
	if n <= k {
		out := make([]int, n)
		for i := range out {
			out[i] = i
		}
		return out
	}
	if k == 1 {
		return []int{n / 2}
	}
	out := make([]int, k)
	for i := range out {
		out[i] = int(math.Round(float64(i) * float64(n-1) / float64(k-1)))
	}
	return out
}
