package awss3

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/mie-kafka/mie/internal/objectstore"
	"github.com/mie-kafka/mie/internal/problem"
	"github.com/mie-kafka/mie/processors/worker"
)

// Errors as Step Functions names an SDK integration's: "S3." and S3's
// error code with the suffix Exception, which Step Functions adds even
// where S3's code has none (its documentation's example is
// S3.BucketAlreadyExistsException).
const (
	ErrNoSuchKey          = "S3.NoSuchKeyException"
	ErrNoSuchBucket       = "S3.NoSuchBucketException"
	ErrNoSuchUpload       = "S3.NoSuchUploadException"
	ErrBucketOwnedByYou   = "S3.BucketAlreadyOwnedByYouException"
	ErrBucketNotEmpty     = "S3.BucketNotEmptyException"
	ErrInvalidBucketName  = "S3.InvalidBucketNameException"
	ErrInvalidArgument    = "S3.InvalidArgumentException"
	ErrInvalidRequest     = "S3.InvalidRequestException"
	ErrInvalidRange       = "S3.InvalidRangeException"
	ErrServiceUnavailable = "S3.ServiceUnavailableException"
	ErrS3                 = "S3.S3Exception"
	// ErrRuntime is a Task this worker cannot run at all.
	ErrRuntime = "States.Runtime"
	// ErrDataLimit is a getObject Body over the payload quota.
	ErrDataLimit = "States.DataLimitExceeded"
)

// taskError is an S3 error as the Task reports it: its name and a cause
// shaped as the Java SDK's message that Step Functions passes on.
type taskError struct {
	name    string
	message string
	status  int
}

func (e *taskError) Error() string { return e.name + ": " + e.message }

func validation(format string, args ...any) error {
	return &taskError{name: ErrInvalidArgument, message: fmt.Sprintf(format, args...), status: http.StatusBadRequest}
}

// classify maps a store error to S3's.
func classify(err error) *taskError {
	var (
		te       *taskError
		noBucket *objectstore.NoSuchBucketError
		noKey    *objectstore.NoSuchKeyError
		exists   *objectstore.BucketExistsError
		notEmpty *objectstore.BucketNotEmptyError
	)
	switch {
	case errors.As(err, &te):
		return te
	case errors.As(err, &noBucket):
		return &taskError{ErrNoSuchBucket, "The specified bucket does not exist", http.StatusNotFound}
	case errors.As(err, &noKey):
		return &taskError{ErrNoSuchKey, "The specified key does not exist.", http.StatusNotFound}
	case errors.As(err, &exists):
		return &taskError{ErrBucketOwnedByYou, "Your previous request to create the named bucket succeeded and you already own it.", http.StatusConflict}
	case errors.As(err, &notEmpty):
		return &taskError{ErrBucketNotEmpty, "The bucket you tried to delete is not empty", http.StatusConflict}
	case errors.Is(err, problem.ErrInvalid), errors.Is(err, problem.ErrConflict):
		return &taskError{ErrInvalidArgument, err.Error(), http.StatusBadRequest}
	case errors.Is(err, problem.ErrUnavailable), errors.Is(err, context.DeadlineExceeded):
		return &taskError{ErrServiceUnavailable, err.Error(), http.StatusServiceUnavailable}
	}
	return &taskError{ErrS3, err.Error(), http.StatusInternalServerError}
}

// fail is the Task's failure for err.
func fail(err error) worker.Result {
	e := classify(err)
	if e.name == ErrRuntime || e.name == ErrDataLimit {
		return worker.Failed(e.name, e.message)
	}
	return worker.Failed(e.name, fmt.Sprintf("%s (Service: S3, Status Code: %d, Request ID: mie)", e.message, e.status))
}
