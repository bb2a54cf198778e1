package app

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/view"
)

// TestDistributedMap runs distributed Maps through the whole engine on
// kfake: the executor's map runs, the map run worker reading a JSON Lines
// file and writing result files to the local object store, the children as
// executions of their own, and every record they wrote checked against its
// JSON Schema.
func TestDistributedMap(t *testing.T) {
	h := newHarness(t)
	a := h.start("dmap", Roles{API: true, Executor: true, Worker: true})
	var lines strings.Builder
	for i := 0; i < 60; i++ {
		fmt.Fprintf(&lines, "{\"n\":%d}\n", i)
	}
	body := lines.String()
	if _, err := a.store.Put(t.Context(), "mie-inputs", "jobs/items.jsonl", strings.NewReader(body), int64(len(body)), ""); err != nil {
		t.Fatal(err)
	}
	processor := `"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},"StartAt":"Double","States":{
		"Double":{"Type":"Pass","Parameters":{"i.$":"$.i","d.$":"States.MathAdd($.n, $.n)"},"End":true}}}`
	reader := `"ItemReader":{"Resource":"arn:aws:states:::s3:getObject","ReaderConfig":{"InputType":"JSONL","MaxItemsPath":"$.max"},
		"Parameters":{"Bucket":"mie-inputs","Key.$":"$.key"}},"ItemSelector":{"n.$":"$$.Map.Item.Value.n","i.$":"$$.Map.Item.Index"},
		"MaxConcurrency":3`

	t.Run("output in item order", func(t *testing.T) {
		def := `{"StartAt":"M","States":{"M":{"Type":"Map",` + reader + `,` + processor + `,"End":true}}}`
		id := startRun(t, a, "dmap-inline", def, `{"key":"jobs/items.jsonl","max":25}`)
		x := waitRun(t, a, id, 60*time.Second)
		if x.Run.Status != "SUCCEEDED" {
			t.Fatalf("status %s: %s %s", x.Run.Status, x.Run.Error, x.Run.Cause)
		}
		var out []struct{ I, D int }
		if err := json.Unmarshal(x.Run.Output, &out); err != nil || len(out) != 25 {
			t.Fatalf("output %s: %v", x.Run.Output, err)
		}
		for i, o := range out {
			if o.I != i || o.D != 2*i {
				t.Fatalf("output %d is %+v", i, o)
			}
		}
	})

	t.Run("result writer", func(t *testing.T) {
		def := `{"StartAt":"M","States":{"M":{"Type":"Map",` + reader + `,` + processor + `,
			"ResultWriter":{"Resource":"arn:aws:states:::s3:putObject","Parameters":{"Bucket":"mie-results","Prefix":"runs"}},"End":true}}}`
		id := startRun(t, a, "dmap-writer", def, `{"key":"jobs/items.jsonl","max":1000}`)
		x := waitRun(t, a, id, 60*time.Second)
		if x.Run.Status != "SUCCEEDED" {
			t.Fatalf("status %s: %s %s", x.Run.Status, x.Run.Error, x.Run.Cause)
		}
		var out struct {
			MapRunArn           string
			ResultWriterDetails struct{ Bucket, Key string }
		}
		if err := json.Unmarshal(x.Run.Output, &out); err != nil || out.ResultWriterDetails.Bucket != "mie-results" ||
			!strings.HasPrefix(out.ResultWriterDetails.Key, "runs/") || !strings.HasSuffix(out.ResultWriterDetails.Key, "/manifest.json") ||
			!strings.Contains(out.MapRunArn, ":mapRun:") {
			t.Fatalf("output %s", x.Run.Output)
		}
		var manifest struct {
			ResultFiles map[string][]struct{ Key string }
		}
		readObject(t, a, out.ResultWriterDetails.Bucket, out.ResultWriterDetails.Key, &manifest)
		n := 0
		for _, f := range manifest.ResultFiles["SUCCEEDED"] {
			var recs []struct{ Status, Input, Output, ExecutionArn string }
			readObject(t, a, out.ResultWriterDetails.Bucket, f.Key, &recs)
			for _, r := range recs {
				if r.Status != "SUCCEEDED" || !strings.Contains(r.Output, `"d":`) || !strings.Contains(r.Input, `"i":`) {
					t.Fatalf("record %+v", r)
				}
			}
			n += len(recs)
		}
		if n != 60 {
			t.Fatalf("%d results written, want 60: %+v", n, manifest)
		}
	})

	t.Run("a missing file fails the Map with States.ItemReaderFailed", func(t *testing.T) {
		def := `{"StartAt":"M","States":{"M":{"Type":"Map",` + reader + `,` + processor + `,
			"Catch":[{"ErrorEquals":["States.ItemReaderFailed"],"ResultPath":"$.err","Next":"Caught"}],"End":true},
			"Caught":{"Type":"Pass","OutputPath":"$.err","End":true}}}`
		id := startRun(t, a, "dmap-missing", def, `{"key":"jobs/nothing.jsonl","max":1}`)
		x := waitRun(t, a, id, 60*time.Second)
		var caught map[string]string
		_ = json.Unmarshal(x.Run.Output, &caught)
		if x.Run.Status != "SUCCEEDED" || caught["Error"] != "States.ItemReaderFailed" || !strings.Contains(caught["Cause"], "jobs/nothing.jsonl") {
			t.Fatalf("status %s, output %s", x.Run.Status, x.Run.Output)
		}
	})

	t.Run("stopping the parent stops the map run and its children", func(t *testing.T) {
		def := `{"StartAt":"M","States":{"M":{"Type":"Map","MaxConcurrency":4,"ItemsPath":"$.xs",
			"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},"StartAt":"Hold","States":{
				"Hold":{"Type":"Wait","Seconds":3600,"End":true}}},"End":true}}}`
		id := startRun(t, a, "dmap-stop", def, `{"xs":[1,2,3,4,5,6,7,8,9,10]}`)
		running := func() []*view.Execution {
			all, _ := a.Projection.Executions(t.Context(), view.Filter{})
			var out []*view.Execution
			for _, x := range all {
				if x.Run != nil && x.Run.Parent != nil && x.Run.Parent.MapRun && x.Run.StateMachine.Name == "m-dmap-stop/M" {
					out = append(out, x)
				}
			}
			return out
		}
		eventually(t, 30*time.Second, "four children waiting", func() bool { return len(running()) == 4 })
		produce(t, a, id, &events.CancelExecution{ExecutionId: id, Reason: "test stop"})
		if x := waitRun(t, a, id, 30*time.Second); x.Run.Status != "ABORTED" {
			t.Fatalf("parent %s", x.Run.Status)
		}
		eventually(t, 30*time.Second, "the children stopped", func() bool {
			xs := running()
			for _, x := range xs {
				if x.Run.Status != "ABORTED" {
					return false
				}
			}
			return len(xs) == 4
		})
	})

	// Every record the map runs, their children and the worker wrote
	// follows its schema; the children are executions of their own.
	validateTopics(t, a)
	children := 0
	all, err := a.Projection.Executions(t.Context(), view.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range all {
		if x.Run != nil && x.Run.Parent != nil && x.Run.Parent.MapRun && strings.HasSuffix(x.Run.StateMachine.Name, "/M") {
			children++
		}
	}
	if children != 25+60+4 {
		t.Errorf("%d child executions in the projection, want 89", children)
	}
}

// produce sends a command keyed by key.
func produce(t *testing.T, a *App, key string, p events.Payload) {
	t.Helper()
	env, err := events.New(key, "test", p)
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
}

func readObject(t *testing.T, a *App, bucket, key string, v any) {
	t.Helper()
	rc, _, err := a.store.Get(t.Context(), bucket, key)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	b, _ := io.ReadAll(rc)
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s/%s: %v: %s", bucket, key, err, b)
	}
}
