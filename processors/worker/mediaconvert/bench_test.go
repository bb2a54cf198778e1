package mediaconvert_test

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/media/mediatest"
	"github.com/mie-kafka/mie/internal/media/transcode"
	"github.com/mie-kafka/mie/processors/worker/mediaconvert"
)

// BenchmarkWorkerOverhead measures what the worker path adds to a job:
// each iteration runs the same job (an MP4 and an HLS rendition of a 6 s
// 640x360 clip, x264 ultrafast) once with transcode.Run directly and once
// as a createJob.sync Task (the service worker in its Runtime on kfake,
// the jobs topic, a runner, the job store on a local object store, and
// the Task's checks at the intervals the worker asks for, as the executor
// would schedule them), interleaved so that both see the same load.
//
// Reported per job: direct-ms and worker-ms (wall time from the Task's
// start to its result), overhead-ms (their difference), queue-ms (from
// submission to the runner starting the job) and report-ms (from the job's
// end to the Task's result, the cost of polling).
func BenchmarkWorkerOverhead(b *testing.B) {
	// The checks' default intervals (MinCheck 100ms, MaxCheck 10s).
	e := newEnv(b, nil, func(c *mediaconvert.Config) { c.MinCheck, c.MaxCheck = 0, 0 })
	e.startRunner("bench", nil)
	e.putClip("in/clip.mp4", mediatest.Clip{Seconds: 6, Width: 640, Height: 360})
	var direct, worker, queue, report time.Duration
	for i := 0; b.Loop(); i++ {
		req := job("s3://media/in/clip.mp4", fmt.Sprintf("direct-%d", i))
		raw, _ := json.Marshal(req)
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
		res, _ := e.sync(fmt.Sprintf("bench-%d", i), job("s3://media/in/clip.mp4", fmt.Sprintf("worker-%d", i)))
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
