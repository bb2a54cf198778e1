package api

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"
)

type named string

func (n named) ServeHTTP(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, string(n)) }

type stepFunctions struct{}

func (stepFunctions) Route(e *echo.Echo) {
	e.POST("/", func(c echo.Context) error { return c.String(http.StatusOK, "sfn") })
}

// TestAWSTargets: POST / goes to the handler of its X-Amz-Target's
// prefix, a form to the query handler, the rest to the Step Functions
// API or, without it, to AWS's UnknownOperationException.
func TestAWSTargets(t *testing.T) {
	targets := map[string]http.Handler{"DynamoDB_20120810.": named("dynamodb"), "AWSEvents.": named("events")}
	serve := func(e *echo.Echo, method, target, contentType string) (int, string) {
		req := httptest.NewRequest(method, "/", strings.NewReader("{}"))
		if target != "" {
			req.Header.Set("X-Amz-Target", target)
		}
		req.Header.Set("Content-Type", contentType)
		rec := httptest.NewRecorder()
		e.ServeHTTP(rec, req)
		return rec.Code, rec.Body.String()
	}
	with := echo.New()
	with.Use(awsTargets(targets, named("sns")))
	stepFunctions{}.Route(with)
	without := echo.New()
	without.Use(awsTargets(targets, named("sns")))
	without.POST("/", unknownTarget)
	tests := []struct {
		e                   *echo.Echo
		target, contentType string
		wantStatus          int
		want                string
	}{
		{with, "DynamoDB_20120810.PutItem", "application/x-amz-json-1.0", 200, "dynamodb"},
		{with, "AWSEvents.PutEvents", "application/x-amz-json-1.1", 200, "events"},
		{with, "", "application/x-www-form-urlencoded; charset=utf-8", 200, "sns"},
		{with, "AWSStepFunctions.ListStateMachines", "application/x-amz-json-1.0", 200, "sfn"},
		{with, "", "application/json", 200, "sfn"},
		{without, "AWSStepFunctions.ListStateMachines", "application/x-amz-json-1.0", 400, "UnknownOperationException"},
		{without, "DynamoDB_20120810.GetItem", "application/x-amz-json-1.0", 200, "dynamodb"},
	}
	for _, tt := range tests {
		status, body := serve(tt.e, http.MethodPost, tt.target, tt.contentType)
		if status != tt.wantStatus || !strings.Contains(body, tt.want) {
			t.Errorf("POST / %q %q = %d %s, want %d %s", tt.target, tt.contentType, status, body, tt.wantStatus, tt.want)
		}
	}
	if _, body := serve(with, http.MethodGet, "DynamoDB_20120810.GetItem", ""); body == "dynamodb" {
		t.Error("a GET / went to DynamoDB")
	}
}
