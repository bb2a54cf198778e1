package builtin

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/media/ffmpeg"
	"github.com/mie-kafka/mie/internal/media/probe"
	"github.com/mie-kafka/mie/internal/problem"
	"github.com/mie-kafka/mie/processors/worker"
)

// The media operators run ffmpeg and ffprobe on an input media object of
// the data plane (downloaded to a work directory) and store what they
// make as derived media objects of the asset (worker.Output), as MIE's
// operators do. Without ffmpeg they fail with ErrFfmpegNotInstalled,
// naming the missing program.

// ErrFfmpegNotInstalled is the Error of a media task on a worker without
// ffmpeg; the Cause names the missing program and how to install it.
const ErrFfmpegNotInstalled = ffmpeg.TaskError

// mediaTask is what a media operator works on: one input media object,
// downloaded and probed.
type mediaTask struct {
	tools     ffmpeg.Tools
	dir       string // the work directory; removed by done
	mediaType string
	object    events.MediaObject
	path      string // the local copy
	meta      *probe.Metadata
	out       *worker.Output
}

// openMedia picks the task's input media object (Configuration.MediaType,
// else Video, else Audio, else the only one), downloads it and probes
// it. A failure the operator cannot get past is a failed Result; an error
// is anything else.
func openMedia(ctx context.Context, op string, t *worker.Task, workDir string) (*mediaTask, *worker.Result, error) {
	tools, err := ffmpeg.Find()
	if err != nil {
		r := worker.Failed(ErrFfmpegNotInstalled, fmt.Sprintf("%s: %v", op, err))
		return nil, &r, nil
	}
	mt, obj, ok := inputMedia(t)
	if !ok {
		r := worker.Failed(fmt.Sprintf("%s needs an input media object (Video or Audio; Configuration.MediaType picks one)", op), "")
		return nil, &r, nil
	}
	return fetchMedia(ctx, op, tools, mt, obj, workDir)
}

// fetchMedia downloads one media object and probes it: a missing object or
// one that is not media is a failed Result.
func fetchMedia(ctx context.Context, op string, tools ffmpeg.Tools, mt string, obj events.MediaObject, workDir string) (*mediaTask, *worker.Result, error) {
	dir, err := os.MkdirTemp(workDir, "mie-"+strings.ToLower(op)+"-")
	if err != nil {
		return nil, nil, err
	}
	m := &mediaTask{tools: tools, dir: dir, mediaType: mt, object: obj, out: worker.Outputs(ctx)}
	m.path = filepath.Join(dir, "input"+safeExt(obj.S3Key))
	if err := m.download(ctx); err != nil {
		m.done()
		if errors.Is(err, problem.ErrNotFound) {
			r := worker.Failed(fmt.Sprintf("%s: the %s input s3://%s/%s does not exist", op, mt, obj.S3Bucket, obj.S3Key), err.Error())
			return nil, &r, nil
		}
		return nil, nil, err
	}
	m.meta, err = probe.WithTools(ctx, tools, m.path)
	if errors.Is(err, probe.ErrNotMedia) {
		m.done()
		var nm *probe.NotMediaError
		errors.As(err, &nm)
		r := worker.Failed(fmt.Sprintf("%s: the %s input s3://%s/%s is not a media file: %s", op, mt, obj.S3Bucket, obj.S3Key, nm.Reason), "")
		return nil, &r, nil
	}
	if err != nil {
		m.done()
		return nil, nil, fmt.Errorf("%s: probing s3://%s/%s: %w", op, obj.S3Bucket, obj.S3Key, err)
	}
	return m, nil, nil
}

func (m *mediaTask) done() { os.RemoveAll(m.dir) }

// inputMedia picks the task's input media object.
func inputMedia(t *worker.Task) (string, events.MediaObject, bool) {
	media := t.Input.Media
	if mt, _ := t.Configuration["MediaType"].(string); mt != "" {
		if obj, ok := media[mt]; ok {
			return mt, obj, true
		}
	}
	for _, mt := range []string{"Video", "Audio"} {
		if obj, ok := media[mt]; ok {
			return mt, obj, true
		}
	}
	if len(media) == 1 {
		for mt, obj := range media {
			return mt, obj, true
		}
	}
	return "", events.MediaObject{}, false
}

