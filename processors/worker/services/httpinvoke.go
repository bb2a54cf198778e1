package services

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/mie-kafka/mie/processors/worker"
)

// HTTP Task errors, as Step Functions names them.
const (
	// ErrHTTPSocket: the call did not get an answer (refused, reset,
	// timed out).
	ErrHTTPSocket = "States.Http.Socket"
	// errHTTPStatusPrefix + the status: a non-2xx answer.
	errHTTPStatusPrefix = "States.Http.StatusCode."
)

// Defaults of the HTTP Task worker.
const (
	DefaultHTTPTimeout = 60 * time.Second
	// maxResponseBytes is the largest body read, as Step Functions' 256 KiB
	// task result limit bounds it.
	maxResponseBytes = 256 << 10
)

// HTTPInvoke is the worker of AWS's HTTP Task, http:invoke: it calls
// ApiEndpoint with Method, Headers, QueryParameters and RequestBody
// (Transform's URL_ENCODED encoding included), and answers with
// {Headers, ResponseBody, StatusCode, StatusText}; a non-2xx answer fails
// the task with States.Http.StatusCode.<code>. Authentication is
// accepted and not used: mie has no EventBridge connections, so
// credentials go in Headers.
type HTTPInvoke struct {
	// Client sends the requests; default http.DefaultClient.
	Client *http.Client
	// Timeout bounds one call when the state sets no TimeoutSeconds;
	// default 60s.
	Timeout time.Duration
	// Region names the engine in the User-Agent (Step Functions sends
	// Amazon|StepFunctions|HttpInvoke|<region>); default us-east-1.
	Region string
}

// httpTask is http:invoke's parameters.
type httpTask struct {
	ApiEndpoint     string                     `json:"ApiEndpoint"`
	Method          string                     `json:"Method"`
	Authentication  json.RawMessage            `json:"Authentication"`
	Headers         map[string]json.RawMessage `json:"Headers"`
	QueryParameters map[string]json.RawMessage `json:"QueryParameters"`
	RequestBody     json.RawMessage            `json:"RequestBody"`
	Transform       *struct {
		RequestBodyEncoding    string `json:"RequestBodyEncoding"`
		RequestEncodingOptions *struct {
			ArrayFormat string `json:"ArrayFormat"`
		} `json:"RequestEncodingOptions"`
	} `json:"Transform"`
}

var httpMethods = map[string]bool{"GET": true, "POST": true, "PUT": true, "DELETE": true, "PATCH": true, "OPTIONS": true, "HEAD": true}

// Start refuses MIE operator tasks (an operator with an http(s) URL runs
// on the http worker).
func (HTTPInvoke) Start(context.Context, *worker.Task) (worker.Result, error) {
	return worker.Failed("States.Runtime", "builtin:aws.http serves http:invoke Task states, not MIE operators"), nil
}

// Invoke makes the call.
func (h HTTPInvoke) Invoke(ctx context.Context, t *worker.Task) (worker.Result, error) {
	var in httpTask
	if err := json.Unmarshal(t.Payload, &in); err != nil {
		return worker.Failed("States.Runtime", "the HTTP Task's parameters are not an object: "+err.Error()), nil
	}
	req, err := h.request(ctx, &in)
	if err != nil {
		return worker.Failed("States.Runtime", err.Error()), nil
	}
	timeout := h.Timeout
	if timeout <= 0 {
		timeout = DefaultHTTPTimeout
	}
	if t.TimeoutSeconds > 0 {
		timeout = time.Duration(t.TimeoutSeconds) * time.Second
	}
	cctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	client := h.Client
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(req.WithContext(cctx))
	if err != nil {
		return worker.Failed(ErrHTTPSocket, fmt.Sprintf("%s %s: %v", req.Method, in.ApiEndpoint, err)), nil
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes))
	if err != nil {
		return worker.Failed(ErrHTTPSocket, fmt.Sprintf("%s %s: reading the answer: %v", req.Method, in.ApiEndpoint, err)), nil
	}
	out := map[string]any{"Headers": responseHeaders(resp.Header), "ResponseBody": responseBody(resp.Header, body),
		"StatusCode": resp.StatusCode, "StatusText": http.StatusText(resp.StatusCode)}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		cause, _ := json.Marshal(out)
		return worker.Failed(errHTTPStatusPrefix+strconv.Itoa(resp.StatusCode), string(cause)), nil
	}
	return worker.Returned(out), nil
}

