package awss3_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/objectstore"
	"github.com/mie-kafka/mie/internal/s3test"
	"github.com/mie-kafka/mie/processors/worker"
	"github.com/mie-kafka/mie/processors/worker/awss3"
)

func TestMain(m *testing.M) {
	code := m.Run()
	s3test.Stop()
	os.Exit(code)
}

func task(action string, params string) *worker.Task {
	return &worker.Task{Name: "ArchiveSource", TaskId: "t1", Phase: events.PhaseStart,
		Invocation: events.Invocation{Run: 3, Resource: "arn:aws:states:::aws-sdk:s3:" + action, Payload: json.RawMessage(params)}}
}

// call invokes an integration and returns its result or error name.
func call(t *testing.T, h *awss3.Handler, action, params string) (map[string]any, string, string) {
	t.Helper()
	res, err := h.Invoke(t.Context(), task(action, params))
	if err != nil {
		t.Fatalf("%s: %v", action, err)
	}
	if res.Status == events.ResultError {
		return nil, res.Error, res.Cause
	}
	raw, _ := json.Marshal(res.Output)
	var out map[string]any
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatal(err)
	}
	return out, "", ""
}

func suite(t *testing.T, store awss3.Store, src, archive string) {
	h := &awss3.Handler{Store: store}
	ctx := t.Context()
	for _, b := range []string{src, archive} {
		if err := store.CreateBucket(ctx, b); err != nil {
			t.Fatal(err)
		}
	}
	put, errName, cause := call(t, h, "putObject", `{"Bucket":"`+src+`","Key":"videos/talk.mp4","Body":"not really a video","ContentType":"video/mp4","Metadata":{"job":"j1"}}`)
	if errName != "" || put["ETag"] != `"84559c0a072fe29a07f9ba50911b91bb"` {
		t.Fatalf("putObject = %v, %s %s", put, errName, cause)
	}
	get, errName, _ := call(t, h, "getObject", `{"Bucket":"`+src+`","Key":"videos/talk.mp4"}`)
	if errName != "" || get["Body"] != "not really a video" || get["ContentLength"] != float64(18) ||
		get["ContentType"] != "video/mp4" || get["ETag"] != put["ETag"] || get["AcceptRanges"] != "bytes" ||
		get["Metadata"].(map[string]any)["job"] != "j1" || !strings.HasSuffix(get["LastModified"].(string), "Z") {
		t.Fatalf("getObject = %v, %s", get, errName)
	}
	part, _, _ := call(t, h, "getObject", `{"Bucket":"`+src+`","Key":"videos/talk.mp4","Range":"bytes=4-9"}`)
	if part["Body"] != "really" || part["ContentRange"] != "bytes 4-9/18" {
		t.Fatalf("ranged getObject = %v", part)
	}
	head, _, _ := call(t, h, "headObject", `{"Bucket":"`+src+`","Key":"videos/talk.mp4"}`)
	if head["ContentLength"] != float64(18) || head["Body"] != nil {
		t.Fatalf("headObject = %v", head)
	}
	cp, errName, _ := call(t, h, "copyObject", `{"Bucket":"`+archive+`","CopySource":"`+src+`/videos/talk.mp4","Key":"archived/j1/videos/talk.mp4"}`)
	if errName != "" || cp["CopyObjectResult"].(map[string]any)["ETag"] != put["ETag"] {
		t.Fatalf("copyObject = %v, %s", cp, errName)
	}
	list, _, _ := call(t, h, "listObjectsV2", `{"Bucket":"`+archive+`","Prefix":"archived/"}`)
	contents := list["Contents"].([]any)
	if list["KeyCount"] != float64(1) || list["IsTruncated"] != false || contents[0].(map[string]any)["Key"] != "archived/j1/videos/talk.mp4" ||
		contents[0].(map[string]any)["Size"] != float64(18) {
		t.Fatalf("listObjectsV2 = %v", list)
	}
	paged, _, _ := call(t, h, "listObjectsV2", `{"Bucket":"`+src+`","MaxKeys":0}`)
	if paged["KeyCount"] != float64(0) {
		t.Fatalf("listObjectsV2 MaxKeys 0 = %v", paged)
	}
	// The reference's ArchiveSource: CopySource "<jobId>/<key>" names a
	// bucket that does not exist.
	_, errName, cause = call(t, h, "copyObject", `{"Bucket":"`+archive+`","CopySource":"3f0c5ad2-0d5e-4c7b-9d3e-1c2b3a4d5e6f/videos/talk.mp4","Key":"archived/x"}`)
	if errName != awss3.ErrNoSuchBucket || !strings.Contains(cause, "Status Code: 404") {
		t.Fatalf("copy from a jobId bucket: %s %s, want %s", errName, cause, awss3.ErrNoSuchBucket)
	}
	errorCases := []struct{ action, params, want string }{
		{"getObject", `{"Bucket":"` + src + `","Key":"videos/missing.mp4"}`, awss3.ErrNoSuchKey},
		{"headObject", `{"Bucket":"` + src + `","Key":"videos/missing.mp4"}`, awss3.ErrNoSuchKey},
		{"getObject", `{"Bucket":"never-made-bucket","Key":"k"}`, awss3.ErrNoSuchBucket},
		{"copyObject", `{"Bucket":"` + archive + `","CopySource":"` + src + `/videos/missing.mp4","Key":"x"}`, awss3.ErrNoSuchKey},
		{"copyObject", `{"Bucket":"` + archive + `","CopySource":"no-slash","Key":"x"}`, awss3.ErrInvalidArgument},
		{"putObject", `{"Bucket":"never-made-bucket","Key":"k","Body":"x"}`, awss3.ErrNoSuchBucket},
		{"putObject", `{"Bucket":"Bad_Name","Key":"k"}`, awss3.ErrInvalidBucketName},
		{"getObject", `{"Bucket":"` + src + `"}`, awss3.ErrInvalidArgument},
		{"getObject", `{"Bucket":"` + src + `","Key":"videos/talk.mp4","Range":"bytes=100-"}`, awss3.ErrInvalidRange},
		{"deleteBucket", `{"Bucket":"` + src + `"}`, awss3.ErrBucketNotEmpty},
		{"createBucket", `{"Bucket":"` + src + `"}`, awss3.ErrBucketOwnedByYou},
		{"selectObjectContent", `{}`, awss3.ErrRuntime},
	}
	for _, c := range errorCases {
		if _, got, cause := call(t, h, c.action, c.params); got != c.want {
			t.Errorf("%s %s: %s (%s), want %s", c.action, c.params, got, cause, c.want)
		}
	}
	if _, errName, _ := call(t, h, "deleteObject", `{"Bucket":"`+src+`","Key":"videos/talk.mp4"}`); errName != "" {
		t.Fatal(errName)
	}
	if _, got, _ := call(t, h, "headObject", `{"Bucket":"`+src+`","Key":"videos/talk.mp4"}`); got != awss3.ErrNoSuchKey {
		t.Fatalf("headObject after deleteObject: %s", got)
	}
	buckets, _, _ := call(t, h, "listBuckets", `{}`)
	if len(buckets["Buckets"].([]any)) < 2 {
		t.Fatalf("listBuckets = %v", buckets)
	}
}

