package app

import (
	"fmt"
	"net/http"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/mie-kafka/mie/api"
	"github.com/mie-kafka/mie/events"
)

func defineOperator(t *testing.T, a *App, name, impl, typ string, cfg map[string]any) {
	t.Helper()
	c := map[string]any{"MediaType": "Video", "Enabled": true}
	for k, v := range cfg {
		c[k] = v
	}
	body := map[string]any{"Name": name, "Type": typ, "StartLambdaArn": impl, "Configuration": c}
	if typ == "Async" {
		body["MonitorLambdaArn"] = impl
	}
	must(t, a, http.StatusOK, "POST", "/workflow/operation", body, nil)
}

func defineStage(t *testing.T, a *App, name string, ops ...string) {
	t.Helper()
	must(t, a, http.StatusOK, "POST", "/workflow/stage", map[string]any{"Name": name, "Operations": ops}, nil)
}

// defineWorkflow chains stages in order.
func defineWorkflow(t *testing.T, a *App, name string, stages ...string) {
	t.Helper()
	st := map[string]any{}
	for i, s := range stages {
		if i == len(stages)-1 {
			st[s] = map[string]any{"End": true}
		} else {
			st[s] = map[string]any{"Next": stages[i+1]}
		}
	}
	must(t, a, http.StatusOK, "POST", "/workflow", map[string]any{"Name": name, "StartAt": stages[0], "Stages": st}, nil)
}

// putObject stores an object in the data plane bucket, as an upload
// outside the API would.
func putObject(t *testing.T, a *App, key, body string) {
	t.Helper()
	if _, err := a.store.Put(t.Context(), a.cfg.Bucket, key, strings.NewReader(body), int64(len(body)), ""); err != nil {
		t.Fatal(err)
	}
}

// startExecution starts wf on a Video object stored at key.
func startExecution(t *testing.T, a *App, wf, key string) api.ExecutionView {
	t.Helper()
	putObject(t, a, key, "video bytes of "+key)
	var v api.ExecutionView
	must(t, a, http.StatusOK, "POST", "/workflow/execution", map[string]any{"Name": wf,
		"Input": map[string]any{"Media": map[string]any{"Video": map[string]any{"S3Bucket": a.cfg.Bucket, "S3Key": key}}}}, &v)
	return v
}

func getExecution(t *testing.T, a *App, id string) api.ExecutionView {
	t.Helper()
	var v api.ExecutionView
	must(t, a, http.StatusOK, "GET", "/workflow/execution/"+id, nil, &v)
	return v
}

func waitStatus(t *testing.T, a *App, id string, d time.Duration, statuses ...string) api.ExecutionView {
	t.Helper()
	var v api.ExecutionView
	eventually(t, d, fmt.Sprintf("execution %s to reach %v", id, statuses), func() bool {
		v = getExecution(t, a, id)
		for _, s := range statuses {
			if v.Status == s {
				return true
			}
		}
		return false
	})
	return v
}

func history(t *testing.T, a *App, id string) []events.Envelope {
	t.Helper()
	var h []events.Envelope
	must(t, a, http.StatusOK, "GET", "/workflow/execution/"+id+"/history", nil, &h)
	return h
}

func TestEndToEndParallelSleeps(t *testing.T) {
	h := newHarness(t)
	a := h.start("e2e", Roles{API: true, Executor: true, Worker: true})
	defineOperator(t, a, "Nap1", "builtin:Sleep", "Async", map[string]any{"DurationMs": 300})
	defineOperator(t, a, "Nap2", "builtin:Sleep", "Async", map[string]any{"DurationMs": 300})
	defineOperator(t, a, "Echo", "builtin:Passthrough", "Sync", map[string]any{"Output": map[string]any{"Tag": "done"}})
	defineStage(t, a, "Naps", "Nap1", "Nap2")
	defineWorkflow(t, a, "NapFlow", "Naps", "_Echo")

	v := startExecution(t, a, "NapFlow", "clip.mp4")
	if v.Status != "Queued" && v.Status != "Started" {
		t.Fatalf("start returned status %q", v.Status)
	}
	if v.Id == "" || v.AssetId == "" || v.Globals.Media["Video"].S3Key != "clip.mp4" || v.Workflow.Stages["Naps"].Status == "" {
		t.Fatalf("start record: %+v", v)
	}
	// No 404 race: the record is readable at once.
	getExecution(t, a, v.Id)

	done := waitStatus(t, a, v.Id, 20*time.Second, "Complete", "Error")
	if done.Status != "Complete" {
		t.Fatalf("execution ended %s: %s %s", done.Status, done.Message, done.Cause)
	}
	naps := done.Workflow.Stages["Naps"]
	if naps.Status != "Complete" || len(naps.Outputs) != 2 || naps.Outputs[0].Status != "Complete" || naps.Outputs[1].Status != "Complete" {
		t.Fatalf("stage Naps: %+v", naps)
	}
	if done.Globals.MetaData["Tag"] != "done" || done.Workflow.Stages["_Echo"].Outputs[0].MetaData["Tag"] != "done" {
		t.Fatalf("outputs did not reach Globals: %+v", done.Globals)
	}

	// Parallelism, from the order of events: both Sleeps were dispatched
	// before either completed, and each was monitored after a delay.
	hist := history(t, a, v.Id)
	firstDone, dispatched := -1, 0
	var types []string
	for i, e := range hist {
		types = append(types, e.Type)
		if e.Type == "TaskSucceeded" && firstDone < 0 {
			firstDone = i
		}
		if e.Type == "TaskScheduled" && firstDone < 0 {
			var d events.TaskScheduled
			decode(t, e, &d)
			if strings.HasPrefix(d.State, "Naps:") {
				dispatched++
			}
		}
		if e.ID == "" || e.CausationID == "" || e.CausationPosition == nil || e.CorrelationID != v.Id {
			t.Fatalf("event %d lacks causation: %+v", i, e)
		}
	}
	if dispatched != 2 {
		t.Fatalf("both Sleeps must start before either completes; events %v", types)
	}
	if hist[0].Type != "ExecutionQueued" || hist[len(hist)-1].Type != "ExecutionCompleted" {
		t.Fatalf("history order: %v", types)
	}
	if n := validateTopics(t, a); n < len(hist) {
		t.Fatalf("validated only %d records", n)
	}
}

