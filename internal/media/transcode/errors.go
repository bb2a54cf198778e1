package transcode

import "fmt"

// MediaConvert's job error codes (the Job's ErrorCode when Status is
// ERROR), as its documentation lists them; the transcoder uses these.
const (
	ErrorCodeInput       = 1010 // the input cannot be opened or is not media
	ErrorCodeVideo       = 1020 // no video in the input, and an output wants some
	ErrorCodeAudio       = 1021 // no audio where an audio selector asks for a track
	ErrorCodeCodec       = 1030 // the input's codec or container cannot be decoded
	ErrorCodeSettings    = 1040 // the settings do not fit this input, or this ffmpeg
	ErrorCodeDiskFull    = 1050 // no space left for the outputs
	ErrorCodeSourceRead  = 1076 // the input is truncated or corrupt past its start
	ErrorCodeFileMissing = 1404 // the input object (or its bucket) does not exist
	ErrorCodeUnknown     = 1999 // anything else (ffmpeg failed; see ErrorMessage)
)

// JobError is why a job ended in ERROR: MediaConvert's code and message,
// and the underlying error (for example one wrapping problem.ErrNotFound
// for a missing input, which a caller maps to S3's NoSuchKey).
type JobError struct {
	Code    int
	Message string
	Err     error
}

func (e *JobError) Error() string {
	return fmt.Sprintf("MediaConvert job error %d: %s", e.Code, e.Message)
}

func (e *JobError) Unwrap() error { return e.Err }

func jobErrorf(code int, err error, format string, args ...any) *JobError {
	return &JobError{Code: code, Message: fmt.Sprintf(format, args...), Err: err}
}
