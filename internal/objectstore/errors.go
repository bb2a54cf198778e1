package objectstore

import (
	"fmt"

	"github.com/mie-kafka/mie/internal/problem"
)

// Typed errors of both backends, so that callers (the S3 endpoint, the
// aws-sdk:s3 integrations) can answer with S3's error codes. Each is also
// one of the problem errors, for the API's error table.

// NoSuchBucketError: the bucket does not exist (problem.ErrNotFound).
type NoSuchBucketError struct{ Bucket string }

func (e *NoSuchBucketError) Error() string {
	return fmt.Sprintf("%v: bucket %q does not exist", problem.ErrNotFound, e.Bucket)
}
func (e *NoSuchBucketError) Is(target error) bool { return target == problem.ErrNotFound }

// NoSuchKeyError: the bucket exists but holds no object under the key
// (problem.ErrNotFound).
type NoSuchKeyError struct{ Bucket, Key string }

func (e *NoSuchKeyError) Error() string {
	return fmt.Sprintf("%v: object %s/%s", problem.ErrNotFound, e.Bucket, e.Key)
}
func (e *NoSuchKeyError) Is(target error) bool { return target == problem.ErrNotFound }

// BucketExistsError: CreateBucket of a bucket that exists
// (problem.ErrConflict).
type BucketExistsError struct{ Bucket string }

func (e *BucketExistsError) Error() string {
	return fmt.Sprintf("%v: bucket %q exists already", problem.ErrConflict, e.Bucket)
}
func (e *BucketExistsError) Is(target error) bool { return target == problem.ErrConflict }

// BucketNotEmptyError: DeleteBucket of a bucket that holds objects
// (problem.ErrConflict).
type BucketNotEmptyError struct{ Bucket string }

func (e *BucketNotEmptyError) Error() string {
	return fmt.Sprintf("%v: bucket %q is not empty", problem.ErrConflict, e.Bucket)
}
func (e *BucketNotEmptyError) Is(target error) bool { return target == problem.ErrConflict }

// NoSuchUploadError: no multipart upload of that id is in progress for
// the key (problem.ErrNotFound).
type NoSuchUploadError struct{ Bucket, Key, UploadID string }

func (e *NoSuchUploadError) Error() string {
	return fmt.Sprintf("%v: no multipart upload %q of %s/%s in progress", problem.ErrNotFound, e.UploadID, e.Bucket, e.Key)
}
func (e *NoSuchUploadError) Is(target error) bool { return target == problem.ErrNotFound }

// PartError: CompleteMultipartUpload named a part that was not uploaded or
// has another ETag (Code InvalidPart), listed parts out of order
// (InvalidPartOrder), or a part other than the last is under 5 MiB
// (EntityTooSmall). It is problem.ErrInvalid.
type PartError struct {
	Code   string
	Part   int
	Reason string
}

// Codes of PartError, as S3 names them.
const (
	CodeInvalidPart      = "InvalidPart"
	CodeInvalidPartOrder = "InvalidPartOrder"
	CodeEntityTooSmall   = "EntityTooSmall"
)

func (e *PartError) Error() string {
	return fmt.Sprintf("%v: part %d: %s", problem.ErrInvalid, e.Part, e.Reason)
}
func (e *PartError) Is(target error) bool { return target == problem.ErrInvalid }
