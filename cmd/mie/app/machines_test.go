package app

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/kafkatest"
)

// definition reads a testdata definition with its ${VARIABLES} set.
func definition(t *testing.T, file string, vars map[string]string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/" + file)
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	for k, v := range vars {
		s = strings.ReplaceAll(s, "${"+k+"}", v)
	}
	if i := strings.Index(s, "${"); i >= 0 {
		t.Fatalf("%s: %s is not set", file, s[i:i+20])
	}
	return []byte(s)
}

// lambdaFailing answers Lambda's invoke contract with a function error.
func lambdaFailing(msg string) *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Amz-Function-Error", "Unhandled")
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"errorType":"MetadataError","errorMessage":"` + msg + `"}`))
	}))
}

// TestMachineUsesTheIntegrations runs the reference workflow's job-table
// states as written (the metadata Lambda fails, so the Parallel state's
// Catch records the failure in the table), then publishes a notification,
// puts an event, reads the job back, reports it over HTTP, and has a
// conditional write refused and caught.
func TestMachineUsesTheIntegrations(t *testing.T) {
	h := newHarness(t)
	a := h.start("a", Roles{API: true, Executor: true, Worker: true})
	db, ctx := dynamoClient(a), ctxT(t)
	createJobsTable(t, ctx, db, "video-workflow-jobs-t1")
	const topicArn = "arn:aws:sns:us-east-1:000000000000:video-workflow-notifications-t1"
	createTopic(t, a, "video-workflow-notifications-t1")
	lambda := lambdaFailing("ffprobe could not read talk.mp4")
	defer lambda.Close()
	if _, err := a.DefinitionService.PutFunction(ctx, events.Function{Name: "video-metadata-extractor-t1", Implementation: lambda.URL}); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var reports []string
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		reports = append(reports, string(b))
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"ack":true}`))
	}))
	defer hook.Close()
	def := definition(t, "job-failure.asl.json", map[string]string{
		"OUTPUT_BUCKET": "out", "ARCHIVE_BUCKET": "archive", "JOBS_TABLE": "video-workflow-jobs-t1",
		"METADATA_LAMBDA_ARN": "arn:aws:lambda:us-east-1:000000000000:function:video-metadata-extractor-t1",
		"SNS_TOPIC_ARN":       topicArn, "HOOK_URL": hook.URL + "/jobs"})
	notes := kafkatest.Client(t, a.kafka, a.cat.Notifications())
	buses := kafkatest.Client(t, a.kafka, a.cat.EventBus())

	id := startRun(t, a, "video-processing-workflow", string(def), `{"jobId":"job-42","bucket":"src","key":"talk.mp4"}`)
	run := waitRun(t, a, id, time.Minute).Run
	if run.Status != "SUCCEEDED" {
		t.Fatalf("execution %s: %s %s", run.Status, run.Error, run.Cause)
	}
	var out struct {
		Notification struct{ MessageId string }
		Event        struct{ FailedEntryCount int }
		Job          struct{ Status, Details string }
		Report       struct {
			Code int
			Ack  bool
		}
		Claim struct{ Error, Cause string }
	}
	if err := json.Unmarshal(run.Output, &out); err != nil {
		t.Fatal(err)
	}
	if out.Job.Status != "FAILED_PROCESSING" || !strings.Contains(out.Job.Details, "ffprobe could not read talk.mp4") {
		t.Errorf("the job as the machine read it = %+v", out.Job)
	}
	if out.Notification.MessageId == "" || out.Event.FailedEntryCount != 0 || out.Report.Code != 200 || !out.Report.Ack {
		t.Errorf("output = %s", run.Output)
	}
	if out.Claim.Error != "DynamoDB.ConditionalCheckFailedException" {
		t.Errorf("the refused claim = %+v", out.Claim)
	}
	checkJobFailed(t, ctx, db)
	_, p, _ := events.DecodeRecord(kafkatest.Collect(t, notes, 1)[0])
	if n := p.(*events.NotificationPublished); n.Message != "Video processing failed for job job-42" || n.MessageId != out.Notification.MessageId {
		t.Errorf("notification = %+v", n)
	}
	_, p, _ = events.DecodeRecord(kafkatest.Collect(t, buses, 1)[0])
	if e := p.(*events.BusEventPut); e.DetailType != "Job Failed" || !strings.Contains(string(e.Detail), "job-42") {
		t.Errorf("event = %+v", e)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(reports) != 1 || reports[0] != `{"jobId":"job-42","status":"FAILED_PROCESSING"}` {
		t.Errorf("reports = %v", reports)
	}
	validateTopics(t, a)
}

// checkJobFailed reads, as a DynamoDB client does, what the machine wrote
// to the job table.
func checkJobFailed(t *testing.T, ctx context.Context, db *dynamodb.Client) {
	t.Helper()
	got, err := db.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String("video-workflow-jobs-t1"),
		Key: map[string]types.AttributeValue{"JobId": s("job-42")}, ConsistentRead: aws.Bool(true)})
	if err != nil {
		t.Fatal(err)
	}
	for attr, want := range map[string]string{"JobStatus": "FAILED_PROCESSING", "SourceBucket": "src", "SourceKey": "talk.mp4"} {
		if v, _ := got.Item[attr].(*types.AttributeValueMemberS); v == nil || v.Value != want {
			t.Errorf("%s = %v, want %s", attr, got.Item[attr], want)
		}
	}
	for _, attr := range []string{"CreatedAt", "FailedAt", "ErrorDetails"} {
		if v, _ := got.Item[attr].(*types.AttributeValueMemberS); v == nil || v.Value == "" {
			t.Errorf("%s is not set: %v", attr, got.Item)
		}
	}
}

// createTopic defines a notification topic through the engine's own
// record (SNS's API defines them for clients).
func createTopic(t *testing.T, a *App, name string) {
	t.Helper()
	env, err := events.New("sns/topic/"+name, "test", &events.TopicCreated{Topic: events.NotificationTopic{
		Name: name, TopicArn: "arn:aws:sns:us-east-1:000000000000:" + name, Created: time.Now().UTC()}})
	if err != nil {
		t.Fatal(err)
	}
	rec, _ := env.Record(a.cat.Resources())
	if err := a.client.ProduceSync(t.Context(), rec).FirstErr(); err != nil {
		t.Fatal(err)
	}
}
