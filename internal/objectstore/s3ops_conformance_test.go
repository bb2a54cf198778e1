package objectstore_test

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/mie-kafka/mie/internal/objectstore"
	"github.com/mie-kafka/mie/internal/problem"
	"github.com/mie-kafka/mie/internal/s3test"
)

// s3Store is what both backends offer the S3 endpoint and the aws-sdk:s3
// integrations.
type s3Store interface {
	bucketMaker
	PutWith(ctx ctxT, bucket, key string, r io.Reader, size int64, opts objectstore.PutOptions) (objectstore.Info, error)
	GetRange(ctx ctxT, bucket, key string, off, n int64) (io.ReadCloser, objectstore.Info, error)
	Copy(ctx ctxT, srcBucket, srcKey, dstBucket, dstKey string, opts objectstore.CopyOptions) (objectstore.Info, error)
	ListPage(ctx ctxT, bucket string, q objectstore.ListQuery) (objectstore.ListPage, error)
	CreateBucket(ctx ctxT, bucket string) error
	HeadBucket(ctx ctxT, bucket string) error
	ListBuckets(ctx ctxT) ([]objectstore.BucketInfo, error)
	DeleteBucket(ctx ctxT, bucket string) error
	CreateMultipart(ctx ctxT, bucket, key string, opts objectstore.PutOptions) (string, error)
	UploadPart(ctx ctxT, bucket, key, id string, n int, r io.Reader, size int64) (string, error)
	ListParts(ctx ctxT, bucket, key, id string, marker, max int) ([]objectstore.Part, bool, error)
	CompleteMultipart(ctx ctxT, bucket, key, id string, parts []objectstore.CompletedPart) (objectstore.Info, error)
	AbortMultipart(ctx ctxT, bucket, key, id string) error
}

type ctxT = context.Context

var (
	_ s3Store = (*objectstore.Local)(nil)
	_ s3Store = (*objectstore.S3)(nil)
)

var bucketSeq atomic.Int64

// freshBucket creates a bucket of a name no other test uses (the moto
// server is shared by the package's tests).
func freshBucket(t *testing.T, s s3Store) string {
	t.Helper()
	b := fmt.Sprintf("ops-%d-%d", bucketSeq.Add(1), len(t.Name()))
	if err := s.CreateBucket(t.Context(), b); err != nil {
		t.Fatalf("create bucket %s: %v", b, err)
	}
	return b
}

func md5Tag(b []byte) string {
	sum := md5.Sum(b)
	return `"` + hex.EncodeToString(sum[:]) + `"`
}

// s3Conformance runs the S3 operations' assertions against a backend.
func s3Conformance(t *testing.T, newStore func(t *testing.T) s3Store) {
	t.Run("Buckets", func(t *testing.T) { testBuckets(t, newStore(t)) })
	t.Run("ETagMetadataRange", func(t *testing.T) { testETagMetadataRange(t, newStore(t)) })
	t.Run("Copy", func(t *testing.T) { testCopy(t, newStore(t)) })
	t.Run("ListPages", func(t *testing.T) { testListPages(t, newStore(t)) })
	t.Run("Multipart", func(t *testing.T) { testMultipart(t, newStore(t)) })
}

func testBuckets(t *testing.T, s s3Store) {
	ctx := t.Context()
	b := freshBucket(t, s)
	var exists *objectstore.BucketExistsError
	if err := s.CreateBucket(ctx, b); !errors.As(err, &exists) {
		t.Fatalf("create twice: %v, want BucketExistsError", err)
	}
	if err := s.HeadBucket(ctx, b); err != nil {
		t.Fatalf("head: %v", err)
	}
	var noBucket *objectstore.NoSuchBucketError
	if err := s.HeadBucket(ctx, "never-made-bucket"); !errors.As(err, &noBucket) || !errors.Is(err, problem.ErrNotFound) {
		t.Fatalf("head a missing bucket: %v", err)
	}
	list, err := s.ListBuckets(ctx)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, bi := range list {
		found = found || bi.Name == b && !bi.Created.IsZero()
	}
	if !found {
		t.Fatalf("ListBuckets = %+v, no %s", list, b)
	}
	if _, err := s.Put(ctx, b, "k", strings.NewReader("x"), 1, ""); err != nil {
		t.Fatal(err)
	}
	var notEmpty *objectstore.BucketNotEmptyError
	if err := s.DeleteBucket(ctx, b); !errors.As(err, &notEmpty) {
		t.Fatalf("delete a full bucket: %v", err)
	}
	if err := s.Delete(ctx, b, "k"); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteBucket(ctx, b); err != nil {
		t.Fatalf("delete an empty bucket: %v", err)
	}
	if err := s.HeadBucket(ctx, b); !errors.As(err, &noBucket) {
		t.Fatalf("head a deleted bucket: %v", err)
	}
	if _, _, err := s.Get(ctx, b, "k"); !errors.As(err, &noBucket) {
		t.Fatalf("get from a deleted bucket: %v, want NoSuchBucketError", err)
	}
}

