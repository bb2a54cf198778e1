package mediaconvert

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/media/transcode"
	"github.com/mie-kafka/mie/internal/problem"
)

// Why a running job was cancelled. A job cancelled for one of the first
// three ends CANCELED; for the others it is left for another runner.
var (
	errCancelRequested = errors.New("CancelJob asked for it")
	errAbandoned       = errors.New("no Task has checked on the .sync job")
	errTimedOut        = errors.New("its Task timed out")
	errLostOwnership   = errors.New("another runner took the job over")
	// errInterrupted aborts the batch of a job that did not end here.
	errInterrupted = errors.New("the job did not end on this runner")
)

// run runs one job to its end and records it; an error means the job did
// not end here and must be delivered again.
func (s *slot) run(ctx context.Context, rec *kgo.Record, m *events.MediaConvertJob) error {
	cfg := &s.r.cfg
	log := cfg.Logger.With("job", m.JobId, "execution", m.ExecutionId, "slot", s.id)
	doc, err := s.claim(ctx, m, log)
	if err != nil || doc == nil {
		return err // nil doc: the job has ended already
	}
	req, err := transcode.Decode(m.Request)
	if err != nil {
		doc.Job.Status, doc.Job.ErrorCode, doc.Job.ErrorMessage = transcode.StatusError, transcode.ErrorCodeSettings, err.Error()
		return s.finish(ctx, doc, log)
	}
	jctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	if m.Deadline != nil {
		var stop context.CancelFunc
		jctx, stop = context.WithDeadlineCause(jctx, *m.Deadline, errTimedOut)
		defer stop()
	}
	defer s.track(rec, cancel)()
	w := &watch{s: s, doc: *doc, sync: m.Sync, submitted: m.Submitted, log: log, changed: make(chan struct{}, 1)}
	done := make(chan struct{})
	go func() {
		defer close(done)
		w.loop(jctx, cancel)
	}()
	final, runErr := cfg.Transcoder.RunJob(jctx, req, &doc.Job, w.progress)
	cancel(nil)
	<-done
	cause := context.Cause(jctx)
	if final == nil {
		doc.Job.Status, doc.Job.ErrorCode, doc.Job.ErrorMessage = transcode.StatusError, transcode.ErrorCodeSettings, runErr.Error()
		return s.finish(ctx, doc, log)
	}
	if final.Status != transcode.StatusCanceled {
		doc.Job = *final
		return s.finish(ctx, doc, log)
	}
	reason, ok := cancelReason(cause)
	if !ok {
		doc.Job = w.last()
		return s.leave(doc, cause, log)
	}
	doc.Job, doc.Canceled = *final, reason
	log.Info("mediaconvert job canceled", "reason", cause.Error())
	return s.finish(ctx, doc, log)
}

// cancelReason is why a cancelled job ended, when it ended; false when it
// was interrupted and must run again.
func cancelReason(cause error) (CancelReason, bool) {
	switch {
	case errors.Is(cause, errCancelRequested):
		return CanceledByRequest, true
	case errors.Is(cause, errTimedOut):
		return CanceledTimeout, true
	case errors.Is(cause, errAbandoned):
		return CanceledAbandoned, true
	}
	return "", false
}

// claim reads the job and makes it this run's: a job that has ended needs
// nothing (nil); one another live runner holds is waited for; one that
// ran before (its runner stopped renewing it, or left it) runs again from
// the start, one retry more.
func (s *slot) claim(ctx context.Context, m *events.MediaConvertJob, log *slog.Logger) (*JobDoc, error) {
	cfg := &s.r.cfg
	for {
		doc, err := cfg.Jobs.Get(ctx, m.JobId)
		if errors.Is(err, problem.ErrNotFound) {
			doc = JobDoc{Sync: m.Sync}
			err = json.Unmarshal(m.Job, &doc.Job)
		}
		if err != nil {
			return nil, s.pause(ctx, fmt.Errorf("%w: %v", errInterrupted, err))
		}
		if doc.Job.Status.Done() {
			log.Info("mediaconvert job has ended already", "status", doc.Job.Status)
			return nil, nil
		}
		now := cfg.Now()
		if doc.Owner != "" && now.Sub(doc.Renewed) < cfg.LeaseTimeout {
			if err := s.pause(ctx, nil); err != nil {
				return nil, err
			}
			continue
		}
		if doc.Job.Status == transcode.StatusProgressing {
			doc.Job.RetryCount++
			log.Warn("mediaconvert job restarted: its runner stopped", "previous_worker", doc.Worker,
				"renewed", doc.Renewed, "retry", doc.Job.RetryCount)
		}
		doc.Owner, doc.Worker, doc.Renewed = events.NewID(), cfg.Instance, now.UTC()
		if err := cfg.Jobs.Put(ctx, doc); err != nil {
			return nil, s.pause(ctx, fmt.Errorf("%w: %v", errInterrupted, err))
		}
		log.Info("mediaconvert job started", "worker", cfg.Instance, "retry", doc.Job.RetryCount)
		return &doc, nil
	}
}

