package transcode

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/mie-kafka/mie/internal/media/ffmpeg"
	"github.com/mie-kafka/mie/internal/media/probe"
	"github.com/mie-kafka/mie/internal/problem"
)

// Run runs a job to its end and returns the final Job.
//
// A request that fails validation (or asks for an encoder this ffmpeg
// lacks) returns a *ValidationError and no Job, as MediaConvert refuses it
// at CreateJob. Otherwise the Job is COMPLETE with a nil error, or ERROR
// with a *JobError (MediaConvert's ErrorCode and ErrorMessage; a missing
// input is code 1404 wrapping problem.ErrNotFound), or CANCELED when ctx
// ends first (the error wraps ctx's). Outputs are written to a work
// directory and uploaded to their destinations only once every output is
// complete; a failure or cancellation during the upload deletes what was
// uploaded, so a destination never holds a partial job.
//
// progress, when non-nil, is called (on the calling goroutine or ffmpeg's
// progress reader, one call at a time) with a copy of the Job at every
// status or phase change and whole-percent step.
func (t *Transcoder) Run(ctx context.Context, req *CreateJobRequest, progress func(Job)) (*Job, error) {
	if err := Validate(req); err != nil {
		return nil, err
	}
	if err := t.requiredEncoders(req); err != nil {
		return nil, err
	}
	r := &jobRun{t: t, req: req, job: t.newJob(req), progress: progress}
	r.report()
	err := r.execute(ctx)
	r.finish(err)
	return r.snapshot(), err
}

// jobRun is one job in flight.
type jobRun struct {
	t        *Transcoder
	req      *CreateJobRequest
	progress func(Job)

	mu  sync.Mutex
	job *Job

	reportMu sync.Mutex // one progress call at a time
}

func (r *jobRun) snapshot() *Job {
	r.mu.Lock()
	defer r.mu.Unlock()
	j := *r.job
	return &j
}

func (r *jobRun) report() {
	if r.progress != nil {
		r.reportMu.Lock()
		defer r.reportMu.Unlock()
		r.progress(*r.snapshot())
	}
}

// update changes the job under the lock and reports when it changed
// anything a watcher cares about.
func (r *jobRun) update(f func(j *Job)) {
	r.mu.Lock()
	before := [3]string{string(r.job.Status), string(r.job.CurrentPhase), fmt.Sprint(r.job.JobPercentComplete)}
	f(r.job)
	after := [3]string{string(r.job.Status), string(r.job.CurrentPhase), fmt.Sprint(r.job.JobPercentComplete)}
	r.mu.Unlock()
	if before != after {
		r.report()
	}
}

func (r *jobRun) phase(p JobPhase, percent int) {
	now := r.t.cfg.Now().UTC()
	r.update(func(j *Job) {
		if j.Status == StatusSubmitted {
			j.Status, j.Timing.StartTime = StatusProgressing, NewTimestamp(now)
		}
		j.CurrentPhase, j.JobPercentComplete = p, max(j.JobPercentComplete, percent)
	})
}

// Percent complete: transcoding is 0 to 95, uploading 95 to 100.
const transcodeShare = 95

func (r *jobRun) execute(ctx context.Context) error {
	work, err := os.MkdirTemp(r.t.cfg.WorkDir, "mie-transcode-")
	if err != nil {
		return jobErrorf(ErrorCodeUnknown, err, "creating a work directory: %v", err)
	}
	defer os.RemoveAll(work)
	r.phase(PhaseProbing, 0)
	inputPath, meta, err := r.stageInput(ctx, work)
	if err != nil {
		return err
	}
	plan, err := newPlan(r.req, meta, inputPath, r.job.CreatedAt.Time, &r.t.cfg)
	if err != nil {
		return err
	}
	r.phase(PhaseTranscoding, 0)
	if err := r.transcode(ctx, work, plan); err != nil {
		return err
	}
	files, details, err := collect(ctx, r.t.tools, work, plan)
	if err != nil {
		return err
	}
	r.phase(PhaseUploading, transcodeShare)
	if err := r.upload(ctx, work, files); err != nil {
		return err
	}
	r.update(func(j *Job) { j.OutputGroupDetails = details })
	return nil
}

// stageInput copies the input object into the work directory and probes it.
func (r *jobRun) stageInput(ctx context.Context, work string) (string, *probe.Metadata, error) {
	in := r.req.Settings.Inputs[0].FileInput
	u, err := parseS3URI(in)
	if err != nil {
		return "", nil, jobErrorf(ErrorCodeInput, err, "%v", err)
	}
	rc, _, err := r.t.cfg.Store.Get(ctx, u.Bucket, u.Key)
	switch {
	case errors.Is(err, problem.ErrNotFound):
		return "", nil, jobErrorf(ErrorCodeFileMissing, err, "input %s does not exist (NoSuchKey)", in)
	case err != nil:
		return "", nil, r.canceledOr(ctx, jobErrorf(ErrorCodeInput, err, "reading input %s: %v", in, err))
	}
	defer rc.Close()
	local := filepath.Join(work, "input"+safeExt(u.Key))
	f, err := os.Create(local)
	if err != nil {
		return "", nil, jobErrorf(ErrorCodeUnknown, err, "staging the input: %v", err)
	}
	_, err = io.Copy(f, rc)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return "", nil, r.canceledOr(ctx, jobErrorf(ErrorCodeInput, err, "reading input %s: %v", in, err))
	}
	meta, err := probe.WithTools(ctx, r.t.tools, local)
	switch {
	case errors.Is(err, probe.ErrNotMedia):
		var nm *probe.NotMediaError
		errors.As(err, &nm)
		return "", nil, jobErrorf(ErrorCodeInput, err, "input %s is not a media file: %s", in, nm.Reason)
	case err != nil:
		return "", nil, r.canceledOr(ctx, jobErrorf(ErrorCodeInput, err, "probing input %s: %v", in, err))
	}
	return local, meta, nil
}

