package worker

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/mie-kafka/mie/internal/asl/failure"
)

// Lambda's invoke contract, which functions implemented by an http(s) URL
// speak (Lambda container images answer it on their runtime interface
// emulator, at /2015-03-31/functions/function/invocations): the task's
// Payload is POSTed as JSON; a 2xx answer is the result, unless it
// carries X-Amz-Function-Error; an error is that header, or a non-2xx
// answer, whose body is {"errorType", "errorMessage"[, "stackTrace"]}.

// HeaderFunctionError marks a function's error answer.
const HeaderFunctionError = "X-Amz-Function-Error"

// Errors of an invocation that did not reach the function's code, as
// Step Functions names Lambda's.
const (
	ErrLambdaService = "Lambda.ServiceException"
	ErrLambdaUnknown = "Lambda.Unknown"
	// ErrLambdaClient: the function's endpoint could not be reached.
	ErrLambdaClient = "Lambda.SdkClientException"
)

// lambdaInvokeResource is Step Functions' optimized Lambda integration,
// whose result wraps the function's.
const lambdaInvokeResource = "arn:aws:states:::lambda:invoke"

// Invoke calls a function implemented by an http(s) URL with the task's
// Payload.
func (h *HTTP) Invoke(ctx context.Context, t *Task) (Result, error) {
	target := t.Implementation
	u, err := url.Parse(target)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return Failed(ErrLambdaService, fmt.Sprintf("function %s: %q is not an http(s) URL", t.Function, target)), nil
	}
	payload := t.Payload
	if len(payload) == 0 {
		payload = []byte("{}")
	}
	timeout := h.Timeout
	if timeout <= 0 {
		timeout = DefaultHTTPTimeout
	}
	if t.TimeoutSeconds > 0 {
		// The engine times the attempt out (States.Timeout) at
		// TimeoutSeconds; the call may run a little past it, so that the
		// engine's decision, not a race with it, ends the attempt.
		timeout = time.Duration(t.TimeoutSeconds)*time.Second + 5*time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u.String(), bytes.NewReader(payload))
	if err != nil {
		return Result{}, fmt.Errorf("invoke %s: %w", target, err)
	}
	req.Header.Set("Content-Type", "application/json")
	// A stable idempotency key: an invocation may repeat (a redelivered
	// batch), with the same key.
	req.Header.Set("X-Amz-Invocation-Id", t.TaskId)
	req.Header.Set(HeaderTaskID, t.TaskId)
	req.Header.Set(HeaderAttempt, strconv.Itoa(t.Attempt))
	cl := h.Client
	if cl == nil {
		cl = http.DefaultClient
	}
	resp, err := cl.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return Failed(failure.Timeout, fmt.Sprintf("function %s did not answer within %s", t.Function, timeout)), nil
		}
		return Failed(ErrLambdaClient, fmt.Sprintf("invoke function %s at %s: %v", t.Function, target, err)), nil
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxReplyBytes+1))
	if err != nil {
		return Result{}, fmt.Errorf("read the answer of %s: %w", target, err)
	}
	if len(raw) > maxReplyBytes {
		return Failed(ErrLambdaService, fmt.Sprintf("function %s answered with more than %d bytes", t.Function, maxReplyBytes)), nil
	}
	if fe := resp.Header.Get(HeaderFunctionError); fe != "" || resp.StatusCode < 200 || resp.StatusCode > 299 {
		return functionError(t, resp.StatusCode, raw), nil
	}
	var out any
	if len(bytes.TrimSpace(raw)) > 0 {
		d := json.NewDecoder(bytes.NewReader(raw))
		d.UseNumber()
		if err := d.Decode(&out); err != nil {
			return Failed(ErrLambdaUnknown, fmt.Sprintf("function %s answered with invalid JSON: %v: %s", t.Function, err, snippet(raw))), nil
		}
	}
	if strings.HasPrefix(t.Resource, lambdaInvokeResource) {
		out = invokeResult(t, resp, out)
	}
	return Returned(out), nil
}

// functionError is a function's error answer: Error is its errorType, Cause
// the error document, as Step Functions reports a Lambda function's error.
func functionError(t *Task, status int, raw []byte) Result {
	var doc struct {
		ErrorType    string `json:"errorType"`
		ErrorMessage string `json:"errorMessage"`
	}
	if json.Unmarshal(raw, &doc) == nil && doc.ErrorType != "" {
		return Failed(doc.ErrorType, string(raw))
	}
	if status >= 200 && status <= 299 {
		return Failed(ErrLambdaUnknown, string(raw))
	}
	return Failed(ErrLambdaService, fmt.Sprintf("function %s answered HTTP %d: %s", t.Function, status, snippet(raw)))
}

// invokeResult wraps a function's result as arn:aws:states:::lambda:invoke
// returns it.
func invokeResult(t *Task, resp *http.Response, payload any) map[string]any {
	headers := map[string]any{"Content-Type": "application/json"}
	return map[string]any{
		"ExecutedVersion": "$LATEST",
		"Payload":         payload,
		"SdkHttpMetadata": map[string]any{"AllHttpHeaders": map[string]any{}, "HttpHeaders": headers,
			"HttpStatusCode": json.Number(strconv.Itoa(resp.StatusCode))},
		"SdkResponseMetadata": map[string]any{"RequestId": t.TaskId},
		"StatusCode":          json.Number(strconv.Itoa(resp.StatusCode)),
	}
}
