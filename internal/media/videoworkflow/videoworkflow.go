// Package videoworkflow implements the three Lambda functions of the
// reference video workflow (a Step Functions state machine that
// transcodes with MediaConvert, then checks and publishes the outputs) as
// Go functions with the same inputs and outputs, so the state machine runs
// unchanged:
//
//   - MediaMetadata: {bucket, key, jobId} -> {statusCode, metadata, jobId};
//     the machine's ProcessingComplete reads $[0].metadata. The metadata
//     is ffprobe's, not the reference's placeholder.
//   - MediaQualityControl: {jobId, outputs, metadata} -> {statusCode,
//     qualityResults, qualityScore, passed, jobId}; QualityDecision reads
//     $.passed, PublishContent $.outputs and $.qualityResults. The checks
//     are real (package qc): every output decodes, lasts as long as the
//     source, has its resolution, is neither black nor silent, HLS
//     segments exist.
//   - MediaPublish: {jobId, outputs, qualityResults, qualityPassed} ->
//     {statusCode, jobId, status, message}, through a TableUpdater (the
//     jobs table) and a Notifier (the SNS topic) the caller provides.
//
// The reference Lambdas catch every exception and return statusCode 500
// with the message; these return a Go error instead, so the state
// machine's Retry and Catch (States.TaskFailed, States.ALL) apply. A bad
// output is not an error: it is a failed check and passed=false.
package videoworkflow

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/mie-kafka/mie/internal/media/qc"
	"github.com/mie-kafka/mie/internal/objectstore"
)

// TableUpdate is a DynamoDB-style UpdateItem on the jobs table, as the
// reference Lambdas issue it through boto3 (attribute values are plain
// JSON values: strings, numbers, booleans, lists, maps).
type TableUpdate struct {
	TableName                 string         `json:"TableName"`
	Key                       map[string]any `json:"Key"`
	UpdateExpression          string         `json:"UpdateExpression"`
	ExpressionAttributeValues map[string]any `json:"ExpressionAttributeValues"`
}

// TableUpdater updates a row of the jobs table.
type TableUpdater interface {
	UpdateItem(ctx context.Context, u TableUpdate) error
}

// Notification is an SNS-style message.
type Notification struct {
	TopicArn string `json:"TopicArn"`
	Subject  string `json:"Subject"`
	Message  string `json:"Message"`
}

// Notifier publishes a notification.
type Notifier interface {
	Publish(ctx context.Context, n Notification) error
}

// Config configures the functions.
type Config struct {
	// Store holds the source and the outputs. Required.
	Store objectstore.Store
	// Table receives the rows the Lambdas write (JOBS_TABLE). Required by
	// MediaPublish; MediaMetadata and MediaQualityControl write their rows
	// when it is set.
	Table TableUpdater
	// JobsTable is the table's name (the Lambdas' JOBS_TABLE).
	JobsTable string
	// Notifier and TopicArn (SNS_TOPIC_ARN) are required by MediaPublish.
	Notifier Notifier
	TopicArn string
	// WorkDir holds downloaded objects while they are checked; default
	// os.TempDir().
	WorkDir string
	// QC holds the quality-control thresholds.
	QC qc.Config
	// Now is the clock for the rows' timestamps; default time.Now.
	Now func() time.Time
}

// Validate reports every problem with the configuration.
func (c *Config) Validate() error {
	var errs []error
	if c.Store == nil {
		errs = append(errs, errors.New("videoworkflow: Config.Store is required"))
	}
	if c.Notifier != nil && c.TopicArn == "" {
		errs = append(errs, errors.New("videoworkflow: Config.TopicArn is required with a Notifier"))
	}
	if c.Table != nil && c.JobsTable == "" {
		errs = append(errs, errors.New("videoworkflow: Config.JobsTable is required with a Table"))
	}
	return errors.Join(errs...)
}

// Functions are the three functions.
type Functions struct {
	cfg Config
	qc  *qc.Checker
}

// New checks the configuration and finds ffmpeg (ffmpeg.ErrNotInstalled
// when it is missing).
func New(cfg Config) (*Functions, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	checker, err := qc.New(cfg.QC)
	if err != nil {
		return nil, fmt.Errorf("videoworkflow: %w", err)
	}
	return &Functions{cfg: cfg, qc: checker}, nil
}

// isoformat is Python's datetime.utcnow().isoformat(), which the Lambdas
// write their timestamps with.
func isoformat(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000000") }

// update writes a row when a table is configured.
func (f *Functions) update(ctx context.Context, jobID, expr string, values map[string]any) error {
	if f.cfg.Table == nil {
		return nil
	}
	err := f.cfg.Table.UpdateItem(ctx, TableUpdate{TableName: f.cfg.JobsTable, Key: map[string]any{"JobId": jobID},
		UpdateExpression: expr, ExpressionAttributeValues: values})
	if err != nil {
		return fmt.Errorf("updating job %s in %s: %w", jobID, f.cfg.JobsTable, err)
	}
	return nil
}
