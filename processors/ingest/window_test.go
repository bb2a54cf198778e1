package ingest

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/mie-kafka/mie/internal/problem"
)

func TestWindowFrom(t *testing.T) {
	ok := map[string]any{"sessionId": "s-1_a.b", "userId": "u1", "windowIndex": 3.0, "frameCount": 30.0}
	w, err := WindowFrom(ok)
	if err != nil || w != (Window{SessionID: "s-1_a.b", UserID: "u1", WindowIndex: 3, FrameCount: 30}) {
		t.Fatalf("WindowFrom = %+v, %v", w, err)
	}
	if w.SegmentID() != "s-1_a.b-w003" || w.Dir() != "sessions/s-1_a.b/window_003/" || w.SessionDir() != "sessions/s-1_a.b/" {
		t.Fatalf("names: %s %s %s", w.SegmentID(), w.Dir(), w.SessionDir())
	}
	if back, err := WindowFrom(w.MetaData()); err != nil || back != w {
		t.Fatalf("round trip = %+v, %v", back, err)
	}
	bad := []struct {
		name, field string
		set         func(m map[string]any)
	}{
		{"no session", "sessionId", func(m map[string]any) { delete(m, "sessionId") }},
		{"path in session", "sessionId", func(m map[string]any) { m["sessionId"] = "../x" }},
		{"dot session", "sessionId", func(m map[string]any) { m["sessionId"] = ".." }},
		{"long session", "sessionId", func(m map[string]any) { m["sessionId"] = strings.Repeat("a", 129) }},
		{"no user", "userId", func(m map[string]any) { m["userId"] = " " }},
		{"fractional index", "windowIndex", func(m map[string]any) { m["windowIndex"] = 1.5 }},
		{"negative frames", "frameCount", func(m map[string]any) { m["frameCount"] = -1.0 }},
		{"string frames", "frameCount", func(m map[string]any) { m["frameCount"] = "3" }},
		{"no index", "windowIndex", func(m map[string]any) { delete(m, "windowIndex") }},
	}
	for _, c := range bad {
		t.Run(c.name, func(t *testing.T) {
			m := map[string]any{}
			for k, v := range ok {
				m[k] = v
			}
			c.set(m)
			_, err := WindowFrom(m)
			if !errors.Is(err, problem.ErrInvalid) || !strings.Contains(err.Error(), "Input.MetaData."+c.field) {
				t.Fatalf("err = %v, want invalid Input.MetaData.%s", err, c.field)
			}
		})
	}
}

func TestSample(t *testing.T) {
	for _, c := range []struct {
		n, k int
		want []int
	}{
		{0, 4, nil}, {3, 4, []int{0, 1, 2}}, {4, 4, []int{0, 1, 2, 3}}, {6, 4, []int{0, 2, 3, 5}},
		{30, 4, []int{0, 10, 19, 29}}, {9, 1, []int{4}},
	} {
		if got := sample(c.n, c.k); !slices.Equal(got, c.want) {
			t.Errorf("sample(%d, %d) = %v, want %v", c.n, c.k, got, c.want)
		}
	}
}

func TestMatchers(t *testing.T) {
	dir := "sessions/s/window_001/"
	for key, want := range map[string]bool{
		dir + "frame_0001.jpg": true, dir + "frame_.jpg": true, dir + "frame_1.png": false,
		dir + "sub/frame_1.jpg": false, dir + "thumb_1.jpg": false, "sessions/s/window_002/frame_1.jpg": false,
	} {
		if isFrame(dir, key) != want {
			t.Errorf("isFrame(%s) = %v", key, !want)
		}
	}
	for key, want := range map[string]bool{
		dir + "audio.wav": true, dir + "audio.m4a": true, dir + "audio.": false, dir + "audio": false,
		dir + "x/audio.wav": false, dir + "audio_backup.wav": false,
	} {
		if isAudio(dir, key) != want {
			t.Errorf("isAudio(%s) = %v", key, !want)
		}
	}
}

func TestConfigValidate(t *testing.T) {
	err := Config{Bucket: "x", Defer: -1, MaxDeliveries: -1}.Validate()
	for _, want := range []string{"Store", "bucket", "Catalog", "Segments", "Pool", "delays", "MaxDeliveries", "Logger"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Validate() = %v, want it to name %s", err, want)
		}
	}
}
