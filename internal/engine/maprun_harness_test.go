package engine

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/mie-kafka/mie/events"
)

// distHarness runs a parent execution with distributed Maps as the
// executor would: the parent's StartMapRun starts a map run, whose child
// starts run the children (real executions of the ItemProcessor, in a
// random order), whose ends go back to the map run, whose end goes back
// to the parent. The map run's reads and writes are answered by a store
// in memory (the worker is tested against a real object store in
// processors/worker). Replays are checked as in harness.go.
type distHarness struct {
	t      *testing.T
	parent *harness
	opts   *Options
	rng    *rand.Rand
	runs   map[string]*mapRunBox
	order  []string
	// objects are the store: items by "bucket/key" for reads, bodies
	// written by "bucket/key".
	objects map[string][]json.RawMessage
	written map[string][]byte
	// queue holds children started and not yet run; cancelled the
	// children a map run stopped.
	queue     []*events.StartExecution
	cancelled map[string]bool
	// active counts children started and not ended, per map run; peak its
	// maximum.
	active, peak map[string]int
	children     map[string]*Execution
	// readFails makes the reads of a key fail; replayEvery checks the map
	// run's replay every n steps (1: every step).
	readFails   map[string]string
	writeFails  string
	replayEvery int
}

type mapRunBox struct {
	m     *MapRun
	log   []logged
	tasks []Task
	steps int
}

func newDist(t *testing.T) *distHarness {
	h := newHarness(t)
	h.opts.MapRun = MapRunOptions{Topic: "tasks.builtin.MapRun", PageItems: 4, FlushEntries: 3}
	return &distHarness{t: t, parent: h, opts: &h.opts, rng: rand.New(rand.NewPCG(1, 2)), runs: map[string]*mapRunBox{},
		objects: map[string][]json.RawMessage{}, written: map[string][]byte{}, cancelled: map[string]bool{},
		active: map[string]int{}, peak: map[string]int{}, children: map[string]*Execution{}, readFails: map[string]string{},
		replayEvery: 1}
}

// object stores items under bucket/key for the reader.
func (h *distHarness) object(key string, items ...string) {
	for _, it := range items {
		h.objects[key] = append(h.objects[key], json.RawMessage(it))
	}
}

func (h *distHarness) start(def, input string) *distHarness {
	h.parent.start(def, input)
	h.run()
	return h
}

// run delivers every command, task and child until nothing is left.
func (h *distHarness) run() {
	h.t.Helper()
	for h.pump() {
	}
}

// pump does one thing: a parent command, a map run task, or a child.
func (h *distHarness) pump() bool {
	h.t.Helper()
	p := h.parent
	if len(p.commands) > 0 {
		c := p.commands[0]
		p.commands = p.commands[1:]
		h.toMapRun(c)
		return true
	}
	for _, id := range h.order {
		b := h.runs[id]
		if len(b.tasks) > 0 {
			t := b.tasks[0]
			b.tasks = b.tasks[1:]
			h.mapRunStep(b, HandleMapRun(b.m, h.serve(t), p.now, h.opts))
			return true
		}
	}
	if len(h.queue) == 0 {
		return false
	}
	i := h.rng.IntN(len(h.queue))
	cmd := h.queue[i]
	h.queue = slices.Delete(h.queue, i, i+1)
	h.runChild(cmd)
	return true
}

// toMapRun delivers a parent's command to its map run.
func (h *distHarness) toMapRun(c Command) {
	h.t.Helper()
	switch cmd := c.Payload.(type) {
	case *events.StartMapRun:
		if c.Key != cmd.MapRunId {
			h.t.Fatalf("StartMapRun keyed %q, map run %q", c.Key, cmd.MapRunId)
		}
		if _, dup := h.runs[cmd.MapRunId]; dup {
			return
		}
		m, out := StartMapRun(cmd, h.parent.now, h.opts)
		b := &mapRunBox{m: m}
		h.runs[cmd.MapRunId] = b
		h.order = append(h.order, cmd.MapRunId)
		h.mapRunStep(b, out)
	case *events.AbortMapRun:
		b := h.runs[cmd.MapRunId]
		if b == nil {
			h.t.Fatalf("abort of unknown map run %s", cmd.MapRunId)
		}
		h.mapRunStep(b, HandleMapRun(b.m, cmd, h.parent.now, h.opts))
	default:
		h.t.Fatalf("unexpected parent command %T", c.Payload)
	}
}

// mapRunStep takes a map run's decision: its events, tasks and commands.
func (h *distHarness) mapRunStep(b *mapRunBox, o Output) {
	h.t.Helper()
	for _, e := range o.Events {
		b.log = append(b.log, logged{h.parent.now, e})
	}
	b.tasks = append(b.tasks, o.Tasks...)
	b.steps++
	if h.replayEvery > 0 && (b.steps%h.replayEvery == 0 || b.m.Terminal()) {
		h.checkMapRunReplay(b)
	}
	for _, c := range o.Commands {
		switch cmd := c.Payload.(type) {
		case *events.StartExecution:
			if c.Key != cmd.ExecutionId || cmd.Parent == nil || cmd.Parent.ExecutionId != b.m.ID || !cmd.Parent.MapRun {
				h.t.Fatalf("child start %+v keyed %q", cmd, c.Key)
			}
			h.queue = append(h.queue, cmd)
			h.active[b.m.ID]++
			h.peak[b.m.ID] = max(h.peak[b.m.ID], h.active[b.m.ID])
			if got, want := h.active[b.m.ID], b.m.Spec.MaxConcurrency; got > want {
				h.t.Fatalf("map run %s has %d children running, over its MaxConcurrency %d", b.m.ID, got, want)
			}
		case *events.CancelExecution:
			h.cancelled[cmd.ExecutionId] = true
		case *events.MapRunEnded:
			if c.Key != h.parent.x.ID {
				h.t.Fatalf("MapRunEnded keyed %q", c.Key)
			}
			h.parent.take(Handle(h.parent.x, cmd, h.parent.now, &h.parent.opts))
		default:
			h.t.Fatalf("unexpected map run command %T", c.Payload)
		}
	}
}

