// Package mediatest makes short media clips for tests with ffmpeg's lavfi
// sources (testsrc2 pictures, a sine tone), in a test's temporary
// directory. A test that asks for a clip is skipped, with the reason, when
// ffmpeg is not installed.
package mediatest

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/mie-kafka/mie/internal/media/ffmpeg"
)

// Clip describes a clip to make. The zero value is a 2 s, 320x240, 30 fps
// H.264 + AAC stereo MP4 of testsrc2 with a 440 Hz tone.
type Clip struct {
	Name       string  // file name in the temp dir; default "clip.mp4"
	Seconds    float64 // default 2
	Width      int     // default 320
	Height     int     // default 240
	FPS        int     // default 30
	NoAudio    bool
	NoVideo    bool
	Black      bool // black pictures instead of testsrc2
	Silent     bool // silence instead of the tone
	SampleRate int  // default 44100
	Mono       bool
	// VideoFilter, when set, follows the picture source (a lavfi filter
	// chain, e.g. a geq expression of T).
	VideoFilter string
}

// Tools returns ffmpeg and ffprobe, or skips the test.
func Tools(t testing.TB) ffmpeg.Tools {
	t.Helper()
	tools, err := ffmpeg.Find()
	if err != nil {
		if errors.Is(err, ffmpeg.ErrNotInstalled) {
			t.Skip(err.Error())
		}
		t.Fatal(err)
	}
	return tools
}

// Make writes the clip into dir (t.TempDir() when dir is empty) and
// returns its path.
func Make(t testing.TB, dir string, c Clip) string {
	t.Helper()
	tools := Tools(t)
	if dir == "" {
		dir = t.TempDir()
	}
	c.defaults()
	path := filepath.Join(dir, c.Name)
	if err := tools.Run(context.Background(), ffmpeg.Command{Args: c.args(path)}); err != nil {
		t.Fatalf("making test clip %s: %v", c.Name, err)
	}
	return path
}

func (c *Clip) defaults() {
	if c.Name == "" {
		c.Name = "clip.mp4"
	}
	if c.Seconds == 0 {
		c.Seconds = 2
	}
	if c.Width == 0 {
		c.Width, c.Height = 320, 240
	}
	if c.FPS == 0 {
		c.FPS = 30
	}
	if c.SampleRate == 0 {
		c.SampleRate = 44100
	}
}

func (c *Clip) args(path string) []string {
	dur := strconv.FormatFloat(c.Seconds, 'f', -1, 64)
	args := []string{"-hide_banner", "-loglevel", "error", "-nostdin", "-y"}
	if !c.NoVideo {
		src := fmt.Sprintf("testsrc2=size=%dx%d:rate=%d:duration=%s", c.Width, c.Height, c.FPS, dur)
		if c.Black {
			src = fmt.Sprintf("color=c=black:size=%dx%d:rate=%d:duration=%s", c.Width, c.Height, c.FPS, dur)
		}
		if c.VideoFilter != "" {
			src += "," + c.VideoFilter
		}
		args = append(args, "-f", "lavfi", "-i", src)
	}
	if !c.NoAudio {
		layout := "stereo"
		if c.Mono {
			layout = "mono"
		}
		src := fmt.Sprintf("sine=frequency=440:sample_rate=%d:duration=%s,aformat=channel_layouts=%s", c.SampleRate, dur, layout)
		if c.Silent {
			src = fmt.Sprintf("anullsrc=sample_rate=%d:channel_layout=%s,atrim=duration=%s", c.SampleRate, layout, dur)
		}
		args = append(args, "-f", "lavfi", "-i", src)
	}
	if !c.NoVideo {
		args = append(args, "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-g", strconv.Itoa(c.FPS))
	}
	if !c.NoAudio {
		args = append(args, "-c:a", "aac", "-b:a", "96k")
	}
	return append(args, "-t", dur, path)
}
