package transcode

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/mie-kafka/mie/internal/media/ffmpeg"
	"github.com/mie-kafka/mie/internal/media/hls"
	"github.com/mie-kafka/mie/internal/media/probe"
)

// upload is one file of the work directory and the object it becomes.
type upload struct {
	Local       string
	Bucket, Key string
}

func (u upload) uri() string { return "s3://" + u.Bucket + "/" + u.Key }

// collect checks that ffmpeg wrote every output, writes the HLS playlists
// under their final names, and describes each output as MediaConvert
// does. The uploads are ordered so that what announces an output comes
// after what it points to: segments before variant playlists, variant
// playlists before the master.
func collect(ctx context.Context, tools ffmpeg.Tools, work string, plan *jobPlan) ([]upload, []OutputGroupDetail, error) {
	results := collectAll(ctx, tools, work, plan)
	var files []upload
	details := make([]OutputGroupDetail, len(plan.Groups))
	n := 0
	for gi, g := range plan.Groups {
		d := OutputGroupDetail{Type: strings.TrimSuffix(g.Type, "_SETTINGS")}
		var playlists []upload
		var variants []hls.Variant
		for range g.Outputs {
			r := results[n]
			n++
			if r.err != nil {
				return nil, nil, r.err
			}
			files = append(files, r.files...)
			d.OutputDetails = append(d.OutputDetails, r.detail)
			if r.playlist.Key != "" {
				playlists, variants = append(playlists, r.playlist), append(variants, r.variant)
			}
		}
		if g.HLS != nil && g.HLS.OutputSelection != "SEGMENTS_ONLY" {
			master := &hls.Master{Version: 3, IndependentSegments: true, Variants: variants}
			local := filepath.Join(work, fmt.Sprintf("g%d.master.m3u8", gi))
			if err := os.WriteFile(local, master.Encode(), 0o644); err != nil {
				return nil, nil, jobErrorf(ErrorCodeUnknown, err, "writing the master playlist: %v", err)
			}
			files = append(files, playlists...)
			mu := upload{local, g.Bucket, g.Master}
			files = append(files, mu)
			d.PlaylistFilePaths = []string{mu.uri()}
		}
		details[gi] = d
	}
	return files, details, nil
}

// collected is one output's files and description.
type collected struct {
	files    []upload
	playlist upload // HLS: the variant playlist (uploaded after every segment)
	variant  hls.Variant
	detail   OutputDetail
	err      error
}

// collectAll collects every output, a few at a time (each probes files).
func collectAll(ctx context.Context, tools ffmpeg.Tools, work string, plan *jobPlan) []collected {
	results := make([]collected, len(plan.Outputs))
	sem := make(chan struct{}, max(2, runtime.NumCPU()))
	var wg sync.WaitGroup
	for i, o := range plan.Outputs {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			r := &results[i]
			switch o.Kind {
			case fileOutput:
				r.files, r.detail, r.err = collectFile(ctx, tools, work, o, nil)
			case captureOutput:
				r.files, r.detail, r.err = collectCaptures(ctx, tools, work, o, plan.Duration, nil)
			case hlsOutput:
				r.files, r.playlist, r.variant, r.detail, r.err = collectHLS(ctx, tools, work, o, nil)
			}
		}()
	}
	wg.Wait()
	return results
}

// missing is the error for an output ffmpeg did not write.
func missing(o *outputPlan, what string, err error) error {
	return jobErrorf(ErrorCodeUnknown, err, "%s: ffmpeg did not write %s", o.Path, what)
}

func collectFile(ctx context.Context, tools ffmpeg.Tools, work string, o *outputPlan, files []upload) ([]upload, OutputDetail, error) {
	local := filepath.Join(work, o.Tmp)
	m, err := probe.WithTools(ctx, tools, local)
	if err != nil {
		return nil, OutputDetail{}, missing(o, "a readable "+o.Format+" file", err)
	}
	u := upload{local, o.Group.Bucket, o.Key}
	od := OutputDetail{DurationInMs: ms(m.Duration), OutputFilePaths: []string{u.uri()}}
	if v, ok := m.FirstVideo(); ok {
		od.VideoDetails = &VideoDetail{WidthInPx: v.Width, HeightInPx: v.Height}
	}
	return append(files, u), od, nil
}

