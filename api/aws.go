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
// AWSStepFunctions.StartExecution, ...): routeAWS dispatches each request
// to the handler of its target's prefix. AWS's query protocol (SNS) posts
// a form with an Action instead, to Config.AWSQuery.

// routeAWS serves POST / for the handlers of cfg.AWS and cfg.AWSQuery.
func routeAWS(e *echo.Echo, targets map[string]http.Handler, query http.Handler) {
	prefixes := make([]string, 0, len(targets))
	for p := range targets {
		prefixes = append(prefixes, p)
	}
	// Longest first, so that a prefix of another never takes its requests.
	sort.Slice(prefixes, func(i, j int) bool { return len(prefixes[i]) > len(prefixes[j]) })
	e.POST("/", func(c echo.Context) error {
		r := c.Request()
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
		// AWS's answer to a target no service here has.
		body, _ := json.Marshal(map[string]string{"__type": "com.amazon.coral.service#UnknownOperationException",
			"message": "no service here takes X-Amz-Target " + strconv.Quote(target)})
		return c.Blob(http.StatusBadRequest, "application/x-amz-json-1.0", body)
	})
}
