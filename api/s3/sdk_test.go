package s3_test

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/s3/transfermanager"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"

	"github.com/mie-kafka/mie/internal/objectstore"
	"github.com/mie-kafka/mie/internal/s3test"
)

func apiCode(err error) string {
	var api smithy.APIError
	if errors.As(err, &api) {
		return api.ErrorCode()
	}
	return ""
}

func etagOf(b []byte) string {
	sum := md5.Sum(b)
	return `"` + hex.EncodeToString(sum[:]) + `"`
}

// unseekable hides a reader's Seek, as a pipe or a socket would: the SDK
// must then stream it (aws-chunked over TLS).
type unseekable struct{ io.Reader }

// sdkSuite runs the SDK's view of the endpoint.
func sdkSuite(t *testing.T, e *endpoint, bucket string) {
	ctx := t.Context()
	c := e.client(t)
	if _, err := c.CreateBucket(ctx, &awss3.CreateBucketInput{Bucket: aws.String(bucket)}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateBucket(ctx, &awss3.CreateBucketInput{Bucket: aws.String(bucket)}); apiCode(err) != "BucketAlreadyOwnedByYou" {
		t.Fatalf("create twice: %v", err)
	}
	if _, err := c.HeadBucket(ctx, &awss3.HeadBucketInput{Bucket: aws.String(bucket)}); err != nil {
		t.Fatal(err)
	}
	body := []byte("hello, video")
	put, err := c.PutObject(ctx, &awss3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String("in/clip one.mp4"),
		Body: bytes.NewReader(body), ContentType: aws.String("video/mp4"), Metadata: map[string]string{"job": "7"}})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(put.ETag) != etagOf(body) {
		t.Fatalf("PutObject ETag %s, want %s", aws.ToString(put.ETag), etagOf(body))
	}
	// An unseekable body: over TLS the SDK sends it aws-chunked with a
	// CRC32 trailer.
	stream := bytes.Repeat([]byte("0123456789"), 100_000)
	var streamBody io.Reader = bytes.NewReader(stream)
	if e.srv.TLS != nil {
		streamBody = unseekable{streamBody} // plain HTTP needs a seekable body to sign
	}
	if _, err := c.PutObject(ctx, &awss3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String("in/stream.bin"),
		Body: streamBody, ContentLength: aws.Int64(int64(len(stream)))}); err != nil {
		t.Fatalf("streamed PutObject: %v", err)
	}
	get, err := c.GetObject(ctx, &awss3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String("in/stream.bin"), Range: aws.String("bytes=10-19")})
	if err != nil {
		t.Fatal(err)
	}
	part, _ := io.ReadAll(get.Body)
	get.Body.Close()
	if string(part) != "0123456789" || aws.ToString(get.ContentRange) != fmt.Sprintf("bytes 10-19/%d", len(stream)) {
		t.Fatalf("range = %q, %s", part, aws.ToString(get.ContentRange))
	}
	head, err := c.HeadObject(ctx, &awss3.HeadObjectInput{Bucket: aws.String(bucket), Key: aws.String("in/clip one.mp4")})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToInt64(head.ContentLength) != int64(len(body)) || aws.ToString(head.ContentType) != "video/mp4" || head.Metadata["job"] != "7" {
		t.Fatalf("HeadObject = %d %s %v", aws.ToInt64(head.ContentLength), aws.ToString(head.ContentType), head.Metadata)
	}
	sdkMultipart(t, c, bucket)
	sdkListCopyDelete(t, c, bucket, body)
	sdkErrors(t, c, bucket)
}

