package transcode

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/mie-kafka/mie/internal/media/ffmpeg"
	"github.com/mie-kafka/mie/internal/media/mediatest"
	"github.com/mie-kafka/mie/internal/media/probe"
	"github.com/mie-kafka/mie/internal/objectstore"
)

// The reference job (MP4 1080p and 720p, HLS 1080p and 720p, thumbnails)
// on a 6 s 320x240 clip, four ways:
//
//   - transcoder/<strategy>: Transcoder.Run end to end (stage the input
//     from the store, probe, ffmpeg, probe outputs, rewrite playlists,
//     upload), for each Strategy;
//   - ffmpeg/<strategy>: the same ffmpeg command lines run directly on a
//     local file: what a hand-written script would run, with no engine
//     around it.
//
// transcoder minus ffmpeg at the same strategy is the engine's per-job
// overhead; the strategies compare one decode shared by all outputs with
// one ffmpeg per output.
//
//	go test ./internal/media/transcode -run '^$' -bench Reference -benchtime 3x
func BenchmarkReferenceJob(b *testing.B) {
	for _, preset := range []string{"ultrafast", "veryfast"} {
		b.Run(preset, func(b *testing.B) { benchReference(b, preset) })
	}
}

func benchReference(b *testing.B, preset string) {
	clip := mediatest.Make(b, "", mediatest.Clip{Seconds: 6, Width: 320, Height: 240})
	body, err := os.ReadFile(clip)
	if err != nil {
		b.Fatal(err)
	}
	data, err := os.ReadFile("testdata/reference-job.json")
	if err != nil {
		b.Fatal(err)
	}
	req, err := Decode(data)
	if err != nil {
		b.Fatal(err)
	}
	presets := map[string]string{"SINGLE_PASS_HQ": preset}
	for _, s := range []Strategy{StrategyOneProcess, StrategyNoSharing, StrategyProcessPerOutput} {
		b.Run("transcoder/"+string(s), func(b *testing.B) {
			store, err := objectstore.NewLocal(b.TempDir())
			if err != nil {
				b.Fatal(err)
			}
			defer store.Close()
			_, err = store.Put(context.Background(), "video-workflow-source-abc123", "uploads/talk.mp4", bytes.NewReader(body), int64(len(body)), "")
			if err != nil {
				b.Fatal(err)
			}
			tc, err := New(Config{Store: store, WorkDir: b.TempDir(), Presets: presets, Strategy: s})
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(len(body)))
			start := time.Now()
			for b.Loop() {
				if _, err := tc.Run(context.Background(), req, nil); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(time.Since(start).Milliseconds())/float64(b.N), "ms/job")
		})
		b.Run("ffmpeg/"+string(s), func(b *testing.B) { benchDirect(b, req, clip, presets, s, int64(len(body))) })
	}
}

// benchDirect runs the commands the transcoder would run, straight.
func benchDirect(b *testing.B, req *CreateJobRequest, clip string, presets map[string]string, s Strategy, size int64) {
	tools := mediatest.Tools(b)
	meta, err := probe.File(context.Background(), clip)
	if err != nil {
		b.Fatal(err)
	}
	cfg := Config{Presets: presets, Strategy: s}
	cfg.defaults()
	plan, err := newPlan(req, meta, clip, time.Now(), &cfg)
	if err != nil {
		b.Fatal(err)
	}
	cmds := plan.commands(s)
	b.SetBytes(size)
	start := time.Now()
	for b.Loop() {
		dir := b.TempDir()
		var wg sync.WaitGroup
		errs := make([]error, len(cmds))
		for i, c := range cmds {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs[i] = tools.Run(context.Background(), ffmpeg.Command{Dir: dir, Args: c.Args})
			}()
		}
		wg.Wait()
		for _, err := range errs {
			if err != nil {
				b.Fatal(err)
			}
		}
		os.RemoveAll(filepath.Clean(dir))
	}
	b.ReportMetric(float64(time.Since(start).Milliseconds())/float64(b.N), "ms/job")
}