// request builds the call from the parameters.
func (h HTTPInvoke) request(ctx context.Context, in *httpTask) (*http.Request, error) {
	u, err := url.Parse(in.ApiEndpoint)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("ApiEndpoint %q is not an http(s) URL", in.ApiEndpoint)
	}
	method := strings.ToUpper(in.Method)
	if !httpMethods[method] {
		return nil, fmt.Errorf("Method %q is not one of GET, POST, PUT, DELETE, PATCH, OPTIONS, HEAD", in.Method)
	}
	format := "INDICES"
	encoded := false
	if tr := in.Transform; tr != nil {
		encoded = tr.RequestBodyEncoding == "URL_ENCODED"
		if tr.RequestBodyEncoding != "" && tr.RequestBodyEncoding != "NONE" && !encoded {
			return nil, fmt.Errorf("Transform.RequestBodyEncoding %q is not NONE or URL_ENCODED", tr.RequestBodyEncoding)
		}
		if tr.RequestEncodingOptions != nil && tr.RequestEncodingOptions.ArrayFormat != "" {
			format = tr.RequestEncodingOptions.ArrayFormat
		}
	}
	q := u.Query()
	if err := encodeForm(q, in.QueryParameters, format); err != nil {
		return nil, fmt.Errorf("QueryParameters: %w", err)
	}
	u.RawQuery = q.Encode()
	body, contentType, err := requestBody(in.RequestBody, encoded, format)
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, method, u.String(), bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	region := h.Region
	if region == "" {
		region = "us-east-1"
	}
	req.Header.Set("User-Agent", "Amazon|StepFunctions|HttpInvoke|"+region)
	for k, raw := range in.Headers {
		v, err := scalar(raw)
		if err != nil {
			return nil, fmt.Errorf("Headers.%s: %w", k, err)
		}
		req.Header.Set(k, v)
	}
	return req, nil
}

// requestBody encodes RequestBody: JSON (a string as it is), or a form
// when URL_ENCODED.
func requestBody(raw json.RawMessage, encoded bool, format string) ([]byte, string, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, "", nil
	}
	if encoded {
		var m map[string]json.RawMessage
		if err := json.Unmarshal(raw, &m); err != nil {
			return nil, "", errors.New("RequestBody must be an object to be URL_ENCODED")
		}
		form := url.Values{}
		if err := encodeForm(form, m, format); err != nil {
			return nil, "", fmt.Errorf("RequestBody: %w", err)
		}
		return []byte(form.Encode()), "application/x-www-form-urlencoded", nil
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return []byte(s), "text/plain; charset=UTF-8", nil
	}
	return raw, "application/json; charset=UTF-8", nil
}

// encodeForm adds parameters to a form: scalars as text, arrays in the
// ArrayFormat (INDICES a[0]=x, REPEAT a=x&a=y, COMMAS a=x,y, BRACKETS
// a[]=x).
func encodeForm(form url.Values, params map[string]json.RawMessage, format string) error {
	keys := make([]string, 0, len(params))
	for k := range params {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		var list []json.RawMessage
		if json.Unmarshal(params[k], &list) != nil {
			v, err := scalar(params[k])
			if err != nil {
				return fmt.Errorf("%s: %w", k, err)
			}
			form.Add(k, v)
			continue
		}
		vals := make([]string, len(list))
		for i, e := range list {
			v, err := scalar(e)
			if err != nil {
				return fmt.Errorf("%s[%d]: %w", k, i, err)
			}
			vals[i] = v
		}
		switch format {
		case "REPEAT":
			for _, v := range vals {
				form.Add(k, v)
			}
		case "COMMAS":
			form.Add(k, strings.Join(vals, ","))
		case "BRACKETS":
			for _, v := range vals {
				form.Add(k+"[]", v)
			}
		case "INDICES":
			for i, v := range vals {
				form.Add(fmt.Sprintf("%s[%d]", k, i), v)
			}
		default:
			return fmt.Errorf("ArrayFormat %q is not INDICES, REPEAT, COMMAS or BRACKETS", format)
		}
	}
	return nil
}

// scalar renders a JSON scalar as text: a string as it is, others in
// JSON.
func scalar(raw json.RawMessage) (string, error) {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s, nil
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return "", err
	}
	switch v.(type) {
	case map[string]any, []any:
		return "", errors.New("nested objects and arrays cannot be encoded here")
	}
	return string(raw), nil
}

// responseHeaders are the answer's headers, lower-cased as Step Functions
// returns them, each with its values.
func responseHeaders(h http.Header) map[string][]string {
	out := map[string][]string{}
	for k, v := range h {
		out[strings.ToLower(k)] = v
	}
	return out
}

// responseBody is the answer's body: parsed when it is JSON, else text.
func responseBody(h http.Header, body []byte) any {
	mt, _, _ := mime.ParseMediaType(h.Get("Content-Type"))
	if mt == "application/json" || strings.HasSuffix(mt, "+json") {
		var v any
		if json.Unmarshal(body, &v) == nil {
			return v
		}
	}
	return string(body)
}
