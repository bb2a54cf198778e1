package app

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/mie-kafka/mie/events"
)

// createAsset uploads an object and makes an asset of it with POST /create.
func createAsset(t *testing.T, a *App, key string) string {
	t.Helper()
	if s, b := raw(t, a, "POST", "/dataplane/upload?key="+key, "application/octet-stream", strings.NewReader("bytes of "+key)); s != 200 {
		t.Fatalf("upload %s: %d %s", key, s, b)
	}
	var out struct{ AssetId, MediaType, S3Bucket, S3Key string }
	must(t, a, http.StatusOK, "POST", "/dataplane/create", map[string]any{
		"Input": map[string]any{"MediaType": "Video", "S3Bucket": "mie-dataplane", "S3Key": key}}, &out)
	if out.AssetId == "" || out.MediaType != "Video" || out.S3Bucket != "mie-dataplane" ||
		out.S3Key != "private/assets/"+out.AssetId+"/input/"+key[strings.LastIndex(key, "/")+1:] {
		t.Fatalf("create: %+v", out)
	}
	return out.AssetId
}

func TestDataplaneRoutes(t *testing.T) {
	h := newHarness(t)
	a := h.start("routes", Roles{API: true})
	asset := createAsset(t, a, "in/clip.mp4")
	big := `{"Words":"` + strings.Repeat("x", 100<<10) + `"}` // over the 64 KiB claim threshold

	tests := []struct {
		name, method, path, contentType, body string
		status                                int
		contains                              string
	}{
		{"version", "GET", "/dataplane/version", "", "", 200, "ApiVersion"},
		{"root", "GET", "/dataplane", "", "", 200, "data plane"},
		{"create without Input", "POST", "/dataplane/create", "application/json", `{}`, 400, "Input"},
		{"create of a missing object", "POST", "/dataplane/create", "application/json",
			`{"Input":{"MediaType":"Video","S3Bucket":"mie-dataplane","S3Key":"nope.mp4"}}`, 400, "does not exist"},
		{"create with a traversal key", "POST", "/dataplane/create", "application/json",
			`{"Input":{"MediaType":"Video","S3Bucket":"mie-dataplane","S3Key":"../../etc/passwd"}}`, 400, "segments are not allowed"},
		{"create with an absolute key", "POST", "/dataplane/create", "application/json",
			`{"Input":{"MediaType":"Video","S3Bucket":"mie-dataplane","S3Key":"/etc/passwd"}}`, 400, "relative"},
		{"create with a bad bucket", "POST", "/dataplane/create", "application/json",
			`{"Input":{"MediaType":"Video","S3Bucket":"../x","S3Key":"a.mp4"}}`, 400, "bucket"},
		{"create with a bad media type", "POST", "/dataplane/create", "application/json",
			`{"Input":{"MediaType":"Hologram","S3Bucket":"mie-dataplane","S3Key":"in/clip.mp4"}}`, 400, "MediaType"},
		{"upload with a traversal key", "POST", "/dataplane/upload?key=a/../../x", "application/octet-stream", "x", 400, "segments are not allowed"},
		{"upload with a backslash key", "POST", "/dataplane/upload?key=a%5C..%5Cx", "application/octet-stream", "x", 400, "backslash"},
		{"upload without a key", "POST", "/dataplane/upload", "application/octet-stream", "x", 400, "key"},
		{"upload over the limit", "POST", "/dataplane/upload?key=big.bin", "application/octet-stream",
			strings.Repeat("x", 8<<20+1), 413, "8388608-byte limit"},
		{"presign on a local store", "POST", "/dataplane/upload", "application/json", `{"S3Key":"a.mp4"}`, 400, "presigned"},
		{"download of a missing object", "POST", "/dataplane/download", "application/json", `{"S3Key":"nope"}`, 404, "nope"},
		{"download with a traversal key", "POST", "/dataplane/download", "application/json", `{"S3Key":"../objects"}`, 400, "segments are not allowed"},
		{"list assets", "GET", "/dataplane/metadata", "", "", 200, asset},
		{"list assets with a malformed cursor", "GET", "/dataplane/metadata?cursor=not-a-cursor", "", "", 400, "cursor"},
		{"list assets with a bad limit", "GET", "/dataplane/metadata?limit=0", "", "", 400, "limit"},
		{"metadata of an unknown asset", "GET", "/dataplane/metadata/no-such-asset", "", "", 404, "no-such-asset"},
		{"metadata with a malformed cursor", "GET", "/dataplane/metadata/" + asset + "?cursor=bm90IGpzb24", "", "", 400, "cursor"},
		{"store metadata on an unknown asset", "POST", "/dataplane/metadata/no-such-asset", "application/json",
			`{"OperatorName":"Op","Results":{}}`, 404, "no-such-asset"},
		{"store Results that are not an object", "POST", "/dataplane/metadata/" + asset, "application/json",
			`{"OperatorName":"Op","Results":"{\"a\":1}"}`, 400, "Results"},
		{"store Results that are an array", "POST", "/dataplane/metadata/" + asset, "application/json",
			`{"OperatorName":"Op","Results":[1,2]}`, 400, "Results"},
		{"store without an operator", "POST", "/dataplane/metadata/" + asset, "application/json",
			`{"Results":{}}`, 400, "OperatorName"},
		{"store with a bad operator name", "POST", "/dataplane/metadata/" + asset, "application/json",
			`{"OperatorName":"../x","Results":{}}`, 400, "OperatorName"},
		{"store with end but not paginated", "POST", "/dataplane/metadata/" + asset + "?end=true", "application/json",
			`{"OperatorName":"Op","Results":{}}`, 400, "paginated"},
		{"store with a bad paginated flag", "POST", "/dataplane/metadata/" + asset + "?paginated=maybe", "application/json",
			`{"OperatorName":"Op","Results":{}}`, 400, "paginated"},
		{"store malformed JSON", "POST", "/dataplane/metadata/" + asset, "application/json", `{"OperatorName":`, 400, "JSON"},
		{"operator metadata of an unknown operator", "GET", "/dataplane/metadata/" + asset + "/Nobody", "", "", 404, "Nobody"},
		{"delete metadata of an unknown operator", "DELETE", "/dataplane/metadata/" + asset + "/Nobody", "", "", 404, "Nobody"},
		{"delete an unknown asset", "DELETE", "/dataplane/metadata/no-such-asset", "", "", 404, "no-such-asset"},
		{"mediapath of an unknown asset", "GET", "/dataplane/mediapath/no-such-asset/w1", "", "", 404, "no-such-asset"},
		{"mediapath", "GET", "/dataplane/mediapath/" + asset + "/w1", "", "", 200, "private/assets/" + asset + "/workflows/w1/"},
		{"claim-checked results", "POST", "/dataplane/metadata/" + asset, "application/json",
			`{"OperatorName":"Transcript","WorkflowId":"w1","Results":` + big + `}`, 200, `"claim_check":true`},
		{"claim-checked results read back", "GET", "/dataplane/metadata/" + asset + "/Transcript", "", "", 200, big},
		{"trigger without a workflow", "POST", "/workflow/trigger", "application/json", `{"Name":"t","MediaType":"Video"}`, 400, "Workflow"},
		{"trigger of an unknown workflow", "POST", "/workflow/trigger", "application/json",
			`{"Name":"t","MediaType":"Video","Workflow":"Nope"}`, 400, "Nope"},
		{"trigger with a bad media type", "POST", "/workflow/trigger", "application/json",
			`{"Name":"t","MediaType":"Smell","Workflow":"Nope"}`, 400, "MediaType"},
		{"unknown trigger", "GET", "/workflow/trigger/nope", "", "", 404, "nope"},
		{"delete an unknown trigger", "DELETE", "/workflow/trigger/nope", "", "", 404, "nope"},
		{"list triggers", "GET", "/workflow/trigger", "", "", 200, "[]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var body *strings.Reader
			if tt.body != "" {
				body = strings.NewReader(tt.body)
			} else {
				body = strings.NewReader("")
			}
			status, got := raw(t, a, tt.method, tt.path, tt.contentType, body)
			if status != tt.status || !strings.Contains(string(got), tt.contains) {
				t.Fatalf("%s %s = %d %.300s, want %d containing %.100q", tt.method, tt.path, status, got, tt.status, tt.contains)
			}
			if status >= 400 {
				var e struct{ Code, Message string }
				if err := json.Unmarshal(got, &e); err != nil || e.Code == "" || e.Message == "" {
					t.Fatalf("error body is not {Code, Message}: %s", got)
				}
			}
		})
	}

	// Nothing escaped the store: the oversized and the traversal uploads
	// left no object behind.
	for _, key := range []string{"big.bin", "x"} {
		if _, err := a.store.Stat(t.Context(), "mie-dataplane", key); err == nil {
			t.Errorf("object %s exists after a rejected upload", key)
		}
	}
	// The claim-checked page went to object storage: its event carries a
	// reference, not the results.
	var stored []events.MetadataStored
	cs := followChanges(t, a)
	eventually(t, 10*time.Second, "the claim-checked change", func() bool {
		stored = stored[:0]
		<-cs.mu
		for _, e := range cs.changes {
			if e.Type == "MetadataStored" && e.Key == asset {
				p, _ := e.Decode()
				stored = append(stored, *p.(*events.MetadataStored))
			}
		}
		cs.mu <- struct{}{}
		return len(stored) == 1
	})
	if stored[0].Ref == nil || stored[0].Results != nil || stored[0].Ref.Size != int64(len(big)) {
		t.Fatalf("claim-checked event: %+v", stored[0])
	}
}