// runChild runs a child execution to its end (its ItemProcessor has no
// Task) and hands its end to its map run, unless the map run stopped it.
func (h *distHarness) runChild(cmd *events.StartExecution) {
	h.t.Helper()
	b := h.runs[cmd.Parent.ExecutionId]
	x, out := Start(cmd, h.parent.now, &Options{})
	h.children[cmd.ExecutionId] = x
	if h.cancelled[cmd.ExecutionId] {
		out = Handle(x, &events.CancelExecution{ExecutionId: x.ID, Reason: "stopped"}, h.parent.now, &Options{})
	}
	h.active[b.m.ID]--
	for _, c := range out.Commands {
		end, ok := c.Payload.(*events.ChildExecutionEnded)
		if !ok || c.Key != b.m.ID {
			h.t.Fatalf("child command %#v", c)
		}
		h.mapRunStep(b, HandleMapRun(b.m, end, h.parent.now, h.opts))
	}
}

// serve answers a map run's task as the worker would.
func (h *distHarness) serve(t Task) *events.OperatorResult {
	h.t.Helper()
	res := &events.OperatorResult{WorkflowExecutionId: t.Task.WorkflowExecutionId, TaskId: t.Task.TaskId, Attempt: 1,
		Phase: events.PhaseStart, Status: events.ResultComplete, Run: t.Task.Run}
	var out any
	if t.Task.Path == "ItemReader" {
		var rd events.MapRunRead
		must(h.t, json.Unmarshal(t.Task.Payload, &rd))
		key := rd.Reader.Bucket + "/" + rd.Reader.Key
		if cause, bad := h.readFails[key]; bad {
			res.Status, res.Error, res.Cause = events.ResultError, "States.ItemReaderFailed", cause
			return res
		}
		from, _ := strconv.Atoi(rd.Cursor)
		items := h.objects[key][from:]
		n := min(len(items), rd.Limit)
		out = events.MapRunPage{Items: items[:n], Cursor: strconv.Itoa(from + n), Done: n == len(items)}
	} else {
		var w events.MapRunWrite
		must(h.t, json.Unmarshal(t.Task.Payload, &w))
		if h.writeFails != "" {
			res.Status, res.Error, res.Cause = events.ResultError, "States.ResultWriterFailed", h.writeFails+" "+w.Key
			return res
		}
		h.written[w.Bucket+"/"+w.Key] = w.Body
		out = events.MapRunWritten{Key: w.Key, Size: int64(len(w.Body))}
	}
	res.Output, _ = json.Marshal(out)
	return res
}

func (h *distHarness) checkMapRunReplay(b *mapRunBox) {
	h.t.Helper()
	fresh := &MapRun{}
	for _, l := range b.log {
		if err := fresh.Apply(l.at, l.p); err != nil {
			h.t.Fatalf("map run replay: %v", err)
		}
	}
	if got, want := mapRunSummary(fresh), mapRunSummary(b.m); got != want {
		h.t.Fatalf("the replayed map run differs from the decided one\nreplayed %s\n decided %s", got, want)
	}
}

func mapRunSummary(m *MapRun) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s %s %s events=%d items=%+v execs=%+v read=%d pages=%d cursor=%q done=%v next=%d pending=%d",
		m.Status, m.Output, m.Error, m.Cause, m.Events, m.Items, m.Executions, m.read, m.pages, m.cursor, m.readerDone,
		m.nextChild, len(m.pending))
	keys := make([]int, 0, len(m.running))
	for k := range m.running {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	fmt.Fprintf(&b, " running=%v out=%d files=%v manifest=%v failing=%v", keys, m.outputBytes, m.files, m.manifest, m.failing)
	for i := range m.buffers {
		fmt.Fprintf(&b, " buf%d=%d/%d", i, len(m.buffers[i].entries), m.buffers[i].bytes)
	}
	if m.reading != nil {
		fmt.Fprintf(&b, " reading=%+v", *m.reading)
	}
	if m.writing != nil {
		fmt.Fprintf(&b, " writing=%+v", *m.writing)
	}
	return b.String()
}

// only returns the one map run the parent started.
func (h *distHarness) only() *mapRunBox {
	h.t.Helper()
	if len(h.order) != 1 {
		h.t.Fatalf("%d map runs, want 1", len(h.order))
	}
	return h.runs[h.order[0]]
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// distMap is a machine whose state M is a distributed Map with the given
// fields (JSON members) over an ItemProcessor that doubles $.n (or fails
// when $.fail is set).
func distMap(fields string) string {
	return `{"StartAt":"M","States":{"M":{"Type":"Map",` + fields + `,
		"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},"StartAt":"C","States":{
			"C":{"Type":"Choice","Choices":[{"Variable":"$.fail","IsPresent":true,"Next":"F"}],"Default":"D"},
			"F":{"Type":"Fail","Error":"Item.Failed","Cause":"it asked to"},
			"D":{"Type":"Pass","Parameters":{"d.$":"States.MathAdd($.n, $.n)"},"End":true}}},
		"End":true}}}`
}
