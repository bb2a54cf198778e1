package builtin_test

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/media/ffmpeg"
	"github.com/mie-kafka/mie/internal/media/mediatest"
	"github.com/mie-kafka/mie/internal/media/videoworkflow"
	"github.com/mie-kafka/mie/internal/objectstore"
	"github.com/mie-kafka/mie/processors/worker"
	"github.com/mie-kafka/mie/processors/worker/builtin"
)

// rows and notes record what MediaPublish sends to the jobs table and the
// topic: the DynamoDB-style tables and SNS integrations are not in this
// branch, so these stand in for them behind videoworkflow's interfaces.
type rows struct {
	mu      sync.Mutex
	updates []videoworkflow.TableUpdate
}

func (r *rows) UpdateItem(_ context.Context, u videoworkflow.TableUpdate) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.updates = append(r.updates, u)
	return nil
}

func (r *rows) last() videoworkflow.TableUpdate {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.updates) == 0 {
		return videoworkflow.TableUpdate{}
	}
	return r.updates[len(r.updates)-1]
}

type notes struct {
	mu   sync.Mutex
	sent []videoworkflow.Notification
}

func (n *notes) Publish(_ context.Context, m videoworkflow.Notification) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.sent = append(n.sent, m)
	return nil
}

// functionSet is a definitions source with fixed functions.
type functionSet map[string]events.Function

func (s functionSet) Function(name string) (events.Function, bool) {
	f, ok := s[name]
	return f, ok
}

const topicArn = "arn:aws:sns:us-east-1:123456789012:video-workflow-notifications"

func mediaFunctions(t *testing.T, h *harness, table videoworkflow.TableUpdater, topic videoworkflow.Notifier) map[string]worker.Handler {
	t.Helper()
	reg, err := builtin.MediaFunctions(builtin.MediaFunctionsConfig{Store: h.store, Table: table, Notifier: topic})
	if err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"JOBS_TABLE": "video-jobs", "SNS_TOPIC_ARN": topicArn}
	fns := functionSet{
		"extract": {Name: "extract", Implementation: "builtin:MediaMetadata", Environment: env},
		"check":   {Name: "check", Implementation: "builtin:MediaQualityControl", Environment: env},
		"publish": {Name: "publish", Implementation: "builtin:MediaPublish", Environment: env},
		"publish-no-topic": {Name: "publish-no-topic", Implementation: "builtin:MediaPublish",
			Environment: map[string]string{"JOBS_TABLE": "video-jobs"}},
	}
	out := map[string]worker.Handler{}
	for name, b := range reg {
		out[name] = worker.WithEnvironment(b.Handler, fns)
	}
	return out
}

// output decodes a function's answer.
func output[T any](t *testing.T, res *events.OperatorResult) T {
	t.Helper()
	var v T
	if res.Status != events.ResultComplete {
		t.Fatalf("%s %s %s", res.Status, res.Error, res.Cause)
	}
	if err := json.Unmarshal(res.Output, &v); err != nil {
		t.Fatalf("output %s: %v", res.Output, err)
	}
	return v
}

// TestMediaFunctions runs the three functions as Tasks reach them (a
// Lambda ARN naming a function defined on the built-in), with the
// Environment of their definitions.
func TestMediaFunctions(t *testing.T) {
	mediatest.Tools(t)
	h := newHarness(t)
	table, topic := &rows{}, &notes{}
	fns := mediaFunctions(t, h, table, topic)
	h.clip("source/talk.mp4", mediatest.Clip{Seconds: 4, Width: 320, Height: 240})
	h.clip("source/black.mp4", mediatest.Clip{Seconds: 4, Black: true})

	md := output[videoworkflow.MetadataOutput](t, h.function("extract", "MediaMetadata", fns["MediaMetadata"],
		map[string]string{"bucket": dpBucket, "key": "source/talk.mp4", "jobId": "job-1"}))
	if md.StatusCode != 200 || md.JobID != "job-1" || md.Metadata.Width != 320 || md.Metadata.Height != 240 ||
		md.Metadata.Codec != "h264" || md.Metadata.AudioCodec != "aac" || !near(md.Metadata.Duration, 4, 0.1) {
		t.Errorf("metadata %+v", md)
	}
	if u := table.last(); u.TableName != "video-jobs" || u.Key["JobId"] != "job-1" || !strings.Contains(u.UpdateExpression, "VideoMetadata") {
		t.Errorf("row %+v", u)
	}

	check := func(key string) videoworkflow.QualityControlOutput {
		return output[videoworkflow.QualityControlOutput](t, h.function("check", "MediaQualityControl", fns["MediaQualityControl"],
			map[string]any{"jobId": "job-1", "metadata": md.Metadata,
				"outputs": []map[string]string{{"format": "mp4", "bucket": dpBucket, "key": key}}}))
	}
	if qc := check("source/talk.mp4"); !qc.Passed || qc.QualityScore != 1 {
		t.Errorf("quality of a good clip: %+v", qc)
	}
	if qc := check("source/black.mp4"); qc.Passed || qc.QualityResults[0].Checks["no_black"] {
		t.Errorf("quality of a black clip: %+v", qc)
	}

	pub := output[videoworkflow.PublishOutput](t, h.function("publish", "MediaPublish", fns["MediaPublish"],
		map[string]any{"jobId": "job-1", "outputs": []any{}, "qualityPassed": true}))
	if pub.Status != videoworkflow.StatusPublished {
		t.Errorf("publish %+v", pub)
	}
	if u := table.last(); u.ExpressionAttributeValues[":status"] != "PUBLISHED" {
		t.Errorf("row %+v", u)
	}
	if len(topic.sent) != 1 || topic.sent[0].TopicArn != topicArn || topic.sent[0].Subject != "Video Processing Success" {
		t.Errorf("notifications %+v", topic.sent)
	}

	// Failures, as Lambda errors: errorType and the error document.
	for _, c := range []struct {
		fn, impl string
		in       any
		want     string
	}{
		{"extract", "MediaMetadata", map[string]string{"bucket": dpBucket, "key": "source/none.mp4", "jobId": "j"}, builtin.ErrNoSuchKey},
		{"extract", "MediaMetadata", map[string]string{"bucket": dpBucket, "key": "source/talk.mp4"}, builtin.ErrInvalidInput},
		{"extract", "MediaMetadata", "not an object", builtin.ErrInvalidInput},
		{"publish-no-topic", "MediaPublish", map[string]any{"jobId": "j", "qualityPassed": true}, builtin.ErrInvalidInput},
	} {
		res := h.function(c.fn, c.impl, fns[c.impl], c.in)
		var doc struct{ ErrorType, ErrorMessage string }
		_ = json.Unmarshal([]byte(res.Cause), &doc)
		if res.Status != events.ResultError || res.Error != c.want || doc.ErrorType != c.want || doc.ErrorMessage == "" {
			t.Errorf("%s(%v) = %s %s %s, want %s", c.fn, c.in, res.Status, res.Error, res.Cause, c.want)
		}
	}
	if _, err := h.store.Put(t.Context(), dpBucket, "source/noise.mp4", strings.NewReader(strings.Repeat("noise", 9000)), -1, ""); err != nil {
		t.Fatal(err)
	}
	if res := h.function("extract", "MediaMetadata", fns["MediaMetadata"], map[string]string{"bucket": dpBucket, "key": "source/noise.mp4", "jobId": "j"}); res.Error != builtin.ErrNotMedia {
		t.Errorf("metadata of noise: %s %s", res.Error, res.Cause)
	}
}

