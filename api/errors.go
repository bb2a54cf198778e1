package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/mie-kafka/mie/internal/problem"
)

// ErrorBody is MIE's error body.
type ErrorBody struct {
	Code    string `json:"Code"`
	Message string `json:"Message"`
}

// errorTable maps domain errors to an HTTP status and a stable code. The
// codes are MIE's (Chalice's) names.
var errorTable = []struct {
	err    error
	status int
	code   string
}{
	{problem.ErrInvalid, http.StatusBadRequest, "BadRequestError"},
	{problem.ErrNotFound, http.StatusNotFound, "NotFoundError"},
	{problem.ErrConflict, http.StatusConflict, "ConflictError"},
	{problem.ErrTooLarge, http.StatusRequestEntityTooLarge, "RequestEntityTooLargeError"},
	{problem.ErrUnavailable, http.StatusServiceUnavailable, "ServiceUnavailableError"},
}

// codeForStatus names Echo's own errors (unknown route, bad method, ...).
func codeForStatus(status int) string {
	switch status {
	case http.StatusBadRequest:
		return "BadRequestError"
	case http.StatusNotFound:
		return "NotFoundError"
	case http.StatusMethodNotAllowed:
		return "MethodNotAllowedError"
	case http.StatusConflict:
		return "ConflictError"
	case http.StatusRequestEntityTooLarge:
		return "RequestEntityTooLargeError"
	case http.StatusUnsupportedMediaType:
		return "UnsupportedMediaTypeError"
	case http.StatusServiceUnavailable:
		return "ServiceUnavailableError"
	}
	return "InternalServerError"
}

// Classify returns the status and body for err.
func Classify(err error) (int, ErrorBody) {
	for _, row := range errorTable {
		if errors.Is(err, row.err) {
			return row.status, ErrorBody{Code: row.code, Message: message(err, row.err)}
		}
	}
	var he *echo.HTTPError
	if errors.As(err, &he) {
		msg := http.StatusText(he.Code)
		if s, ok := he.Message.(string); ok && s != "" {
			msg = s
		}
		return he.Code, ErrorBody{Code: codeForStatus(he.Code), Message: msg}
	}
	return http.StatusInternalServerError, ErrorBody{Code: "InternalServerError", Message: "internal server error"}
}

// message strips the sentinel's own text ("invalid: ") from the front.
func message(err, sentinel error) string {
	return strings.TrimPrefix(err.Error(), sentinel.Error()+": ")
}

// errorHandler writes every error as MIE's JSON body; 5xx are logged, the
// rest are the caller's to fix.
func errorHandler(log *slog.Logger) echo.HTTPErrorHandler {
	return func(err error, c echo.Context) {
		if c.Response().Committed {
			return
		}
		status, body := Classify(err)
		if status >= 500 {
			log.Error("request failed", "method", c.Request().Method, "path", c.Path(), "err", err)
		}
		if c.Request().Method == http.MethodHead {
			_ = c.NoContent(status)
			return
		}
		_ = c.JSON(status, body)
	}
}

// bind decodes a JSON body whatever its Content-Type (MIE's API is JSON
// only, and curl -d sends a form type), naming what is wrong.
func bind(c echo.Context, v any) error {
	dec := json.NewDecoder(c.Request().Body)
	if err := dec.Decode(v); err != nil {
		var te *json.UnmarshalTypeError
		var mbe *http.MaxBytesError
		var he *echo.HTTPError
		switch {
		case errors.As(err, &he):
			return he // the body limit middleware's 413
		case errors.Is(err, io.EOF):
			return problem.Invalid("body", "a JSON object is required")
		case errors.As(err, &mbe):
			return fmt.Errorf("%w: body is over the %d-byte limit", problem.ErrTooLarge, mbe.Limit)
		case errors.As(err, &te) && te.Field != "":
			return problem.Invalid(te.Field, "want %s, got JSON %s", te.Type, te.Value)
		case errors.As(err, &te):
			return problem.Invalid("body", "want a JSON object, got JSON %s", te.Value)
		}
		return problem.Invalid("body", "malformed JSON: %v", err)
	}
	if dec.More() {
		return problem.Invalid("body", "trailing data after the JSON object")
	}
	return nil
}
