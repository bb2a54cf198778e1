package transcode

import (
	"bytes"
	"context"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/mie-kafka/mie/internal/media/ffmpeg"
	"github.com/mie-kafka/mie/internal/media/mediatest"
	"github.com/mie-kafka/mie/internal/media/probe"
	"github.com/mie-kafka/mie/internal/objectstore"
)

// BenchmarkReferenceJob runs the reference job (MP4 1080p and 720p, HLS
// 1080p and 720p, thumbnails) on a 6 s 320x240 clip. Each iteration runs,
// for each Strategy, the transcoder end to end (Transcoder.Run: stage the
// input from the store, probe, ffmpeg, probe the outputs, rewrite the
// playlists, upload) and the very same ffmpeg command lines run directly
// on a local file (what a hand-written script would run). Runs are
// interleaved so that a busy machine slows both alike.
//
// Metrics, in ms per job: <strategy>-transcoder, <strategy>-ffmpeg, and
// for the default strategy overhead-ms (transcoder minus ffmpeg) and
// ratio (transcoder / ffmpeg). one-process against process-per-output
// compares one decode feeding every output with one ffmpeg per output.
//
//	go test ./internal/media/transcode -run '^$' -bench Reference -benchtime 4x
func BenchmarkReferenceJob(b *testing.B) {
	for _, preset := range []string{"ultrafast", "veryfast"} {
		b.Run(preset, func(b *testing.B) { benchReference(b, preset) })
	}
}

var benchStrategies = []Strategy{StrategyOneProcess, StrategyNoSharing, StrategyProcessPerOutput}

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
	store, err := objectstore.NewLocal(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer store.Close()
	if _, err := store.Put(context.Background(), "video-workflow-source-abc123", "uploads/talk.mp4",
		bytes.NewReader(body), int64(len(body)), ""); err != nil {
		b.Fatal(err)
	}
	presets := map[string]string{"SINGLE_PASS_HQ": preset}
	transcoders := map[Strategy]*Transcoder{}
	direct := map[Strategy][]command{}
	for _, s := range benchStrategies {
		if transcoders[s], err = New(Config{Store: store, WorkDir: b.TempDir(), Presets: presets, Strategy: s}); err != nil {
			b.Fatal(err)
		}
		direct[s] = directCommands(b, req, clip, presets, s)
	}
	tools := mediatest.Tools(b)
	spent := map[string]time.Duration{}
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		for _, s := range benchStrategies {
			start := time.Now()
			runDirect(b, tools, direct[s])
			spent[string(s)+"-ffmpeg"] += time.Since(start)
			start = time.Now()
			if _, err := transcoders[s].Run(context.Background(), req, nil); err != nil {
				b.Fatal(err)
			}
			spent[string(s)+"-transcoder"] += time.Since(start)
		}
	}
	perJob := func(k string) float64 { return float64(spent[k].Milliseconds()) / float64(b.N) }
	for k := range spent {
		b.ReportMetric(perJob(k), k+"-ms")
	}
	t, f := perJob("one-process-transcoder"), perJob("one-process-ffmpeg")
	b.ReportMetric(t-f, "overhead-ms")
	b.ReportMetric(t/f, "ratio")
}

// directCommands are the ffmpeg runs the transcoder would make.
func directCommands(b *testing.B, req *CreateJobRequest, clip string, presets map[string]string, s Strategy) []command {
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
	return plan.commands(s)
}

// runDirect runs commands concurrently in a fresh directory.
func runDirect(b *testing.B, tools ffmpeg.Tools, cmds []command) {
	dir, err := os.MkdirTemp("", "mie-bench-")
	if err != nil {
		b.Fatal(err)
	}
	defer os.RemoveAll(dir)
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
}
