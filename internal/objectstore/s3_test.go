package objectstore_test

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"github.com/mie-kafka/mie/internal/objectstore"
	"github.com/mie-kafka/mie/internal/problem"
)

// startS3 starts a real S3-compatible server (gofakes3, in memory) on a
// loopback port and returns a backend pointed at it the way one points at
// MinIO: custom endpoint, path-style addressing, static credentials.
func startS3(t *testing.T) (*objectstore.S3, string) {
	t.Helper()
	srv := httptest.NewServer(gofakes3.New(s3mem.New()).Server())
	t.Cleanup(srv.Close)
	s, err := objectstore.NewS3(t.Context(), objectstore.S3Config{
		Endpoint:        srv.URL,
		Region:          "us-east-1",
		PathStyle:       true,
		AccessKeyID:     "test-key",
		SecretAccessKey: "test-secret",
		PartSize:        5 << 20,
	})
	if err != nil {
		t.Fatal(err)
	}
	return s, srv.URL
}

func TestS3Conformance(t *testing.T) {
	conformance(t, func(t *testing.T) bucketMaker {
		s, _ := startS3(t)
		return s
	})
}

// A client with only a presigned URL uploads and downloads over plain HTTP.
func TestS3PresignedPutThenGet(t *testing.T) {
	s, endpoint := startS3(t)
	ctx := t.Context()
	if err := s.EnsureBucket(ctx, bucket); err != nil {
		t.Fatal(err)
	}
	put, err := s.PresignPut(ctx, bucket, "uploads/clip.mp4", 15*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(put, endpoint+"/"+bucket+"/uploads/clip.mp4?") || !strings.Contains(put, "X-Amz-Signature=") {
		t.Fatalf("presigned PUT URL = %s", put)
	}
	body := bytes.Repeat([]byte("frame"), 1000)
	req, err := http.NewRequestWithContext(ctx, http.MethodPut, put, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("presigned PUT: %s", resp.Status)
	}
	st, err := s.Stat(ctx, bucket, "uploads/clip.mp4")
	if err != nil || st.Size != int64(len(body)) {
		t.Fatalf("stat after presigned PUT = %+v, %v", st, err)
	}
	get, err := s.PresignGet(ctx, bucket, "uploads/clip.mp4", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	resp, err = http.Get(get)
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusOK || !bytes.Equal(got, body) {
		t.Fatalf("presigned GET: %s, %d bytes, %v", resp.Status, len(got), err)
	}
	for _, ttl := range []time.Duration{0, -time.Second, 8 * 24 * time.Hour} {
		if _, err := s.PresignGet(ctx, bucket, "uploads/clip.mp4", ttl); !errors.Is(err, problem.ErrInvalid) {
			t.Errorf("presign with ttl %s: %v, want invalid", ttl, err)
		}
	}
}

// S3 does not create buckets on Put; a missing one is reported as such.
func TestS3MissingBucket(t *testing.T) {
	s, _ := startS3(t)
	_, err := s.Put(t.Context(), "not-created", "k", strings.NewReader("x"), 1, "")
	if !errors.Is(err, problem.ErrNotFound) || !strings.Contains(err.Error(), `bucket "not-created" does not exist`) {
		t.Fatalf("put to a missing bucket: %v", err)
	}
}

func TestS3Unreachable(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close() // nothing listens there now
	s, err := objectstore.NewS3(t.Context(), objectstore.S3Config{
		Endpoint: url, PathStyle: true, AccessKeyID: "k", SecretAccessKey: "s", MaxAttempts: 1,
		HTTPClient: &http.Client{Timeout: 2 * time.Second},
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Stat(t.Context(), bucket, "k"); !errors.Is(err, problem.ErrUnavailable) {
		t.Fatalf("stat against a dead endpoint: %v, want unavailable", err)
	}
}

// recorder notes the requests the SDK sends.
type recorder struct {
	mu    sync.Mutex
	parts int
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Method == http.MethodPut && req.URL.Query().Has("partNumber") {
		r.mu.Lock()
		r.parts++
		r.mu.Unlock()
	}
	return http.DefaultTransport.RoundTrip(req)
}

// An upload of unknown size larger than a part goes up in parts.
func TestS3LargeUploadIsMultipart(t *testing.T) {
	srv := httptest.NewServer(gofakes3.New(s3mem.New()).Server())
	t.Cleanup(srv.Close)
	rec := &recorder{}
	s, err := objectstore.NewS3(t.Context(), objectstore.S3Config{
		Endpoint: srv.URL, PathStyle: true, AccessKeyID: "k", SecretAccessKey: "s",
		PartSize: 5 << 20, HTTPClient: &http.Client{Transport: rec},
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.EnsureBucket(t.Context(), bucket); err != nil {
		t.Fatal(err)
	}
	info, err := s.Put(t.Context(), bucket, "big", newPattern(12<<20), -1, "")
	if err != nil || info.Size != 12<<20 {
		t.Fatalf("put = %+v, %v", info, err)
	}
	if rec.parts != 3 {
		t.Fatalf("uploaded in %d parts, want 3 of at most 5 MiB", rec.parts)
	}
}

func TestS3ConfigValidate(t *testing.T) {
	tests := []struct {
		name string
		cfg  objectstore.S3Config
		want []string
	}{
		{"ok AWS", objectstore.S3Config{Region: "eu-west-1"}, nil},
		{"ok MinIO", objectstore.S3Config{Endpoint: "http://127.0.0.1:9000", PathStyle: true, AccessKeyID: "a", SecretAccessKey: "b"}, nil},
		{"bad endpoint", objectstore.S3Config{Endpoint: "127.0.0.1:9000"}, []string{"S3 endpoint"}},
		{"half credentials", objectstore.S3Config{AccessKeyID: "a"}, []string{"secret access key"}},
		{"small parts and negative concurrency", objectstore.S3Config{PartSize: 1 << 20, Concurrency: -1},
			[]string{"part size", "concurrency"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.cfg.Validate()
			if len(tt.want) == 0 {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
}
