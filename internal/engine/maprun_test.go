package engine

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/asl/failure"
)

func items(n int, f func(i int) string) string {
	parts := make([]string, n)
	for i := range parts {
		parts[i] = f(i)
	}
	return "[" + strings.Join(parts, ",") + "]"
}

func TestDistributedItemsPathOutputInItemOrder(t *testing.T) {
	h := newDist(t).start(distMap(`"ItemsPath":"$.xs","MaxConcurrency":3`),
		`{"xs":`+items(12, func(i int) string { return fmt.Sprintf(`{"n":%d}`, i) })+`}`)
	h.parent.succeeded(items(12, func(i int) string { return fmt.Sprintf(`{"d":%d}`, 2*i) }))
	b := h.only()
	if b.m.Status != MapRunSucceeded || b.m.Executions.Succeeded != 12 || b.m.Items.Total != 12 {
		t.Fatalf("map run %s %+v %+v", b.m.Status, b.m.Items, b.m.Executions)
	}
	if got := h.peak[b.m.ID]; got != 3 {
		t.Errorf("peak concurrency %d, want exactly MaxConcurrency 3", got)
	}
}

// The parent's history holds the Map's entry, its map run's start and its
// exit, however many items there are.
func TestDistributedParentHistoryIsConstant(t *testing.T) {
	for _, n := range []int{1, 40} {
		h := newDist(t).start(distMap(`"MaxConcurrency":5`), items(n, func(i int) string { return fmt.Sprintf(`{"n":%d}`, i) }))
		var types []string
		for _, l := range h.parent.log {
			types = append(types, l.p.EventType())
		}
		want := "ExecutionQueued ExecutionStarted StateEntered MapRunStarted StateExited ExecutionCompleted"
		if got := strings.Join(types, " "); got != want {
			t.Fatalf("%d items: parent history %s, want %s", n, got, want)
		}
	}
}

func TestDistributedItemSelectorAndContext(t *testing.T) {
	def := `{"StartAt":"M","States":{"M":{"Type":"Map","ItemsPath":"$.xs","Label":"Sel",
		"ItemSelector":{"idx.$":"$$.Map.Item.Index","val.$":"$$.Map.Item.Value","tag.$":"$.tag","exec.$":"$$.Execution.Name"},
		"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"EXPRESS"},"StartAt":"P","States":{
			"P":{"Type":"Pass","Parameters":{"in.$":"$","child.$":"$$.Execution.Name"},"End":true}}},"End":true}}}`
	h := newDist(t).start(def, `{"xs":["a","b"],"tag":"T"}`)
	out, _ := h.parent.x.Output.([]any)
	if len(out) != 2 {
		t.Fatalf("output %v", h.parent.x.Output)
	}
	first := out[0].(map[string]any)
	h.parent.sameJSON(first["in"], `{"idx":0,"val":"a","tag":"T","exec":"exec-1"}`)
	if child, _ := first["child"].(string); child == "exec-1" || child == "" {
		t.Errorf("the child's $$.Execution.Name is %q, want its own", child)
	}
	b := h.only()
	for id, x := range h.children {
		if x.Queued.Type != "EXPRESS" || !strings.Contains(x.Queued.StateMachine.Name, "/Sel") || x.ID != id {
			t.Errorf("child %s: type %s, machine %+v", id, x.Queued.Type, x.Queued.StateMachine)
		}
	}
	if !strings.Contains(b.m.Spec.MapRunArn, ":mapRun:machine/Sel:"+b.m.ID) {
		t.Errorf("MapRunArn %s", b.m.Spec.MapRunArn)
	}
}

func TestDistributedJSONataItems(t *testing.T) {
	def := `{"QueryLanguage":"JSONata","StartAt":"M","States":{"M":{"Type":"Map","Items":"{% $states.input.xs %}",
		"ItemSelector":{"v":"{% $states.context.Map.Item.Value * 10 %}","i":"{% $states.context.Map.Item.Index %}"},
		"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},"StartAt":"P","States":{
			"P":{"Type":"Pass","Output":"{% $states.input.v + $states.input.i %}","End":true}}},"End":true}}}`
	newDist(t).start(def, `{"xs":[1,2,3]}`).parent.succeeded(`[10,21,32]`)
}