func TestDataplanePaginatedMetadataKeepsPageOrder(t *testing.T) {
	h := newHarness(t)
	a := h.start("pages", Roles{API: true})
	asset := createAsset(t, a, "clip.mp4")
	post := func(op string, page int, query string) {
		t.Helper()
		var st struct {
			Page  int  `json:"page"`
			Final bool `json:"final"`
		}
		must(t, a, http.StatusOK, "POST", "/dataplane/metadata/"+asset+query,
			map[string]any{"OperatorName": op, "WorkflowId": "w1", "Results": map[string]any{"Page": page}}, &st)
		if st.Page != page {
			t.Fatalf("%s stored as page %d, want %d", op, st.Page, page)
		}
	}
	for i := range 4 {
		q := "?paginated=true"
		if i == 3 {
			q += "&end=true"
		}
		post("Labels", i, q)
	}
	post("Celebrities", 0, "")
	// A new paginated result after an ended one starts again at page 0
	// and replaces it.
	post("Faces", 0, "?paginated=true")
	post("Faces", 1, "?paginated=true&end=true")
	post("Faces", 0, "?paginated=true")
	post("Faces", 1, "?paginated=true&end=true")

	// Page through one operator's result.
	var got []string
	cursor := ""
	for {
		var p operatorPage
		path := "/dataplane/metadata/" + asset + "/Labels"
		if cursor != "" {
			path += "?cursor=" + cursor
		}
		must(t, a, http.StatusOK, "GET", path, nil, &p)
		got = append(got, fmt.Sprintf("%d:%s:%v", p.Page, p.Results, p.Final))
		if cursor = p.Cursor; cursor == "" {
			break
		}
	}
	want := `[0:{"Page":0}:false 1:{"Page":1}:false 2:{"Page":2}:false 3:{"Page":3}:true]`
	if fmt.Sprint(got) != want {
		t.Fatalf("Labels pages = %v, want %s", got, want)
	}
	// Page through all metadata, 3 at a time: operators in name order,
	// pages in order, each once.
	got = nil
	cursor = ""
	for n := 0; ; n++ {
		var ml metadataList
		path := "/dataplane/metadata/" + asset + "?limit=3"
		if cursor != "" {
			path += "&cursor=" + cursor
		}
		must(t, a, http.StatusOK, "GET", path, nil, &ml)
		for _, m := range ml.Metadata {
			got = append(got, fmt.Sprintf("%s/%d", m.Operator, m.Page))
		}
		if cursor = ml.Cursor; cursor == "" {
			break
		}
		if n > 5 {
			t.Fatal("cursor never ends")
		}
	}
	if want := "[Celebrities/0 Faces/0 Faces/1 Labels/0 Labels/1 Labels/2 Labels/3]"; fmt.Sprint(got) != want {
		t.Fatalf("all metadata = %v, want %s", got, want)
	}
	// Delete one operator's metadata, then the asset.
	must(t, a, http.StatusOK, "DELETE", "/dataplane/metadata/"+asset+"/Labels", nil, nil)
	must(t, a, http.StatusNotFound, "GET", "/dataplane/metadata/"+asset+"/Labels", nil, nil)
	must(t, a, http.StatusOK, "GET", "/dataplane/metadata/"+asset+"/Faces", nil, nil)
	must(t, a, http.StatusOK, "DELETE", "/dataplane/metadata/"+asset, nil, nil)
	must(t, a, http.StatusNotFound, "GET", "/dataplane/metadata/"+asset+"/Faces", nil, nil)
	objs, err := a.store.List(t.Context(), "mie-dataplane", "private/assets/"+asset+"/")
	if err != nil || len(objs) != 0 {
		t.Fatalf("objects left after deleting the asset: %v %v", objs, err)
	}
}

