package builtin

import (
	"context"
	"fmt"
	"strconv"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/processors/worker"
)

// Transcode (Sync) makes a proxy of the input video, a small H.264/AAC
// MP4 for review and for the operators after it: Configuration.Height
// pixels high (default 360, never taller than the source; the width keeps
// the picture's shape), x264 constant quality CRF (default 28) with
// Preset (default veryfast), AAC AudioBitrate (default 96000) when the
// source has sound; the moov atom first, so it plays while it downloads.
// The Video is proxy.mp4; MetaData ProxyWidth, ProxyHeight and
// ProxyDuration (seconds).
type Transcode struct {
	// WorkDir holds downloaded media; default os.TempDir().
	WorkDir string
}

var x264Presets = []string{"ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow", "slower", "veryslow"}

// Start implements worker.Handler.
func (o Transcode) Start(ctx context.Context, t *worker.Task) (worker.Result, error) {
	m, failed, err := openMedia(ctx, "Transcode", t, o.WorkDir)
	if failed != nil || err != nil {
		return deref(failed), err
	}
	defer m.done()
	v, ok := m.meta.FirstVideo()
	if !ok {
		return worker.Failed(fmt.Sprintf("Transcode: s3://%s/%s has no video", m.object.S3Bucket, m.object.S3Key), ""), nil
	}
	height, err := configNumber(t.Configuration, "Height", 360, 16, 4320)
	crf, err2 := configNumber(t.Configuration, "CRF", 28, 0, 51)
	abr, err3 := configNumber(t.Configuration, "AudioBitrate", 96000, 16000, 512000)
	preset, err4 := configString(t.Configuration, "Preset", "veryfast", x264Presets...)
	if err := firstErr(err, err2, err3, err4); err != nil {
		return worker.Failed("Transcode: "+err.Error(), ""), nil
	}
	h := even(min(int(height), v.Height))
	args := []string{"-map", "0:v:0", "-vf", fmt.Sprintf("scale=-2:%d", h), "-c:v", "libx264", "-preset", preset,
		"-crf", ftoa(crf), "-pix_fmt", "yuv420p"}
	if _, ok := m.meta.FirstAudio(); ok {
		args = append(args, "-map", "0:a:0", "-c:a", "aac", "-b:a", strconv.Itoa(int(abr)))
	}
	args = append(args, "-movflags", "+faststart", "proxy.mp4")
	if err := m.ffmpeg(ctx, "Transcode", nil, args...); err != nil {
		return worker.Result{}, err
	}
	pm, err := m.probeOutput(ctx, "proxy.mp4")
	if err != nil {
		return worker.Result{}, fmt.Errorf("Transcode: the proxy does not probe: %w", err)
	}
	obj, err := m.add(ctx, "Video", "proxy.mp4", "video/mp4")
	if err != nil {
		return worker.Result{}, err
	}
	pv, _ := pm.FirstVideo()
	return worker.Complete(map[string]events.MediaObject{"Video": obj}, map[string]any{
		"ProxyWidth": strconv.Itoa(pv.Width), "ProxyHeight": strconv.Itoa(pv.Height), "ProxyDuration": ftoa(pm.Duration)}), nil
}

func firstErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
