package videoworkflow

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/mie-kafka/mie/internal/problem"
)

// PublishInput is what PublishContent passes. Outputs and QualityResults
// are carried as given (the row keeps Outputs).
type PublishInput struct {
	JobID          string          `json:"jobId"`
	Outputs        json.RawMessage `json:"outputs"`
	QualityResults json.RawMessage `json:"qualityResults,omitempty"`
	QualityPassed  bool            `json:"qualityPassed"`
}

// PublishOutput is the Lambda's result.
type PublishOutput struct {
	StatusCode int    `json:"statusCode"`
	JobID      string `json:"jobId"`
	Status     string `json:"status"` // PUBLISHED or FAILED_QC
	Message    string `json:"message"`
}

// The statuses the publisher writes.
const (
	StatusPublished = "PUBLISHED"
	StatusFailedQC  = "FAILED_QC"
)

// PublishPlan is what MediaPublish does, worked out without doing it: the
// jobs-table update, the notification, and the result.
type PublishPlan struct {
	Update       TableUpdate
	Notification Notification
	Output       PublishOutput
}

// PlanPublish builds the reference publisher's table update and
// notification: with qualityPassed, JobStatus PUBLISHED, PublishedAt and
// OutputLocations, and "Video processing completed successfully for job
// <id>" under "Video Processing Success"; otherwise JobStatus FAILED_QC,
// FailedAt and FailureReason "Quality control validation failed", and
// "Video processing failed quality control for job <id>" under "Video
// Processing Quality Control Failed". Timestamps are now, in the
// Lambda's datetime.utcnow().isoformat() form.
func PlanPublish(in PublishInput, table, topicArn string, now time.Time) PublishPlan {
	ts := isoformat(now)
	u := TableUpdate{TableName: table, Key: map[string]any{"JobId": in.JobID}}
	var p PublishPlan
	if in.QualityPassed {
		var outputs any
		if len(in.Outputs) > 0 {
			_ = json.Unmarshal(in.Outputs, &outputs)
		}
		u.UpdateExpression = "SET JobStatus = :status, PublishedAt = :timestamp, OutputLocations = :outputs"
		u.ExpressionAttributeValues = map[string]any{":status": StatusPublished, ":timestamp": ts, ":outputs": outputs}
		p.Notification = Notification{TopicArn: topicArn, Subject: "Video Processing Success",
			Message: fmt.Sprintf("Video processing completed successfully for job %s", in.JobID)}
		p.Output.Status = StatusPublished
	} else {
		u.UpdateExpression = "SET JobStatus = :status, FailedAt = :timestamp, FailureReason = :reason"
		u.ExpressionAttributeValues = map[string]any{":status": StatusFailedQC, ":timestamp": ts,
			":reason": "Quality control validation failed"}
		p.Notification = Notification{TopicArn: topicArn, Subject: "Video Processing Quality Control Failed",
			Message: fmt.Sprintf("Video processing failed quality control for job %s", in.JobID)}
		p.Output.Status = StatusFailedQC
	}
	p.Update = u
	p.Output.StatusCode, p.Output.JobID, p.Output.Message = 200, in.JobID, p.Notification.Message
	return p
}

// MediaPublish updates the job's row and publishes the notification, in
// that order (as the Lambda does), through the configured Table and
// Notifier.
func (f *Functions) MediaPublish(ctx context.Context, in PublishInput) (*PublishOutput, error) {
	if in.JobID == "" {
		return nil, problem.Invalid("jobId", "required")
	}
	if f.cfg.Table == nil || f.cfg.Notifier == nil {
		return nil, errors.New("videoworkflow: MediaPublish needs Config.Table and Config.Notifier")
	}
	p := PlanPublish(in, f.cfg.JobsTable, f.cfg.TopicArn, f.cfg.Now())
	if err := f.cfg.Table.UpdateItem(ctx, p.Update); err != nil {
		return nil, fmt.Errorf("updating job %s in %s: %w", in.JobID, f.cfg.JobsTable, err)
	}
	if err := f.cfg.Notifier.Publish(ctx, p.Notification); err != nil {
		return nil, fmt.Errorf("notifying %s: %w", f.cfg.TopicArn, err)
	}
	return &p.Output, nil
}