func readerMap(extra string) string {
	return distMap(`"ItemReader":{"Resource":"arn:aws:states:::s3:getObject","ReaderConfig":{"InputType":"JSON"` + extra + `},
		"Parameters":{"Bucket":"in","Key.$":"$.key"}},"MaxConcurrency":2`)
}

func TestDistributedReaderPages(t *testing.T) {
	h := newDist(t)
	for i := 0; i < 25; i++ {
		h.object("in/items.json", fmt.Sprintf(`{"n":%d}`, i))
	}
	h.start(readerMap(""), `{"key":"items.json"}`)
	h.parent.succeeded(items(25, func(i int) string { return fmt.Sprintf(`{"d":%d}`, 2*i) }))
	b := h.only()
	if b.m.pages != 7 { // 25 items, 4 a page
		t.Errorf("%d pages read, want 7", b.m.pages)
	}
}

func TestDistributedReaderMaxItems(t *testing.T) {
	h := newDist(t)
	for i := 0; i < 25; i++ {
		h.object("in/items.json", fmt.Sprintf(`{"n":%d}`, i))
	}
	h.start(readerMap(`,"MaxItemsPath":"$.max"`), `{"key":"items.json","max":10}`)
	h.parent.succeeded(items(10, func(i int) string { return fmt.Sprintf(`{"d":%d}`, 2*i) }))
}

func TestDistributedReaderFailure(t *testing.T) {
	h := newDist(t)
	h.readFails["in/broken.json"] = "bucket in, key broken.json: line 3: invalid character"
	h.start(readerMap(""), `{"key":"broken.json"}`)
	h.parent.failedWith(failure.ItemReaderFailed, "broken.json: line 3")
}

func TestDistributedBatching(t *testing.T) {
	def := `{"StartAt":"M","States":{"M":{"Type":"Map","ItemsPath":"$.xs",
		"ItemBatcher":{"MaxItemsPerBatch":3,"BatchInput":{"job.$":"$.job"}},
		"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},"StartAt":"P","States":{
			"P":{"Type":"Pass","End":true}}},"End":true}}}`
	h := newDist(t).start(def, `{"job":"j1","xs":[1,2,3,4,5,6,7]}`)
	h.parent.succeeded(`[{"BatchInput":{"job":"j1"},"Items":[1,2,3]},{"BatchInput":{"job":"j1"},"Items":[4,5,6]},
		{"BatchInput":{"job":"j1"},"Items":[7]}]`)
	b := h.only()
	if b.m.Executions.Total != 3 || b.m.Items.Succeeded != 7 {
		t.Errorf("items %+v executions %+v", b.m.Items, b.m.Executions)
	}
}

func TestDistributedBatchingByBytes(t *testing.T) {
	def := `{"StartAt":"M","States":{"M":{"Type":"Map","ItemBatcher":{"MaxInputBytesPerBatch":40},
		"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},"StartAt":"P","States":{
			"P":{"Type":"Pass","OutputPath":"$.Items","End":true}}},"End":true}}}`
	h := newDist(t).start(def, `["aaaaaaaa","bbbbbbbb","cccccccc","dddddddd"]`)
	h.parent.succeeded(`[["aaaaaaaa","bbbbbbbb"],["cccccccc","dddddddd"]]`)
}