func decode(t *testing.T, e events.Envelope, p events.Payload) {
	t.Helper()
	got, err := e.Decode()
	if err != nil {
		t.Fatal(err)
	}
	switch dst := p.(type) {
	case *events.TaskScheduled:
		*dst = *got.(*events.TaskScheduled)
	case *events.ExecutionStarted:
		*dst = *got.(*events.ExecutionStarted)
	default:
		t.Fatalf("decode: unsupported %T", p)
	}
}

// eventTime returns the time of the first event of type typ.
func eventTime(t *testing.T, a *App, id, typ string) time.Time {
	t.Helper()
	for _, e := range history(t, a, id) {
		if e.Type == typ {
			return e.Time
		}
	}
	return time.Time{}
}

func TestMaxConcurrentWorkflows(t *testing.T) {
	h := newHarness(t)
	a := h.start("mcw", Roles{API: true, Executor: true, Worker: true})
	must(t, a, http.StatusOK, "POST", "/system/configuration", map[string]any{"MaxConcurrentWorkflows": 1}, nil)
	defineOperator(t, a, "Nap", "builtin:Sleep", "Async", map[string]any{"DurationMs": 100})
	defineOperator(t, a, "Hold", "builtin:Wait", "Sync", nil)
	defineOperator(t, a, "Boom", "builtin:Fail", "Sync", map[string]any{"Error": "Exploded", "Cause": "on purpose", "Retry": []any{}})
	defineWorkflow(t, a, "NapOnce", "_Nap")
	defineWorkflow(t, a, "HoldOn", "_Hold")
	defineWorkflow(t, a, "Explode", "_Boom")

	t.Run("never more than N started, FIFO", func(t *testing.T) {
		var ids []string
		for i := range 4 {
			ids = append(ids, startExecution(t, a, "NapOnce", fmt.Sprintf("fifo-%d.mp4", i)).Id)
		}
		for _, id := range ids {
			waitStatus(t, a, id, 20*time.Second, "Complete")
		}
		type span struct{ start, end time.Time }
		var spans []span
		for i, id := range ids {
			s := span{eventTime(t, a, id, "ExecutionStarted"), eventTime(t, a, id, "ExecutionCompleted")}
			if i > 0 && s.start.Before(spans[i-1].start) {
				t.Fatalf("execution %d started before execution %d: not FIFO", i, i-1)
			}
			spans = append(spans, s)
		}
		sort.Slice(spans, func(i, j int) bool { return spans[i].start.Before(spans[j].start) })
		for i := 1; i < len(spans); i++ {
			if spans[i].start.Before(spans[i-1].end) {
				t.Fatalf("two executions ran at once under MaxConcurrentWorkflows=1: %+v", spans)
			}
		}
	})

	t.Run("a failed execution frees its slot", func(t *testing.T) {
		bad := startExecution(t, a, "Explode", "bad.mp4")
		next := startExecution(t, a, "NapOnce", "after-bad.mp4")
		v := waitStatus(t, a, bad.Id, 20*time.Second, "Error")
		if v.Message != "Exploded" || v.Cause != "on purpose" {
			t.Fatalf("error not carried: %q %q", v.Message, v.Cause)
		}
		waitStatus(t, a, next.Id, 20*time.Second, "Complete")
	})

	t.Run("a new limit takes effect at once; cancel frees slots", func(t *testing.T) {
		var ids []string
		for i := range 3 {
			ids = append(ids, startExecution(t, a, "HoldOn", fmt.Sprintf("hold-%d.mp4", i)).Id)
		}
		waitStatus(t, a, ids[0], 20*time.Second, "Waiting")
		for _, id := range ids[1:] {
			if s := getExecution(t, a, id).Status; s != "Queued" {
				t.Fatalf("execution beyond the limit is %s, want Queued", s)
			}
		}
		must(t, a, http.StatusOK, "POST", "/system/configuration", map[string]any{"MaxConcurrentWorkflows": 3}, nil)
		for _, id := range ids[1:] {
			waitStatus(t, a, id, 5*time.Second, "Waiting")
		}
		must(t, a, http.StatusOK, "POST", "/system/configuration", map[string]any{"MaxConcurrentWorkflows": 1}, nil)
		for _, id := range ids {
			must(t, a, http.StatusOK, "DELETE", "/workflow/execution/"+id, nil, nil)
			waitStatus(t, a, id, 5*time.Second, "Error")
		}
		// All three slots are free again: a new run starts at once.
		waitStatus(t, a, startExecution(t, a, "NapOnce", "after-cancel.mp4").Id, 20*time.Second, "Complete")
	})
}

