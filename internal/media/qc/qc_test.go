package qc_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mie-kafka/mie/internal/media/ffmpeg"
	"github.com/mie-kafka/mie/internal/media/hls"
	"github.com/mie-kafka/mie/internal/media/mediatest"
	"github.com/mie-kafka/mie/internal/media/qc"
)

func checker(t *testing.T) *qc.Checker {
	t.Helper()
	mediatest.Tools(t)
	c, err := qc.New(qc.Config{})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// wantFailed checks that exactly the named checks failed.
func wantFailed(t *testing.T, r *qc.Report, names ...qc.CheckName) {
	t.Helper()
	var got []string
	for _, c := range r.Failed() {
		got = append(got, string(c.Name))
	}
	var want []string
	for _, n := range names {
		want = append(want, string(n))
	}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("failed checks %v, want %v; report %+v", got, want, r.Checks)
	}
	if r.Passed != (len(names) == 0) {
		t.Fatalf("passed = %v with failures %v", r.Passed, got)
	}
}

func TestFile(t *testing.T) {
	c := checker(t)
	dir := t.TempDir()
	good := mediatest.Make(t, dir, mediatest.Clip{Name: "good.mp4", Seconds: 4})
	exp := qc.Expect{Duration: 4, Width: 320, Height: 240}
	cases := []struct {
		name string
		path string
		exp  qc.Expect
		fail []qc.CheckName
	}{
		{"good", good, exp, nil},
		{"black", mediatest.Make(t, dir, mediatest.Clip{Name: "black.mp4", Seconds: 4, Black: true}), exp, []qc.CheckName{qc.NoBlack}},
		{"silent", mediatest.Make(t, dir, mediatest.Clip{Name: "silent.mp4", Seconds: 4, Silent: true}), exp, []qc.CheckName{qc.NoSilence}},
		{"wrong resolution", good, qc.Expect{Duration: 4, Width: 640, Height: 360}, []qc.CheckName{qc.Resolution}},
		{"wrong duration", good, qc.Expect{Duration: 10, Width: 320, Height: 240}, []qc.CheckName{qc.Duration}},
		{"no audio", mediatest.Make(t, dir, mediatest.Clip{Name: "mute.mp4", Seconds: 4, NoAudio: true}), exp, []qc.CheckName{qc.NoSilence}},
		{"no audio expected", mediatest.Make(t, dir, mediatest.Clip{Name: "mute2.mp4", Seconds: 4, NoAudio: true}),
			qc.Expect{Duration: 4, Width: 320, Height: 240, NoAudio: true}, nil},
		{"truncated", truncated(t, c, good, dir), exp, []qc.CheckName{qc.Decodes, qc.Duration}},
		{"missing", filepath.Join(dir, "nothing.mp4"), exp, []qc.CheckName{qc.Exists}},
		{"not media", writeFile(t, dir, "junk.mp4", "not a video at all"), exp, []qc.CheckName{qc.Decodes}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r, err := c.File(t.Context(), tc.path, tc.exp)
			if err != nil {
				t.Fatal(err)
			}
			wantFailed(t, r, tc.fail...)
			if len(tc.fail) == 0 && r.Score != 1 {
				t.Fatalf("score %v", r.Score)
			}
		})
	}
}

// truncated remuxes the clip with its moov box first, then cuts it in
// half: the header promises 4 s, the data ends at about 2.
func truncated(t *testing.T, c *qc.Checker, src, dir string) string {
	t.Helper()
	tools := mediatest.Tools(t)
	fast := filepath.Join(dir, "fast.mp4")
	if err := tools.Run(t.Context(), ffmpeg.Command{Args: []string{"-loglevel", "error", "-i", src, "-c", "copy", "-movflags", "+faststart", fast}}); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(fast)
	if err != nil {
		t.Fatal(err)
	}
	return writeFile(t, dir, "truncated.mp4", string(b[:len(b)/2]))
}

