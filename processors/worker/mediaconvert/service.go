// Package mediaconvert runs AWS Elemental MediaConvert's Step Functions
// integration on the engine's own transcoder (internal/media/transcode,
// ffmpeg): the built-in worker builtin:aws.mediaconvert serves Tasks whose
// Resource is arn:aws:states:::mediaconvert:createJob (request-response or
// .sync) or arn:aws:states:::aws-sdk:mediaconvert:getJob / cancelJob, and
// job runners run the jobs.
//
// A createJob Task submits the job: the request is validated (a setting
// the transcoder cannot honour fails the Task with
// MediaConvert.BadRequestException naming its JSON path), the SUBMITTED
// Job is stored in the job store (Jobs, in the object store) and a
// MediaConvertJob record goes to the jobs topic in the Task's transaction.
// Request-response answers {"Job": <SUBMITTED Job>} at once and the job
// runs on; .sync answers Executing and each Monitor step reads the job
// back, until it ends: {"Job": <COMPLETE Job>} as Step Functions returns
// it, or the failed Task (see errors.go).
//
// A Runner consumes the jobs topic one job at a time per slot; the job's
// offset commits only when the job has ended, so a runner that dies
// mid-job leaves the job to be delivered again, to another runner, which
// runs it again from the start (the transcoder uploads outputs only once
// all are complete, so nothing partial is ever reported complete). While a
// job runs, its document carries MediaConvert's Status, CurrentPhase and
// JobPercentComplete (GetJob shows them; so does every Monitor step's
// state in the execution's history), and the runner logs each phase and
// every tenth percent. A job is cancelled (ffmpeg killed) when CancelJob
// asks, when its Task's TimeoutSeconds pass, or when nobody has checked on
// a .sync job for the runner's AbandonAfter (its execution stopped).
package mediaconvert

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/functions"
	"github.com/mie-kafka/mie/internal/media/transcode"
	"github.com/mie-kafka/mie/internal/problem"
	"github.com/mie-kafka/mie/processors/worker"
)

// ServiceName is the service's name in Task resources.
const ServiceName = "mediaconvert"

// Name is the built-in worker's name: its Implementation is
// builtin:aws.mediaconvert.
var Name = functions.ServiceWorker(ServiceName)

// Config is what the service worker and the runners share.
type Config struct {
	// Jobs is the job store. Required.
	Jobs *Jobs
	// Transcoder runs and validates jobs; when ffmpeg is missing it is
	// nil and Missing says why (ffmpeg.ErrNotInstalled): every job Task
	// then fails with ErrFfmpegNotInstalled.
	Transcoder *transcode.Transcoder
	Missing    error
	// JobsTopic carries MediaConvertJob records. Required.
	JobsTopic string
	// MinCheck and MaxCheck bound the wait between a .sync Task's checks;
	// defaults 100ms and 10s. The wait aims at half the job's estimated
	// remaining time, from its JobPercentComplete (see nextCheck).
	MinCheck, MaxCheck time.Duration
	Logger             *slog.Logger
	// Now is the clock; default time.Now.
	Now func() time.Time
}

// Validate reports every problem with the configuration.
func (c *Config) Validate() error {
	var errs []error
	if c.Jobs == nil || c.Jobs.Store == nil || c.Jobs.Bucket == "" {
		errs = append(errs, errors.New("mediaconvert: Jobs with a Store and a Bucket is required"))
	}
	if (c.Transcoder == nil) == (c.Missing == nil) {
		errs = append(errs, errors.New("mediaconvert: set Transcoder, or Missing to say why there is none"))
	}
	if c.JobsTopic == "" {
		errs = append(errs, errors.New("mediaconvert: JobsTopic is required"))
	}
	if c.MinCheck < 0 || c.MaxCheck < 0 || (c.MaxCheck > 0 && c.MaxCheck < c.MinCheck) {
		errs = append(errs, fmt.Errorf("mediaconvert: MinCheck %s and MaxCheck %s: want 0 < MinCheck <= MaxCheck", c.MinCheck, c.MaxCheck))
	}
	return errors.Join(errs...)
}