func TestDataplaneMultipartUploadAndAssetReuse(t *testing.T) {
	h := newHarness(t)
	a := h.start("multi", Roles{API: true, Executor: true, Worker: true})
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	_ = mw.WriteField("note", "fields before the file are skipped")
	fw, _ := mw.CreateFormFile("file", "song.mp3")
	_, _ = fw.Write([]byte("ID3 audio bytes"))
	_ = mw.Close()
	status, body := raw(t, a, "POST", "/dataplane/upload", mw.FormDataContentType(), &buf)
	if status != 200 || !strings.Contains(string(body), `"s3_key":"song.mp3"`) || !strings.Contains(string(body), `"executions":[]`) {
		t.Fatalf("multipart upload: %d %s", status, body)
	}
	defineOperator(t, a, "Info", "builtin:ObjectInfo", "Sync", map[string]any{"MediaType": "Audio"})
	defineWorkflow(t, a, "Describe", "_Info")
	var v struct{ Id, AssetId string }
	must(t, a, http.StatusOK, "POST", "/workflow/execution", map[string]any{"Name": "Describe",
		"Input": map[string]any{"Media": map[string]any{"Audio": map[string]any{"S3Bucket": "mie-dataplane", "S3Key": "song.mp3"}}}}, &v)
	if x := waitStatus(t, a, v.Id, 20*time.Second, "Complete", "Error"); x.Status != "Complete" {
		t.Fatalf("first run: %s %s", x.Status, x.Message)
	}
	// An asset cannot be deleted under a running execution.
	defineOperator(t, a, "Hold", "builtin:Wait", "Sync", map[string]any{"MediaType": "MetadataOnly"})
	defineWorkflow(t, a, "Held", "_Hold")
	var held struct{ Id, AssetId string }
	must(t, a, http.StatusOK, "POST", "/workflow/execution", map[string]any{"Name": "Held",
		"Input": map[string]any{"AssetId": v.AssetId}}, &held)
	waitStatus(t, a, held.Id, 20*time.Second, "Waiting")
	must(t, a, http.StatusConflict, "DELETE", "/dataplane/metadata/"+v.AssetId, nil, nil)
	must(t, a, http.StatusOK, "DELETE", "/workflow/execution/"+held.Id, nil, nil)
	waitStatus(t, a, held.Id, 20*time.Second, "Error")

	// Input.AssetId runs on the asset's media: ObjectInfo is not skipped.
	var w struct{ Id, AssetId string }
	must(t, a, http.StatusOK, "POST", "/workflow/execution", map[string]any{"Name": "Describe",
		"Input": map[string]any{"AssetId": v.AssetId}}, &w)
	x := waitStatus(t, a, w.Id, 20*time.Second, "Complete", "Error")
	if x.Status != "Complete" || w.AssetId != v.AssetId {
		t.Fatalf("rerun on asset: %s %s asset %s", x.Status, x.Message, w.AssetId)
	}
	if out := x.Workflow.Stages["_Info"].Outputs; len(out) != 1 || out[0].Status != "Complete" {
		t.Fatalf("ObjectInfo on the reused asset: %+v", out)
	}
	syncDataplane(t, a)
	var p operatorPage
	must(t, a, http.StatusOK, "GET", "/dataplane/metadata/"+v.AssetId+"/Info", nil, &p)
	if p.WorkflowId != w.Id {
		t.Fatalf("metadata after the rerun is from %s, want %s", p.WorkflowId, w.Id)
	}
	must(t, a, http.StatusNotFound, "POST", "/workflow/execution", map[string]any{"Name": "Describe",
		"Input": map[string]any{"AssetId": "no-such-asset"}}, nil)
	must(t, a, http.StatusBadRequest, "POST", "/workflow/execution", map[string]any{"Name": "Describe",
		"Input": map[string]any{"Media": map[string]any{"Audio": map[string]any{"S3Bucket": "mie-dataplane", "S3Key": "missing.mp3"}}}}, nil)
	// A workflow that a trigger starts cannot be deleted under it.
	must(t, a, http.StatusOK, "POST", "/workflow/trigger", map[string]any{"Name": "songs", "Suffix": ".mp3", "MediaType": "Audio", "Workflow": "Describe"}, nil)
	must(t, a, http.StatusConflict, "POST", "/workflow/trigger", map[string]any{"Name": "songs", "Suffix": ".mp3", "MediaType": "Audio", "Workflow": "Describe"}, nil)
	must(t, a, http.StatusConflict, "DELETE", "/workflow/Describe", nil, nil)
	must(t, a, http.StatusOK, "DELETE", "/workflow/trigger/songs", nil, nil)
	must(t, a, http.StatusOK, "DELETE", "/workflow/Describe", nil, nil)
}
