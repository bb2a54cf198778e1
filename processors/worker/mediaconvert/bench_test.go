package mediaconvert_test

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/media/mediatest"
	"github.com/mie-kafka/mie/internal/media/transcode"
	"github.com/mie-kafka/mie/processors/worker/mediaconvert"
)

// BenchmarkWorkerOverhead measures what the worker path adds to a job:
// each iteration runs the same job once with transcode.Run directly and
// once as a createJob.sync Task (the service worker in its Runtime on
// kfake, the jobs topic, a runner, the job store on a local object store,
// and the Task's checks at the intervals the worker asks for, as the
// executor would schedule them), interleaved so that both see the same
// load. x264 runs ultrafast. The jobs:
//
//   - small: an MP4 and an HLS rendition at 320x180 of a 6 s 640x360 clip;
//   - reference: the reference pipeline's job (MP4 and HLS at 1080p and
//     720p, thumbnails) on a 6 s 320x240 clip.
//
// Reported per job: direct-ms and worker-ms (wall time from the Task's
// start to its result), overhead-ms (their difference), queue-ms (from
// submission to the runner starting the job) and report-ms (from the job's
// end to the Task's result: the last check's wait and round trip).
//
//	go test ./processors/worker/mediaconvert -run '^$' -bench WorkerOverhead -benchtime 5x
func BenchmarkWorkerOverhead(b *testing.B) {
	ref, err := os.ReadFile("../../../internal/media/transcode/testdata/reference-job.json")
	if err != nil {
		b.Fatal(err)
	}
	b.Run("small", func(b *testing.B) {
		benchWorker(b, mediatest.Clip{Seconds: 6, Width: 640, Height: 360}, func(dir string) map[string]any {
			return job("s3://media/in/clip.mp4", dir)
		})
	})
	b.Run("reference", func(b *testing.B) {
		benchWorker(b, mediatest.Clip{Seconds: 6, Width: 320, Height: 240}, func(dir string) map[string]any {
			s := strings.ReplaceAll(string(ref), "s3://video-workflow-source-abc123/uploads/talk.mp4", "s3://media/in/clip.mp4")
			s = strings.ReplaceAll(s, "s3://video-workflow-output-abc123/", "s3://media/out/"+dir+"/")
			var req map[string]any
			if err := json.Unmarshal([]byte(s), &req); err != nil {
				b.Fatal(err)
			}
			return req
		})
	})
}

func benchWorker(b *testing.B, clip mediatest.Clip, request func(dir string) map[string]any) {
	// The checks' default intervals (MinCheck 100ms, MaxCheck 10s).
	e := newEnv(b, nil, func(c *mediaconvert.Config) { c.MinCheck, c.MaxCheck = 0, 0 })
	e.startRunner("bench", nil)
	e.putClip("in/clip.mp4", clip)
	var direct, worker, queue, report time.Duration
	for i := 0; b.Loop(); i++ {
		raw, _ := json.Marshal(request(fmt.Sprintf("direct-%d", i)))
		treq, err := transcode.Decode(raw)
		if err != nil {
			b.Fatal(err)
		}
		t0 := time.Now()
		if _, err := e.cfg.Transcoder.Run(b.Context(), treq, nil); err != nil {
			b.Fatal(err)
		}
		direct += time.Since(t0)

		t0 = time.Now()
		res, _ := e.sync(fmt.Sprintf("bench-%d", i), request(fmt.Sprintf("worker-%d", i)))
		done := time.Now()
		if res.Status != events.ResultComplete {
			b.Fatalf("%s %s %s", res.Status, res.Error, res.Cause)
		}
		worker += done.Sub(t0)
		j := jobOf(b, res)
		queue += j.Timing.StartTime.Sub(j.Timing.SubmitTime.Time)
		report += done.Sub(j.Timing.FinishTime.Time)
	}
	n := float64(b.N)
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) / n }
	b.ReportMetric(ms(direct), "direct-ms/job")
	b.ReportMetric(ms(worker), "worker-ms/job")
	b.ReportMetric(ms(worker-direct), "overhead-ms/job")
	b.ReportMetric(ms(queue), "queue-ms/job")
	b.ReportMetric(ms(report), "report-ms/job")
}
