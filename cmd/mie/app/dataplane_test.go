package app

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/mie-kafka/mie/events"
)

// raw does one request with a raw body and returns status and body.
func raw(t *testing.T, a *App, method, path, contentType string, body io.Reader) (int, []byte) {
	t.Helper()
	req, _ := http.NewRequest(method, a.URL()+path, body)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

type metadataList struct {
	AssetId  string `json:"asset_id"`
	Metadata []struct {
		Operator   string          `json:"operator"`
		WorkflowId string          `json:"workflow_id"`
		Page       int             `json:"page"`
		Final      bool            `json:"final"`
		Results    json.RawMessage `json:"results"`
	} `json:"metadata"`
	Cursor string `json:"cursor"`
}

type operatorPage struct {
	Operator   string          `json:"operator"`
	WorkflowId string          `json:"workflow_id"`
	Page       int             `json:"page"`
	Final      bool            `json:"final"`
	Results    json.RawMessage `json:"results"`
	Cursor     string          `json:"cursor"`
}

// syncDataplane waits until the data plane projection has read every
// committed change: an operator's metadata commits with its result, before
// its execution completes, but the projections follow their topics
// independently.
func syncDataplane(t *testing.T, a *App) {
	t.Helper()
	if err := a.DataplaneProjection.Sync(t.Context()); err != nil {
		t.Fatal(err)
	}
}

// changeStream follows the dataplane topic in a consumer group of its own,
// as a downstream service would, and collects every change.
type changeStream struct {
	mu      chan struct{}
	changes []events.Envelope
}

func followChanges(t *testing.T, a *App) *changeStream {
	t.Helper()
	cl, err := kgo.NewClient(a.kafka.Opts(
		kgo.ConsumerGroup("independent-"+a.cfg.Instance),
		kgo.ConsumeTopics(a.Catalog().Dataplane()),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()),
		kgo.FetchIsolationLevel(kgo.ReadCommitted()),
	)...)
	if err != nil {
		t.Fatal(err)
	}
	cs := &changeStream{mu: make(chan struct{}, 1)}
	cs.mu <- struct{}{}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			fs := cl.PollFetches(ctx)
			if ctx.Err() != nil {
				return
			}
			fs.EachRecord(func(r *kgo.Record) {
				env, err := events.FromRecord(r)
				if err != nil {
					t.Errorf("undecodable change at %d@%d: %v", r.Partition, r.Offset, err)
					return
				}
				<-cs.mu
				cs.changes = append(cs.changes, env)
				cs.mu <- struct{}{}
			})
		}
	}()
	t.Cleanup(func() { cancel(); <-done; cl.Close() })
	return cs
}

func (cs *changeStream) of(asset string) []string {
	<-cs.mu
	defer func() { cs.mu <- struct{}{} }()
	var out []string
	for _, e := range cs.changes {
		if e.Key == asset {
			out = append(out, e.Type)
		}
	}
	return out
}

