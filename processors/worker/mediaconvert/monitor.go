package mediaconvert

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/mie-kafka/mie/internal/asl/failure"
	"github.com/mie-kafka/mie/internal/media/transcode"
	"github.com/mie-kafka/mie/internal/problem"
	"github.com/mie-kafka/mie/processors/worker"
)

// check is a .sync Task's MonitorState: the job, and what the last check
// saw of it (so the execution's history shows the job's progress).
type check struct {
	JobId              string              `json:"JobId"`
	Status             transcode.JobStatus `json:"Status"`
	CurrentPhase       transcode.JobPhase  `json:"CurrentPhase,omitempty"`
	JobPercentComplete int                 `json:"JobPercentComplete"`
	// CheckedAt is when (Unix ms) the check saw the job.
	CheckedAt int64 `json:"CheckedAt"`
}

func checkState(j *transcode.Job, now time.Time) check {
	return check{JobId: j.Id, Status: j.Status, CurrentPhase: j.CurrentPhase, JobPercentComplete: j.JobPercentComplete,
		CheckedAt: now.UnixMilli()}
}

// storeRetry is how soon a check that could not read the job store is
// delivered again (a deferral, using no retry of the Task).
const storeRetry = 2 * time.Second

// Monitor implements worker.Monitor: one check of a .sync job. It records
// that the job is watched (see Runner.AbandonAfter), then answers with the
// job's end, or Executing with its progress.
func (s *Service) Monitor(ctx context.Context, t *worker.Task) (worker.Result, error) {
	var st check
	if err := json.Unmarshal(t.MonitorState, &st); err != nil || st.JobId == "" {
		return worker.Failed(ErrUnsupported, fmt.Sprintf("invalid MonitorState %q: want {\"JobId\": ...}", t.MonitorState)), nil
	}
	now := s.cfg.Now().UTC()
	d, err := s.cfg.Jobs.Get(ctx, st.JobId)
	if errors.Is(err, problem.ErrNotFound) {
		return worker.Failed(ErrNotFound, fmt.Sprintf("The job %s was not found", st.JobId)), nil
	}
	if err != nil {
		return worker.Deferred(storeRetry, err.Error()), nil
	}
	if err := s.cfg.Jobs.Watched(ctx, st.JobId, now); err != nil {
		return worker.Deferred(storeRetry, err.Error()), nil
	}
	j := d.Job
	switch j.Status {
	case transcode.StatusComplete:
		return worker.Returned(map[string]any{"Job": j}), nil
	case transcode.StatusError:
		return jobFailed(j), nil
	case transcode.StatusCanceled:
		if d.Canceled == CanceledTimeout {
			return worker.Failed(failure.Timeout, fmt.Sprintf("the Task's TimeoutSeconds passed: job %s was canceled", j.Id)), nil
		}
		return jobFailed(j), nil
	}
	next := s.nextCheck(&j, st, now)
	s.log.Debug("mediaconvert job checked", "job", j.Id, "status", j.Status, "phase", j.CurrentPhase,
		"percent", j.JobPercentComplete, "next_check", next)
	return worker.Executing(checkState(&j, now), next), nil
}

// nextCheck is when to look again, within MinCheck and MaxCheck: half
// the job's estimated remaining time (from its progress since the last
// check, else since it started), and never more than a quarter of how
// long it has waited or run, so that a poor estimate costs at most a
// quarter of the job's time.
func (s *Service) nextCheck(j *transcode.Job, last check, now time.Time) time.Duration {
	since := j.CreatedAt.Time
	if j.Timing.StartTime != nil {
		since = j.Timing.StartTime.Time
	}
	elapsed := max(now.Sub(since), 0)
	wait := elapsed / 4
	if p := j.JobPercentComplete; j.Status == transcode.StatusProgressing && p > 0 && p < 100 {
		remaining := elapsed * time.Duration(100-p) / time.Duration(p)
		if dp, dt := p-last.JobPercentComplete, now.Sub(time.UnixMilli(last.CheckedAt)); last.CheckedAt > 0 && dp > 0 && dt > 0 {
			remaining = dt * time.Duration(100-p) / time.Duration(dp)
		}
		wait = min(wait, remaining/2)
	}
	return min(max(wait, s.cfg.MinCheck), s.cfg.MaxCheck)
}