// Children end in a random order; at no point do more than MaxConcurrency
// run (the harness fails at once if they do), and the limit is reached.
func TestDistributedMaxConcurrencyExact(t *testing.T) {
	for _, conc := range []int{1, 3, 7} {
		h := newDist(t)
		h.opts.MapRun.PageItems = 5
		for i := 0; i < 50; i++ {
			h.object("in/items.json", fmt.Sprintf(`{"n":%d}`, i))
		}
		h.start(distMap(fmt.Sprintf(`"ItemReader":{"Resource":"arn:aws:states:::s3:getObject","ReaderConfig":{"InputType":"JSON"},
			"Parameters":{"Bucket":"in","Key":"items.json"}},"MaxConcurrencyPath":"$.c"`)), fmt.Sprintf(`{"c":%d}`, conc))
		if h.parent.x.Status != StatusSucceeded {
			t.Fatalf("concurrency %d: %s %s", conc, h.parent.x.Status, h.parent.x.Cause)
		}
		if got := h.peak[h.only().m.ID]; got != conc {
			t.Errorf("peak %d children running, want %d", got, conc)
		}
	}
}

func TestDistributedToleratedFailures(t *testing.T) {
	in := func(fails ...int) string {
		return items(10, func(i int) string {
			for _, f := range fails {
				if f == i {
					return `{"n":1,"fail":true}`
				}
			}
			return fmt.Sprintf(`{"n":%d}`, i)
		})
	}
	t.Run("within the count", func(t *testing.T) {
		h := newDist(t).start(distMap(`"ToleratedFailureCount":2`), in(3, 7))
		out, _ := h.parent.x.Output.([]any)
		if h.parent.x.Status != StatusSucceeded || len(out) != 10 {
			t.Fatalf("%s %v", h.parent.x.Status, h.parent.x.Cause)
		}
		rec, _ := out[3].(map[string]any)
		if rec["Status"] != "FAILED" || rec["Error"] != "Item.Failed" || rec["Input"] != `{"fail":true,"n":1}` {
			t.Errorf("the failed item's place holds %v", out[3])
		}
	})
	t.Run("past the count", func(t *testing.T) {
		newDist(t).start(distMap(`"ToleratedFailureCount":2,"MaxConcurrency":1`), in(1, 2, 3)).
			parent.failedWith(failure.ExceedToleratedFailureThreshold, "3 of 10")
	})
	t.Run("percentage", func(t *testing.T) {
		if h := newDist(t).start(distMap(`"ToleratedFailurePercentage":20`), in(1, 2)); h.parent.x.Status != StatusSucceeded {
			t.Fatalf("2 of 10 failed, 20%% tolerated: %s %s", h.parent.x.Status, h.parent.x.Cause)
		}
		h := newDist(t).start(distMap(`"ToleratedFailurePercentage":20`), in(1, 2, 3))
		h.parent.failedWith(failure.ExceedToleratedFailureThreshold, "")
	})
	t.Run("none tolerated", func(t *testing.T) {
		h := newDist(t).start(distMap(`"MaxConcurrency":2`), in(4))
		h.parent.failedWith(failure.ExceedToleratedFailureThreshold, "")
		// The children running when it failed were stopped (those that
		// ended since report to an ended map run, which ignores them).
		if m := h.only().m; m.Items.Aborted != len(h.cancelled) || m.Items.Succeeded+m.Items.Failed+m.Items.Aborted >= 10 {
			t.Errorf("items %+v, %d children stopped", m.Items, len(h.cancelled))
		}
	})
}

func TestDistributedCatchAndRetry(t *testing.T) {
	def := `{"StartAt":"M","States":{"M":{"Type":"Map","MaxConcurrency":1,"ItemsPath":"$.xs",
		"Retry":[{"ErrorEquals":["States.ExceedToleratedFailureThreshold"],"MaxAttempts":1,"IntervalSeconds":1}],
		"Catch":[{"ErrorEquals":["States.ALL"],"ResultPath":"$.err","Next":"Caught"}],
		"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},"StartAt":"F","States":{
			"F":{"Type":"Fail","Error":"Item.Failed"}}},"Next":"Caught"},
		"Caught":{"Type":"Pass","End":true}}}`
	h := newDist(t).start(def, `{"xs":[1]}`)
	if len(h.parent.timers) != 1 {
		t.Fatalf("the Map's retry armed %d timers", len(h.parent.timers))
	}
	h.parent.fireTimers()
	h.run()
	if len(h.order) != 2 || h.order[0] == h.order[1] {
		t.Fatalf("map runs %v: the retry must start a new one", h.order)
	}
	if h.parent.x.Status != StatusSucceeded {
		t.Fatalf("%s %s", h.parent.x.Status, h.parent.x.Cause)
	}
	out := h.parent.x.Output.(map[string]any)
	if e := out["err"].(map[string]any); e["Error"] != failure.ExceedToleratedFailureThreshold {
		t.Errorf("caught %v", e)
	}
}

