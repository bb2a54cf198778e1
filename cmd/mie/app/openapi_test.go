package app

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"
	"github.com/labstack/echo/v4"

	"github.com/mie-kafka/mie/api/console"
)

// openAPI loads the served document, checks it is a valid OpenAPI 3.1
// document and routes requests against it at the app's URL.
func openAPI(t *testing.T, a *App) (*openapi3.T, routers.Router) {
	t.Helper()
	resp, err := http.Get(a.URL() + "/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if !bytes.Equal(b, console.OpenAPI) {
		t.Fatal("/openapi.json is not the embedded document")
	}
	doc, err := openapi3.NewLoader().LoadFromData(b)
	if err != nil {
		t.Fatal(err)
	}
	if !doc.IsOpenAPI31OrLater() {
		t.Fatalf("openapi %s, want 3.1", doc.OpenAPI)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("the document is not valid OpenAPI: %v", err)
	}
	doc.Servers = openapi3.Servers{{URL: a.URL()}}
	r, err := legacy.NewRouter(doc)
	if err != nil {
		t.Fatal(err)
	}
	return doc, r
}

func init() {
	// The console's pages and the docs are HTML: read them as text.
	openapi3filter.RegisterBodyDecoder("text/html", openapi3filter.FileBodyDecoder)
}

var echoParam = regexp.MustCompile(`:([A-Za-z_]+)`)

// TestOpenAPIHasEveryRoute fails when a route the server registers is not
// in /openapi.json (a wildcard is one path parameter there).
func TestOpenAPIHasEveryRoute(t *testing.T) {
	h := newHarness(t)
	a := h.start("openapi", Roles{API: true})
	doc, _ := openAPI(t, a)
	routes := a.server.Handler.(*echo.Echo).Routes()
	if len(routes) < 50 {
		t.Fatalf("only %d routes registered", len(routes))
	}
	for _, r := range routes {
		p := echoParam.ReplaceAllString(r.Path, "{$1}")
		p = strings.Replace(p, "*", "{Rest}", 1)
		item := doc.Paths.Find(p)
		if item == nil || item.GetOperation(r.Method) == nil {
			t.Errorf("%s %s (as %s) is not in openapi.json", r.Method, r.Path, p)
		}
	}
}

// validating is an HTTP client whose every response is checked against
// the document: status, content type, headers and body schema.
type validating struct {
	t      *testing.T
	base   string
	router routers.Router
	n      int
}

func (v *validating) do(method, path string, body any, want int) []byte {
	v.t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, v.base+path, rd)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		v.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != want {
		v.t.Fatalf("%s %s = %d %s, want %d", method, path, resp.StatusCode, b, want)
	}
	route, params, err := v.router.FindRoute(req)
	if err != nil {
		v.t.Fatalf("%s %s: no route in openapi.json: %v", method, path, err)
	}
	in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route,
		Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}}
	out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: resp.StatusCode,
		Header: resp.Header, Body: io.NopCloser(bytes.NewReader(b)), Options: &openapi3filter.Options{IncludeResponseStatus: true}}
	if err := openapi3filter.ValidateResponse(context.Background(), out); err != nil {
		v.t.Errorf("%s %s: the response does not match openapi.json: %v", method, path, err)
	}
	v.n++
	return b
}

// TestOpenAPIResponses validates the answers of the routes a client and
// the console use against the document, errors included.
func TestOpenAPIResponses(t *testing.T) {
	h := newHarness(t)
	a := h.start("openapi", Roles{API: true, Executor: true, Worker: true})
	_, r := openAPI(t, a)
	v := &validating{t: t, base: a.URL(), router: r}
	id := startRun(t, a, "doc", `{"StartAt":"P","States":{"P":{"Type":"Pass","Result":{"ok":true},"End":true}}}`, `{"n":1}`)
	waitRun(t, a, id, 30*time.Second)
	for _, c := range []struct {
		method, path string
		body         any
		want         int
	}{
		{"GET", "/", nil, 200}, {"GET", "/version", nil, 200}, {"GET", "/system/configuration", nil, 200},
		{"POST", "/system/configuration", map[string]int{"MaxConcurrentWorkflows": 3}, 200},
		{"PUT", "/functions/f", map[string]string{"Implementation": "http://127.0.0.1:1/f"}, 200},
		{"GET", "/functions", nil, 200}, {"GET", "/functions/f", nil, 200}, {"GET", "/functions/nobody", nil, 404},
		{"GET", "/workflow/operation", nil, 200}, {"GET", "/workflow/stage", nil, 200}, {"GET", "/workflow", nil, 200},
		{"GET", "/workflow/trigger", nil, 200}, {"GET", "/workflow/execution", nil, 200},
		{"GET", "/workflow/execution/" + id, nil, 200}, {"GET", "/workflow/execution/" + id + "/history", nil, 200},
		{"GET", "/workflow/execution/nobody", nil, 404}, {"GET", "/workflow/execution/status/Nope", nil, 400},
		{"DELETE", "/workflow/execution/" + id, nil, 409},
		{"GET", "/projections", nil, 200}, {"GET", "/dataplane", nil, 200}, {"GET", "/dataplane/metadata", nil, 200},
		{"GET", "/segments?sessionId=s", nil, 200},
		{"GET", "/ui/api/executions?limit=5", nil, 200}, {"GET", "/ui/api/executions?since=yesterday", nil, 400},
		{"GET", "/ui/api/executions/" + id, nil, 200}, {"GET", "/ui/api/executions/" + id + "/runs/1", nil, 200},
		{"GET", "/ui/api/executions/" + id + "/runs/9", nil, 404},
		{"POST", "/ui/api/executions/" + id + "/redrive", nil, 409},
		{"GET", "/ui/api/machines", nil, 200}, {"GET", "/ui/api/machines/StateMachine/m-doc", nil, 200},
		{"POST", "/ui/api/validate", map[string]any{"Definition": map[string]any{"StartAt": "X", "States": map[string]any{}}}, 200},
		{"GET", "/ui/api/system", nil, 200}, {"GET", "/ui/api/deadletters", nil, 200},
		{"GET", "/ui/docs", nil, 200}, {"GET", "/ui/docs/console", nil, 200}, {"GET", "/ui/", nil, 200},
	} {
		v.do(c.method, c.path, c.body, c.want)
	}
	if v.n == 0 {
		t.Fatal("nothing validated")
	}
	t.Logf("%d responses validated", v.n)
}
