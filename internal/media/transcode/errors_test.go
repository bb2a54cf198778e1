package transcode_test

import (
	"context"
	"crypto/rand"
	"errors"
	"io"
	"math/big"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/mie-kafka/mie/internal/media/mediatest"
	"github.com/mie-kafka/mie/internal/media/transcode"
	"github.com/mie-kafka/mie/internal/objectstore"
	"github.com/mie-kafka/mie/internal/problem"
)

func simpleJob(input string) string {
	return jobJSON(input, fileGroup("s3://"+outBucket+"/out/", output("", "MP4", h264(160, 120, ""), aac(""))))
}

func TestInputErrors(t *testing.T) {
	e := newEnv(t)
	random := make([]byte, 200<<10)
	rand.Read(random)
	e.putBytes(srcBucket, "in/random.mp4", random)
	clip := mediatest.Make(t, "", mediatest.Clip{Seconds: 4, Width: 160, Height: 120})
	whole, _ := os.ReadFile(clip)
	e.putBytes(srcBucket, "in/truncated.mp4", whole[:len(whole)/3])
	e.putBytes(srcBucket, "in/corrupt.mp4", scramble(whole))
	cases := []struct {
		name, input string
		code        int
		message     string
		is          error
	}{
		{"missing object", "s3://" + srcBucket + "/in/nothing.mp4", 1404, "does not exist (NoSuchKey)", problem.ErrNotFound},
		{"missing bucket", "s3://no-such-bucket/in/a.mp4", 1404, "does not exist", problem.ErrNotFound},
		{"random bytes", "s3://" + srcBucket + "/in/random.mp4", 1010, "is not a media file", nil},
		{"truncated", "s3://" + srcBucket + "/in/truncated.mp4", 1010, "is not a media file", nil},
		{"corrupt frames", "s3://" + srcBucket + "/in/corrupt.mp4", 1076, "could not be decoded", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			j, err := e.run(simpleJob(c.input))
			var je *transcode.JobError
			if !errors.As(err, &je) || je.Code != c.code || j.Status != transcode.StatusError || j.ErrorCode != c.code ||
				!strings.Contains(j.ErrorMessage, c.message) {
				t.Fatalf("err %v; job %s %d %q", err, j.Status, j.ErrorCode, j.ErrorMessage)
			}
			if strings.Contains(strings.ToLower(j.ErrorMessage), "complete") {
				t.Fatalf("message %q", j.ErrorMessage)
			}
			if c.is != nil && !errors.Is(err, c.is) {
				t.Fatalf("err %v does not match %v", err, c.is)
			}
			if keys := e.keys(outBucket, ""); len(keys) != 0 {
				t.Fatalf("outputs of a failed job: %v", keys)
			}
			assertEmptyDir(t, e.cfg.WorkDir)
		})
	}
}

// scramble flips bytes in the middle half of a file: the container still
// opens, frames do not decode.
func scramble(b []byte) []byte {
	out := append([]byte(nil), b...)
	for range 400 {
		n, _ := rand.Int(rand.Reader, big.NewInt(int64(len(out)/2)))
		i := len(out)/4 + int(n.Int64())
		out[i] ^= 0x5a
	}
	return out
}

func (e *env) putBytes(bucket, key string, b []byte) {
	e.t.Helper()
	if _, err := e.store.Put(e.t.Context(), bucket, key, strings.NewReader(string(b)), int64(len(b)), ""); err != nil {
		e.t.Fatal(err)
	}
}

// Cancelling mid-transcode kills ffmpeg and leaves nothing behind: no
// object at the destination, nothing in the work directory.
func TestCancelDuringTranscode(t *testing.T) {
	e := newEnv(t, func(c *transcode.Config) {
		c.Presets = map[string]string{"SINGLE_PASS_HQ": "veryslow"}
	})
	e.putClip(srcBucket, "in/long.mp4", mediatest.Clip{Seconds: 30, Width: 320, Height: 240})
	req, err := transcode.Decode([]byte(jobJSON("s3://"+srcBucket+"/in/long.mp4",
		fileGroup("s3://"+outBucket+"/mp4/", output("_a", "MP4", h264(640, 480, ""), aac("")), output("_b", "MP4", h264(320, 240, ""), aac(""))),
		hlsGroup("s3://"+outBucket+"/hls/", "", output("_a", "M3U8", h264(640, 480, ""), aac(""))))))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	var once sync.Once
	j, err := e.tc.Run(ctx, req, func(j transcode.Job) {
		if j.CurrentPhase == transcode.PhaseTranscoding && j.JobPercentComplete >= 3 {
			once.Do(cancel)
		}
	})
	if !errors.Is(err, context.Canceled) || j.Status != transcode.StatusCanceled || j.JobPercentComplete >= 95 {
		t.Fatalf("err %v, job %s %d%%", err, j.Status, j.JobPercentComplete)
	}
	if keys := e.keys(outBucket, ""); len(keys) != 0 {
		t.Fatalf("outputs of a cancelled job: %v", keys)
	}
	assertEmptyDir(t, e.cfg.WorkDir)
}

// A cancellation or a store failure during the upload deletes what was
// uploaded.
func TestUploadFailureRollsBack(t *testing.T) {
	for _, mode := range []string{"cancel", "fail"} {
		t.Run(mode, func(t *testing.T) {
			var fs *faultyStore
			e := newEnv(t, func(c *transcode.Config) {
				fs = &faultyStore{Store: c.Store, after: 3, mode: mode}
				c.Store = fs
			})
			e.putClip(srcBucket, "in/up.mp4", mediatest.Clip{Seconds: 6, Width: 160, Height: 120})
			req, err := transcode.Decode([]byte(jobJSON("s3://"+srcBucket+"/in/up.mp4",
				hlsGroup("s3://"+outBucket+"/hls/", `"SegmentLength":1`, output("_a", "M3U8", h264(160, 120, ""), aac(""))))))
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			fs.cancel = cancel
			j, err := e.tc.Run(ctx, req, nil)
			switch mode {
			case "cancel":
				if !errors.Is(err, context.Canceled) || j.Status != transcode.StatusCanceled {
					t.Fatalf("err %v, status %s", err, j.Status)
				}
			case "fail":
				if !errors.Is(err, errInjected) || j.Status != transcode.StatusError || !strings.Contains(j.ErrorMessage, "writing s3://") {
					t.Fatalf("err %v, job %s %q", err, j.Status, j.ErrorMessage)
				}
			}
			if fs.puts < 3 {
				t.Fatalf("only %d puts: the fault came too early to test a rollback", fs.puts)
			}
			if keys := e.keys(outBucket, ""); len(keys) != 0 {
				t.Fatalf("left after rollback: %v", keys)
			}
		})
	}
}

var errInjected = errors.New("injected store failure")

// faultyStore cancels the job (or fails) on the put after `after` puts.
type faultyStore struct {
	objectstore.Store
	after, puts int
	mode        string
	cancel      func()
}

func (f *faultyStore) Put(ctx context.Context, bucket, key string, r io.Reader, size int64, ct string) (objectstore.Info, error) {
	if bucket == outBucket {
		if f.puts == f.after {
			if f.mode == "cancel" {
				f.cancel()
				return objectstore.Info{}, ctx.Err()
			}
			return objectstore.Info{}, errInjected
		}
		f.puts++
	}
	return f.Store.Put(ctx, bucket, key, r, size, ct)
}

func assertEmptyDir(t *testing.T, dir string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 0 {
		t.Fatalf("%s is not empty: %v", dir, entries)
	}
}
