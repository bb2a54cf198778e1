package api

import (
	"log/slog"
	"net/http"
	"testing"

	"github.com/labstack/echo/v4"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/definitions/definitionstest"
)

// TestFunctionEnvironment: PUT /functions takes an Environment in
// Lambda's shape ({"Variables": {...}}) or as the variables themselves;
// the function keeps, and GET returns, the variables; bad ones are
// refused naming Environment.
func TestFunctionEnvironment(t *testing.T) {
	in := definitionstest.StartCluster(t).Start(t, "functions")
	e := echo.New()
	e.HTTPErrorHandler = errorHandler(slog.New(slog.NewTextHandler(t.Output(), nil)))
	routeFunctions(e, in.Service)
	wantEnv := func(want map[string]string) func(t *testing.T, body string) {
		return func(t *testing.T, body string) {
			f := decode[events.Function](t, body)
			if len(f.Environment) != len(want) {
				t.Fatalf("Environment = %v, want %v", f.Environment, want)
			}
			for k, v := range want {
				if f.Environment[k] != v {
					t.Errorf("Environment[%s] = %q, want %q", k, f.Environment[k], v)
				}
			}
		}
	}
	lambda := map[string]string{"JOBS_TABLE": "jobs", "SNS_TOPIC_ARN": "arn:aws:sns:us-east-1:123456789012:done"}
	bad := http.StatusBadRequest
	run(t, e, []step{
		{method: "PUT", path: "/functions/meta", status: 200, check: wantEnv(lambda),
			body: `{"Implementation":"https://fn.example.com/meta","Environment":{"Variables":{"JOBS_TABLE":"jobs","SNS_TOPIC_ARN":"arn:aws:sns:us-east-1:123456789012:done"}}}`},
		{method: "GET", path: "/functions/meta", status: 200, check: wantEnv(lambda)},
		{method: "PUT", path: "/functions/meta", status: 200, check: wantEnv(map[string]string{"JOBS_TABLE": "other"}),
			body: `{"Implementation":"https://fn.example.com/meta","Environment":{"JOBS_TABLE":"other"}}`},
		// A variable may be called Variables, as long as it is a string.
		{method: "PUT", path: "/functions/meta", status: 200, check: wantEnv(map[string]string{"Variables": "v"}),
			body: `{"Implementation":"https://fn.example.com/meta","Environment":{"Variables":"v"}}`},
		{method: "PUT", path: "/functions/meta", status: 200, check: wantEnv(nil),
			body: `{"Implementation":"https://fn.example.com/meta"}`},
		{method: "PUT", path: "/functions/meta", status: bad, contains: []string{"Environment"},
			body: `{"Implementation":"https://fn.example.com/meta","Environment":{"Variables":{"N":1}}}`},
		{method: "PUT", path: "/functions/meta", status: bad, contains: []string{"Environment"},
			body: `{"Implementation":"https://fn.example.com/meta","Environment":["JOBS_TABLE"]}`},
		{method: "PUT", path: "/functions/meta", status: bad, contains: []string{"Environment", "not a variable name"},
			body: `{"Implementation":"https://fn.example.com/meta","Environment":{"Variables":{"1BAD":"x"}}}`},
	})
}