func (c *Config) defaults() {
	if c.MinCheck == 0 {
		c.MinCheck = 100 * time.Millisecond
	}
	if c.MaxCheck == 0 {
		c.MaxCheck = max(10*time.Second, c.MinCheck)
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	if c.Now == nil {
		c.Now = time.Now
	}
}

// Service is the worker.Handler of builtin:aws.mediaconvert.
type Service struct {
	cfg Config
	log *slog.Logger
}

var (
	_ worker.Function = (*Service)(nil)
	_ worker.Monitor  = (*Service)(nil)
)

// NewService validates cfg and applies its defaults.
func NewService(cfg Config) (*Service, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg.defaults()
	return &Service{cfg: cfg, log: cfg.Logger.With("worker", Name)}, nil
}

// Start implements worker.Handler: MediaConvert is a service integration,
// not an MIE operator.
func (s *Service) Start(_ context.Context, t *worker.Task) (worker.Result, error) {
	return worker.Failed(ErrUnsupported, fmt.Sprintf("%s serves Step Functions Tasks (arn:aws:states:::mediaconvert:createJob), not MIE operator %s", Name, t.Name)), nil
}

// Invoke implements worker.Function: the Task's first step.
func (s *Service) Invoke(ctx context.Context, t *worker.Task) (worker.Result, error) {
	_, action, suffix, ok := functions.Service(t.Resource)
	if !ok {
		return worker.Failed(ErrUnsupported, fmt.Sprintf("%s is not a service integration resource", t.Resource)), nil
	}
	switch {
	case action == "createJob" && (suffix == "" || suffix == ".sync" || suffix == ".waitForTaskToken"):
		return s.createJob(ctx, t, suffix == ".sync")
	case action == "getJob" && suffix == "":
		return s.getJob(ctx, t)
	case action == "cancelJob" && suffix == "":
		return s.cancelJob(ctx, t)
	}
	return worker.Failed(ErrUnsupported, fmt.Sprintf("%s: MediaConvert here serves createJob (request-response, .sync), getJob and cancelJob", t.Resource)), nil
}

// timeoutGrace is how long past its Task's TimeoutSeconds a job runs.
const timeoutGrace = 2 * time.Second

// createJob submits a job: validated, stored SUBMITTED, and handed to the
// runners in the Task's transaction. A Task attempt delivered again (its
// batch aborted) finds the job it submitted and hands that one on.
func (s *Service) createJob(ctx context.Context, t *worker.Task, sync bool) (worker.Result, error) {
	if s.cfg.Transcoder == nil {
		return worker.Failed(ErrFfmpegNotInstalled, s.cfg.Missing.Error()), nil
	}
	req, err := transcode.Decode(t.Payload)
	if err != nil {
		return badRequest(err), nil
	}
	job, err := s.submit(ctx, t, req, sync)
	if err != nil {
		var ve *transcode.ValidationError
		if errors.As(err, &ve) {
			return badRequest(err), nil
		}
		return worker.Result{}, err
	}
	now := s.cfg.Now().UTC()
	rec := &events.MediaConvertJob{JobId: job.Id, Request: t.Payload, Sync: sync,
		ExecutionId: t.WorkflowExecutionId, TaskId: t.TaskId, Submitted: now}
	if rec.Job, err = json.Marshal(job); err != nil {
		return worker.Result{}, err
	}
	if t.TimeoutSeconds > 0 {
		// The engine times the attempt out at TimeoutSeconds from its
		// dispatch; the job stops a little later, so that the engine's
		// decision, not a race with it, ends the attempt.
		d := now.Add(time.Duration(t.TimeoutSeconds)*time.Second + timeoutGrace)
		rec.Deadline = &d
	}
	if err := worker.Emit(ctx, s.cfg.JobsTopic, job.Id, rec); err != nil {
		return worker.Result{}, err
	}
	s.log.Info("mediaconvert job submitted", "job", job.Id, "execution", t.WorkflowExecutionId, "state", t.Path,
		"sync", sync, "input", req.Settings.Inputs[0].FileInput)
	if !sync {
		return worker.Returned(map[string]any{"Job": job}), nil
	}
	return worker.Executing(checkState(job, now), s.cfg.MinCheck), nil
}

func (s *Service) submit(ctx context.Context, t *worker.Task, req *transcode.CreateJobRequest, sync bool) (*transcode.Job, error) {
	if t.TaskId != "" {
		id, ok, err := s.cfg.Jobs.TaskJob(ctx, t.TaskId)
		if err != nil {
			return nil, err
		}
		if ok {
			d, err := s.cfg.Jobs.Get(ctx, id)
			if err == nil {
				return &d.Job, nil
			}
			if !errors.Is(err, problem.ErrNotFound) {
				return nil, err
			}
		}
	}
	job, err := s.cfg.Transcoder.Submit(req)
	if err != nil {
		return nil, err
	}
	if err := s.cfg.Jobs.Put(ctx, JobDoc{Job: *job, Sync: sync}); err != nil {
		return nil, err
	}
	if t.TaskId != "" {
		if err := s.cfg.Jobs.SetTaskJob(ctx, t.TaskId, job.Id); err != nil {
			return nil, err
		}
	}
	return job, nil
}

// jobID reads GetJob's and CancelJob's {"Id": ...}.
func jobID(t *worker.Task) (string, bool) {
	var in struct {
		Id string `json:"Id"`
	}
	if json.Unmarshal(t.Payload, &in) != nil || in.Id == "" {
		return "", false
	}
	return in.Id, true
}

func (s *Service) getJob(ctx context.Context, t *worker.Task) (worker.Result, error) {
	id, ok := jobID(t)
	if !ok {
		return worker.Failed(ErrBadRequest, "GetJob needs the job's Id: {\"Id\": \"...\"}"), nil
	}
	d, err := s.cfg.Jobs.Get(ctx, id)
	if errors.Is(err, problem.ErrNotFound) {
		return worker.Failed(ErrNotFound, fmt.Sprintf("The job %s was not found", id)), nil
	}
	if err != nil {
		return worker.Result{}, err
	}
	return worker.Returned(map[string]any{"Job": d.Job}), nil
}

func (s *Service) cancelJob(ctx context.Context, t *worker.Task) (worker.Result, error) {
	id, ok := jobID(t)
	if !ok {
		return worker.Failed(ErrBadRequest, "CancelJob needs the job's Id: {\"Id\": \"...\"}"), nil
	}
	d, err := s.cfg.Jobs.Get(ctx, id)
	if errors.Is(err, problem.ErrNotFound) {
		return worker.Failed(ErrNotFound, fmt.Sprintf("The job %s was not found", id)), nil
	}
	if err != nil {
		return worker.Result{}, err
	}
	if d.Job.Status.Done() {
		return worker.Failed(ErrConflict, fmt.Sprintf("The job %s is %s: only SUBMITTED and PROGRESSING jobs can be canceled", id, d.Job.Status)), nil
	}
	if err := s.cfg.Jobs.RequestCancel(ctx, id, s.cfg.Now().UTC()); err != nil {
		return worker.Result{}, err
	}
	s.log.Info("mediaconvert job cancel requested", "job", id, "execution", t.WorkflowExecutionId)
	return worker.Returned(map[string]any{}), nil
}
