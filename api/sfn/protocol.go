package sfn

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"math"
	"net/http"
	"strconv"
	"time"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"
)

// The AWS JSON 1.0 protocol: every action is POST / with the header
// X-Amz-Target: AWSStepFunctions.<Action> and a JSON body; the answer is
// 200 with a JSON body, or an error status with {"__type", "message"}.
// SigV4 headers are accepted and not checked.

const (
	targetPrefix = "AWSStepFunctions."
	contentType  = "application/x-amz-json-1.0"
)

// Epoch is a timestamp as the protocol writes it: seconds since the Unix
// epoch, with millisecond fractions.
type Epoch time.Time

// MarshalJSON writes seconds with up to three decimals.
func (e Epoch) MarshalJSON() ([]byte, error) {
	ms := time.Time(e).UnixMilli()
	return strconv.AppendFloat(nil, float64(ms)/1000, 'f', -1, 64), nil
}

// UnmarshalJSON reads seconds (a number), to the millisecond.
func (e *Epoch) UnmarshalJSON(b []byte) error {
	f, err := strconv.ParseFloat(string(b), 64)
	if err != nil {
		return err
	}
	*e = Epoch(time.UnixMilli(int64(math.Round(f * 1000))).UTC())
	return nil
}

func epoch(t time.Time) Epoch { return Epoch(t) }

// epochPtr is nil for the zero time (an optional timestamp).
func epochPtr(t time.Time) *Epoch {
	if t.IsZero() {
		return nil
	}
	e := Epoch(t)
	return &e
}

// decodeBody reads a request body into v; an empty body is {}.
func decodeBody(body []byte, v any) error {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(v); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) && te.Field != "" {
			return fault(SerializationException, "field %s: want %s, got JSON %s", te.Field, te.Type, te.Value)
		}
		return fault(SerializationException, "the body is not a JSON object of this action's fields: %v", err)
	}
	if dec.More() {
		return fault(SerializationException, "trailing data after the JSON object")
	}
	return nil
}

// errorBody is the protocol's error answer.
type errorBody struct {
	Type         string `json:"__type"`
	Message      string `json:"message"`
	Reason       string `json:"reason,omitempty"`
	ResourceName string `json:"resourceName,omitempty"`
}

// writeJSON answers status with v.
func writeJSON(c echo.Context, status int, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set(echo.HeaderContentType, contentType)
	h.Set("X-Amzn-Requestid", uuid.NewString())
	c.Response().WriteHeader(status)
	_, err = c.Response().Write(b)
	return err
}

// writeFault answers a Fault.
func writeFault(c echo.Context, f *Fault) error {
	c.Response().Header().Set("X-Amzn-Errortype", f.Code.Name)
	return writeJSON(c, f.Code.Status, errorBody{Type: f.Code.Name, Message: f.Message, Reason: f.Reason, ResourceName: f.ResourceName})
}

// readBody reads at most limit bytes of the request body.
func readBody(r *http.Request, limit int64) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r.Body, limit+1))
	if err != nil {
		var he *echo.HTTPError
		var mbe *http.MaxBytesError
		if errors.As(err, &he) || errors.As(err, &mbe) {
			return nil, fault(RequestEntityTooLarge, "the request body is over the limit")
		}
		return nil, fault(SerializationException, "read the request body: %v", err)
	}
	if int64(len(b)) > limit {
		return nil, fault(RequestEntityTooLarge, "the request body is over the %d-byte limit", limit)
	}
	return b, nil
}
