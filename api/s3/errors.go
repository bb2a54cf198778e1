package s3

import (
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"net/http"

	"github.com/mie-kafka/mie/internal/objectstore"
	"github.com/mie-kafka/mie/internal/problem"
)

// Error is an S3 error answer: its code, HTTP status and message, and the
// bucket or key it is about.
type Error struct {
	Code    string
	Status  int
	Message string
	Bucket  string
	Key     string
	// Extra is written into the XML (e.g. the ArgumentName of
	// InvalidArgument, or the limit of EntityTooLarge).
	Extra map[string]string
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

// S3's error codes used here.
const (
	CodeNoSuchBucket            = "NoSuchBucket"
	CodeNoSuchKey               = "NoSuchKey"
	CodeNoSuchUpload            = "NoSuchUpload"
	CodeBucketAlreadyOwnedByYou = "BucketAlreadyOwnedByYou"
	CodeBucketNotEmpty          = "BucketNotEmpty"
	CodeInvalidBucketName       = "InvalidBucketName"
	CodeInvalidArgument         = "InvalidArgument"
	CodeInvalidRequest          = "InvalidRequest"
	CodeInvalidRange            = "InvalidRange"
	CodeInvalidDigest           = "InvalidDigest"
	CodeBadDigest               = "BadDigest"
	CodeSHA256Mismatch          = "XAmzContentSHA256Mismatch"
	CodeIncompleteBody          = "IncompleteBody"
	CodeMissingContentLength    = "MissingContentLength"
	CodeMalformedXML            = "MalformedXML"
	CodeEntityTooLarge          = "EntityTooLarge"
	CodeKeyTooLong              = "KeyTooLongError"
	CodeMethodNotAllowed        = "MethodNotAllowed"
	CodeNotImplemented          = "NotImplemented"
	CodeServiceUnavailable      = "ServiceUnavailable"
	CodeInternalError           = "InternalError"
	CodeRequestTimeout          = "RequestTimeout"
)

func invalidArgument(format string, args ...any) *Error {
	return &Error{Code: CodeInvalidArgument, Status: http.StatusBadRequest, Message: fmt.Sprintf(format, args...)}
}

func invalidRequest(format string, args ...any) *Error {
	return &Error{Code: CodeInvalidRequest, Status: http.StatusBadRequest, Message: fmt.Sprintf(format, args...)}
}

func malformedXML(err error) *Error {
	return &Error{Code: CodeMalformedXML, Status: http.StatusBadRequest,
		Message: "The XML you provided was not well-formed or did not validate against our published schema: " + err.Error()}
}

func notImplemented(what string) *Error {
	return &Error{Code: CodeNotImplemented, Status: http.StatusNotImplemented,
		Message: what + " is not implemented by mie's S3 endpoint (see docs/s3.md)"}
}

// toError maps a store (or body) error to S3's answer. Errors a request
// can cause are 4xx; only an unreachable dependency is a 503, and what is
// left (a bug, a broken disk) a 500.
func toError(err error) *Error {
	var (
		e        *Error
		noBucket *objectstore.NoSuchBucketError
		noKey    *objectstore.NoSuchKeyError
		noUpload *objectstore.NoSuchUploadError
		exists   *objectstore.BucketExistsError
		notEmpty *objectstore.BucketNotEmptyError
		part     *objectstore.PartError
	)
	switch {
	case errors.As(err, &e):
		return e
	case errors.As(err, &noBucket):
		return &Error{Code: CodeNoSuchBucket, Status: http.StatusNotFound, Message: "The specified bucket does not exist", Bucket: noBucket.Bucket}
	case errors.As(err, &noKey):
		return &Error{Code: CodeNoSuchKey, Status: http.StatusNotFound, Message: "The specified key does not exist.", Bucket: noKey.Bucket, Key: noKey.Key}
	case errors.As(err, &noUpload):
		return &Error{Code: CodeNoSuchUpload, Status: http.StatusNotFound, Key: noUpload.Key,
			Message: "The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed."}
	case errors.As(err, &exists):
		return &Error{Code: CodeBucketAlreadyOwnedByYou, Status: http.StatusConflict, Bucket: exists.Bucket,
			Message: "Your previous request to create the named bucket succeeded and you already own it."}
	case errors.As(err, &notEmpty):
		return &Error{Code: CodeBucketNotEmpty, Status: http.StatusConflict, Bucket: notEmpty.Bucket,
			Message: "The bucket you tried to delete is not empty"}
	case errors.As(err, &part):
		return &Error{Code: part.Code, Status: http.StatusBadRequest, Message: part.Error()}
	case errors.Is(err, problem.ErrTooLarge):
		return &Error{Code: CodeEntityTooLarge, Status: http.StatusBadRequest, Message: err.Error()}
	case errors.Is(err, problem.ErrInvalid), errors.Is(err, problem.ErrConflict):
		return invalidArgument("%v", err)
	case errors.Is(err, problem.ErrUnavailable):
		return &Error{Code: CodeServiceUnavailable, Status: http.StatusServiceUnavailable, Message: "Please reduce your request rate: " + err.Error()}
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return &Error{Code: CodeRequestTimeout, Status: http.StatusBadRequest, Message: "Your socket connection to the server was not read from or written to within the timeout period."}
	}
	return &Error{Code: CodeInternalError, Status: http.StatusInternalServerError, Message: "We encountered an internal error. Please try again."}
}

type errorBody struct {
	XMLName   xml.Name `xml:"Error"`
	Code      string   `xml:"Code"`
	Message   string   `xml:"Message"`
	Bucket    string   `xml:"BucketName,omitempty"`
	Key       string   `xml:"Key,omitempty"`
	Resource  string   `xml:"Resource,omitempty"`
	RequestID string   `xml:"RequestId"`
	HostID    string   `xml:"HostId"`
	Extra     []extra  `xml:",any"`
}

type extra struct {
	XMLName xml.Name
	Value   string `xml:",chardata"`
}

// writeError answers with the error's XML (no body for HEAD, as S3).
func writeError(w http.ResponseWriter, r *http.Request, reqID string, e *Error) {
	if e.Status == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", "1")
	}
	if r.Method == http.MethodHead {
		w.WriteHeader(e.Status)
		return
	}
	body := errorBody{Code: e.Code, Message: e.Message, Bucket: e.Bucket, Key: e.Key, Resource: r.URL.Path,
		RequestID: reqID, HostID: reqID}
	for k, v := range e.Extra {
		body.Extra = append(body.Extra, extra{XMLName: xml.Name{Local: k}, Value: v})
	}
	writeXML(w, e.Status, body)
}

func writeXML(w http.ResponseWriter, status int, v any) {
	b, err := xml.Marshal(v)
	if err != nil {
		http.Error(w, "encode the answer: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/xml")
	w.Header().Set("Content-Length", fmt.Sprint(len(xml.Header)+len(b)))
	w.WriteHeader(status)
	_, _ = w.Write([]byte(xml.Header))
	_, _ = w.Write(b)
}
