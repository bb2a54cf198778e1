package app

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/mie-kafka/mie/api/triggers"
	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/view"
)

// archiveMachine is the reference's archive step twice: a copy that
// works, and its ArchiveSource, whose CopySource is built from the jobId
// and so names a bucket that does not exist; its Catch takes the error.
const archiveMachine = `{
  "StartAt": "InitializeJob",
  "States": {
    "InitializeJob": {"Type": "Pass", "Parameters": {"jobId.$": "$.jobId", "bucket.$": "$.bucket", "key.$": "$.key"}, "Next": "Archive"},
    "Archive": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:s3:copyObject",
      "Parameters": {"Bucket": "video-archive", "CopySource.$": "States.Format('{}/{}', $.bucket, $.key)", "Key.$": "States.Format('archived/{}', $.key)"},
      "ResultPath": "$.archive", "Next": "ArchiveSource"},
    "ArchiveSource": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:s3:copyObject",
      "Parameters": {"Bucket": "video-archive", "CopySource.$": "States.Format('{}/{}', $.jobId, $.key)", "Key.$": "States.Format('archived/{}/{}', $.jobId, $.key)"},
      "Next": "WorkflowSuccess",
      "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "WorkflowSuccess", "ResultPath": "$.archiveError"}]},
    "WorkflowSuccess": {"Type": "Pass", "End": true}
  }
}`

func s3Client(a *App) *awss3.Client {
	return awss3.New(awss3.Options{Region: "us-east-1", BaseEndpoint: aws.String(a.S3URL()), UsePathStyle: true,
		Credentials: credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", "")})
}

func md5hex(b []byte) string {
	sum := md5.Sum(b)
	return hex.EncodeToString(sum[:])
}

// An object PUT through the S3 endpoint starts its trigger's state
// machine, whose aws-sdk:s3 Tasks copy it (the copy the reference's
// ArchiveSource makes fails with S3.NoSuchBucketException and is caught);
// the copy a Task wrote starts the archive bucket's trigger through the
// objects topic; the same bytes again start nothing.
func TestS3EndpointTriggersStateMachine(t *testing.T) {
	h := newHarness(t)
	h.configure = func(c *Config) {
		c.Operators = append(c.Operators, "aws.s3")
		c.S3APIAddr = "127.0.0.1:0"
	}
	a := h.start("s3", Roles{API: true, Executor: true, Worker: true})
	ctx := t.Context()
	c := s3Client(a)
	for _, b := range []string{"video-source", "video-archive"} {
		if _, err := c.CreateBucket(ctx, &awss3.CreateBucketInput{Bucket: aws.String(b)}); err != nil {
			t.Fatal(err)
		}
	}
	must(t, a, http.StatusOK, "POST", "/workflow/trigger", map[string]any{
		"Name": "VideoWorkflowTrigger", "Bucket": "video-source", "Suffix": ".mp4", "StateMachine": "video-processing",
		"Input":      map[string]any{"jobId.$": "States.UUID()", "bucket.$": "$.detail.bucket.name", "key.$": "$.detail.object.key", "requestedAt.$": "$.time"},
		"Definition": json.RawMessage(archiveMachine)}, nil)
	must(t, a, http.StatusOK, "POST", "/workflow/trigger", map[string]any{
		"Name": "Archived", "Bucket": "video-archive", "Prefix": "archived/", "StateMachine": "archived", "EventFormat": "S3",
		"Definition": json.RawMessage(`{"StartAt":"Done","States":{"Done":{"Type":"Pass","End":true}}}`)}, nil)
	must(t, a, http.StatusBadRequest, "POST", "/workflow/trigger", map[string]any{
		"Name": "bad", "StateMachine": "x", "Input": map[string]any{"a.$": "States.Nope()"}}, nil)

	video := bytes.Repeat([]byte("not really a video "), 1000)
	if _, err := c.PutObject(ctx, &awss3.PutObjectInput{Bucket: aws.String("video-source"), Key: aws.String("talk.mp4"),
		Body: bytes.NewReader(video)}); err != nil {
		t.Fatal(err)
	}
	ev := &events.ObjectCreated{Bucket: "video-source", Key: "talk.mp4", ETag: md5hex(video)}
	x := waitRun(t, a, triggers.ExecutionID("VideoWorkflowTrigger", ev), 60*time.Second)
	if x.Run.Status != "SUCCEEDED" || x.Trigger.Source != events.ObjectSourceS3 || x.Trigger.Rule != "VideoWorkflowTrigger" {
		t.Fatalf("run = %s %s %s, trigger %+v", x.Run.Status, x.Run.Error, x.Run.Cause, x.Trigger)
	}
	var out struct {
		JobID        string `json:"jobId"`
		Archive      struct{ CopyObjectResult struct{ ETag string } }
		ArchiveError struct{ Error, Cause string } `json:"archiveError"`
	}
	if err := json.Unmarshal(x.Run.Output, &out); err != nil {
		t.Fatal(err)
	}
	if out.Archive.CopyObjectResult.ETag != `"`+md5hex(video)+`"` || out.ArchiveError.Error != "S3.NoSuchBucketException" ||
		len(out.JobID) != 36 || !strings.Contains(out.ArchiveError.Cause, "Status Code: 404") {
		t.Fatalf("output = %s", x.Run.Output)
	}
	head, err := c.HeadObject(ctx, &awss3.HeadObjectInput{Bucket: aws.String("video-archive"), Key: aws.String("archived/talk.mp4")})
	if err != nil || aws.ToInt64(head.ContentLength) != int64(len(video)) {
		t.Fatalf("the archived copy: %v, %v", head, err)
	}
	// The Task's copy is an object created too: its trigger ran.
	copied := &events.ObjectCreated{Bucket: "video-archive", Key: "archived/talk.mp4", ETag: md5hex(video)}
	y := waitRun(t, a, triggers.ExecutionID("Archived", copied), 60*time.Second)
	var records struct {
		Records []struct {
			EventName string
			S3        struct{ Object struct{ Key string } } `json:"s3"`
		}
	}
	if err := json.Unmarshal(y.Run.Input, &records); err != nil || len(records.Records) != 1 ||
		records.Records[0].EventName != "ObjectCreated:Copy" || records.Records[0].S3.Object.Key != "archived/talk.mp4" || y.Trigger.Source != events.ObjectSourceTask {
		t.Fatalf("the archive trigger's run: input %s, trigger %+v, %v", y.Run.Input, y.Trigger, err)
	}
	// The same bytes again: the same execution, which exists.
	if _, err := c.PutObject(ctx, &awss3.PutObjectInput{Bucket: aws.String("video-source"), Key: aws.String("talk.mp4"),
		Body: bytes.NewReader(video)}); err != nil {
		t.Fatal(err)
	}
	fired := a.Triggers.Fire(ctx, ev)
	if len(fired) != 1 || !fired[0].Existing || fired[0].ExecutionId != x.Id {
		t.Fatalf("firing the same object again = %+v", fired)
	}
	list, err := a.Commands.Executions(ctx, view.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 {
		t.Fatalf("%d executions, want 2 (one per rule and object)", len(list))
	}
}
