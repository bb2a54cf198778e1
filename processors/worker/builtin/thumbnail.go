package builtin

import (
	"context"
	"fmt"
	"strconv"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/processors/worker"
)

// Thumbnail (Sync) renders a JPEG still of the input video: at
// Configuration.AtSeconds (default a tenth of the way in, at most 10 s; a
// time past the end takes the last frame), Width pixels wide (default
// 640, never wider than the source; the height keeps the picture's
// shape), JPEG Quality 1..31 (ffmpeg's qscale, lower is better; default
// 3). The Image is thumbnail.jpg; MetaData ThumbnailAt, ThumbnailWidth
// and ThumbnailHeight.
type Thumbnail struct {
	// WorkDir holds downloaded media; default os.TempDir().
	WorkDir string
}

// Start implements worker.Handler.
func (o Thumbnail) Start(ctx context.Context, t *worker.Task) (worker.Result, error) {
	m, failed, err := openMedia(ctx, "Thumbnail", t, o.WorkDir)
	if failed != nil || err != nil {
		return deref(failed), err
	}
	defer m.done()
	v, ok := m.meta.FirstVideo()
	if !ok {
		return worker.Failed(fmt.Sprintf("Thumbnail: s3://%s/%s has no video", m.object.S3Bucket, m.object.S3Key), ""), nil
	}
	at, err := configNumber(t.Configuration, "AtSeconds", min(m.meta.Duration/10, 10), 0, 1e7)
	if err != nil {
		return worker.Failed("Thumbnail: "+err.Error(), ""), nil
	}
	width, err := configNumber(t.Configuration, "Width", 640, 16, 8192)
	if err != nil {
		return worker.Failed("Thumbnail: "+err.Error(), ""), nil
	}
	quality, err := configNumber(t.Configuration, "Quality", 3, 1, 31)
	if err != nil {
		return worker.Failed("Thumbnail: "+err.Error(), ""), nil
	}
	if m.meta.Duration > 0 && at >= m.meta.Duration {
		at = max(m.meta.Duration-0.1, 0)
	}
	w := even(min(int(width), v.Width))
	err = m.ffmpeg(ctx, "Thumbnail", []string{"-ss", ftoa(at)}, "-frames:v", "1", "-vf", fmt.Sprintf("scale=%d:-2", w),
		"-q:v", strconv.Itoa(int(quality)), "-update", "1", "thumbnail.jpg")
	if err != nil {
		return worker.Result{}, err
	}
	img, err := m.probeOutput(ctx, "thumbnail.jpg")
	if err != nil {
		return worker.Failed(fmt.Sprintf("Thumbnail: no picture at %ss of s3://%s/%s", ftoa(at), m.object.S3Bucket, m.object.S3Key), err.Error()), nil
	}
	obj, err := m.add(ctx, "Image", "thumbnail.jpg", "image/jpeg")
	if err != nil {
		return worker.Result{}, err
	}
	iv, _ := img.FirstVideo()
	return worker.Complete(map[string]events.MediaObject{"Image": obj}, map[string]any{
		"ThumbnailAt": ftoa(at), "ThumbnailWidth": strconv.Itoa(iv.Width), "ThumbnailHeight": strconv.Itoa(iv.Height)}), nil
}