// collectCaptures renames image2's numbered files to MediaConvert's
// base.NNNNNNN.jpg (0-based, as ffmpeg numbered them from 0). Like
// MediaConvert, the detail's file path is the last capture.
func collectCaptures(ctx context.Context, tools ffmpeg.Tools, work string, o *outputPlan, duration float64, files []upload) ([]upload, OutputDetail, error) {
	stem := strings.TrimSuffix(o.Tmp, "%07d.jpg")
	matches, err := filepath.Glob(filepath.Join(work, stem+"*.jpg"))
	if err != nil || len(matches) == 0 {
		return nil, OutputDetail{}, missing(o, "any frame capture", err)
	}
	slices.Sort(matches)
	m, err := probe.WithTools(ctx, tools, matches[0])
	if err != nil {
		return nil, OutputDetail{}, missing(o, "a readable JPEG", err)
	}
	var last upload
	for _, local := range matches {
		n, err := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(filepath.Base(local), stem), ".jpg"))
		if err != nil {
			continue
		}
		last = upload{local, o.Group.Bucket, fmt.Sprintf("%s.%07d.jpg", o.Key, n)}
		files = append(files, last)
	}
	od := OutputDetail{DurationInMs: ms(duration), OutputFilePaths: []string{last.uri()}}
	if v, ok := m.FirstVideo(); ok {
		od.VideoDetails = &VideoDetail{WidthInPx: v.Width, HeightInPx: v.Height}
	}
	return files, od, nil
}

// collectHLS rewrites ffmpeg's variant playlist with the final segment
// names and MediaConvert's manifest settings, and measures the variant for
// the master playlist.
func collectHLS(ctx context.Context, tools ffmpeg.Tools, work string, o *outputPlan, files []upload) ([]upload, upload, hls.Variant, OutputDetail, error) {
	fail := func(what string, err error) ([]upload, upload, hls.Variant, OutputDetail, error) {
		return nil, upload{}, hls.Variant{}, OutputDetail{}, missing(o, what, err)
	}
	f, err := os.Open(filepath.Join(work, o.Tmp))
	if err != nil {
		return fail("its playlist", err)
	}
	pl, err := hls.Parse(f)
	f.Close()
	if err != nil || pl.Media == nil || len(pl.Media.Segments) == 0 {
		return fail("a playlist with segments", err)
	}
	g := o.Group.HLS
	media := &hls.Media{MediaSequence: 1, PlaylistType: "VOD", EndList: true}
	if g.ClientCache == "DISABLED" {
		media.AllowCache = "NO"
	}
	stem := strings.TrimSuffix(o.Tmp, ".m3u8")
	files, peak, bits, err := renameSegments(work, o, pl.Media, media, files)
	if err != nil {
		return fail("its segments", err)
	}
	media.TargetDuration = hls.TargetDuration(media.Segments, g.TargetDurationCompatibilityMode == "SPEC_COMPLIANT")
	local := filepath.Join(work, stem+".final.m3u8")
	if err := os.WriteFile(local, media.Encode(hls.Format{IntegerDurations: g.ManifestDurationFormat == "INTEGER"}), 0o644); err != nil {
		return fail("its final playlist", err)
	}
	first := filepath.Join(work, pl.Media.Segments[0].URI)
	m, err := probe.WithTools(ctx, tools, first)
	if err != nil {
		return fail("a readable segment", err)
	}
	pu := upload{local, o.Group.Bucket, o.Key}
	dur := media.Duration()
	v := hls.Variant{Bandwidth: int64(math.Ceil(peak)), URI: path.Base(o.Key), Codecs: codecs(m, o)}
	if dur > 0 {
		v.AverageBandwidth = int64(math.Ceil(bits / dur))
	}
	od := OutputDetail{DurationInMs: ms(dur)}
	if g.OutputSelection != "SEGMENTS_ONLY" {
		od.OutputFilePaths = []string{pu.uri()}
	}
	if vs, ok := m.FirstVideo(); ok {
		od.VideoDetails = &VideoDetail{WidthInPx: vs.Width, HeightInPx: vs.Height}
		if g.StreamInfResolution != "EXCLUDE" {
			v.Width, v.Height = vs.Width, vs.Height
		}
		v.FrameRate = math.Round(vs.FPS*1000) / 1000
	}
	if g.CaptionLanguageSetting == "NONE" {
		v.ClosedCaptions = "NONE"
	}
	return files, pu, v, od, nil
}

