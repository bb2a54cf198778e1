package mediaconvert

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/mie-kafka/mie/internal/media/ffmpeg"
	"github.com/mie-kafka/mie/internal/media/transcode"
	"github.com/mie-kafka/mie/processors/worker"
	"github.com/mie-kafka/mie/processors/worker/awss3"
)

// Task errors, as Step Functions names them.
const (
	// ErrBadRequest: CreateJob refused the request (a setting the
	// transcoder cannot honour, with its JSON path), as MediaConvert's API
	// refuses one with a BadRequestException; no job was created.
	ErrBadRequest = "MediaConvert.BadRequestException"
	// ErrNotFound: GetJob or CancelJob named no job.
	ErrNotFound = "MediaConvert.NotFoundException"
	// ErrConflict: CancelJob on a job that has ended.
	ErrConflict = "MediaConvert.ConflictException"
	// ErrJobFailed: a .sync job ended in ERROR or CANCELED. Step Functions'
	// Run a Job (.sync) integrations of Batch, ECS and Glue fail such a
	// Task with States.TaskFailed and the job's description as the Cause;
	// AWS documents no MediaConvert-specific name, so this does the same.
	// The Cause is the Job, with its ErrorCode and ErrorMessage.
	ErrJobFailed = "States.TaskFailed"
	// ErrNoSuchKey: a .sync job whose input object (or bucket) does not
	// exist (MediaConvert's error 1404). MediaConvert reports it as a
	// failed job; mie names it as the aws-sdk:s3 integration names a
	// missing object, so a Catch can tell it apart. The Cause is the Job.
	ErrNoSuchKey = awss3.ErrNoSuchKey
	// ErrFfmpegNotInstalled: this worker cannot transcode; the Cause says
	// which program is missing and how to install it.
	ErrFfmpegNotInstalled = ffmpeg.TaskError
	// ErrUnsupported: an action or integration pattern this worker does not
	// serve.
	ErrUnsupported = "States.Runtime"
)

// badRequest is the failed Task of a CreateJob that MediaConvert would
// refuse, with the message AWS's SDK errors carry.
func badRequest(err error) worker.Result {
	msg := err.Error()
	var ve *transcode.ValidationError
	if errors.As(err, &ve) {
		parts := make([]string, len(ve.Problems))
		for i, p := range ve.Problems {
			parts[i] = p.String()
		}
		msg = strings.Join(parts, "; ")
	}
	return worker.Failed(ErrBadRequest, fmt.Sprintf("%s (Service: MediaConvert, Status Code: 400, Error Code: BadRequestException)", msg))
}

// jobFailed is the failed Task of a .sync job that did not complete.
func jobFailed(j transcode.Job) worker.Result {
	name := ErrJobFailed
	if j.ErrorCode == transcode.ErrorCodeFileMissing {
		name = ErrNoSuchKey
	}
	cause, err := json.Marshal(j)
	if err != nil {
		cause = fmt.Appendf(nil, `{"Id":%q,"Status":%q,"ErrorCode":%d}`, j.Id, j.Status, j.ErrorCode)
	}
	return worker.Failed(name, string(cause))
}
