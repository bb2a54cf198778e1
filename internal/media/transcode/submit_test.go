package transcode_test

import (
	"errors"
	"testing"

	"github.com/mie-kafka/mie/internal/media/mediatest"
	"github.com/mie-kafka/mie/internal/media/transcode"
)

// TestSubmitThenRunJob: Submit validates and returns the SUBMITTED Job
// without running it; RunJob runs that very job (same Id, ARN and
// submission time) to COMPLETE, and a retried run keeps its RetryCount.
func TestSubmitThenRunJob(t *testing.T) {
	e := newEnv(t)
	e.putClip(srcBucket, "in/clip.mp4", mediatest.Clip{Seconds: 1})
	req, err := transcode.Decode([]byte(simpleJob("s3://" + srcBucket + "/in/clip.mp4")))
	if err != nil {
		t.Fatal(err)
	}
	job, err := e.tc.Submit(req)
	if err != nil {
		t.Fatal(err)
	}
	if job.Status != transcode.StatusSubmitted || job.Id == "" || job.Timing.SubmitTime == nil || job.Timing.StartTime != nil {
		t.Fatalf("submitted job = %+v", job)
	}
	if keys := e.keys(outBucket, ""); len(keys) != 0 {
		t.Fatalf("Submit wrote outputs: %v", keys)
	}
	job.RetryCount = 1
	var seen []transcode.JobStatus
	done, err := e.tc.RunJob(t.Context(), req, job, func(j transcode.Job) {
		if len(seen) == 0 || seen[len(seen)-1] != j.Status {
			seen = append(seen, j.Status)
		}
		if j.Id != job.Id {
			t.Errorf("progress of job %s, want %s", j.Id, job.Id)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if done.Id != job.Id || done.Arn != job.Arn || !done.Timing.SubmitTime.Equal(job.Timing.SubmitTime.Time) ||
		done.Status != transcode.StatusComplete || done.RetryCount != 1 {
		t.Fatalf("run job = %+v, want job %s COMPLETE with RetryCount 1", done, job.Id)
	}
	want := []transcode.JobStatus{transcode.StatusSubmitted, transcode.StatusProgressing, transcode.StatusComplete}
	if len(seen) != len(want) || seen[0] != want[0] || seen[1] != want[1] || seen[2] != want[2] {
		t.Errorf("statuses seen %v, want %v", seen, want)
	}
	wantKeys(t, e.keys(outBucket, ""), "out/clip.mp4")
}

func TestSubmitRefusesBadSettings(t *testing.T) {
	e := newEnv(t)
	req := &transcode.CreateJobRequest{Role: "r"}
	_, err := e.tc.Submit(req)
	var ve *transcode.ValidationError
	if !errors.As(err, &ve) || len(ve.Problems) == 0 {
		t.Fatalf("Submit(empty settings) = %v, want a ValidationError", err)
	}
	if _, err := e.tc.RunJob(t.Context(), req, nil, nil); err == nil {
		t.Fatal("RunJob without a submitted job succeeded")
	}
}
