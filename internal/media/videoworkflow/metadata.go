package videoworkflow

import (
	"context"
	"fmt"
	"io"
	"math"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/mie-kafka/mie/internal/media/probe"
	"github.com/mie-kafka/mie/internal/problem"
)

// MetadataInput is what ExtractMetadata passes.
type MetadataInput struct {
	Bucket string `json:"bucket"`
	Key    string `json:"key"`
	JobID  string `json:"jobId"`
}

// Metadata is the metadata object the reference Lambda returns (its first
// eight fields, with the same names and units), and a few more fields
// ffprobe gives. Fields of an absent stream are zero or "".
type Metadata struct {
	Duration        float64 `json:"duration"`    // seconds
	Width           int     `json:"width"`       // pixels
	Height          int     `json:"height"`      // pixels
	FPS             float64 `json:"fps"`         // frames per second
	Bitrate         int64   `json:"bitrate"`     // bits per second, whole file
	Codec           string  `json:"codec"`       // video codec, e.g. "h264"
	AudioCodec      string  `json:"audio_codec"` // e.g. "aac"
	FileSize        int64   `json:"file_size"`   // bytes
	AudioChannels   int     `json:"audio_channels"`
	AudioSampleRate int     `json:"audio_sample_rate"`
	Format          string  `json:"format"` // ffprobe's format name
}

// MetadataOutput is the Lambda's result.
type MetadataOutput struct {
	StatusCode int      `json:"statusCode"`
	Metadata   Metadata `json:"metadata"`
	JobID      string   `json:"jobId"`
}

// MediaMetadata probes the object and, with a table configured, writes
// it to the job's row (SET VideoMetadata, MetadataExtractedAt), as the
// reference Lambda does. A missing object fails wrapping
// problem.ErrNotFound; one that is not media wraps probe.ErrNotMedia.
func (f *Functions) MediaMetadata(ctx context.Context, in MetadataInput) (*MetadataOutput, error) {
	if in.Bucket == "" || in.Key == "" || in.JobID == "" {
		return nil, problem.Invalid("bucket, key, jobId", "all three are required")
	}
	dir, err := os.MkdirTemp(f.cfg.WorkDir, "mie-metadata-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	local, err := f.download(ctx, dir, in.Bucket, in.Key)
	if err != nil {
		return nil, err
	}
	m, err := probe.File(ctx, local)
	if err != nil {
		return nil, fmt.Errorf("s3://%s/%s: %w", in.Bucket, in.Key, err)
	}
	md := metadataOf(m)
	err = f.update(ctx, in.JobID, "SET VideoMetadata = :metadata, MetadataExtractedAt = :timestamp",
		map[string]any{":metadata": md, ":timestamp": isoformat(f.cfg.Now())})
	if err != nil {
		return nil, err
	}
	return &MetadataOutput{StatusCode: 200, Metadata: md, JobID: in.JobID}, nil
}

func metadataOf(m *probe.Metadata) Metadata {
	md := Metadata{Duration: round(m.Duration, 3), Bitrate: m.BitRate, FileSize: m.Size, Format: m.Format}
	if v, ok := m.FirstVideo(); ok {
		md.Width, md.Height, md.FPS, md.Codec = v.Width, v.Height, round(v.FPS, 3), v.Codec
	}
	if a, ok := m.FirstAudio(); ok {
		md.AudioCodec, md.AudioChannels, md.AudioSampleRate = a.Codec, a.Channels, a.SampleRate
	}
	return md
}

func round(f float64, places int) float64 {
	p := math.Pow(10, float64(places))
	return math.Round(f*p) / p
}

// download copies an object to dir, keeping its key's path below dir (so
// an HLS package keeps its relative layout).
func (f *Functions) download(ctx context.Context, dir, bucket, key string) (string, error) {
	rc, _, err := f.cfg.Store.Get(ctx, bucket, key)
	if err != nil {
		return "", fmt.Errorf("s3://%s/%s: %w", bucket, key, err)
	}
	defer rc.Close()
	local := filepath.Join(dir, filepath.FromSlash(path.Clean("/"+key)))
	if !strings.HasPrefix(local, dir) {
		return "", problem.Invalid("key", "%q", key)
	}
	if err := os.MkdirAll(filepath.Dir(local), 0o755); err != nil {
		return "", err
	}
	out, err := os.Create(local)
	if err != nil {
		return "", err
	}
	_, err = io.Copy(out, rc)
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return "", fmt.Errorf("downloading s3://%s/%s: %w", bucket, key, err)
	}
	return local, nil
}