func testETagMetadataRange(t *testing.T, s s3Store) {
	ctx := t.Context()
	b := freshBucket(t, s)
	body := []byte("0123456789abcdefghij")
	info, err := s.PutWith(ctx, b, "dir/obj.bin", bytes.NewReader(body), int64(len(body)),
		objectstore.PutOptions{ContentType: "application/x-test", Metadata: map[string]string{"Job-Id": "j1"}})
	if err != nil {
		t.Fatal(err)
	}
	if info.ETag != md5Tag(body) || info.Metadata["job-id"] != "j1" || info.ContentType != "application/x-test" {
		t.Fatalf("put info = %+v, want ETag %s and metadata job-id", info, md5Tag(body))
	}
	st, err := s.Stat(ctx, b, "dir/obj.bin")
	if err != nil || st.ETag != info.ETag || st.Metadata["job-id"] != "j1" {
		t.Fatalf("stat = %+v, %v", st, err)
	}
	rc, got, err := s.GetRange(ctx, b, "dir/obj.bin", 5, 4)
	if err != nil {
		t.Fatal(err)
	}
	part, _ := io.ReadAll(rc)
	rc.Close()
	if string(part) != "5678" || got.Size != int64(len(body)) {
		t.Fatalf("range 5+4 = %q, size %d", part, got.Size)
	}
	rc, _, err = s.GetRange(ctx, b, "dir/obj.bin", 15, -1)
	if err != nil {
		t.Fatal(err)
	}
	part, _ = io.ReadAll(rc)
	rc.Close()
	if string(part) != "fghij" {
		t.Fatalf("range from 15 = %q", part)
	}
	var noKey *objectstore.NoSuchKeyError
	if _, err := s.Stat(ctx, b, "dir/missing"); !errors.As(err, &noKey) || noKey.Key != "dir/missing" {
		t.Fatalf("stat missing: %v, want NoSuchKeyError", err)
	}
}

