package app

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/view"
)

// lambdas is a real HTTP server speaking Lambda's invoke contract (as a
// Lambda container's runtime interface emulator does), with functions that
// succeed, fail, fail once, answer late and never answer in time: the code
// a state machine's Tasks reach, outside the engine.
type lambdas struct {
	srv   *httptest.Server
	calls atomic.Int64
	flaky atomic.Int64
	keys  chan string
}

func newLambdas(t *testing.T) *lambdas {
	l := &lambdas{keys: make(chan string, 64)}
	l.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		l.calls.Add(1)
		select {
		case l.keys <- r.Header.Get("X-Amz-Invocation-Id"):
		default:
		}
		body, _ := io.ReadAll(r.Body)
		var in map[string]any
		_ = json.Unmarshal(body, &in)
		switch strings.TrimPrefix(r.URL.Path, "/2015-03-31/functions/") {
		case "greet/invocations":
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprintf(w, `{"greeting":"hello %v","n":%v}`, in["name"], in["n"])
		case "boom/invocations":
			w.Header().Set(HeaderFunctionErrorForTest, "Unhandled")
			fmt.Fprint(w, `{"errorType":"ValueError","errorMessage":"bad input","stackTrace":["line 1"]}`)
		case "flaky/invocations":
			if l.flaky.Add(1) == 1 {
				w.WriteHeader(http.StatusInternalServerError)
				fmt.Fprint(w, `{"errorType":"Throttled","errorMessage":"try again"}`)
				return
			}
			fmt.Fprint(w, `"recovered"`)
		case "late/invocations":
			time.Sleep(300 * time.Millisecond)
			fmt.Fprint(w, `{"late":true}`)
		case "hang/invocations":
			select {
			case <-r.Context().Done():
			case <-time.After(30 * time.Second):
			}
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(l.srv.Close)
	return l
}

// HeaderFunctionErrorForTest is Lambda's function error header.
const HeaderFunctionErrorForTest = "X-Amz-Function-Error"

func (l *lambdas) url(name string) string {
	return l.srv.URL + "/2015-03-31/functions/" + name + "/invocations"
}

// startRun starts a States Language execution of def on input, as the
// Step Functions API does: a StartExecution version 2 command.
func startRun(t *testing.T, a *App, name, def, input string) string {
	t.Helper()
	id := events.NewID()
	cmd := &events.StartExecution{ExecutionId: id, Input: json.RawMessage(input), Trigger: events.Trigger{Source: "test"},
		Created: time.Now().UTC(), Run: events.Run{Name: name, Definition: json.RawMessage(def), Type: "STANDARD",
			StateMachine: &events.StateMachineRef{Kind: events.KindStateMachine, Name: "m-" + name}}}
	env, err := events.New(id, "test", cmd)
	if err != nil {
		t.Fatal(err)
	}
	rec, err := env.Record(a.cat.Commands())
	if err != nil {
		t.Fatal(err)
	}
	if err := a.client.ProduceSync(t.Context(), rec).FirstErr(); err != nil {
		t.Fatal(err)
	}
	return id
}

// waitRun polls the projection until the run has ended.
func waitRun(t *testing.T, a *App, id string, d time.Duration) *view.Execution {
	t.Helper()
	deadline := time.Now().Add(d)
	for {
		x, err := a.Projection.Execution(t.Context(), id)
		if err == nil && x.Run != nil && x.Run.Status != "RUNNING" && x.Run.Status != "QUEUED" {
			return x
		}
		if time.Now().After(deadline) {
			t.Fatalf("execution %s did not end within %s: %+v %v", id, d, x, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func putFunction(t *testing.T, a *App, name, impl string, timeout int) {
	t.Helper()
	body := map[string]any{"Implementation": impl}
	if timeout > 0 {
		body["TimeoutSeconds"] = timeout
	}
	var got events.Function
	if s := call(t, a, "PUT", "/functions/"+name, body, &got); s != http.StatusOK || got.Name != name {
		t.Fatalf("PUT /functions/%s: %d %+v", name, s, got)
	}
}

// TestStateMachineWithHTTPFunctions runs a machine whose Tasks call real
// HTTP functions: through a Lambda function ARN (the result is the
// payload) and lambda:invoke (the result wraps it); a function error is
// caught with Error = errorType and Cause = the error document; a flaky
// function is retried; a late one is waited for; one that hangs past
// TimeoutSeconds fails with States.Timeout, which a Catch takes.
func TestStateMachineWithHTTPFunctions(t *testing.T) {
	h := newHarness(t)
	a := h.start("asl", Roles{API: true, Executor: true, Worker: true})
	l := newLambdas(t)
	for _, fn := range []string{"greet", "boom", "flaky", "late", "hang"} {
		putFunction(t, a, fn, l.url(fn), 0)
	}
	def := `{"StartAt":"Greet","States":{
		"Greet":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:greet",
			"Parameters":{"name.$":"$.who","n":1},"ResultPath":"$.greet","Next":"Invoke"},
		"Invoke":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke",
			"Parameters":{"FunctionName":"greet","Payload":{"name":"again","n.$":"$.greet.n"}},
			"ResultSelector":{"g.$":"$.Payload.greeting","code.$":"$.StatusCode"},"ResultPath":"$.invoke","Next":"Boom"},
		"Boom":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:boom",
			"Catch":[{"ErrorEquals":["ValueError"],"ResultPath":"$.boom","Next":"Flaky"}],"Next":"Flaky"},
		"Flaky":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:flaky",
			"Retry":[{"ErrorEquals":["Throttled"],"IntervalSeconds":1,"MaxAttempts":2}],"ResultPath":"$.flaky","Next":"Late"},
		"Late":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:late","ResultPath":"$.late","Next":"Hang"},
		"Hang":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:hang","TimeoutSeconds":2,
			"Catch":[{"ErrorEquals":["States.Timeout"],"ResultPath":"$.hang","Next":"Done"}],"Next":"Done"},
		"Done":{"Type":"Succeed"}}}`
	id := startRun(t, a, "functions", def, `{"who":"mie"}`)
	x := waitRun(t, a, id, 60*time.Second)
	if x.Run.Status != "SUCCEEDED" {
		t.Fatalf("status %s: %s %s", x.Run.Status, x.Run.Error, x.Run.Cause)
	}
	var out struct {
		Greet  map[string]any    `json:"greet"`
		Invoke map[string]any    `json:"invoke"`
		Boom   map[string]string `json:"boom"`
		Flaky  string            `json:"flaky"`
		Late   map[string]bool   `json:"late"`
		Hang   map[string]string `json:"hang"`
	}
	if err := json.Unmarshal(x.Run.Output, &out); err != nil {
		t.Fatalf("output %s: %v", x.Run.Output, err)
	}
	if out.Greet["greeting"] != "hello mie" || out.Invoke["g"] != "hello again" || out.Invoke["code"] != float64(200) {
		t.Errorf("greet %v, invoke %v", out.Greet, out.Invoke)
	}
	if out.Boom["Error"] != "ValueError" || !strings.Contains(out.Boom["Cause"], `"errorMessage":"bad input"`) {
		t.Errorf("the function error, caught: %v", out.Boom)
	}
	if out.Flaky != "recovered" || l.flaky.Load() != 2 {
		t.Errorf("flaky: %q after %d calls, want recovered after 2", out.Flaky, l.flaky.Load())
	}
	if !out.Late["late"] || out.Hang["Error"] != "States.Timeout" {
		t.Errorf("late %v, hang %v", out.Late, out.Hang)
	}
	// Every invocation carried an idempotency key.
	close(l.keys)
	for k := range l.keys {
		if k == "" {
			t.Fatal("an invocation without X-Amz-Invocation-Id")
		}
	}
}

// TestUnknownFunctionFailsTheTask: a Task naming a function nobody defined
// fails with Lambda.ResourceNotFoundException, naming it.
func TestUnknownFunctionFailsTheTask(t *testing.T) {
	h := newHarness(t)
	a := h.start("asl", Roles{API: true, Executor: true, Worker: true})
	id := startRun(t, a, "unknown", `{"StartAt":"T","States":{"T":{"Type":"Task",
		"Resource":"arn:aws:lambda:us-east-1:123456789012:function:nobody","End":true}}}`, `{}`)
	x := waitRun(t, a, id, 30*time.Second)
	if x.Run.Status != "FAILED" || x.Run.Error != "Lambda.ResourceNotFoundException" || !strings.Contains(x.Run.Cause, "nobody") {
		t.Fatalf("run %s %s %s", x.Run.Status, x.Run.Error, x.Run.Cause)
	}
}
