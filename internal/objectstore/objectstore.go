// Package objectstore is the engine's object storage: one interface with a
// local-directory backend (the embedded default) and an S3 backend
// (aws-sdk-go-v2; AWS or MinIO). Keys are validated before any backend sees
// them: no "..", no absolute paths, nothing that escapes the root
// (ValidateKey, ValidateBucket; the same rules on both backends).
package objectstore

import (
	"context"
	"io"
	"time"
)

// Info describes a stored object.
type Info struct {
	Bucket      string
	Key         string
	Size        int64
	ContentType string
	Modified    time.Time
	// ETag is the object's entity tag as S3 gives it, quoted: the hex MD5
	// of its bytes, or for a multipart upload the MD5 of its parts' MD5s
	// followed by "-" and the number of parts.
	ETag string
	// VersionId is set where the bucket keeps versions (S3 with
	// versioning enabled); the local store keeps none.
	VersionId string
	// Metadata is the user metadata (x-amz-meta-*), names in lower case.
	// Listings leave it nil, as S3's do.
	Metadata map[string]string
}

// Store reads and writes objects. Errors for a bad bucket or key wrap
// problem.ErrInvalid; a missing object or bucket is a *NoSuchKeyError or
// *NoSuchBucketError, both problem.ErrNotFound.
//
// Both backends also implement the S3 operations the S3 endpoint and the
// aws-sdk:s3 integrations need (PutWith, GetRange, Copy, ListPage, the
// bucket and multipart methods; see options.go); those packages declare
// the interfaces they use.
type Store interface {
	// Put streams r (size bytes, or -1 when unknown) to bucket/key,
	// replacing what is there. It never holds the whole object in memory.
	Put(ctx context.Context, bucket, key string, r io.Reader, size int64, contentType string) (Info, error)
	// Get opens an object; the caller closes the reader.
	Get(ctx context.Context, bucket, key string) (io.ReadCloser, Info, error)
	// Stat describes an object.
	Stat(ctx context.Context, bucket, key string) (Info, error)
	// Delete removes an object; deleting a missing object is not an error.
	Delete(ctx context.Context, bucket, key string) error
	// List returns the objects under prefix, sorted by key.
	List(ctx context.Context, bucket, prefix string) ([]Info, error)
}

// BucketMaker is implemented by both backends: EnsureBucket creates a
// bucket unless it exists (call it at start-up for the configured bucket).
// The local backend also creates a bucket on its first Put; S3 does not,
// and a Put to a missing bucket wraps problem.ErrNotFound.
type BucketMaker interface {
	EnsureBucket(ctx context.Context, bucket string) error
}

var (
	_ Store       = (*Local)(nil)
	_ BucketMaker = (*Local)(nil)
	_ Store       = (*S3)(nil)
	_ BucketMaker = (*S3)(nil)
	_ Presigner   = (*S3)(nil)
)

// Presigner is implemented by backends that can hand out URLs for clients
// to upload and download directly (S3).
type Presigner interface {
	PresignPut(ctx context.Context, bucket, key string, ttl time.Duration) (string, error)
	PresignGet(ctx context.Context, bucket, key string, ttl time.Duration) (string, error)
}