// pause waits a moment (a job store that fails, a job another runner
// holds) and returns err, or errInterrupted once ctx ends.
func (s *slot) pause(ctx context.Context, err error) error {
	t := time.NewTimer(max(s.r.cfg.ProgressInterval, 100*time.Millisecond))
	defer t.Stop()
	select {
	case <-ctx.Done():
		return fmt.Errorf("%w: %v", errInterrupted, context.Cause(ctx))
	case <-t.C:
		return err
	}
}

// finish writes the job's end; until that is written the job has not
// ended, so a store failure leaves it for redelivery.
func (s *slot) finish(ctx context.Context, doc *JobDoc, log *slog.Logger) error {
	doc.Renewed = s.r.cfg.Now().UTC()
	var err error
	for range 3 {
		if err = s.r.cfg.Jobs.Put(context.WithoutCancel(ctx), *doc); err == nil {
			log.Info("mediaconvert job ended", "status", doc.Job.Status, "error_code", doc.Job.ErrorCode,
				"error", doc.Job.ErrorMessage, "retry", doc.Job.RetryCount)
			return nil
		}
		time.Sleep(200 * time.Millisecond)
	}
	log.Error("mediaconvert job ended but its end cannot be recorded; it will run again", "status", doc.Job.Status, "err", err)
	return fmt.Errorf("%w: %v", errInterrupted, err)
}

// leave gives up a job that did not end here (shutdown, revoked
// partition, taken over): unless another runner holds it, its lease is
// released so that the next runner starts at once.
func (s *slot) leave(doc *JobDoc, cause error, log *slog.Logger) error {
	log.Warn("mediaconvert job interrupted; it will run again", "reason", fmt.Sprint(cause))
	if !errors.Is(cause, errLostOwnership) {
		doc.Owner, doc.Renewed = "", time.Time{}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := s.r.cfg.Jobs.Put(ctx, *doc); err != nil {
			log.Warn("mediaconvert job lease not released; the next runner waits for it to expire", "err", err)
		}
	}
	return fmt.Errorf("%w: %v", errInterrupted, cause)
}

// watch keeps a running job's document: progress and lease every
// ProgressInterval (status and phase changes at once), and checks whether
// the job must stop.
type watch struct {
	s         *slot
	sync      bool
	submitted time.Time
	log       *slog.Logger
	changed   chan struct{}

	mu          sync.Mutex
	doc         JobDoc
	lastPercent int
}

// progress is the transcoder's callback: it must not block. The job's end
// is not written here: the run decides what it means.
func (w *watch) progress(j transcode.Job) {
	if j.Status.Done() {
		return
	}
	w.mu.Lock()
	prev := w.doc.Job
	w.doc.Job = j
	step := j.JobPercentComplete/10 != w.lastPercent/10
	w.lastPercent = j.JobPercentComplete
	w.mu.Unlock()
	if j.Status != prev.Status || j.CurrentPhase != prev.CurrentPhase || step {
		w.log.Info("mediaconvert job progress", "status", j.Status, "phase", j.CurrentPhase, "percent", j.JobPercentComplete)
		select {
		case w.changed <- struct{}{}:
		default:
		}
	}
}

// last is the job as it last progressed.
func (w *watch) last() transcode.Job {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.doc.Job
}

func (w *watch) loop(ctx context.Context, cancel context.CancelCauseFunc) {
	t := time.NewTicker(w.s.r.cfg.ProgressInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-w.changed:
			w.write(ctx)
		case <-t.C:
			if why := w.mustStop(ctx); why != nil {
				cancel(why)
				return
			}
			w.write(ctx)
		}
	}
}

// write stores the job's latest state with a renewed lease.
func (w *watch) write(ctx context.Context) {
	w.mu.Lock()
	w.doc.Renewed = w.s.r.cfg.Now().UTC()
	doc := w.doc
	w.mu.Unlock()
	if err := w.s.r.cfg.Jobs.Put(ctx, doc); err != nil && ctx.Err() == nil {
		w.log.Warn("mediaconvert job progress not recorded", "err", err)
	}
}

// mustStop says why the job must stop now, if it must: another runner
// took it over, CancelJob asked, or nobody checks on a .sync job any more.
// A job store that cannot be read stops nothing.
func (w *watch) mustStop(ctx context.Context) error {
	cfg := &w.s.r.cfg
	w.mu.Lock()
	owner, id := w.doc.Owner, w.doc.Job.Id
	w.mu.Unlock()
	if d, err := cfg.Jobs.Get(ctx, id); err == nil && d.Owner != owner {
		return errLostOwnership
	}
	if yes, err := cfg.Jobs.CancelRequested(ctx, id); err == nil && yes {
		return errCancelRequested
	}
	if !w.sync {
		return nil
	}
	last, ok, err := cfg.Jobs.LastWatched(ctx, id)
	if err != nil {
		return nil
	}
	if !ok || last.Before(w.submitted) {
		last = w.submitted
	}
	if cfg.Now().Sub(last) > cfg.AbandonAfter {
		return errAbandoned
	}
	return nil
}