func writerMap(extra string) string {
	return distMap(`"ItemsPath":"$.xs","ToleratedFailureCount":5,"MaxConcurrency":4,
		"ResultWriter":{"Resource":"arn:aws:states:::s3:putObject","Parameters":{"Bucket":"out","Prefix":"runs/"}` + extra + `}`)
}

func TestDistributedResultWriter(t *testing.T) {
	h := newDist(t).start(writerMap(""), `{"xs":[{"n":1},{"n":2},{"fail":1},{"n":4},{"n":5},{"n":6},{"n":7}]}`)
	b := h.only()
	id := b.m.ID
	h.parent.succeeded(`{"MapRunArn":"` + b.m.Spec.MapRunArn + `","ResultWriterDetails":{"Bucket":"out","Key":"runs/` + id + `/manifest.json"}}`)
	var manifest struct {
		DestinationBucket, MapRunArn string
		ResultFiles                  map[string][]struct {
			Key  string
			Size int64
		}
	}
	must(t, json.Unmarshal(h.written["out/runs/"+id+"/manifest.json"], &manifest))
	if manifest.DestinationBucket != "out" || manifest.MapRunArn != b.m.Spec.MapRunArn || len(manifest.ResultFiles["PENDING"]) != 0 {
		t.Fatalf("manifest %+v", manifest)
	}
	// Six successes in parts of at most FlushEntries (3), one failure.
	succeeded := manifest.ResultFiles["SUCCEEDED"]
	if len(succeeded) != 2 || succeeded[0].Key != "runs/"+id+"/SUCCEEDED_0.json" || len(manifest.ResultFiles["FAILED"]) != 1 {
		t.Fatalf("result files %+v", manifest.ResultFiles)
	}
	var recs []map[string]any
	n := 0
	for _, f := range succeeded {
		body := h.written["out/"+f.Key]
		if int64(len(body)) != f.Size {
			t.Errorf("%s: size %d, manifest says %d", f.Key, len(body), f.Size)
		}
		must(t, json.Unmarshal(body, &recs))
		n += len(recs)
		for _, r := range recs {
			if r["Status"] != "SUCCEEDED" || !strings.HasPrefix(r["Output"].(string), `{"d":`) || r["Name"] == "" {
				t.Errorf("record %v", r)
			}
		}
	}
	must(t, json.Unmarshal(h.written["out/"+manifest.ResultFiles["FAILED"][0].Key], &recs))
	if n != 6 || len(recs) != 1 || recs[0]["Error"] != "Item.Failed" {
		t.Errorf("%d successes, failures %v", n, recs)
	}
	if b.m.Items.ResultsWritten != 7 || b.m.Buffered() != 0 {
		t.Errorf("written %d, buffered %d", b.m.Items.ResultsWritten, b.m.Buffered())
	}
}

func TestDistributedWriterConfigOnly(t *testing.T) {
	def := `{"StartAt":"M","States":{"M":{"Type":"Map","ResultWriter":{"WriterConfig":{"Transformation":"FLATTEN","OutputType":"JSON"}},
		"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},"StartAt":"P","States":{
			"P":{"Type":"Pass","End":true}}},"End":true}}}`
	newDist(t).start(def, `[[1,2],[3],4]`).parent.succeeded(`[1,2,3,4]`)
}