func TestIntegrationsOnLocalStore(t *testing.T) {
	l, err := objectstore.NewLocal(filepath.Join(t.TempDir(), "objects"))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	suite(t, l, "video-source", "video-archive")
}

func TestIntegrationsOnS3Moto(t *testing.T) {
	srv := s3test.Moto(t)
	s, err := objectstore.NewS3(t.Context(), objectstore.S3Config{Endpoint: srv.URL, PathStyle: true,
		AccessKeyID: "k", SecretAccessKey: "s"})
	if err != nil {
		t.Fatal(err)
	}
	suite(t, s, "moto-video-source", "moto-video-archive")
}

func TestGetObjectOverThePayloadQuota(t *testing.T) {
	l, err := objectstore.NewLocal(filepath.Join(t.TempDir(), "objects"))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if err := l.CreateBucket(t.Context(), "big-bucket"); err != nil {
		t.Fatal(err)
	}
	if _, err := l.Put(t.Context(), "big-bucket", "k", strings.NewReader(strings.Repeat("x", 100)), 100, ""); err != nil {
		t.Fatal(err)
	}
	h := &awss3.Handler{Store: l, MaxBody: 64}
	if _, got, _ := call(t, h, "getObject", `{"Bucket":"big-bucket","Key":"k"}`); got != awss3.ErrDataLimit {
		t.Fatalf("a body over the quota: %s", got)
	}
	if out, got, _ := call(t, h, "getObject", `{"Bucket":"big-bucket","Key":"k","Range":"bytes=0-63"}`); got != "" || len(out["Body"].(string)) != 64 {
		t.Fatalf("a range within the quota: %v %s", out, got)
	}
}