// TestDataplaneUploadTriggerMetadataChangeStream is the data plane's
// promise end to end: a video uploaded through the API starts a workflow
// through an upload trigger; its operator stores paged metadata and a
// derived object through the worker runtime; the metadata pages back
// through the API; and an independent consumer of the change stream sees
// every change of the asset, in order.
func TestDataplaneUploadTriggerMetadataChangeStream(t *testing.T) {
	h := newHarness(t)
	a := h.start("dp", Roles{API: true, Executor: true, Worker: true})
	cs := followChanges(t, a)

	defineOperator(t, a, "ObjectInfo", "builtin:ObjectInfo", "Sync", nil)
	defineOperator(t, a, "Echo", "builtin:Passthrough", "Sync", nil)
	defineStage(t, a, "Describe", "ObjectInfo", "Echo")
	defineWorkflow(t, a, "Ingest", "Describe")
	must(t, a, http.StatusOK, "POST", "/workflow/trigger", map[string]any{
		"Name": "videos", "Prefix": "upload/", "Suffix": ".mp4", "MediaType": "Video", "Workflow": "Ingest"}, nil)
	// A second rule that does not match this upload.
	must(t, a, http.StatusOK, "POST", "/workflow/trigger", map[string]any{
		"Name": "images", "Prefix": "upload/", "Suffix": ".jpg", "MediaType": "Image", "Workflow": "Ingest"}, nil)

	video := bytes.Repeat([]byte("\x00\x00\x00\x18ftypmp42 not really a video "), 4096)
	status, body := raw(t, a, "POST", "/dataplane/upload?key=upload/talk.mp4", "video/mp4", bytes.NewReader(video))
	if status != http.StatusOK {
		t.Fatalf("upload: %d %s", status, body)
	}
	var up struct {
		S3Bucket   string `json:"s3_bucket"`
		S3Key      string `json:"s3_key"`
		Size       int64  `json:"size"`
		Executions []struct {
			Trigger, Workflow, Error string
			ExecutionId              string `json:"execution_id"`
		} `json:"executions"`
	}
	if err := json.Unmarshal(body, &up); err != nil {
		t.Fatal(err)
	}
	if up.Size != int64(len(video)) || up.S3Key != "upload/talk.mp4" || len(up.Executions) != 1 ||
		up.Executions[0].Trigger != "videos" || up.Executions[0].ExecutionId == "" {
		t.Fatalf("upload answer: %s", body)
	}
	x := waitStatus(t, a, up.Executions[0].ExecutionId, 30*time.Second, "Complete", "Error")
	if x.Status != "Complete" {
		t.Fatalf("execution ended %s: %s %s", x.Status, x.Message, x.Cause)
	}
	var full struct {
		Trigger events.Trigger `json:"Trigger"`
	}
	must(t, a, http.StatusOK, "GET", "/workflow/execution/"+x.Id, nil, &full)
	if full.Trigger.Source != "upload" || full.Trigger.Rule != "videos" {
		t.Errorf("execution Trigger = %+v, want upload rule videos", full.Trigger)
	}
	asset := x.AssetId
	syncDataplane(t, a)

	// ObjectInfo stored one page per input medium (Echo stores nothing);
	// page through all metadata one item at a time.
	var pages []string
	cursor := ""
	for i := 0; ; i++ {
		var ml metadataList
		path := "/dataplane/metadata/" + asset + "?limit=1"
		if cursor != "" {
			path += "&cursor=" + cursor
		}
		must(t, a, http.StatusOK, "GET", path, nil, &ml)
		for _, m := range ml.Metadata {
			pages = append(pages, fmt.Sprintf("%s/%d/%v", m.Operator, m.Page, m.Final))
			var info struct{ Size int64 }
			if err := json.Unmarshal(m.Results, &info); err != nil || info.Size != int64(len(video)) {
				t.Errorf("ObjectInfo page %d: %s", m.Page, m.Results)
			}
			if m.WorkflowId != x.Id {
				t.Errorf("page workflow_id %q, want %s", m.WorkflowId, x.Id)
			}
		}
		if cursor = ml.Cursor; cursor == "" {
			break
		}
		if i > 10 {
			t.Fatal("cursor never ends")
		}
	}
	if want := "[ObjectInfo/0/true]"; fmt.Sprint(pages) != want {
		t.Fatalf("metadata pages = %v, want %s", pages, want)
	}
	var op operatorPage
	must(t, a, http.StatusOK, "GET", "/dataplane/metadata/"+asset+"/ObjectInfo", nil, &op)
	if op.Page != 0 || !op.Final || op.Cursor != "" || !strings.Contains(string(op.Results), `"SHA256"`) {
		t.Fatalf("operator metadata: %+v", op)
	}
	// The derived Text object is where mediapath says, and downloads.
	var mp struct{ S3Bucket, S3Key string }
	must(t, a, http.StatusOK, "GET", "/dataplane/mediapath/"+asset+"/"+x.Id, nil, &mp)
	status, body = raw(t, a, "POST", "/dataplane/download", "application/json",
		strings.NewReader(fmt.Sprintf(`{"S3Bucket":%q,"S3Key":%q}`, mp.S3Bucket, mp.S3Key+"objectinfo.json")))
	if status != http.StatusOK || !strings.Contains(string(body), `"SHA256"`) {
		t.Fatalf("download derived object: %d %s", status, body)
	}
	// The upload itself downloads byte for byte.
	status, body = raw(t, a, "POST", "/dataplane/download", "application/json",
		strings.NewReader(`{"S3Bucket":"mie-dataplane","S3Key":"upload/talk.mp4"}`))
	if status != http.StatusOK || !bytes.Equal(body, video) {
		t.Fatalf("download upload: %d, %d bytes", status, len(body))
	}

	// Delete the asset: its change is the last, and it is gone.
	must(t, a, http.StatusOK, "DELETE", "/dataplane/metadata/"+asset, nil, nil)
	must(t, a, http.StatusNotFound, "GET", "/dataplane/metadata/"+asset, nil, nil)
	want := "[AssetCreated MetadataStored MediaObjectAdded AssetDeleted]"
	eventually(t, 20*time.Second, "the change stream to carry every change of the asset", func() bool {
		return fmt.Sprint(cs.of(asset)) == want
	})
	if n := validateTopics(t, a); n == 0 {
		t.Fatal("no records validated")
	}
}
