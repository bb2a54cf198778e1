package mediaconvert

import (
	"testing"
	"time"

	"github.com/mie-kafka/mie/internal/media/transcode"
)

func TestNextCheck(t *testing.T) {
	s := &Service{cfg: Config{MinCheck: 100 * time.Millisecond, MaxCheck: 10 * time.Second}}
	t0 := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
	job := func(status transcode.JobStatus, startedAgo time.Duration, percent int) *transcode.Job {
		j := &transcode.Job{Status: status, CreatedAt: transcode.Timestamp{Time: t0.Add(-time.Hour)}, JobPercentComplete: percent}
		if startedAgo > 0 {
			j.Timing.StartTime = transcode.NewTimestamp(t0.Add(-startedAgo))
		}
		return j
	}
	tests := []struct {
		name string
		job  *transcode.Job
		last check
		want time.Duration
	}{
		{"queued an hour: the longest wait", job(transcode.StatusSubmitted, 0, 0), check{}, 10 * time.Second},
		{"just started: the shortest", job(transcode.StatusProgressing, 200*time.Millisecond, 0), check{}, 100 * time.Millisecond},
		{"40 s in, no progress yet: a quarter", job(transcode.StatusProgressing, 40*time.Second, 0), check{}, 10 * time.Second},
		{"8 s in, half done: a quarter of the run", job(transcode.StatusProgressing, 8*time.Second, 50), check{}, 2 * time.Second},
		{"8 s in at 90%: half the remaining", job(transcode.StatusProgressing, 8*time.Second, 90), check{}, 8 * time.Second * 10 / 90 / 2},
		{"10% in the last second, at 80%: half of 2 s", job(transcode.StatusProgressing, 8*time.Second, 80),
			check{JobPercentComplete: 70, CheckedAt: t0.Add(-time.Second).UnixMilli()}, time.Second},
		{"uploading at 95%, quickly: the shortest", job(transcode.StatusProgressing, 8*time.Second, 95),
			check{JobPercentComplete: 90, CheckedAt: t0.Add(-100 * time.Millisecond).UnixMilli()}, 100 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := s.nextCheck(tt.job, tt.last, t0); got != tt.want {
				t.Errorf("nextCheck = %s, want %s", got, tt.want)
			}
		})
	}
}
