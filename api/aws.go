package api

import (
	"encoding/json"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"
)

// AWS's JSON protocols all take POST / and name the action in the
// X-Amz-Target header, "<prefix>.<Action>" (DynamoDB_20120810.PutItem,
// AWSEvents.PutEvents, AWSStepFunctions.StartExecution, ...); AWS's query
// protocol (SNS) posts a form with an Action instead. awsTargets picks the
// handler of a POST / by its target's prefix (or, for a form, the query
// handler) before Echo's route for POST / runs: the Step Functions API's
// (StepFunctions) takes every other request, or, without it, a POST /
// nobody takes is AWS's UnknownOperationException.

// awsTargets returns the middleware that sends POST / to the handlers of
// targets and query.
func awsTargets(targets map[string]http.Handler, query http.Handler) echo.MiddlewareFunc {
	prefixes := make([]string, 0, len(targets))
	for p := range targets {
		prefixes = append(prefixes, p)
	}
	// Longest first, so that a prefix of another never takes its requests.
	sort.Slice(prefixes, func(i, j int) bool { return len(prefixes[i]) > len(prefixes[j]) })
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			r := c.Request()
			if r.Method != http.MethodPost || r.URL.Path != "/" {
				return next(c)
			}
			target := r.Header.Get("X-Amz-Target")
			for _, p := range prefixes {
				if strings.HasPrefix(target, p) {
					targets[p].ServeHTTP(c.Response(), r)
					return nil
				}
			}
			if target == "" && query != nil && strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
				query.ServeHTTP(c.Response(), r)
				return nil
			}
			return next(c)
		}
	}
}

// unknownTarget answers a POST / that no service here takes.
func unknownTarget(c echo.Context) error {
	body, _ := json.Marshal(map[string]string{"__type": "com.amazon.coral.service#UnknownOperationException",
		"message": "no service here takes X-Amz-Target " + strconv.Quote(c.Request().Header.Get("X-Amz-Target"))})
	return c.Blob(http.StatusBadRequest, "application/x-amz-json-1.0", body)
}
