package qc

import (
	"bytes"
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/mie-kafka/mie/internal/media/ffmpeg"
	"github.com/mie-kafka/mie/internal/media/probe"
)

// span is a stretch of time, in seconds.
type span struct{ Start, End float64 }

// detection is what one decoding pass found.
type detection struct {
	Decoded float64 // seconds decoded
	Error   string  // the first decoding error; "" when none
	Black   []span
	Silence []span
}

var (
	blackRE        = regexp.MustCompile(`black_start:\s*(-?[\d.]+)\s+black_end:\s*(-?[\d.]+)`)
	silenceStartRE = regexp.MustCompile(`silence_start:\s*(-?[\d.]+)`)
	silenceEndRE   = regexp.MustCompile(`silence_end:\s*(-?[\d.]+)`)
)

// detect decodes path once, to its end, through blackdetect (first video
// stream) and silencedetect (first audio stream).
func (c *Checker) detect(ctx context.Context, path string, m *probe.Metadata) (*detection, error) {
	safe, done, err := ffmpeg.SafeInput(path)
	if err != nil {
		return nil, fmt.Errorf("qc: %w", err)
	}
	defer done()
	args := []string{"-hide_banner", "-nostdin", "-loglevel", "level+info", "-i", safe}
	if len(m.Video) > 0 {
		args = append(args, "-map", "0:v:0", "-filter:v", fmt.Sprintf("blackdetect=d=%s:pic_th=%s:pix_th=%s",
			num(c.cfg.BlackSeconds), num(c.cfg.BlackPictureRatio), num(c.cfg.BlackPixelThreshold)))
	}
	if len(m.Audio) > 0 {
		args = append(args, "-map", "0:a:0", "-filter:a", fmt.Sprintf("silencedetect=n=%sdB:d=%s",
			num(c.cfg.SilenceNoiseDB), num(c.cfg.SilenceSeconds)))
	}
	args = append(args, "-f", "null", "-")
	var stderr bytes.Buffer
	d := &detection{}
	var frames int64
	err = c.tools.Run(ctx, ffmpeg.Command{Args: args, Stderr: &stderr, Progress: func(p ffmpeg.Progress) {
		d.Decoded = max(d.Decoded, p.OutTime.Seconds())
		frames = max(frames, p.Frame)
	}})
	// Timestamps run on over a gap (a missing HLS segment): with video,
	// what was decoded is the pictures, not the last timestamp.
	if v, ok := m.FirstVideo(); ok && v.FPS > 0 && frames > 0 {
		d.Decoded = min(d.Decoded, float64(frames)/v.FPS)
	}
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	parseDetection(stderr.String(), d)
	if err != nil && d.Error == "" {
		d.Error = err.Error()
	}
	return d, nil
}

// parseDetection reads ffmpeg's log (-loglevel level+info).
func parseDetection(log string, d *detection) {
	open := -1.0
	for _, line := range strings.Split(log, "\n") {
		if d.Error == "" && (strings.Contains(line, "[error]") || strings.Contains(line, "[fatal]") ||
			strings.Contains(line, "Failed to open segment")) {
			d.Error = strings.TrimSpace(line)
		}
		if m := blackRE.FindStringSubmatch(line); m != nil {
			d.Black = append(d.Black, span{parseNum(m[1]), parseNum(m[2])})
		}
		if m := silenceStartRE.FindStringSubmatch(line); m != nil {
			open = max(0, parseNum(m[1]))
		}
		if m := silenceEndRE.FindStringSubmatch(line); m != nil && open >= 0 {
			d.Silence = append(d.Silence, span{open, parseNum(m[1])})
			open = -1
		}
	}
	if open >= 0 {
		d.Silence = append(d.Silence, span{open, d.Decoded})
	}
}

func num(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

func parseNum(s string) float64 {
	f, _ := strconv.ParseFloat(s, 64)
	return f
}
