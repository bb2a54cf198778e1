package probe_test

import (
	"crypto/rand"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mie-kafka/mie/internal/media/ffmpeg"
	"github.com/mie-kafka/mie/internal/media/mediatest"
	"github.com/mie-kafka/mie/internal/media/probe"
)

func TestFileDescribesAClip(t *testing.T) {
	path := mediatest.Make(t, "", mediatest.Clip{Seconds: 2, Width: 320, Height: 240, FPS: 25, SampleRate: 48000})
	m, err := probe.File(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	st, _ := os.Stat(path)
	if m.Size != st.Size() || m.BitRate <= 0 || !strings.Contains(m.Format, "mp4") {
		t.Fatalf("size %d (file %d), bitrate %d, format %q", m.Size, st.Size(), m.BitRate, m.Format)
	}
	if math.Abs(m.Duration-2) > 0.1 {
		t.Fatalf("duration = %v, want 2", m.Duration)
	}
	v, ok := m.FirstVideo()
	if !ok || v.Codec != "h264" || v.Width != 320 || v.Height != 240 || math.Abs(v.FPS-25) > 0.01 || v.FrameRate != "25/1" {
		t.Fatalf("video = %+v", v)
	}
	a, ok := m.FirstAudio()
	if !ok || a.Codec != "aac" || a.Channels != 2 || a.SampleRate != 48000 || a.ChannelLayout != "stereo" {
		t.Fatalf("audio = %+v", a)
	}
}

func TestFileAudioOnly(t *testing.T) {
	path := mediatest.Make(t, "", mediatest.Clip{Name: "tone.m4a", NoVideo: true, Mono: true})
	m, err := probe.File(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Video) != 0 || len(m.Audio) != 1 || m.Audio[0].Channels != 1 {
		t.Fatalf("streams: video %+v audio %+v", m.Video, m.Audio)
	}
}

func TestFileNotMedia(t *testing.T) {
	mediatest.Tools(t)
	dir := t.TempDir()
	random := make([]byte, 64<<10)
	rand.Read(random)
	clip := mediatest.Make(t, dir, mediatest.Clip{Seconds: 2})
	whole, err := os.ReadFile(clip)
	if err != nil {
		t.Fatal(err)
	}
	for name, body := range map[string][]byte{
		"random.mp4": random,
		"notes.txt":  []byte("this is a text file, not a video\n"),
		"empty.mp4":  nil,
		// The moov box is at the end: the first 16 KiB are not a playable file.
		"truncated.mp4": whole[:16<<10],
	} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(dir, name)
			if err := os.WriteFile(path, body, 0o644); err != nil {
				t.Fatal(err)
			}
			m, err := probe.File(t.Context(), path)
			if err == nil {
				t.Fatalf("probe succeeded: %+v", m)
			}
			var nm *probe.NotMediaError
			if !errors.Is(err, probe.ErrNotMedia) || !errors.As(err, &nm) || nm.Path != path {
				t.Fatalf("err = %v, want a NotMediaError", err)
			}
			if msg := err.Error(); !strings.Contains(msg, "is not a media file") || strings.Contains(strings.ToLower(msg), "complete") {
				t.Fatalf("message = %q", msg)
			}
		})
	}
}

func TestFileMissingFFprobe(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	_, err := probe.File(t.Context(), "/nonexistent.mp4")
	if !errors.Is(err, ffmpeg.ErrNotInstalled) || !strings.Contains(err.Error(), "ffprobe not installed") ||
		!strings.Contains(err.Error(), "apt-get install ffmpeg") {
		t.Fatalf("err = %v", err)
	}
}

func TestFileMissing(t *testing.T) {
	mediatest.Tools(t)
	_, err := probe.File(t.Context(), filepath.Join(t.TempDir(), "nope.mp4"))
	if !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("err = %v, want not exist", err)
	}
}

// A '%' in a file name is not a sequence pattern to Probe (MediaConvert's
// frame captures of NameModifier "_thumb_%04d" are named so).
func TestFilePercentInName(t *testing.T) {
	tools := mediatest.Tools(t)
	path := filepath.Join(t.TempDir(), "talk_thumb_%04d.0000000.jpg")
	err := tools.Run(t.Context(), ffmpeg.Command{Args: []string{"-loglevel", "error", "-f", "lavfi", "-i",
		"testsrc2=size=64x48", "-frames:v", "1", "-f", "image2", "-update", "1", path}})
	if err != nil {
		t.Fatal(err)
	}
	m, err := probe.File(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	if v, ok := m.FirstVideo(); !ok || v.Codec != "mjpeg" || v.Width != 64 || m.Path != path {
		t.Fatalf("metadata %+v", m)
	}
}

// Random bytes never pass for media, even when ffprobe half-recognises
// them (now and then as an LRC subtitle or an MP3 frame).
func TestFileRandomBytesNeverMedia(t *testing.T) {
	mediatest.Tools(t)
	dir := t.TempDir()
	for i := range 40 {
		b := make([]byte, 32<<10)
		rand.Read(b)
		path := filepath.Join(dir, "r.bin")
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		if m, err := probe.File(t.Context(), path); !errors.Is(err, probe.ErrNotMedia) {
			t.Fatalf("random file %d: %+v, %v", i, m, err)
		}
	}
}