// renameSegments maps ffmpeg's segments to their final keys and URIs,
// appending them to files and media; it measures the peak and total bits.
func renameSegments(work string, o *outputPlan, from, media *hls.Media, files []upload) ([]upload, float64, float64, error) {
	stem := strings.TrimSuffix(o.Tmp, ".m3u8")
	var peak, bits float64
	seen := map[string]bool{}
	for _, s := range from.Segments {
		size := s.Length
		if size == 0 {
			st, err := os.Stat(filepath.Join(work, s.URI))
			if err != nil {
				return nil, 0, 0, err
			}
			size = st.Size()
		}
		key := o.SegStem
		if !o.Single {
			n, err := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(s.URI, stem+"_"), ".ts"))
			if err != nil {
				return nil, 0, 0, fmt.Errorf("segment %q is not numbered", s.URI)
			}
			key = fmt.Sprintf("%s_%05d.ts", o.SegStem, n)
		}
		if !seen[s.URI] {
			seen[s.URI] = true
			files = append(files, upload{filepath.Join(work, s.URI), o.Group.Bucket, key})
		}
		media.Segments = append(media.Segments, hls.Segment{Duration: s.Duration, URI: path.Base(key), Length: s.Length, Offset: s.Offset})
		if s.Duration > 0 {
			peak = math.Max(peak, float64(size*8)/s.Duration)
		}
		bits += float64(size * 8)
	}
	return files, peak, bits, nil
}

// codecs is the CODECS attribute (RFC 6381) of a variant.
func codecs(m *probe.Metadata, o *outputPlan) string {
	var out []string
	if v, ok := m.FirstVideo(); ok {
		switch v.Codec {
		case "h264":
			profile := map[string]string{"Baseline": "4200", "Constrained Baseline": "42c0", "Main": "4d40", "High": "6400"}[v.Profile]
			if profile == "" {
				profile = "6400"
			}
			out = append(out, fmt.Sprintf("avc1.%s%02x", profile, v.Level))
		case "hevc":
			tier := "L"
			if o.Video != nil && strings.Contains(strings.Join(o.Video.Encoder, " "), "high-tier=1") {
				tier = "H"
			}
			out = append(out, fmt.Sprintf("%s.1.6.%s%d.B0", o.Video.Tag, tier, v.Level))
		}
	}
	if a, ok := m.FirstAudio(); ok && a.Codec == "aac" {
		out = append(out, "mp4a.40.2")
	}
	return strings.Join(out, ",")
}

func ms(seconds float64) int { return int(math.Round(seconds * 1000)) }

// upload puts every file at its destination; on failure or cancellation
// it deletes what it put.
func (r *jobRun) upload(ctx context.Context, work string, files []upload) error {
	var done []upload
	for i, u := range files {
		if err := r.put(ctx, u); err != nil {
			r.rollback(ctx, done)
			if ctx.Err() != nil {
				return fmt.Errorf("transcode: %w", ctx.Err())
			}
			return jobErrorf(ErrorCodeUnknown, err, "writing %s: %v", u.uri(), err)
		}
		done = append(done, u)
		r.update(func(j *Job) {
			j.JobPercentComplete = max(j.JobPercentComplete, transcodeShare+(100-transcodeShare)*(i+1)/len(files)-1)
		})
	}
	return nil
}

func (r *jobRun) put(ctx context.Context, u upload) error {
	f, err := os.Open(u.Local)
	if err != nil {
		return err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	_, err = r.t.cfg.Store.Put(ctx, u.Bucket, u.Key, f, st.Size(), contentType(u.Key))
	return err
}

// rollback deletes uploaded objects, even when ctx has ended.
func (r *jobRun) rollback(ctx context.Context, done []upload) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	var errs []error
	for _, u := range done {
		if err := r.t.cfg.Store.Delete(ctx, u.Bucket, u.Key); err != nil {
			errs = append(errs, err)
		}
	}
	if err := errors.Join(errs...); err != nil {
		r.t.cfg.Logger.Warn("mediaconvert job: deleting partial outputs", "job", r.job.Id, "error", err)
	}
}
