package transcode

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"strings"
	"sync"
	"syscall"
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
// Metrics per job: <strategy>-<transcoder|ffmpeg>-ms (wall time) and
// -cpu-ms (CPU time of this process and its children: ffmpeg, ffprobe;
// steadier than wall time on a shared machine), and for the default
// strategy overhead-ms and overhead-cpu-ms (transcoder minus ffmpeg),
// ratio and cpu-ratio (transcoder / ffmpeg). one-process against
// process-per-output compares one decode feeding every output with one
// ffmpeg per output.
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
	measure := func(name string, f func()) {
		wall, cpu := time.Now(), cpuTime()
		f()
		spent[name+"-ms"] += time.Since(wall)
		spent[name+"-cpu-ms"] += cpuTime() - cpu
	}
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		for _, s := range benchStrategies {
			measure(string(s)+"-ffmpeg", func() { runDirect(b, tools, direct[s]) })
			measure(string(s)+"-transcoder", func() {
				if _, err := transcoders[s].Run(context.Background(), req, nil); err != nil {
					b.Fatal(err)
				}
			})
		}
	}
	perJob := func(k string) float64 { return float64(spent[k].Milliseconds()) / float64(b.N) }
	for k := range spent {
		b.ReportMetric(perJob(k), k)
	}
	for _, unit := range []string{"", "-cpu"} {
		t, f := perJob("one-process-transcoder"+unit+"-ms"), perJob("one-process-ffmpeg"+unit+"-ms")
		b.ReportMetric(t-f, "overhead"+unit+"-ms")
		b.ReportMetric(t/f, strings.TrimPrefix(unit+"-ratio", "-"))
	}
}

// cpuTime is the user and system time of this process and its waited-for
// children.
func cpuTime() time.Duration {
	var self, children syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &self)
	syscall.Getrusage(syscall.RUSAGE_CHILDREN, &children)
	tv := func(t syscall.Timeval) time.Duration { return time.Duration(t.Nano()) }
	return tv(self.Utime) + tv(self.Stime) + tv(children.Utime) + tv(children.Stime)
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

// BenchmarkDecodeOnce isolates the decode: a 720p input to four small
// MP4 outputs that differ in bitrate (so no encode is shared), as one
// ffmpeg with one decode split four ways, or four ffmpegs each decoding
// the input. The ffmpeg command lines run directly.
//
//	go test ./internal/media/transcode -run '^$' -bench DecodeOnce -benchtime 4x
func BenchmarkDecodeOnce(b *testing.B) {
	clip := mediatest.Make(b, "", mediatest.Clip{Seconds: 6, Width: 1280, Height: 720})
	var outs []string
	for i, rate := range []int{200000, 250000, 300000, 350000} {
		outs = append(outs, fmt.Sprintf(`{"NameModifier":"_%d","ContainerSettings":{"Container":"MP4"},`+
			`"VideoDescription":{"Width":320,"Height":180,"CodecSettings":{"Codec":"H_264","H264Settings":`+
			`{"RateControlMode":"CBR","Bitrate":%d}}},"AudioDescriptions":[{"CodecSettings":{"Codec":"AAC",`+
			`"AacSettings":{"Bitrate":96000,"SampleRate":48000}}}]}`, i, rate))
	}
	job := `{"Role":"r","Settings":{"Inputs":[{"FileInput":"s3://bucket-in/clip.mp4"}],"OutputGroups":[{` +
		`"OutputGroupSettings":{"Type":"FILE_GROUP_SETTINGS","FileGroupSettings":{"Destination":"s3://bucket-out/"}},` +
		`"Outputs":[` + strings.Join(outs, ",") + `]}]}}`
	req, err := Decode([]byte(job))
	if err != nil {
		b.Fatal(err)
	}
	tools := mediatest.Tools(b)
	presets := map[string]string{"SINGLE_PASS_HQ": "ultrafast"}
	cmds := map[Strategy][]command{}
	for _, s := range []Strategy{StrategyOneProcess, StrategyProcessPerOutput} {
		cmds[s] = directCommands(b, req, clip, presets, s)
	}
	spent := map[string]time.Duration{}
	for b.Loop() {
		for s, c := range cmds {
			wall, cpu := time.Now(), cpuTime()
			runDirect(b, tools, c)
			spent[string(s)+"-ms"] += time.Since(wall)
			spent[string(s)+"-cpu-ms"] += cpuTime() - cpu
		}
	}
	for k, v := range spent {
		b.ReportMetric(float64(v.Milliseconds())/float64(b.N), k)
	}
}
