package transcode

import (
	"context"
	"errors"
)

// Submit is MediaConvert's CreateJob without the work: it validates req
// (a *ValidationError naming each bad setting's path, or an encoder this
// ffmpeg lacks) and returns the SUBMITTED Job, with its Id and ARN. Run the
// job later, anywhere, with RunJob; a caller that keeps jobs (a queue, a
// job store) keeps this Job.
func (t *Transcoder) Submit(req *CreateJobRequest) (*Job, error) {
	if err := Validate(req); err != nil {
		return nil, err
	}
	if err := t.requiredEncoders(req); err != nil {
		return nil, err
	}
	return t.newJob(req), nil
}

// RunJob runs a job Submit accepted, keeping its identity (Id, Arn,
// CreatedAt, SubmitTime) and counters (RetryCount): a job run again after
// a crash is the same job. It validates req again (requests built in Go)
// and otherwise behaves as Run.
func (t *Transcoder) RunJob(ctx context.Context, req *CreateJobRequest, job *Job, progress func(Job)) (*Job, error) {
	if job == nil || job.Id == "" {
		return nil, errors.New("transcode: RunJob needs a submitted Job")
	}
	if err := Validate(req); err != nil {
		return nil, err
	}
	if err := t.requiredEncoders(req); err != nil {
		return nil, err
	}
	j := *job
	j.Status, j.CurrentPhase, j.JobPercentComplete = StatusSubmitted, "", 0
	j.ErrorCode, j.ErrorMessage, j.OutputGroupDetails = 0, "", nil
	j.Timing = Timing{SubmitTime: job.Timing.SubmitTime}
	r := &jobRun{t: t, req: req, job: &j, progress: progress}
	r.report()
	err := r.execute(ctx)
	r.finish(err)
	return r.snapshot(), err
}