func writeFile(t *testing.T, dir, name, body string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// makeHLS segments a clip into 2 s TS segments with a master playlist.
func makeHLS(t *testing.T, dir string) string {
	t.Helper()
	tools := mediatest.Tools(t)
	src := mediatest.Make(t, "", mediatest.Clip{Seconds: 6, Width: 160, Height: 120})
	err := tools.Run(t.Context(), ffmpeg.Command{Dir: dir, Args: []string{"-loglevel", "error", "-i", src, "-c:v", "libx264",
		"-preset", "ultrafast", "-force_key_frames", "expr:gte(t,n_forced*2)", "-c:a", "aac", "-f", "hls", "-hls_time", "2",
		"-hls_playlist_type", "vod", "-hls_segment_filename", "v_%05d.ts", "-start_number", "1", "v.m3u8"}})
	if err != nil {
		t.Fatal(err)
	}
	master := &hls.Master{Version: 3, Variants: []hls.Variant{{Bandwidth: 500000, Width: 160, Height: 120, URI: "v.m3u8"}}}
	return writeFile(t, dir, "main.m3u8", string(master.Encode()))
}

func TestHLS(t *testing.T) {
	c := checker(t)
	exp := qc.Expect{Duration: 6, SegmentLength: 2}
	t.Run("good", func(t *testing.T) {
		r, err := c.HLS(t.Context(), makeHLS(t, t.TempDir()), exp, nil)
		if err != nil {
			t.Fatal(err)
		}
		wantFailed(t, &r.Report)
		if len(r.Variants) != 1 || r.Width != 160 || r.Size == 0 {
			t.Fatalf("report %+v", r)
		}
	})
	t.Run("missing segment", func(t *testing.T) {
		dir := t.TempDir()
		master := makeHLS(t, dir)
		if err := os.Remove(filepath.Join(dir, "v_00002.ts")); err != nil {
			t.Fatal(err)
		}
		r, err := c.HLS(t.Context(), master, exp, nil)
		if err != nil {
			t.Fatal(err)
		}
		wantFailed(t, &r.Report, qc.Segments, qc.Decodes, qc.Duration)
		if s, _ := r.Check(qc.Segments); !strings.Contains(s.Detail, "v_00002.ts is missing") {
			t.Fatalf("detail %q", s.Detail)
		}
	})
	t.Run("wrong size and segment length", func(t *testing.T) {
		r, err := c.HLS(t.Context(), makeHLS(t, t.TempDir()), qc.Expect{Duration: 6, SegmentLength: 6}, []qc.Size{{320, 240}})
		if err != nil {
			t.Fatal(err)
		}
		wantFailed(t, &r.Report, qc.Segments, qc.Resolution)
	})
	t.Run("broken playlist", func(t *testing.T) {
		dir := t.TempDir()
		r, err := c.HLS(t.Context(), writeFile(t, dir, "main.m3u8", "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\nv.m3u8\n"), exp, nil)
		if err != nil {
			t.Fatal(err)
		}
		wantFailed(t, &r.Report, qc.Playlist)
	})
}

func TestCaptures(t *testing.T) {
	c := checker(t)
	tools := mediatest.Tools(t)
	dir := t.TempDir()
	err := tools.Run(t.Context(), ffmpeg.Command{Dir: dir, Args: []string{"-loglevel", "error", "-f", "lavfi", "-i",
		"testsrc2=size=64x36:rate=1:duration=3", "-start_number", "0", "c.%07d.jpg"}})
	if err != nil {
		t.Fatal(err)
	}
	paths, _ := filepath.Glob(filepath.Join(dir, "c.*.jpg"))
	r, err := c.Captures(t.Context(), paths, qc.Expect{Width: 64, Height: 36, Captures: 3})
	if err != nil {
		t.Fatal(err)
	}
	wantFailed(t, r)
	r, _ = c.Captures(t.Context(), paths, qc.Expect{Width: 640, Height: 360, Captures: 5})
	wantFailed(t, r, qc.Captures, qc.Resolution)
	r, _ = c.Captures(t.Context(), nil, qc.Expect{})
	wantFailed(t, r, qc.Exists)
}