// TestMediaFunctionsAsOperators: each function also runs as an MIE
// operator on the asset's media, storing its answer as metadata.
func TestMediaFunctionsAsOperators(t *testing.T) {
	mediatest.Tools(t)
	h := newHarness(t)
	table, topic := &rows{}, &notes{}
	fns := mediaFunctions(t, h, table, topic)
	video := h.clip("source/talk.mp4", mediatest.Clip{Seconds: 3})
	in := map[string]events.MediaObject{"Video": video}

	res := h.operator("MediaMetadata", fns["MediaMetadata"], "a-1", in, nil, nil)
	if res.Status != events.ResultComplete {
		t.Fatalf("%s %s", res.Status, res.Error)
	}
	md, _ := res.MetaData["Metadata"].(map[string]any)
	if md["width"] != 320.0 || md["codec"] != "h264" {
		t.Errorf("MetaData %v", res.MetaData)
	}
	if c := h.changesOf("a-1", 1); c[0].(*events.MetadataStored).OperatorName != "MediaMetadata" {
		t.Errorf("changes %v", c)
	}
	res = h.operator("MediaQualityControl", fns["MediaQualityControl"], "a-1", in, res.MetaData, nil)
	if res.Status != events.ResultComplete || res.MetaData["QualityPassed"] != "true" {
		t.Fatalf("quality control: %s %s %v", res.Status, res.Error, res.MetaData)
	}
	res = h.operator("MediaPublish", fns["MediaPublish"], "a-1", in, res.MetaData,
		map[string]any{"JobsTable": "video-jobs", "TopicArn": topicArn})
	if res.Status != events.ResultComplete || res.MetaData["PublishStatus"] != "PUBLISHED" {
		t.Fatalf("publish: %s %s %v", res.Status, res.Error, res.MetaData)
	}
	if u := table.last(); u.Key["JobId"] != "exec-a-1" || u.ExpressionAttributeValues[":status"] != "PUBLISHED" {
		t.Errorf("row %+v", u)
	}
}

// TestMediaFunctionsWithoutBackends: MediaPublish needs a table and a
// topic backend; without them it fails saying so. Without ffmpeg every
// function fails naming it.
func TestMediaFunctionsWithoutBackends(t *testing.T) {
	store, err := objectstore.NewLocal(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	task := &worker.Task{Name: "publish", Invocation: events.Invocation{Run: 1, Function: "publish",
		Resource: "arn:aws:lambda:us-east-1:123456789012:function:publish", Payload: json.RawMessage(`{"jobId":"j","qualityPassed":true}`)}}
	var reg map[string]builtin.Builtin
	if _, err := ffmpeg.Find(); err == nil {
		reg, err = builtin.MediaFunctions(builtin.MediaFunctionsConfig{Store: store})
		if err != nil {
			t.Fatal(err)
		}
		res, err := reg["MediaPublish"].Handler.(worker.Function).Invoke(t.Context(), task)
		if err != nil || res.Error != builtin.ErrNotConfigured || !strings.Contains(res.Cause, "no jobs table or notification backend") {
			t.Errorf("publish without backends: %+v %v", res, err)
		}
	}
	t.Setenv("PATH", t.TempDir())
	reg, err = builtin.MediaFunctions(builtin.MediaFunctionsConfig{Store: store, Table: &rows{}, Notifier: &notes{}})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range builtin.MediaFunctionNames {
		res, err := reg[name].Handler.(worker.Function).Invoke(t.Context(), task)
		if err != nil || res.Error != builtin.ErrFfmpegNotInstalled || !strings.Contains(res.Cause, "ffmpeg not installed") {
			t.Errorf("%s without ffmpeg: %+v %v", name, res, err)
		}
	}
}
