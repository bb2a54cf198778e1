package videoworkflow_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"math"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mie-kafka/mie/internal/media/mediatest"
	"github.com/mie-kafka/mie/internal/media/probe"
	"github.com/mie-kafka/mie/internal/media/videoworkflow"
	"github.com/mie-kafka/mie/internal/objectstore"
	"github.com/mie-kafka/mie/internal/problem"
)

const (
	source = "video-workflow-source-abc123"
	output = "video-workflow-output-abc123"
	jobID  = "0f8fad5b-d9cb-469f-a165-70867728950e"
)

// table records the rows written, as the lead's jobs table would hold them.
type table struct {
	mu      sync.Mutex
	updates []videoworkflow.TableUpdate
	err     error
}

func (t *table) UpdateItem(_ context.Context, u videoworkflow.TableUpdate) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.updates = append(t.updates, u)
	return t.err
}

type topic struct{ sent []videoworkflow.Notification }

func (t *topic) Publish(_ context.Context, n videoworkflow.Notification) error {
	t.sent = append(t.sent, n)
	return nil
}

var fixedNow = time.Date(2025, 7, 12, 10, 30, 0, 123456000, time.UTC)

type fixture struct {
	store *objectstore.Local
	fn    *videoworkflow.Functions
	table *table
	topic *topic
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	mediatest.Tools(t)
	store, err := objectstore.NewLocal(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	f := &fixture{store: store, table: &table{}, topic: &topic{}}
	f.fn, err = videoworkflow.New(videoworkflow.Config{Store: store, Table: f.table, JobsTable: "video-workflow-jobs-abc123",
		Notifier: f.topic, TopicArn: "arn:aws:sns:us-east-1:123456789012:video-workflow-notifications-abc123",
		WorkDir: t.TempDir(), Now: func() time.Time { return fixedNow }})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *fixture) put(t *testing.T, bucket, key string, body []byte) {
	t.Helper()
	if _, err := f.store.Put(t.Context(), bucket, key, bytes.NewReader(body), int64(len(body)), ""); err != nil {
		t.Fatal(err)
	}
}

func (f *fixture) putClip(t *testing.T, key string, c mediatest.Clip) {
	t.Helper()
	body, err := os.ReadFile(mediatest.Make(t, "", c))
	if err != nil {
		t.Fatal(err)
	}
	f.put(t, source, key, body)
}

func TestMediaMetadata(t *testing.T) {
	f := newFixture(t)
	f.putClip(t, "uploads/talk.mp4", mediatest.Clip{Seconds: 3, Width: 320, Height: 240, FPS: 25, SampleRate: 48000})
	out, err := f.fn.MediaMetadata(t.Context(), videoworkflow.MetadataInput{Bucket: source, Key: "uploads/talk.mp4", JobID: jobID})
	if err != nil {
		t.Fatal(err)
	}
	info, _ := f.store.Stat(t.Context(), source, "uploads/talk.mp4")
	m := out.Metadata
	if out.StatusCode != 200 || out.JobID != jobID || math.Abs(m.Duration-3) > 0.1 || m.Width != 320 || m.Height != 240 ||
		m.FPS != 25 || m.Codec != "h264" || m.AudioCodec != "aac" || m.FileSize != info.Size || m.Bitrate <= 0 ||
		m.AudioChannels != 2 || m.AudioSampleRate != 48000 {
		t.Fatalf("output %+v", out)
	}
	// The JSON the machine reads as $[0].metadata has the Lambda's names.
	var raw map[string]any
	b, _ := json.Marshal(out)
	json.Unmarshal(b, &raw)
	md := raw["metadata"].(map[string]any)
	for _, k := range []string{"duration", "width", "height", "fps", "bitrate", "codec", "audio_codec", "file_size"} {
		if _, ok := md[k]; !ok {
			t.Fatalf("metadata lacks %q: %s", k, b)
		}
	}
	u := f.table.updates[0]
	if u.TableName != "video-workflow-jobs-abc123" || u.Key["JobId"] != jobID ||
		u.UpdateExpression != "SET VideoMetadata = :metadata, MetadataExtractedAt = :timestamp" ||
		u.ExpressionAttributeValues[":timestamp"] != "2025-07-12T10:30:00.123456" {
		t.Fatalf("row %+v", u)
	}
}

func TestMediaMetadataErrors(t *testing.T) {
	f := newFixture(t)
	junk := make([]byte, 4096)
	rand.Read(junk)
	f.put(t, source, "uploads/junk.mp4", junk)
	_, err := f.fn.MediaMetadata(t.Context(), videoworkflow.MetadataInput{Bucket: source, Key: "uploads/junk.mp4", JobID: jobID})
	if !errors.Is(err, probe.ErrNotMedia) || !strings.Contains(err.Error(), "is not a media file") {
		t.Fatalf("junk: %v", err)
	}
	_, err = f.fn.MediaMetadata(t.Context(), videoworkflow.MetadataInput{Bucket: source, Key: "uploads/none.mp4", JobID: jobID})
	if !errors.Is(err, problem.ErrNotFound) {
		t.Fatalf("missing: %v", err)
	}
	_, err = f.fn.MediaMetadata(t.Context(), videoworkflow.MetadataInput{Bucket: source})
	if !errors.Is(err, problem.ErrInvalid) {
		t.Fatalf("no key: %v", err)
	}
	if len(f.table.updates) != 0 {
		t.Fatalf("rows written for failures: %+v", f.table.updates)
	}
}

func TestPlanPublish(t *testing.T) {
	outputs := json.RawMessage(`[{"format":"mp4","bucket":"b","key":"mp4/j/output"}]`)
	ok := videoworkflow.PlanPublish(videoworkflow.PublishInput{JobID: "j1", Outputs: outputs, QualityPassed: true}, "jobs", "arn:t", fixedNow)
	if ok.Update.UpdateExpression != "SET JobStatus = :status, PublishedAt = :timestamp, OutputLocations = :outputs" ||
		ok.Update.ExpressionAttributeValues[":status"] != "PUBLISHED" || ok.Update.Key["JobId"] != "j1" ||
		ok.Update.ExpressionAttributeValues[":outputs"].([]any)[0].(map[string]any)["key"] != "mp4/j/output" ||
		ok.Notification != (videoworkflow.Notification{TopicArn: "arn:t", Subject: "Video Processing Success",
			Message: "Video processing completed successfully for job j1"}) ||
		ok.Output != (videoworkflow.PublishOutput{StatusCode: 200, JobID: "j1", Status: "PUBLISHED", Message: "Video processing completed successfully for job j1"}) {
		t.Fatalf("passed plan %+v", ok)
	}
	bad := videoworkflow.PlanPublish(videoworkflow.PublishInput{JobID: "j1", Outputs: outputs}, "jobs", "arn:t", fixedNow)
	if bad.Update.UpdateExpression != "SET JobStatus = :status, FailedAt = :timestamp, FailureReason = :reason" ||
		bad.Update.ExpressionAttributeValues[":reason"] != "Quality control validation failed" ||
		bad.Update.ExpressionAttributeValues[":status"] != "FAILED_QC" ||
		bad.Notification.Subject != "Video Processing Quality Control Failed" || bad.Output.Status != "FAILED_QC" ||
		bad.Output.Message != "Video processing failed quality control for job j1" {
		t.Fatalf("failed plan %+v", bad)
	}
}

func TestMediaPublish(t *testing.T) {
	f := newFixture(t)
	in := videoworkflow.PublishInput{JobID: jobID, Outputs: json.RawMessage(`[]`), QualityPassed: true}
	out, err := f.fn.MediaPublish(t.Context(), in)
	if err != nil || out.Status != "PUBLISHED" || len(f.table.updates) != 1 || len(f.topic.sent) != 1 {
		t.Fatalf("out %+v, err %v, rows %d, sent %d", out, err, len(f.table.updates), len(f.topic.sent))
	}
	f.table.err = errors.New("table down")
	if _, err := f.fn.MediaPublish(t.Context(), in); err == nil || len(f.topic.sent) != 1 {
		t.Fatalf("a failed row update still notified: %v", err)
	}
}
