package api

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/mie-kafka/mie/internal/definitions"
	"github.com/mie-kafka/mie/internal/definitions/definitionstest"
)

// definitionsServer serves the control-plane routes of one definitions
// instance on cluster c.
func definitionsServer(t *testing.T, c *definitionstest.Cluster, txnID string) http.Handler {
	t.Helper()
	in := c.Start(t, txnID)
	e := echo.New()
	e.HTTPErrorHandler = errorHandler(slog.New(slog.NewTextHandler(t.Output(), nil)))
	routeDefinitions(e, in.Service)
	return e
}

// call sends one request and returns the status and body.
func call(t *testing.T, h http.Handler, method, path, body string) (int, string) {
	t.Helper()
	var req *http.Request
	if body == "" {
		req = httptest.NewRequest(method, path, nil)
	} else {
		req = httptest.NewRequest(method, path, strings.NewReader(body))
		req.Header.Set(echo.HeaderContentType, echo.MIMEApplicationJSON)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Code, rec.Body.String()
}

// step is one request of a scenario and what its answer must hold.
type step struct {
	method, path, body string
	status             int
	// contains are substrings of the response body; for an error they
	// name the field or the thing.
	contains []string
	// check inspects the decoded body further.
	check func(t *testing.T, body string)
}

// run plays steps in order against h; each step runs right after the one
// before, so a GET after a POST checks read-your-writes.
func run(t *testing.T, h http.Handler, steps []step) {
	t.Helper()
	for i, s := range steps {
		t.Run(fmt.Sprintf("%02d %s %s", i, s.method, s.path), func(t *testing.T) {
			status, body := call(t, h, s.method, s.path, s.body)
			if status != s.status {
				t.Fatalf("status = %d, want %d; body %s", status, s.status, body)
			}
			if status >= 400 {
				var eb ErrorBody
				if err := json.Unmarshal([]byte(body), &eb); err != nil || eb.Code == "" || eb.Message == "" {
					t.Errorf("error body %s is not MIE's {Code, Message}", body)
				}
			}
			for _, want := range s.contains {
				if !strings.Contains(body, want) {
					t.Errorf("body %s does not contain %s", body, want)
				}
			}
			if s.check != nil {
				s.check(t, body)
			}
		})
	}
}

// decode unmarshals body into a new T, failing t on error.
func decode[T any](t *testing.T, body string) T {
	t.Helper()
	var v T
	if err := json.Unmarshal([]byte(body), &v); err != nil {
		t.Fatalf("decode %s: %v", body, err)
	}
	return v
}

const (
	operatorA = `{"Name":"A","Type":"Sync","StartLambdaArn":"builtin:Passthrough",
		"Configuration":{"MediaType":"Video","Enabled":true,"Lang":"en"}}`
	operatorB = `{"Name":"B","Type":"Async","StartLambdaArn":"https://ops.example.com/b/start",
		"MonitorLambdaArn":"https://ops.example.com/b/status","Configuration":{"MediaType":"Audio","Enabled":true}}`
	stageS    = `{"Name":"S","Operations":["A","B"],"Configuration":{"B":{"Enabled":false}}}`
	workflowW = `{"Name":"W","StartAt":"_A","Stages":{"_A":{"Next":"S"},"S":{"End":true}}}`
)

func TestDefinitionRoutes(t *testing.T) {
	h := definitionsServer(t, definitionstest.StartCluster(t), "routes")
	bad := http.StatusBadRequest
	run(t, h, []step{
		// System configuration.
		{method: "GET", path: "/system/configuration", status: 200, contains: []string{`{"MaxConcurrentWorkflows":10}`}},
		{method: "POST", path: "/system/configuration", body: `{"MaxConcurrentWorkflows":5}`, status: 200,
			contains: []string{`"MaxConcurrentWorkflows":5`}},
		{method: "GET", path: "/system/configuration", status: 200, contains: []string{`"MaxConcurrentWorkflows":5`}},
		{method: "POST", path: "/system/configuration", body: `{"Name":"MaxConcurrentWorkflows","Value":"7"}`, status: 200},
		{method: "GET", path: "/system/configuration", status: 200, contains: []string{`"MaxConcurrentWorkflows":7`}},
		{method: "POST", path: "/system/configuration", body: `{"Name":"MaxConcurrentWorkflows","Value":8}`, status: 200,
			contains: []string{`"MaxConcurrentWorkflows":8`}},
		{method: "POST", path: "/system/configuration", body: `{"Name":"Other","Value":1}`, status: bad,
			contains: []string{"BadRequestError", "Name:", "Other"}},
		{method: "POST", path: "/system/configuration", body: `{"MaxConcurrentWorkflows":0}`, status: bad,
			contains: []string{"MaxConcurrentWorkflows:"}},
		{method: "POST", path: "/system/configuration", body: `{"MaxConcurrentWorkflows":2.5}`, status: bad,
			contains: []string{"MaxConcurrentWorkflows:"}},
		{method: "POST", path: "/system/configuration", body: `{"Name":"MaxConcurrentWorkflows","Value":"many"}`, status: bad,
			contains: []string{"Value:"}},
		{method: "POST", path: "/system/configuration", body: `{}`, status: bad, contains: []string{"MaxConcurrentWorkflows: required"}},
		{method: "POST", path: "/system/configuration", body: `{`, status: bad, contains: []string{"body:"}},

		// Operators.
		{method: "POST", path: "/workflow/operation", body: operatorA, status: 200,
			contains: []string{`"Name":"A"`, `"StageName":"_A"`}},
		{method: "GET", path: "/workflow/operation/A", status: 200, contains: []string{`"StartLambdaArn":"builtin:Passthrough"`}},
		{method: "GET", path: "/workflow/stage/_A", status: 200, contains: []string{`"Operations":["A"]`}},
		{method: "POST", path: "/workflow/operation", body: operatorB, status: 200, contains: []string{`"StageName":"_B"`}},
		{method: "POST", path: "/workflow/operation", body: operatorA, status: http.StatusConflict,
			contains: []string{"ConflictError", `operator \"A\" exists`}},
		{method: "POST", path: "/workflow/operation", body: `{}`, status: bad,
			contains: []string{"Name: required", "Type:", "Configuration: required", "StartLambdaArn: required"}},
		{method: "POST", path: "/workflow/operation", body: `{"Name":"C","Type":"Sync","StartLambdaArn":"builtin:Passthrough","Configuration":"x"}`,
			status: bad, contains: []string{"Configuration"}},
		{method: "POST", path: "/workflow/operation", body: `{"Name":7}`, status: bad, contains: []string{"Name"}},
		{method: "POST", path: "/workflow/operation", body: `{"Name":"C","Type":"Sync","StartLambdaArn":"builtin:Sleep","Configuration":{"MediaType":"Video","Enabled":true}}`,
			status: bad, contains: []string{"Type: builtin Sleep is Async"}},
		{method: "POST", path: "/workflow/operation", body: `{"Name":"C","Type":"Async","StartLambdaArn":"worker:gpu","Configuration":{"MediaType":"Video","Enabled":true}}`,
			status: bad, contains: []string{"MonitorLambdaArn: required"}},
		{method: "GET", path: "/workflow/operation", status: 200, check: func(t *testing.T, body string) {
			ops := decode[[]struct{ Name string }](t, body)
			if len(ops) != 2 || ops[0].Name != "A" || ops[1].Name != "B" {
				t.Errorf("operators = %v, want A and B", ops)
			}
		}},
		{method: "GET", path: "/workflow/operation/Nope", status: 404, contains: []string{"NotFoundError", `operator \"Nope\"`}},

		// Stages.
		{method: "POST", path: "/workflow/stage", body: stageS, status: 200, contains: []string{`"Name":"S"`}},
		{method: "GET", path: "/workflow/stage/S", status: 200, check: func(t *testing.T, body string) {
			st := decode[struct {
				Operations    []string
				Configuration map[string]map[string]any
			}](t, body)
			if !slices.Equal(st.Operations, []string{"A", "B"}) {
				t.Errorf("Operations = %v", st.Operations)
			}
			// Each operation shows its effective configuration.
			if st.Configuration["A"]["Lang"] != "en" || st.Configuration["B"]["Enabled"] != false ||
				st.Configuration["B"]["MediaType"] != "Audio" {
				t.Errorf("Configuration = %v", st.Configuration)
			}
		}},
		{method: "POST", path: "/workflow/stage", body: stageS, status: http.StatusConflict, contains: []string{`stage \"S\" exists`}},
		{method: "POST", path: "/workflow/stage", body: `{"Name":"T","Operations":["A","Nope"]}`, status: bad,
			contains: []string{"Operations: unknown operator", "Nope"}},
		{method: "POST", path: "/workflow/stage", body: `{"Name":"T","Operations":[]}`, status: bad, contains: []string{"Operations: required"}},
		{method: "POST", path: "/workflow/stage", body: `{"Name":"T","Operations":"A"}`, status: bad, contains: []string{"Operations"}},
		{method: "POST", path: "/workflow/stage", body: `{"Name":"T","Operations":["A"],"Configuration":{"B":{}}}`, status: bad,
			contains: []string{"Configuration.B:"}},
		{method: "GET", path: "/workflow/stage", status: 200, check: func(t *testing.T, body string) {
			var names []string
			for _, s := range decode[[]struct{ Name string }](t, body) {
				names = append(names, s.Name)
			}
			if !slices.Equal(names, []string{"S", "_A", "_B"}) {
				t.Errorf("stages = %v, want S _A _B", names)
			}
		}},
		{method: "GET", path: "/workflow/stage/Nope", status: 404, contains: []string{`stage \"Nope\"`}},

		// Workflows.
		{method: "POST", path: "/workflow", body: workflowW, status: 200, contains: []string{`"Name":"W"`, `"Version":"v0"`}},
		{method: "GET", path: "/workflow/W", status: 200, check: func(t *testing.T, body string) {
			wf := decode[definitions.ExpandedWorkflow](t, body)
			a, s := wf.Stages["_A"], wf.Stages["S"]
			if wf.StartAt != "_A" || a.Next != "S" || a.Name != "_A" || !slices.Equal(a.Operations, []string{"A"}) ||
				!s.End || !slices.Equal(s.Operations, []string{"A", "B"}) || s.Configuration["B"]["Enabled"] != false {
				t.Errorf("expanded workflow = %+v", wf)
			}
		}},
		{method: "POST", path: "/workflow", body: workflowW, status: http.StatusConflict, contains: []string{`workflow \"W\" exists`}},
		{method: "POST", path: "/workflow", body: `{"Name":"X","StartAt":"S","Stages":{"S":{"Next":"Nope"},"Nope":{"End":true}}}`,
			status: bad, contains: []string{"Stages: unknown stage", "Nope"}},
		{method: "POST", path: "/workflow", body: `{"Name":"X","StartAt":"S","Stages":{"S":{"End":"yes"}}}`,
			status: bad, contains: []string{"End"}},
		{method: "POST", path: "/workflow", body: `{"Name":"X","Stages":{"S":{"Next":"_A"},"_A":{"Next":"S"}}}`,
			status: bad, contains: []string{"StartAt: required", "End: true, found 0"}},
		{method: "GET", path: "/workflow/Nope", status: 404, contains: []string{`workflow \"Nope\"`}},
		{method: "GET", path: "/workflow/configuration/W", status: 200, check: func(t *testing.T, body string) {
			cfg := decode[definitions.WorkflowConfiguration](t, body)
			if cfg["_A"]["A"]["Lang"] != "en" || cfg["S"]["B"]["Enabled"] != false || cfg["S"]["A"]["MediaType"] != "Video" {
				t.Errorf("configuration = %v", cfg)
			}
		}},
		{method: "GET", path: "/workflow/configuration/Nope", status: 404},
		{method: "GET", path: "/workflow/list/operation/B", status: 200, contains: []string{`"Name":"W"`}},
		{method: "GET", path: "/workflow/list/operation/Nope", status: 404, contains: []string{`operator \"Nope\"`}},
		{method: "GET", path: "/workflow/list/stage/_A", status: 200, contains: []string{`"Name":"W"`}},
		{method: "GET", path: "/workflow/list/stage/_B", status: 200, contains: []string{`[]`}},
		{method: "GET", path: "/workflow/list/stage/Nope", status: 404, contains: []string{`stage \"Nope\"`}},

		// Update: W now starts at B's stage.
		{method: "PUT", path: "/workflow", body: `{"Name":"W","StartAt":"_B","Stages":{"_B":{"Next":"S"},"S":{"End":true}}}`,
			status: 200, contains: []string{`"Version":"v1"`, `"StartAt":"_B"`}},
		{method: "GET", path: "/workflow", status: 200, contains: []string{`"StartAt":"_B"`}},
		{method: "PUT", path: "/workflow", body: `{"Name":"Nope","StartAt":"S","Stages":{"S":{"End":true}}}`, status: 404,
			contains: []string{`workflow \"Nope\"`}},
		{method: "PUT", path: "/workflow", body: `{"Name":"W","StartAt":"S","Stages":{"S":{}}}`, status: bad,
			contains: []string{"Stages.S:"}},

		// Deletes in use name their users; force deletes anyway.
		{method: "DELETE", path: "/workflow/operation/B", status: http.StatusConflict,
			contains: []string{"ConflictError", "stages S", "workflows W"}},
		{method: "DELETE", path: "/workflow/stage/S", status: http.StatusConflict, contains: []string{"workflows W"}},
		{method: "DELETE", path: "/workflow/stage/_A", status: http.StatusConflict, contains: []string{`operator \"A\"`}},
		{method: "DELETE", path: "/workflow/operation/Nope", status: 404},
		{method: "DELETE", path: "/workflow/stage/Nope", status: 404},
		{method: "DELETE", path: "/workflow/operation/B?force=maybe", status: bad, contains: []string{"force:"}},
		{method: "DELETE", path: "/workflow/operation/B?force=true", status: 200, contains: []string{`"Name":"B"`}},
		{method: "GET", path: "/workflow/operation/B", status: 404},
		{method: "GET", path: "/workflow/stage/_B", status: 404},
		{method: "GET", path: "/workflow/W", status: 200, contains: []string{`"_B":{"Name":"_B"`}},
		{method: "DELETE", path: "/workflow/W", status: 200, contains: []string{`"Name":"W"`}},
		{method: "DELETE", path: "/workflow/W", status: 404},
		{method: "DELETE", path: "/workflow/stage/S", status: 200},
		{method: "DELETE", path: "/workflow/operation/A", status: 200},
		{method: "GET", path: "/workflow/stage", status: 200, contains: []string{`[]`}},
		{method: "GET", path: "/workflow/operation", status: 200, contains: []string{`[]`}},
	})
}

// TestDefinitionRoutesShareTheTopic checks that two API instances on one
// cluster serve each other's definitions.
func TestDefinitionRoutesShareTheTopic(t *testing.T) {
	c := definitionstest.StartCluster(t)
	one := definitionsServer(t, c, "one")
	two := definitionsServer(t, c, "two")
	if status, body := call(t, one, "POST", "/workflow/operation", operatorA); status != 200 {
		t.Fatalf("create on one: %d %s", status, body)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		status, _ := call(t, two, "GET", "/workflow/operation/A", "")
		if status == 200 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("two never served operator A: last status %d", status)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if status, body := call(t, two, "POST", "/workflow/operation", operatorA); status != http.StatusConflict {
		t.Errorf("create the same on two: %d %s, want 409", status, body)
	}
	if status, body := call(t, two, "POST", "/system/configuration", `{"MaxConcurrentWorkflows":3}`); status != 200 {
		t.Fatalf("configure on two: %d %s", status, body)
	}
	if status, body := call(t, one, "POST", "/workflow/stage", stageS); status != 400 || !strings.Contains(body, "B") {
		t.Errorf("stage with an unknown operator on one: %d %s, want 400 naming B", status, body)
	}
}
