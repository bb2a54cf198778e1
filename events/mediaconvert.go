package events

import (
	"encoding/json"
	"time"
)

// MediaConvertJob is a MediaConvert job to run: written by the
// aws.mediaconvert service worker when a createJob Task submits a job (in
// the Task's transaction, so exactly once per accepted job), and consumed
// by the job runners, one job at a time, its offset committed only when
// the job has ended. A runner that dies mid-job leaves the offset
// uncommitted, so the job is delivered again, to another runner. Keyed by
// JobId on the MediaConvert jobs topic.
type MediaConvertJob struct {
	// JobId is MediaConvert's job id (<unix ms>-<6 base36>).
	JobId string `json:"JobId"`
	// Request is the CreateJob request, as the Task's parameters had it.
	Request json.RawMessage `json:"Request"`
	// Job is the SUBMITTED Job that CreateJob answered.
	Job json.RawMessage `json:"Job"`
	// Sync is set when a .sync Task waits on the job: a job nobody checks
	// on any more (the execution stopped) is cancelled.
	Sync bool `json:"Sync,omitempty"`
	// Deadline, when set, is when the Task times out: the job is cancelled
	// then.
	Deadline *time.Time `json:"Deadline,omitempty"`
	// ExecutionId and TaskId name the Task that submitted the job.
	ExecutionId string    `json:"ExecutionId"`
	TaskId      string    `json:"TaskId"`
	Submitted   time.Time `json:"Submitted"`
}

func (MediaConvertJob) EventType() string { return "MediaConvertJob" }

func init() {
	register(KindCommand, 1, func() Payload { return &MediaConvertJob{} })
}