// A failure past the tolerance with a ResultWriter: what ended is written,
// the children still running are stopped and listed as PENDING.
func TestDistributedResultWriterOnFailure(t *testing.T) {
	h := newDist(t)
	h.start(distMap(`"ItemsPath":"$.xs","MaxConcurrency":4,
		"ResultWriter":{"Resource":"arn:aws:states:::s3:putObject","Parameters":{"Bucket":"out"}}`),
		`{"xs":[{"fail":1},{"n":1},{"n":2},{"n":3},{"n":4},{"n":5}]}`)
	h.parent.failedWith(failure.ExceedToleratedFailureThreshold, "")
	b := h.only()
	raw := h.written["out/"+b.m.ID+"/manifest.json"]
	var manifest struct{ ResultFiles map[string][]map[string]any }
	must(t, json.Unmarshal(raw, &manifest))
	if len(manifest.ResultFiles["FAILED"]) != 1 {
		t.Fatalf("manifest %s", raw)
	}
	if b.m.Items.Aborted > 0 && len(manifest.ResultFiles["PENDING"]) != 1 {
		t.Errorf("%d children stopped, manifest %s", b.m.Items.Aborted, raw)
	}
	if b.m.Items.Aborted != len(h.cancelled) {
		t.Errorf("%d aborted, %d cancelled", b.m.Items.Aborted, len(h.cancelled))
	}
}

func TestDistributedOutputOverPayloadLimit(t *testing.T) {
	h := newDist(t)
	h.parent.opts.MaxPayload = 600
	def := `{"StartAt":"M","States":{"M":{"Type":"Map",
		"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},"StartAt":"P","States":{
			"P":{"Type":"Pass","Result":"` + strings.Repeat("x", 100) + `","End":true}}},"End":true}}}`
	h.start(def, items(10, func(i int) string { return `1` }))
	h.parent.failedWith(ErrDataLimitExceeded, "ResultWriter")
}

// Stopping the parent aborts its map run, which stops its children.
func TestDistributedParentStopAbortsMapRun(t *testing.T) {
	h := newDist(t)
	h.parent.start(distMap(`"ItemsPath":"$.xs","MaxConcurrency":3`), `{"xs":`+items(9, func(i int) string { return `{"n":1}` })+`}`)
	for len(h.runs) == 0 || len(h.queue) < 3 {
		if !h.pump() {
			t.Fatal("the map run started no children")
		}
	}
	p := h.parent
	p.take(Handle(p.x, &events.CancelExecution{ExecutionId: p.x.ID, Reason: "stop"}, p.now, &p.opts))
	if p.x.Status != StatusAborted || len(p.commands) != 1 {
		t.Fatalf("parent %s, commands %d", p.x.Status, len(p.commands))
	}
	if _, ok := p.commands[0].Payload.(*events.AbortMapRun); !ok {
		t.Fatalf("parent command %T, want AbortMapRun", p.commands[0].Payload)
	}
	h.run()
	b := h.only()
	if b.m.Status != MapRunAborted || len(h.cancelled) != 3 || b.m.Items.Aborted != 3 {
		t.Fatalf("map run %s, %d children cancelled, items %+v", b.m.Status, len(h.cancelled), b.m.Items)
	}
}

