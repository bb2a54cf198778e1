package builtin

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/media/hls"
	"github.com/mie-kafka/mie/processors/worker"
)

// PackageHLS (Sync) packages the input video as HLS (VOD): H.264 at
// Configuration.Height (default the source's, at most 720; the width
// keeps the picture's shape), CRF (default 23), Preset (default
// veryfast), AAC at AudioBitrate (default 128000) when the source has
// sound, in MPEG-TS segments of SegmentSeconds (default 6; a keyframe
// starts each). Files go under hls/: the master playlist index.m3u8 (one
// variant, with its bandwidth, resolution and frame rate), the variant
// playlist stream.m3u8 and segments stream_00001.ts, ...; the master is
// the HLS media object, written last, so that it only exists once its
// variant and every segment do. MetaData HlsSegments, HlsSegmentSeconds,
// HlsWidth and HlsHeight.
type PackageHLS struct {
	// WorkDir holds downloaded media; default os.TempDir().
	WorkDir string
}

// Start implements worker.Handler.
func (o PackageHLS) Start(ctx context.Context, t *worker.Task) (worker.Result, error) {
	m, failed, err := openMedia(ctx, "PackageHLS", t, o.WorkDir)
	if failed != nil || err != nil {
		return deref(failed), err
	}
	defer m.done()
	v, ok := m.meta.FirstVideo()
	if !ok {
		return worker.Failed(fmt.Sprintf("PackageHLS: s3://%s/%s has no video", m.object.S3Bucket, m.object.S3Key), ""), nil
	}
	seg, err := configNumber(t.Configuration, "SegmentSeconds", 6, 1, 60)
	height, err2 := configNumber(t.Configuration, "Height", float64(min(v.Height, 720)), 16, 4320)
	crf, err3 := configNumber(t.Configuration, "CRF", 23, 0, 51)
	abr, err4 := configNumber(t.Configuration, "AudioBitrate", 128000, 16000, 512000)
	preset, err5 := configString(t.Configuration, "Preset", "veryfast", x264Presets...)
	if err := firstErr(err, err2, err3, err4, err5); err != nil {
		return worker.Failed("PackageHLS: "+err.Error(), ""), nil
	}
	if err := os.Mkdir(filepath.Join(m.dir, "hls"), 0o755); err != nil {
		return worker.Result{}, err
	}
	segment := strconv.Itoa(int(seg))
	args := []string{"-map", "0:v:0", "-vf", fmt.Sprintf("scale=-2:%d", even(min(int(height), v.Height))),
		"-c:v", "libx264", "-preset", preset, "-crf", ftoa(crf), "-pix_fmt", "yuv420p",
		"-force_key_frames", "expr:gte(t,n_forced*" + segment + ")", "-sc_threshold", "0"}
	if _, ok := m.meta.FirstAudio(); ok {
		args = append(args, "-map", "0:a:0", "-c:a", "aac", "-b:a", strconv.Itoa(int(abr)))
	}
	args = append(args, "-f", "hls", "-hls_time", segment, "-hls_playlist_type", "vod", "-start_number", "1",
		"-hls_segment_filename", "hls/stream_%05d.ts", "hls/stream.m3u8")
	if err := m.ffmpeg(ctx, "PackageHLS", nil, args...); err != nil {
		return worker.Result{}, err
	}
	return o.publish(ctx, m, seg)
}

// publish writes the master playlist and stores the package: segments,
// then the variant, then the master.
func (o PackageHLS) publish(ctx context.Context, m *mediaTask, seg float64) (worker.Result, error) {
	raw, err := os.ReadFile(filepath.Join(m.dir, "hls", "stream.m3u8"))
	if err != nil {
		return worker.Result{}, err
	}
	pl, err := hls.Parse(bytes.NewReader(raw))
	if err != nil || pl.Media == nil || len(pl.Media.Segments) == 0 {
		return worker.Result{}, fmt.Errorf("PackageHLS: ffmpeg wrote no media playlist: %v", err)
	}
	out, err := m.probeOutput(ctx, filepath.Join("hls", pl.Media.Segments[0].URI))
	if err != nil {
		return worker.Result{}, fmt.Errorf("PackageHLS: the first segment does not probe: %w", err)
	}
	ov, _ := out.FirstVideo()
	var peak float64
	for _, s := range pl.Media.Segments {
		st, err := os.Stat(filepath.Join(m.dir, "hls", s.URI))
		if err != nil {
			return worker.Result{}, fmt.Errorf("PackageHLS: segment %s: %w", s.URI, err)
		}
		if s.Duration > 0 {
			peak = math.Max(peak, float64(st.Size())*8/s.Duration)
		}
		if err := m.put(ctx, "hls/"+s.URI, "video/mp2t"); err != nil {
			return worker.Result{}, err
		}
	}
	if err := m.put(ctx, "hls/stream.m3u8", "application/vnd.apple.mpegurl"); err != nil {
		return worker.Result{}, err
	}
	master := hls.Master{IndependentSegments: true, Variants: []hls.Variant{{Bandwidth: int64(peak),
		Width: ov.Width, Height: ov.Height, FrameRate: ov.FPS, URI: "stream.m3u8"}}}
	if err := os.WriteFile(filepath.Join(m.dir, "hls", "index.m3u8"), master.Encode(), 0o644); err != nil {
		return worker.Result{}, err
	}
	obj, err := m.add(ctx, "HLS", "hls/index.m3u8", "application/vnd.apple.mpegurl")
	if err != nil {
		return worker.Result{}, err
	}
	return worker.Complete(map[string]events.MediaObject{"HLS": obj}, map[string]any{
		"HlsSegments": strconv.Itoa(len(pl.Media.Segments)), "HlsSegmentSeconds": ftoa(seg),
		"HlsWidth": strconv.Itoa(ov.Width), "HlsHeight": strconv.Itoa(ov.Height)}), nil
}