// safeExt keeps a short alphanumeric extension (ffmpeg guesses formats
// from it only when probing fails).
func safeExt(key string) string {
	ext := path.Ext(key)
	if len(ext) < 2 || len(ext) > 6 || !extensionRE.MatchString(ext[1:]) {
		return ""
	}
	return strings.ToLower(ext)
}

// canceledOr returns ctx's error when ctx has ended, else err.
func (r *jobRun) canceledOr(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return fmt.Errorf("transcode: %w", ctx.Err())
	}
	return err
}

// transcode runs the plan's ffmpeg commands (concurrently, when more than
// one), reporting progress from their -progress output.
func (r *jobRun) transcode(ctx context.Context, work string, plan *jobPlan) error {
	cmds := plan.commands(r.t.cfg.Strategy)
	parent := ctx
	ctx, cancel := context.WithCancel(parent)
	defer cancel()
	done := make([]time.Duration, len(cmds))
	var mu sync.Mutex
	errs := make([]error, len(cmds))
	var wg sync.WaitGroup
	for i, c := range cmds {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := r.t.tools.Run(ctx, ffmpeg.Command{Dir: work, Args: c.Args, Progress: func(p ffmpeg.Progress) {
				mu.Lock()
				done[i] = p.OutTime
				var sum time.Duration
				for _, d := range done {
					sum += d
				}
				mu.Unlock()
				r.transcoded(sum.Seconds()/float64(len(cmds)), plan.Duration)
			}})
			if err != nil {
				errs[i] = err
				cancel()
			}
		}()
	}
	wg.Wait()
	if err := parent.Err(); err != nil {
		return fmt.Errorf("transcode: %w", err)
	}
	for _, err := range errs {
		if err != nil && !errors.Is(err, context.Canceled) {
			return ffmpegError(err)
		}
	}
	return nil
}

func (r *jobRun) transcoded(seconds, total float64) {
	if total <= 0 {
		return
	}
	pct := int(min(1, seconds/total) * transcodeShare)
	r.update(func(j *Job) { j.JobPercentComplete = max(j.JobPercentComplete, pct) })
}

// ffmpegError maps a failed ffmpeg run to MediaConvert's codes.
func ffmpegError(err error) error {
	var exit *ffmpeg.ExitError
	if !errors.As(err, &exit) {
		return jobErrorf(ErrorCodeUnknown, err, "running ffmpeg: %v", err)
	}
	msg := ffmpeg.LastLine(exit.Stderr)
	switch {
	case strings.Contains(exit.Stderr, "No space left on device"):
		return jobErrorf(ErrorCodeDiskFull, err, "disk full: %s", msg)
	case decodeFailure(exit.Stderr):
		return jobErrorf(ErrorCodeSourceRead, err, "the input could not be decoded: %s", msg)
	}
	return jobErrorf(ErrorCodeUnknown, err, "ffmpeg failed: %s", msg)
}

// decodeFailure spots ffmpeg's messages for a corrupt input.
func decodeFailure(stderr string) bool {
	for _, s := range []string{"Invalid data found", "Error while decoding", "error while decoding",
		"corrupt decoded frame", "corrupted macroblock", "Invalid NAL", "Error submitting packet to decoder"} {
		if strings.Contains(stderr, s) {
			return true
		}
	}
	return false
}

// finish sets the final status.
func (r *jobRun) finish(err error) {
	now := r.t.cfg.Now().UTC()
	r.update(func(j *Job) {
		j.Timing.FinishTime = NewTimestamp(now)
		if j.Timing.StartTime == nil {
			j.Timing.StartTime = NewTimestamp(now)
		}
		j.CurrentPhase = ""
		var je *JobError
		switch {
		case err == nil:
			j.Status, j.JobPercentComplete = StatusComplete, 100
		case errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded):
			j.Status = StatusCanceled
		case errors.As(err, &je):
			j.Status, j.ErrorCode, j.ErrorMessage = StatusError, je.Code, je.Message
		default:
			j.Status, j.ErrorCode, j.ErrorMessage = StatusError, ErrorCodeUnknown, err.Error()
		}
	})
	j := r.snapshot()
	r.t.cfg.Logger.Debug("mediaconvert job ended", "job", j.Id, "status", j.Status, "error_code", j.ErrorCode,
		"error", j.ErrorMessage, "seconds", now.Sub(j.CreatedAt.Time).Seconds())
}