func (m *mediaTask) download(ctx context.Context) error {
	rc, _, err := m.out.Open(ctx, m.object)
	if err != nil {
		return fmt.Errorf("open s3://%s/%s: %w", m.object.S3Bucket, m.object.S3Key, err)
	}
	defer rc.Close()
	f, err := os.Create(m.path)
	if err != nil {
		return err
	}
	_, err = io.Copy(f, rc)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("download s3://%s/%s: %w", m.object.S3Bucket, m.object.S3Key, err)
	}
	return nil
}

// ffmpeg runs ffmpeg on the input in the work directory, with input
// options in (a seek) and output options out; a failure names the
// operator and ffmpeg's last words.
func (m *mediaTask) ffmpeg(ctx context.Context, op string, in []string, out ...string) error {
	args := append([]string{"-hide_banner", "-loglevel", "error", "-nostdin", "-y"}, in...)
	args = append(append(args, "-i", m.path), out...)
	err := m.tools.Run(ctx, ffmpeg.Command{Dir: m.dir, Args: args})
	var exit *ffmpeg.ExitError
	if errors.As(err, &exit) {
		return fmt.Errorf("%s: ffmpeg failed on s3://%s/%s: %s", op, m.object.S3Bucket, m.object.S3Key, ffmpeg.LastLine(exit.Stderr))
	}
	return err
}

// add stores a file of the work directory as a derived media object.
func (m *mediaTask) add(ctx context.Context, mediaType, name, contentType string) (events.MediaObject, error) {
	f, size, err := openFile(filepath.Join(m.dir, name))
	if err != nil {
		return events.MediaObject{}, err
	}
	defer f.Close()
	return m.out.AddMediaObject(ctx, mediaType, name, f, size, contentType)
}

// put stores a file of the work directory beside the media objects.
func (m *mediaTask) put(ctx context.Context, name, contentType string) error {
	f, size, err := openFile(filepath.Join(m.dir, name))
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = m.out.PutObject(ctx, name, f, size, contentType)
	return err
}

func openFile(path string) (*os.File, int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, 0, err
	}
	return f, st.Size(), nil
}

// probeOutput describes a file the operator made.
func (m *mediaTask) probeOutput(ctx context.Context, name string) (*probe.Metadata, error) {
	return probe.WithTools(ctx, m.tools, filepath.Join(m.dir, name))
}

// safeExt keeps a short alphanumeric extension of key (ffmpeg guesses a
// format from it only when probing cannot).
func safeExt(key string) string {
	ext := strings.ToLower(filepath.Ext(key))
	if len(ext) < 2 || len(ext) > 6 {
		return ""
	}
	for _, r := range ext[1:] {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9') {
			return ""
		}
	}
	return ext
}

// Configuration readers: a number (JSON number or numeric string) or a
// string, with a default; a wrong type or a value out of range is an
// error naming the setting.

func configNumber(cfg map[string]any, name string, def, lo, hi float64) (float64, error) {
	v, ok := cfg[name]
	if !ok || v == nil {
		return def, nil
	}
	var f float64
	switch n := v.(type) {
	case float64:
		f = n
	case int:
		f = float64(n)
	case string:
		var err error
		if f, err = strconv.ParseFloat(n, 64); err != nil {
			return 0, fmt.Errorf("Configuration.%s: %q is not a number", name, n)
		}
	default:
		if s, ok := v.(interface{ Float64() (float64, error) }); ok {
			var err error
			if f, err = s.Float64(); err == nil {
				break
			}
		}
		return 0, fmt.Errorf("Configuration.%s: want a number, got %T", name, v)
	}
	if f < lo || f > hi {
		return 0, fmt.Errorf("Configuration.%s: %v is out of range %v to %v", name, f, lo, hi)
	}
	return f, nil
}

func configString(cfg map[string]any, name, def string, allowed ...string) (string, error) {
	v, ok := cfg[name]
	if !ok || v == nil {
		return def, nil
	}
	s, ok := v.(string)
	if !ok || (len(allowed) > 0 && !slices.Contains(allowed, s)) {
		return "", fmt.Errorf("Configuration.%s: want one of %s, got %v", name, strings.Join(allowed, ", "), v)
	}
	return s, nil
}

// even rounds n down to an even number (H.264 in 4:2:0 needs even sizes).
func even(n int) int { return n &^ 1 }

func ftoa(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }
