// Package qc checks transcoded outputs: each file exists and decodes from
// start to end, lasts as long as its source (within a tolerance), has the
// resolution asked for, is not black or silent for long (ffmpeg's
// blackdetect and silencedetect), and, for HLS, every playlist parses and
// every segment it names exists and lasts about the segment length.
//
// A Report carries one Check per test with its detail, a score (the share
// of checks passed) and Passed (every check passed). Checks work on local
// files; callers fetch objects first. Nothing here fails for a bad
// output: only a missing ffmpeg (ffmpeg.ErrNotInstalled) or a cancelled
// context is an error.
package qc

import (
	"context"
	"fmt"
	"math"
	"os"

	"github.com/mie-kafka/mie/internal/media/ffmpeg"
	"github.com/mie-kafka/mie/internal/media/probe"
)

// CheckName names a check.
type CheckName string

// The checks.
const (
	Exists     CheckName = "exists"      // the file (every file) is there and not empty
	Decodes    CheckName = "decodes"     // ffmpeg decodes it to the end without an error
	Duration   CheckName = "duration"    // decoded length within the tolerance of the source's
	Resolution CheckName = "resolution"  // picture size is the one expected
	Playlist   CheckName = "playlist"    // HLS: master and variant playlists parse, variants as declared
	Segments   CheckName = "segments"    // HLS: every segment exists and lasts about the segment length
	NoBlack    CheckName = "no_black"    // no black stretch of BlackSeconds or more
	NoSilence  CheckName = "no_silence"  // no silent stretch of SilenceSeconds or more
	Captures   CheckName = "frame_count" // frame captures: as many as expected
)

func (c CheckName) String() string { return string(c) }

// Check is one test's outcome.
type Check struct {
	Name   CheckName `json:"name"`
	Passed bool      `json:"passed"`
	Detail string    `json:"detail"`
}

// Report is the outcome for one output.
type Report struct {
	Path     string  `json:"path"`
	Checks   []Check `json:"checks"`
	Score    float64 `json:"score"`  // share of checks passed, 0 to 1
	Passed   bool    `json:"passed"` // every check passed
	Size     int64   `json:"file_size"`
	Duration float64 `json:"duration"` // decoded, seconds
	Width    int     `json:"width,omitempty"`
	Height   int     `json:"height,omitempty"`
}

// Failed returns the checks that failed.
func (r *Report) Failed() []Check {
	var out []Check
	for _, c := range r.Checks {
		if !c.Passed {
			out = append(out, c)
		}
	}
	return out
}

// Check returns the named check, if it ran.
func (r *Report) Check(name CheckName) (Check, bool) {
	for _, c := range r.Checks {
		if c.Name == name {
			return c, true
		}
	}
	return Check{}, false
}

func (r *Report) add(name CheckName, passed bool, format string, args ...any) {
	r.Checks = append(r.Checks, Check{Name: name, Passed: passed, Detail: fmt.Sprintf(format, args...)})
}

func (r *Report) finish() *Report {
	passed := 0
	for _, c := range r.Checks {
		if c.Passed {
			passed++
		}
	}
	if len(r.Checks) > 0 {
		r.Score = math.Round(float64(passed)/float64(len(r.Checks))*1000) / 1000
	}
	r.Passed = passed == len(r.Checks) && len(r.Checks) > 0
	return r
}

// Expect is what an output should be. Zero fields are not checked.
type Expect struct {
	Duration      float64 // the source's length, seconds
	Width, Height int
	SegmentLength float64 // HLS target segment length, seconds
	Captures      int     // frame captures expected (at least one is always required)
	NoAudio       bool    // the output has no audio track: skip the silence check
}

// Config holds the thresholds; zero fields take the defaults.
type Config struct {
	// DurationTolerance is the largest allowed difference from the
	// expected duration: the larger of DurationSeconds (default 0.5) and
	// DurationRatio (default 0.02) of the expected duration.
	DurationSeconds, DurationRatio float64
	// BlackSeconds is the shortest black stretch that fails (default 2);
	// a picture is black when BlackPictureRatio (default 0.98) of its
	// pixels are below BlackPixelThreshold (default 0.10, of full scale).
	BlackSeconds, BlackPictureRatio, BlackPixelThreshold float64
	// SilenceSeconds is the shortest silent stretch that fails (default
	// 2); silence is below SilenceNoiseDB (default -60 dB).
	SilenceSeconds, SilenceNoiseDB float64
	// SegmentSlack is how much longer than the segment length a segment
	// may be (default 1 s; the last segment may be shorter).
	SegmentSlack float64
}

func (c Config) withDefaults() Config {
	def := func(v *float64, d float64) {
		if *v == 0 {
			*v = d
		}
	}
	def(&c.DurationSeconds, 0.5)
	def(&c.DurationRatio, 0.02)
	def(&c.BlackSeconds, 2)
	def(&c.BlackPictureRatio, 0.98)
	def(&c.BlackPixelThreshold, 0.10)
	def(&c.SilenceSeconds, 2)
	def(&c.SilenceNoiseDB, -60)
	def(&c.SegmentSlack, 1)
	return c
}

// Checker runs checks with one configuration.
type Checker struct {
	cfg   Config
	tools ffmpeg.Tools
}

// New finds ffmpeg (ffmpeg.ErrNotInstalled when it is missing).
func New(cfg Config) (*Checker, error) {
	tools, err := ffmpeg.Find()
	if err != nil {
		return nil, fmt.Errorf("qc: %w", err)
	}
	return &Checker{cfg: cfg.withDefaults(), tools: tools}, nil
}

// File checks a media file (MP4, MOV, MPEG-TS, ...).
func (c *Checker) File(ctx context.Context, path string, exp Expect) (*Report, error) {
	r := &Report{Path: path}
	st, err := os.Stat(path)
	if err != nil || st.Size() == 0 {
		r.add(Exists, false, "%s", existsDetail(err))
		return r.finish(), nil
	}
	r.Size = st.Size()
	r.add(Exists, true, "%d bytes", st.Size())
	m, err := probe.WithTools(ctx, c.tools, path)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		r.add(Decodes, false, "%v", err)
		return r.finish(), nil
	}
	d, err := c.detect(ctx, path, m)
	if err != nil {
		return nil, err
	}
	c.decoded(r, d, m, exp)
	return r.finish(), nil
}

// decoded adds the checks that come from one decoding pass.
func (c *Checker) decoded(r *Report, d *detection, m *probe.Metadata, exp Expect) {
	r.Duration = d.Decoded
	if d.Error != "" {
		r.add(Decodes, false, "%.3f s decoded; first error: %s", d.Decoded, d.Error)
	} else {
		r.add(Decodes, true, "decoded %.3f s", d.Decoded)
	}
	if exp.Duration > 0 {
		tol := math.Max(c.cfg.DurationSeconds, c.cfg.DurationRatio*exp.Duration)
		diff := math.Abs(d.Decoded - exp.Duration)
		r.add(Duration, diff <= tol, "%.3f s decoded, %.3f s expected (tolerance %.3f s)", d.Decoded, exp.Duration, tol)
	}
	if v, ok := m.FirstVideo(); ok {
		r.Width, r.Height = v.Width, v.Height
		if exp.Width > 0 || exp.Height > 0 {
			r.add(Resolution, v.Width == exp.Width && v.Height == exp.Height, "%dx%d, %dx%d expected", v.Width, v.Height, exp.Width, exp.Height)
		}
		r.add(NoBlack, len(d.Black) == 0, "%s", spans(d.Black, "black", c.cfg.BlackSeconds))
	}
	if _, ok := m.FirstAudio(); ok && !exp.NoAudio {
		r.add(NoSilence, len(d.Silence) == 0, "%s", spans(d.Silence, "silent", c.cfg.SilenceSeconds))
	} else if !ok && !exp.NoAudio && m.Video != nil {
		r.add(NoSilence, false, "the output has no audio track")
	}
}

func existsDetail(err error) string {
	if err != nil {
		return err.Error()
	}
	return "the file is empty"
}

func spans(s []span, what string, min float64) string {
	if len(s) == 0 {
		return fmt.Sprintf("nothing %s for %.1f s or more", what, min)
	}
	out := fmt.Sprintf("%d stretch(es) %s for %.1f s or more:", len(s), what, min)
	for i, x := range s {
		if i == 3 {
			out += " ..."
			break
		}
		out += fmt.Sprintf(" %.2f-%.2f s", x.Start, x.End)
	}
	return out
}
