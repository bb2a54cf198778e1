package mediaconvert

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/mie-kafka/mie/internal/media/transcode"
	"github.com/mie-kafka/mie/internal/objectstore"
	"github.com/mie-kafka/mie/internal/problem"
)

// Jobs keeps MediaConvert jobs as JSON documents in the object store, so
// that every worker of a cluster sees them (GetJob, .sync checks) and a
// job outlives the runner that runs it. Under Prefix (default
// "mediaconvert/") in Bucket:
//
//	jobs/<Id>.json      the job: MediaConvert's Job, its runner's lease
//	jobs/<Id>.watched   when a .sync Task last checked on the job
//	jobs/<Id>.cancel    a CancelJob request
//	tasks/<TaskId>.json the job a Task attempt submitted (idempotence)
//
// Each document has one writer at a time (the job's runner, the checking
// Task, CancelJob, the submitting Task), and a Put replaces a document
// whole, so readers never see half a write.
type Jobs struct {
	Store  objectstore.Store
	Bucket string
	Prefix string
}

// JobDoc is a stored job.
type JobDoc struct {
	Job transcode.Job `json:"Job"`
	// Owner is the run that holds the job, Worker the instance running it,
	// Renewed when the run last said it is alive: a run whose lease is
	// older than the runner's LeaseTimeout is dead.
	Owner   string    `json:"Owner,omitempty"`
	Worker  string    `json:"Worker,omitempty"`
	Renewed time.Time `json:"Renewed,omitzero"`
	// Sync is set when a .sync Task waits on the job.
	Sync bool `json:"Sync,omitempty"`
	// Canceled says why a CANCELED job was cancelled.
	Canceled CancelReason `json:"Canceled,omitempty"`
}

// CancelReason is why a job was cancelled.
type CancelReason string

// Why jobs are cancelled.
const (
	CanceledByRequest CancelReason = "CancelJob"     // cancelJob asked
	CanceledTimeout   CancelReason = "TaskTimedOut"  // its Task's TimeoutSeconds passed
	CanceledAbandoned CancelReason = "NobodyWaiting" // no .sync check for AbandonAfter
)

func (r CancelReason) String() string { return string(r) }

func (j *Jobs) prefix() string {
	if j.Prefix == "" {
		return "mediaconvert/"
	}
	return j.Prefix
}

func (j *Jobs) jobKey(id, ext string) string { return j.prefix() + "jobs/" + id + ext }

// Get reads a job; a missing one wraps problem.ErrNotFound.
func (j *Jobs) Get(ctx context.Context, id string) (JobDoc, error) {
	var d JobDoc
	err := j.read(ctx, j.jobKey(id, ".json"), &d)
	return d, err
}

// Put writes a job.
func (j *Jobs) Put(ctx context.Context, d JobDoc) error {
	return j.write(ctx, j.jobKey(d.Job.Id, ".json"), d)
}

type stamp struct {
	At time.Time `json:"At"`
}

// Watched records that a .sync Task checked on the job at t.
func (j *Jobs) Watched(ctx context.Context, id string, t time.Time) error {
	return j.write(ctx, j.jobKey(id, ".watched"), stamp{At: t})
}

// LastWatched is when a .sync Task last checked on the job; ok is false
// when none has.
func (j *Jobs) LastWatched(ctx context.Context, id string) (t time.Time, ok bool, err error) {
	return j.stamp(ctx, j.jobKey(id, ".watched"))
}

// RequestCancel records a CancelJob request.
func (j *Jobs) RequestCancel(ctx context.Context, id string, t time.Time) error {
	return j.write(ctx, j.jobKey(id, ".cancel"), stamp{At: t})
}

// CancelRequested reports whether CancelJob asked for the job's end.
func (j *Jobs) CancelRequested(ctx context.Context, id string) (bool, error) {
	_, ok, err := j.stamp(ctx, j.jobKey(id, ".cancel"))
	return ok, err
}

type taskJob struct {
	JobId string `json:"JobId"`
}

// TaskJob returns the job a Task attempt submitted, if it did.
func (j *Jobs) TaskJob(ctx context.Context, taskID string) (string, bool, error) {
	var tj taskJob
	err := j.read(ctx, j.prefix()+"tasks/"+taskID+".json", &tj)
	if errors.Is(err, problem.ErrNotFound) {
		return "", false, nil
	}
	return tj.JobId, err == nil, err
}

// SetTaskJob records the job a Task attempt submitted.
func (j *Jobs) SetTaskJob(ctx context.Context, taskID, jobID string) error {
	return j.write(ctx, j.prefix()+"tasks/"+taskID+".json", taskJob{JobId: jobID})
}

func (j *Jobs) stamp(ctx context.Context, key string) (time.Time, bool, error) {
	var s stamp
	err := j.read(ctx, key, &s)
	if errors.Is(err, problem.ErrNotFound) {
		return time.Time{}, false, nil
	}
	return s.At, err == nil, err
}

func (j *Jobs) read(ctx context.Context, key string, v any) error {
	rc, _, err := j.Store.Get(ctx, j.Bucket, key)
	if err != nil {
		return fmt.Errorf("mediaconvert: read %s: %w", key, err)
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, maxDoc))
	if err != nil {
		return fmt.Errorf("mediaconvert: read %s: %w", key, err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("mediaconvert: %s is not a job document: %w", key, err)
	}
	return nil
}

// maxDoc bounds a document read (a Job with its Settings is a few KB).
const maxDoc = 4 << 20

func (j *Jobs) write(ctx context.Context, key string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("mediaconvert: encode %s: %w", key, err)
	}
	if _, err := j.Store.Put(ctx, j.Bucket, key, bytes.NewReader(b), int64(len(b)), "application/json"); err != nil {
		return fmt.Errorf("mediaconvert: write %s: %w", key, err)
	}
	return nil
}