func sdkMultipart(t *testing.T, c *awss3.Client, bucket string) {
	ctx := t.Context()
	big := bytes.Repeat([]byte("frame-"), 2_000_000) // 12 MB: three 5 MiB parts
	up := transfermanager.New(c, func(o *transfermanager.Options) {
		o.PartSizeBytes = 5 << 20
		o.MultipartUploadThreshold = 5 << 20
		o.Concurrency = 2
	})
	if _, err := up.UploadObject(ctx, &transfermanager.UploadObjectInput{Bucket: aws.String(bucket), Key: aws.String("big/movie.mov"),
		Body: bytes.NewReader(big)}); err != nil {
		t.Fatalf("multipart upload: %v", err)
	}
	get, err := c.GetObject(ctx, &awss3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String("big/movie.mov")})
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(get.Body)
	get.Body.Close()
	if !bytes.Equal(got, big) || !strings.HasSuffix(aws.ToString(get.ETag), `-3"`) {
		t.Fatalf("multipart object: %d bytes, ETag %s", len(got), aws.ToString(get.ETag))
	}
	// An aborted upload is gone.
	cr, err := c.CreateMultipartUpload(ctx, &awss3.CreateMultipartUploadInput{Bucket: aws.String(bucket), Key: aws.String("big/aborted")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.UploadPart(ctx, &awss3.UploadPartInput{Bucket: aws.String(bucket), Key: aws.String("big/aborted"),
		UploadId: cr.UploadId, PartNumber: aws.Int32(1), Body: strings.NewReader("x")}); err != nil {
		t.Fatal(err)
	}
	lp, err := c.ListParts(ctx, &awss3.ListPartsInput{Bucket: aws.String(bucket), Key: aws.String("big/aborted"), UploadId: cr.UploadId})
	if err != nil || len(lp.Parts) != 1 || aws.ToInt64(lp.Parts[0].Size) != 1 {
		t.Fatalf("ListParts = %+v, %v", lp, err)
	}
	if _, err := c.AbortMultipartUpload(ctx, &awss3.AbortMultipartUploadInput{Bucket: aws.String(bucket), Key: aws.String("big/aborted"), UploadId: cr.UploadId}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ListParts(ctx, &awss3.ListPartsInput{Bucket: aws.String(bucket), Key: aws.String("big/aborted"), UploadId: cr.UploadId}); apiCode(err) != "NoSuchUpload" {
		t.Fatalf("ListParts after abort: %v", err)
	}
}

func sdkListCopyDelete(t *testing.T, c *awss3.Client, bucket string, body []byte) {
	ctx := t.Context()
	cp, err := c.CopyObject(ctx, &awss3.CopyObjectInput{Bucket: aws.String(bucket), Key: aws.String("archived/clip one.mp4"),
		CopySource: aws.String(objectstore.CopySource(bucket, "in/clip one.mp4"))})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(cp.CopyObjectResult.ETag) != etagOf(body) {
		t.Fatalf("CopyObject ETag %s", aws.ToString(cp.CopyObjectResult.ETag))
	}
	var keys []string
	pages := awss3.NewListObjectsV2Paginator(c, &awss3.ListObjectsV2Input{Bucket: aws.String(bucket), MaxKeys: aws.Int32(2)})
	for pages.HasMorePages() {
		p, err := pages.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range p.Contents {
			keys = append(keys, aws.ToString(o.Key))
		}
	}
	if got := strings.Join(keys, ","); got != "archived/clip one.mp4,big/movie.mov,in/clip one.mp4,in/stream.bin" {
		t.Fatalf("listed %s", got)
	}
	top, err := c.ListObjectsV2(ctx, &awss3.ListObjectsV2Input{Bucket: aws.String(bucket), Delimiter: aws.String("/")})
	if err != nil || len(top.CommonPrefixes) != 3 || aws.ToString(top.CommonPrefixes[0].Prefix) != "archived/" {
		t.Fatalf("delimited = %+v, %v", top, err)
	}
	del, err := c.DeleteObjects(ctx, &awss3.DeleteObjectsInput{Bucket: aws.String(bucket), Delete: &types.Delete{Objects: []types.ObjectIdentifier{
		{Key: aws.String("archived/clip one.mp4")}, {Key: aws.String("big/movie.mov")}, {Key: aws.String("never/was")}}}})
	if err != nil || len(del.Deleted) != 3 {
		t.Fatalf("DeleteObjects = %+v, %v", del, err)
	}
	if _, err := c.DeleteObject(ctx, &awss3.DeleteObjectInput{Bucket: aws.String(bucket), Key: aws.String("in/stream.bin")}); err != nil {
		t.Fatal(err)
	}
	left, err := c.ListObjectsV2(ctx, &awss3.ListObjectsV2Input{Bucket: aws.String(bucket)})
	if err != nil || aws.ToInt32(left.KeyCount) != 1 {
		t.Fatalf("after deleting: %+v, %v", left, err)
	}
	if _, err := c.DeleteBucket(ctx, &awss3.DeleteBucketInput{Bucket: aws.String(bucket)}); apiCode(err) != "BucketNotEmpty" {
		t.Fatalf("delete a full bucket: %v", err)
	}
}

func sdkErrors(t *testing.T, c *awss3.Client, bucket string) {
	ctx := t.Context()
	_, err := c.GetObject(ctx, &awss3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String("missing.mp4")})
	var noKey *types.NoSuchKey
	if !errors.As(err, &noKey) {
		t.Fatalf("GetObject of a missing key: %v", err)
	}
	var notFound *types.NotFound
	if _, err := c.HeadObject(ctx, &awss3.HeadObjectInput{Bucket: aws.String(bucket), Key: aws.String("missing.mp4")}); !errors.As(err, &notFound) {
		t.Fatalf("HeadObject of a missing key: %v", err)
	}
	var noBucket *types.NoSuchBucket
	if _, err := c.ListObjectsV2(ctx, &awss3.ListObjectsV2Input{Bucket: aws.String("never-made-" + bucket)}); !errors.As(err, &noBucket) {
		t.Fatalf("list a missing bucket: %v", err)
	}
	_, err = c.CopyObject(ctx, &awss3.CopyObjectInput{Bucket: aws.String(bucket), Key: aws.String("x"),
		CopySource: aws.String("0b9ac5e2-4c3e-4d10-9c1b-2f4e8a6b1c3d/clip.mp4")})
	if apiCode(err) != "NoSuchBucket" {
		t.Fatalf("copy from a missing bucket: %v", err)
	}
	if _, err := c.GetObject(ctx, &awss3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String("in/clip one.mp4"), Range: aws.String("bytes=500-")}); apiCode(err) != "InvalidRange" {
		t.Fatalf("a range past the end: %v", err)
	}
}