// 10,000 items through the reader, with a ResultWriter: the parent's
// history stays six events, and the map run never holds more than about
// two pages of items, MaxConcurrency children and a few parts of results.
func TestDistributedTenThousandItemsBounded(t *testing.T) {
	const n = 10000
	h := newDist(t)
	h.replayEvery = 1000
	h.opts.MapRun = MapRunOptions{Topic: "tasks.builtin.MapRun", PageItems: 500, FlushEntries: 250}
	for i := 0; i < n; i++ {
		h.object("in/items.json", fmt.Sprintf(`{"n":%d}`, i))
	}
	def := distMap(`"ItemReader":{"Resource":"arn:aws:states:::s3:getObject","ReaderConfig":{"InputType":"JSON"},
		"Parameters":{"Bucket":"in","Key":"items.json"}},"MaxConcurrency":200,
		"ResultWriter":{"Resource":"arn:aws:states:::s3:putObject","Parameters":{"Bucket":"out","Prefix":"big"}}`)
	h.parent.start(def, `{}`)
	held, buffered, running := 0, 0, 0
	for h.pump() {
		if len(h.runs) > 0 {
			m := h.only().m
			held, buffered, running = max(held, m.Held()), max(buffered, m.Buffered()), max(running, m.Running())
		}
	}
	if h.parent.x.Status != StatusSucceeded {
		t.Fatalf("%s %s", h.parent.x.Status, h.parent.x.Cause)
	}
	if got := len(h.parent.log); got != 6 {
		t.Errorf("the parent's history has %d events, want 6", got)
	}
	m := h.only().m
	if m.Items.Succeeded != n || m.Items.ResultsWritten != n || m.pages != n/500 {
		t.Errorf("items %+v, %d pages", m.Items, m.pages)
	}
	if held > 2*500 || running > 200 || buffered > 250+200 {
		t.Errorf("the map run held up to %d items, %d running children, %d results", held, running, buffered)
	}
	// Per child, its end and (as one ends, the next starts) a start; a
	// few per page and part.
	if m.Events > 2*n+2*n/500+2*n/250+10 {
		t.Errorf("the map run's history has %d events", m.Events)
	}
}

func TestDistributedNoWorker(t *testing.T) {
	h := newDist(t)
	h.opts.MapRun.Topic = ""
	h.start(readerMap(""), `{"key":"k"}`)
	h.parent.failedWith(failure.ItemReaderFailed, "no map run worker")
}

func TestMapRunIDs(t *testing.T) {
	if mapRunID("p", 2, 1) != mapRunID("p", 2, 1) || mapRunID("p", 2, 1) == mapRunID("p", 2, 2) {
		t.Fatal("map run ids must be a function of parent, run and attempt")
	}
	if mapRunChildID("m", 0) == mapRunChildID("m", 1) {
		t.Fatal("child ids must differ")
	}
}

// A Parallel branch that fails ends its sibling's distributed Map: the
// map run is aborted with the Parallel.
func TestDistributedAbortedWithItsParallel(t *testing.T) {
	def := `{"StartAt":"P","States":{"P":{"Type":"Parallel","End":true,"Branches":[
		{"StartAt":"M","States":{"M":{"Type":"Map","MaxConcurrency":2,
			"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},"StartAt":"X","States":{
				"X":{"Type":"Pass","End":true}}},"End":true}}},
		{"StartAt":"W","States":{"W":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:work","End":true}}}]}}}`
	h := newDist(t)
	h.parent.start(def, `[1,2,3,4]`)
	for len(h.runs) == 0 {
		if !h.pump() {
			t.Fatal("no map run")
		}
	}
	h.parent.answer(h.parent.task(), events.ResultError, "", "Work.Failed")
	h.run()
	h.parent.failedWith("Work.Failed", "")
	if m := h.only().m; m.Status != MapRunAborted {
		t.Fatalf("map run %s, want ABORTED with its Parallel", m.Status)
	}
}

// ItemSelector reads the variables visible to the Map state.
func TestDistributedItemSelectorVariables(t *testing.T) {
	def := `{"StartAt":"A","States":{"A":{"Type":"Pass","Assign":{"factor":10},"Next":"M"},
		"M":{"Type":"Map","ItemSelector":{"v.$":"$$.Map.Item.Value","f.$":"$factor"},
		"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},"StartAt":"X","States":{
			"X":{"Type":"Pass","Parameters":{"p.$":"States.MathAdd($.v, $.f)"},"End":true}}},"End":true}}}`
	newDist(t).start(def, `[1,2]`).parent.succeeded(`[{"p":11},{"p":12}]`)
}

func TestDistributedResultWriterFailure(t *testing.T) {
	h := newDist(t)
	h.writeFails = "bucket out: access denied for"
	h.start(writerMap(""), `{"xs":[{"n":1},{"n":2},{"n":3},{"n":4}]}`)
	h.parent.failedWith(failure.ResultWriterFailed, "access denied for runs/")
}