func testCopy(t *testing.T, s s3Store) {
	ctx := t.Context()
	src, dst := freshBucket(t, s), freshBucket(t, s)
	body := []byte("video bytes")
	if _, err := s.PutWith(ctx, src, "in/talk.mp4", bytes.NewReader(body), int64(len(body)),
		objectstore.PutOptions{ContentType: "video/mp4", Metadata: map[string]string{"origin": "cam"}}); err != nil {
		t.Fatal(err)
	}
	info, err := s.Copy(ctx, src, "in/talk.mp4", dst, "archived/talk.mp4", objectstore.CopyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if info.ETag != md5Tag(body) || info.ContentType != "video/mp4" || info.Metadata["origin"] != "cam" {
		t.Fatalf("copy info = %+v", info)
	}
	rc, _, err := s.Get(ctx, dst, "archived/talk.mp4")
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(rc)
	rc.Close()
	if !bytes.Equal(got, body) {
		t.Fatalf("copied bytes = %q", got)
	}
	info, err = s.Copy(ctx, src, "in/talk.mp4", src, "in/talk.mp4",
		objectstore.CopyOptions{ReplaceMetadata: true, ContentType: "video/quicktime", Metadata: map[string]string{"origin": "edit"}})
	if err != nil || info.ContentType != "video/quicktime" || info.Metadata["origin"] != "edit" {
		t.Fatalf("copy onto itself with new metadata = %+v, %v", info, err)
	}
	var noKey *objectstore.NoSuchKeyError
	if _, err := s.Copy(ctx, src, "in/missing.mp4", dst, "x", objectstore.CopyOptions{}); !errors.As(err, &noKey) || noKey.Bucket != src {
		t.Fatalf("copy of a missing key: %v, want NoSuchKeyError of the source", err)
	}
	var noBucket *objectstore.NoSuchBucketError
	_, err = s.Copy(ctx, "0b9ac5e2-4c3e-4d10-9c1b-2f4e8a6b1c3d", "talk.mp4", dst, "x", objectstore.CopyOptions{})
	if !errors.As(err, &noBucket) || noBucket.Bucket != "0b9ac5e2-4c3e-4d10-9c1b-2f4e8a6b1c3d" {
		t.Fatalf("copy from a missing bucket: %v, want NoSuchBucketError of the source", err)
	}
	if _, err := s.Copy(ctx, src, "in/talk.mp4", "no-such-dest-bucket", "x", objectstore.CopyOptions{}); !errors.As(err, &noBucket) || noBucket.Bucket != "no-such-dest-bucket" {
		t.Fatalf("copy to a missing bucket: %v, want NoSuchBucketError of the destination", err)
	}
}

func testListPages(t *testing.T, s s3Store) {
	ctx := t.Context()
	b := freshBucket(t, s)
	keys := []string{"a/1", "a/2", "a-b", "b/x/1", "b/y", "c", "m/a-", "m/a/z"}
	for _, k := range keys {
		if _, err := s.Put(ctx, b, k, strings.NewReader(k), int64(len(k)), ""); err != nil {
			t.Fatal(err)
		}
	}
	// Every key, two at a time.
	var all []string
	q := objectstore.ListQuery{MaxKeys: 2}
	for pages := 0; ; pages++ {
		if pages > len(keys) {
			t.Fatal("listing does not end")
		}
		p, err := s.ListPage(ctx, b, q)
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range p.Objects {
			all = append(all, o.Key)
			if o.ETag != md5Tag([]byte(o.Key)) || o.Size != int64(len(o.Key)) {
				t.Errorf("listed %+v, want ETag and size", o)
			}
		}
		if !p.Truncated {
			break
		}
		q.Token = p.NextToken
	}
	if got := strings.Join(all, ","); got != "a-b,a/1,a/2,b/x/1,b/y,c,m/a-,m/a/z" {
		t.Fatalf("paged listing = %s", got)
	}
	// Rolled up at "/", one at a time: prefixes count as entries.
	var seen []string
	q = objectstore.ListQuery{Delimiter: "/", MaxKeys: 1}
	for pages := 0; ; pages++ {
		if pages > len(keys) {
			t.Fatal("listing does not end")
		}
		p, err := s.ListPage(ctx, b, q)
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range p.Objects {
			seen = append(seen, o.Key)
		}
		seen = append(seen, p.CommonPrefixes...)
		if !p.Truncated {
			break
		}
		q.Token = p.NextToken
	}
	if got := strings.Join(seen, ","); got != "a-b,a/,b/,c,m/" {
		t.Fatalf("delimited listing = %s", got)
	}
	p, err := s.ListPage(ctx, b, objectstore.ListQuery{Prefix: "b/", Delimiter: "/"})
	if err != nil || len(p.Objects) != 1 || p.Objects[0].Key != "b/y" || strings.Join(p.CommonPrefixes, ",") != "b/x/" {
		t.Fatalf("prefix b/ delimited = %+v, %v", p, err)
	}
	p, err = s.ListPage(ctx, b, objectstore.ListQuery{StartAfter: "b/x/1"})
	if err != nil || len(p.Objects) == 0 || p.Objects[0].Key != "b/y" || p.Truncated {
		t.Fatalf("start after b/x/1 = %+v, %v", p, err)
	}
	var noBucket *objectstore.NoSuchBucketError
	if _, err := s.ListPage(ctx, "never-made-bucket", objectstore.ListQuery{}); !errors.As(err, &noBucket) {
		t.Fatalf("list a missing bucket: %v", err)
	}
}

func testMultipart(t *testing.T, s s3Store) {
	ctx := t.Context()
	b := freshBucket(t, s)
	id, err := s.CreateMultipart(ctx, b, "big/video.mp4", objectstore.PutOptions{ContentType: "video/mp4"})
	if err != nil {
		t.Fatal(err)
	}
	p1 := bytes.Repeat([]byte{'a'}, objectstore.MinPartSize)
	p2 := []byte("tail")
	e1, err := s.UploadPart(ctx, b, "big/video.mp4", id, 1, bytes.NewReader(p1), int64(len(p1)))
	if err != nil {
		t.Fatal(err)
	}
	e2, err := s.UploadPart(ctx, b, "big/video.mp4", id, 2, bytes.NewReader(p2), int64(len(p2)))
	if err != nil {
		t.Fatal(err)
	}
	if e1 != md5Tag(p1) || e2 != md5Tag(p2) {
		t.Fatalf("part ETags %s %s", e1, e2)
	}
	parts, more, err := s.ListParts(ctx, b, "big/video.mp4", id, 0, 0)
	if err != nil || more || len(parts) != 2 || parts[1].Number != 2 || parts[1].Size != 4 || parts[0].ETag != e1 {
		t.Fatalf("list parts = %+v, %v, %v", parts, more, err)
	}
	if _, err := s.Stat(ctx, b, "big/video.mp4"); !errors.Is(err, problem.ErrNotFound) {
		t.Fatalf("the object is visible before completion: %v", err)
	}
	var pe *objectstore.PartError
	_, err = s.CompleteMultipart(ctx, b, "big/video.mp4", id, []objectstore.CompletedPart{{Number: 2, ETag: e2}, {Number: 3, ETag: e2}})
	if !errors.As(err, &pe) || pe.Code != objectstore.CodeInvalidPart {
		t.Fatalf("complete with a part never uploaded: %v, want InvalidPart", err)
	}
	info, err := s.CompleteMultipart(ctx, b, "big/video.mp4", id, []objectstore.CompletedPart{{Number: 1, ETag: e1}, {Number: 2, ETag: e2}})
	if err != nil {
		t.Fatal(err)
	}
	if info.Size != int64(len(p1)+len(p2)) || !strings.HasSuffix(info.ETag, `-2"`) || info.ContentType != "video/mp4" {
		t.Fatalf("completed = %+v", info)
	}
	rc, _, err := s.GetRange(ctx, b, "big/video.mp4", int64(len(p1))-1, 5)
	if err != nil {
		t.Fatal(err)
	}
	edge, _ := io.ReadAll(rc)
	rc.Close()
	if string(edge) != "atail" {
		t.Fatalf("bytes across the part boundary = %q", edge)
	}
	// A small part but the last, and an abort.
	id2, err := s.CreateMultipart(ctx, b, "small", objectstore.PutOptions{})
	if err != nil {
		t.Fatal(err)
	}
	s1, _ := s.UploadPart(ctx, b, "small", id2, 1, strings.NewReader("x"), 1)
	s2, _ := s.UploadPart(ctx, b, "small", id2, 2, strings.NewReader("y"), 1)
	_, err = s.CompleteMultipart(ctx, b, "small", id2, []objectstore.CompletedPart{{Number: 1, ETag: s1}, {Number: 2, ETag: s2}})
	if !errors.As(err, &pe) || pe.Code != objectstore.CodeEntityTooSmall {
		t.Fatalf("complete with a small first part: %v, want EntityTooSmall", err)
	}
	if err := s.AbortMultipart(ctx, b, "small", id2); err != nil {
		t.Fatal(err)
	}
	var noUpload *objectstore.NoSuchUploadError
	if _, _, err := s.ListParts(ctx, b, "small", id2, 0, 0); !errors.As(err, &noUpload) {
		t.Fatalf("list the parts of an aborted upload: %v, want NoSuchUploadError", err)
	}
}

func TestLocalS3Operations(t *testing.T) {
	s3Conformance(t, func(t *testing.T) s3Store {
		s, _ := newLocal(t)
		return s
	})
}

// startMoto points an S3 backend at the package's moto server.
func startMoto(t *testing.T) *objectstore.S3 {
	t.Helper()
	srv := s3test.Moto(t)
	s, err := objectstore.NewS3(t.Context(), objectstore.S3Config{
		Endpoint: srv.URL, Region: "us-east-1", PathStyle: true,
		AccessKeyID: "test-key", SecretAccessKey: "test-secret", PartSize: 5 << 20,
	})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestS3OperationsOnMoto(t *testing.T) {
	s3Conformance(t, func(t *testing.T) s3Store { return startMoto(t) })
}

// The Store conformance suite on moto too: gofakes3 is an in-memory fake.
func TestS3ConformanceOnMoto(t *testing.T) {
	conformance(t, func(t *testing.T) bucketMaker {
		srv := s3test.Moto(t)
		srv.Reset(t) // the suite expects an empty server (tests run one at a time)
		return startMoto(t)
	})
}
