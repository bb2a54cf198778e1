// Package dynamodb serves DynamoDB's own API, AWS JSON 1.0 on POST /
// with X-Amz-Target DynamoDB_20120810.<Action>, so that AWS's clients
// (the SDKs, boto3, the AWS CLI) drive mie's tables with --endpoint-url.
// Table definitions are events on the resources topic; item writes go
// through the tables processor (processors/tables), which owns every
// item; reads come from this process's memory projection of the tables
// topic, after the writes this instance made (read-your-writes).
// docs/tables.md lists the actions and every difference from AWS.
package dynamodb

import (
	"encoding/json"
	"hash/crc32"
	"net/http"
	"strconv"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/tables"
)

// TargetPrefix starts the X-Amz-Target of every DynamoDB request.
const TargetPrefix = "DynamoDB_20120810."

// contentType is AWS JSON 1.0's.
const contentType = "application/x-amz-json-1.0"

// MaxRequestBytes bounds a request body (DynamoDB's own limit is 16 MB).
const MaxRequestBytes = 16 << 20

// writeJSON answers with DynamoDB's headers: the request id, and the
// body's CRC32, which the SDKs check.
func writeJSON(w http.ResponseWriter, status int, requestID string, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		status = http.StatusInternalServerError
		body, _ = json.Marshal(errorBody(tables.Errorf(tables.InternalServerError, "the response cannot be encoded: %v", err)))
	}
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	h.Set("x-amzn-RequestId", requestID)
	h.Set("x-amz-crc32", strconv.FormatUint(uint64(crc32.ChecksumIEEE(body)), 10))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// errorBody is DynamoDB's error shape: {"__type": "<namespace>#<Code>",
// "message": ...}, with the item for a failed condition that asked for
// it.
func errorBody(e *tables.Error) map[string]any {
	body := map[string]any{"__type": e.Code.Namespace() + "#" + string(e.Code), "message": e.Message}
	if e.Item != nil {
		body["Item"] = e.Item
	}
	return body
}

// writeError answers with an error: 400 for the caller's, 500 or 503 for
// the service's.
func writeError(w http.ResponseWriter, requestID string, err error) {
	e := tables.AsError(err)
	status := http.StatusBadRequest
	switch e.Code {
	case tables.InternalServerError:
		status = http.StatusInternalServerError
	case tables.ServiceUnavailable:
		status = http.StatusServiceUnavailable
	}
	writeJSON(w, status, requestID, errorBody(e))
}

func newRequestID() string { return events.NewID() }