func TestWaitResumeAndBadInput(t *testing.T) {
	h := newHarness(t)
	a := h.start("wait", Roles{API: true, Executor: true, Worker: true})
	defineOperator(t, a, "Hold", "builtin:Wait", "Sync", nil)
	defineOperator(t, a, "Echo", "builtin:Passthrough", "Sync", nil)
	defineWorkflow(t, a, "Gate", "_Hold", "_Echo")

	v := startExecution(t, a, "Gate", "gate.mp4")
	waitStatus(t, a, v.Id, 20*time.Second, "Waiting")

	// Another execution of the same asset is refused while this one is active.
	var e api.ErrorBody
	must(t, a, http.StatusConflict, "POST", "/workflow/execution", map[string]any{"Name": "Gate",
		"Input": map[string]any{"AssetId": v.AssetId}}, &e)
	if e.Code != "ConflictError" {
		t.Fatalf("error body %+v", e)
	}
	must(t, a, http.StatusConflict, "PUT", "/workflow/execution/"+v.Id, map[string]any{"WaitingStageName": "_Echo"}, nil)
	must(t, a, http.StatusBadRequest, "PUT", "/workflow/execution/"+v.Id, map[string]any{}, nil)
	must(t, a, http.StatusOK, "PUT", "/workflow/execution/"+v.Id, map[string]any{"WaitingStageName": "_Hold"}, nil)
	waitStatus(t, a, v.Id, 20*time.Second, "Complete")
	must(t, a, http.StatusConflict, "DELETE", "/workflow/execution/"+v.Id, nil, nil)

	bad := []struct {
		name, method, path string
		body               any
		status             int
	}{
		{"malformed JSON", "POST", "/workflow/execution", `{"Name":`, 400},
		{"no Name", "POST", "/workflow/execution", map[string]any{"Input": map[string]any{"AssetId": "a"}}, 400},
		{"no Input", "POST", "/workflow/execution", map[string]any{"Name": "Gate"}, 400},
		{"unknown media type", "POST", "/workflow/execution", map[string]any{"Name": "Gate", "Input": map[string]any{"Media": map[string]any{"Hologram": map[string]any{"S3Bucket": "b", "S3Key": "k"}}}}, 400},
		{"media without key", "POST", "/workflow/execution", map[string]any{"Name": "Gate", "Input": map[string]any{"Media": map[string]any{"Video": map[string]any{"S3Bucket": "b"}}}}, 400},
		{"unknown workflow", "POST", "/workflow/execution", map[string]any{"Name": "Nope", "Input": map[string]any{"AssetId": "a"}}, 404},
		{"config for unknown stage", "POST", "/workflow/execution", map[string]any{"Name": "Gate", "Input": map[string]any{"AssetId": "z"}, "Configuration": map[string]any{"Nope": map[string]any{}}}, 400},
		{"unknown execution", "GET", "/workflow/execution/nope", nil, 404},
		{"unknown execution history", "GET", "/workflow/execution/nope/history", nil, 404},
		{"cancel unknown", "DELETE", "/workflow/execution/nope", nil, 404},
		{"bad status", "GET", "/workflow/execution/status/Sleeping", nil, 400},
		{"bad limit", "GET", "/workflow/execution?limit=x", nil, 400},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			var e api.ErrorBody
			must(t, a, tt.status, tt.method, tt.path, tt.body, &e)
			if e.Code == "" || e.Message == "" {
				t.Fatalf("error body lacks Code or Message: %+v", e)
			}
		})
	}

	// MIE's API is JSON whatever the Content-Type: curl -d sends a form type.
	resp, err := http.Post(a.URL()+"/workflow/stage", "application/x-www-form-urlencoded",
		strings.NewReader(`{"Name":"FormStage","Operations":["Echo"]}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("form content type: %d", resp.StatusCode)
	}
	big := `{"Name":"` + strings.Repeat("x", 17<<20) + `"}`
	must(t, a, http.StatusRequestEntityTooLarge, "POST", "/workflow/stage", big, nil)

	var list []api.ExecutionView
	must(t, a, http.StatusOK, "GET", "/workflow/execution/asset/"+v.AssetId, nil, &list)
	if len(list) != 1 || list[0].Id != v.Id {
		t.Fatalf("by asset: %+v", list)
	}
	must(t, a, http.StatusOK, "GET", "/workflow/execution/status/Complete", nil, &list)
	if len(list) != 1 {
		t.Fatalf("by status: %d", len(list))
	}
}