func TestSDKAgainstLocalStore(t *testing.T) {
	e := serve(t, nil, false)
	sdkSuite(t, e, "sdk-local")
	evs := e.notes.all()
	kinds := map[string]int{}
	for _, ev := range evs {
		kinds[ev.Event]++
		if ev.Bucket != "sdk-local" || ev.ETag == "" || strings.HasPrefix(ev.ETag, `"`) || ev.Source != "s3" || ev.Sequencer == "" {
			t.Errorf("event %+v", ev)
		}
	}
	if kinds["ObjectCreated:Put"] != 2 || kinds["ObjectCreated:Copy"] != 1 || kinds["ObjectCreated:CompleteMultipartUpload"] != 1 {
		t.Fatalf("events by kind = %v", kinds)
	}
}

// Over TLS the SDK streams unseekable bodies as aws-chunked with a
// trailing checksum (STREAMING-UNSIGNED-PAYLOAD-TRAILER).
func TestSDKOverTLSStreamsChunked(t *testing.T) {
	e := serve(t, nil, true)
	sdkSuite(t, e, "sdk-tls")
	if n := e.payloadCount("STREAMING-UNSIGNED-PAYLOAD-TRAILER"); n == 0 {
		t.Fatalf("the SDK sent no aws-chunked body with a trailer (payload types %v)", e.payloads)
	}
}

// The endpoint over the S3 backend, against a real S3-compatible server.
func TestSDKAgainstS3StoreOnMoto(t *testing.T) {
	srv := s3test.Moto(t)
	store, err := objectstore.NewS3(t.Context(), objectstore.S3Config{Endpoint: srv.URL, PathStyle: true,
		AccessKeyID: "k", SecretAccessKey: "s", PartSize: 5 << 20})
	if err != nil {
		t.Fatal(err)
	}
	sdkSuite(t, serve(t, store, false), "sdk-moto")
}
