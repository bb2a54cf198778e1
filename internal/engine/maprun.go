package engine

import (
	"encoding/json"
	"sort"
	"time"

	"github.com/google/uuid"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/asl"
	"github.com/mie-kafka/mie/internal/asl/failure"
)

// A map run is what runs a distributed Map: an entity of its own, keyed
// by its id, with its own history (events.MapRunCreated ... MapRunSucceeded,
// MapRunFailed or MapRunAborted). It reads the items in pages (a task to
// the map run worker per page, asked for when it has room), starts one
// child execution per item or batch (never more than MaxConcurrency
// running), counts their ends against the tolerance, writes their results
// to the ResultWriter's bucket as they come (a task per part of a
// results file) and tells its parent how it ended. StartMapRun,
// HandleMapRun and MapRun.Apply are its decider and fold, pure like the
// execution's.
//
// What it holds is bounded whatever the number of items: the items read
// and not yet started (about a page, or a batch), the running children
// (at most MaxConcurrency), and the results not yet written (about one
// part; without a ResultWriter, the Map's output, which the payload limit
// bounds).

// MapRunStatus is a map run's status, as DescribeMapRun names it.
type MapRunStatus uint8

const (
	MapRunRunning MapRunStatus = iota
	MapRunSucceeded
	MapRunFailed
	MapRunAborted
)

var mapRunStatusNames = [...]string{events.MapRunStatusRunning, events.MapRunStatusSucceeded,
	events.MapRunStatusFailed, events.MapRunStatusAborted}

func (s MapRunStatus) String() string {
	if int(s) < len(mapRunStatusNames) {
		return mapRunStatusNames[s]
	}
	return "UNKNOWN"
}

// MarshalText writes the status's name.
func (s MapRunStatus) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// Terminal reports whether the status is final.
func (s MapRunStatus) Terminal() bool { return s != MapRunRunning }

// MapRun is the folded state of one map run.
type MapRun struct {
	ID string
	// Spec is what the map run runs (its MapRunCreated); Map is the Map
	// state, parsed from Spec.Definition.
	Spec   *events.MapRunSpec
	Map    *asl.Map
	Status MapRunStatus
	// Output is a success's result; Error and Cause a failure's.
	Output       json.RawMessage
	Error, Cause string
	Created      time.Time
	Ended        time.Time
	Updated      time.Time
	// Events counts the events applied.
	Events int
	// Items and Executions count the items and the children by status.
	Items, Executions events.MapRunCounts

	// childDef is what the children run; input, context and vars are
	// what ItemSelector reads.
	childDef json.RawMessage
	input    any
	context  map[string]any
	vars     map[string]any
	// invalid is why the map run cannot run (its definition does not
	// parse): it fails at its start.
	invalid *failure.Error
	// failing is the failure of a map run that writes its results before
	// it ends (MapRunFailing); lastFailure says which child failed last.
	failing     *failure.Error
	lastFailure string

	// pending are the items read and not yet started; read counts the
	// items read, pages the pages; cursor is where the reader goes on.
	pending    []pendingItem
	read       int
	pages      int
	cursor     string
	readerDone bool
	// running are the children started and not ended, by number;
	// nextChild is the number of the next child.
	running   map[int]runningChild
	nextChild int
	// tasks in flight: a read, and a write of a results file or the
	// manifest.
	reading, writing *mapRunTask
	// outputs are the results by child, when they are the Map's output
	// (no ResultWriter bucket); outputBytes their size.
	outputs     map[int]result
	outputBytes int
	// buffers hold the results not yet written, by results file;
	// files are the parts written.
	buffers  [resultFiles]resultBuffer
	files    [resultFiles][]resultFile
	manifest bool
}

type pendingItem struct {
	index int
	raw   json.RawMessage
}

type runningChild struct {
	first, count int
	id           string
	started      time.Time
}

type mapRunTask struct {
	id, kind      string
	file, entries int
}

// Terminal reports whether the map run has ended.
func (m *MapRun) Terminal() bool { return m.Status.Terminal() }

// Running is the number of children running.
func (m *MapRun) Running() int { return len(m.running) }

// Held is the number of items read and not yet started.
func (m *MapRun) Held() int { return len(m.pending) }

// Buffered is the number of results held for the ResultWriter.
func (m *MapRun) Buffered() int {
	n := 0
	for i := range m.buffers {
		n += len(m.buffers[i].entries)
	}
	return n
}

// childNamespace makes a map run's children's ids.
var mapRunChildNamespace = uuid.MustParse("9b2d6e41-0c7a-4f35-8e19-a4d2c6b8f071")

// mapRunChildID is the id of child n of map run id.
func mapRunChildID(id string, n int) string {
	return uuid.NewSHA1(mapRunChildNamespace, []byte(id+"/"+itoa(n))).String()
}

// runningIDs are the running children's ids, in child order.
func (m *MapRun) runningIDs() []string {
	nums := make([]int, 0, len(m.running))
	for n := range m.running {
		nums = append(nums, n)
	}
	sort.Ints(nums)
	ids := make([]string, len(nums))
	for i, n := range nums {
		ids[i] = m.running[n].id
	}
	return ids
}

// mrStep is one decision of a map run.
type mrStep struct {
	m    *MapRun
	now  time.Time
	opts *Options
	out  Output
}

func (d *mrStep) emit(p events.Payload) {
	if err := d.m.Apply(d.now, p); err != nil {
		panic(err)
	}
	d.out.Events = append(d.out.Events, p)
}

func newMapRunStep(m *MapRun, now time.Time, opts *Options) *mrStep {
	if opts == nil {
		opts = &Options{}
	}
	return &mrStep{m: m, now: now, opts: opts}
}

// StartMapRun handles StartMapRun for a map run that does not exist yet.
func StartMapRun(cmd *events.StartMapRun, now time.Time, opts *Options) (*MapRun, Output) {
	m := &MapRun{}
	d := newMapRunStep(m, now, opts)
	d.emit(&events.MapRunCreated{MapRunSpec: cmd.MapRunSpec})
	if m.invalid != nil {
		d.fail(m.invalid)
		return m, d.out
	}
	d.advance()
	return m, d.out
}

// HandleMapRun decides what a command (AbortMapRun), a child's end or a
// worker's answer does to m. What no longer applies (a child or a task
// the map run does not wait for, anything once it ended) decides nothing.
func HandleMapRun(m *MapRun, p events.Payload, now time.Time, opts *Options) Output {
	d := newMapRunStep(m, now, opts)
	if m.Terminal() {
		return d.out
	}
	switch c := p.(type) {
	case *events.AbortMapRun:
		d.abort(c.Reason)
		return d.out
	case *events.ChildExecutionEnded:
		d.childEnded(c)
	case *events.OperatorResult:
		d.taskResult(c)
	}
	d.advance()
	return d.out
}

// childEnded records the end of a running child; its parent reference
// names it by number from 1, as runs are.
func (d *mrStep) childEnded(c *events.ChildExecutionEnded) {
	n := int(c.Run) - 1
	ch, ok := d.m.running[n]
	if !ok || ch.id != c.Child {
		return
	}
	d.emit(&events.MapRunChildEnded{MapRunId: d.m.ID, Child: n, ChildId: c.Child, Status: c.Status, Input: c.Input,
		Output: c.Output, Error: c.Error, Cause: c.Cause, Started: c.Started, Stopped: c.Stopped})
}

// abort stops the map run and its running children.
func (d *mrStep) abort(reason string) {
	m := d.m
	ids := m.runningIDs()
	items, execs := m.stopCounts()
	d.emit(&events.MapRunAborted{MapRunId: m.ID, Reason: reason, ItemCounts: items, ExecutionCounts: execs})
	d.cancel(ids, "the map run was aborted: "+reason)
	d.notifyParent()
}

// fail ends the map run with e, stopping its running children.
func (d *mrStep) fail(e *failure.Error) {
	m := d.m
	ids := m.runningIDs()
	items, execs := m.stopCounts()
	d.emit(&events.MapRunFailed{MapRunId: m.ID, Error: e.Name, Cause: e.Cause, ItemCounts: items, ExecutionCounts: execs})
	d.cancel(ids, "the map run failed: "+e.Name)
	d.notifyParent()
}

// succeed ends the map run with output.
func (d *mrStep) succeed(output json.RawMessage) {
	m := d.m
	d.emit(&events.MapRunSucceeded{MapRunId: m.ID, Output: output, ItemCounts: m.Items, ExecutionCounts: m.Executions})
	d.notifyParent()
}

// stopCounts are the counts once the running children are stopped.
func (m *MapRun) stopCounts() (items, execs events.MapRunCounts) {
	items, execs = m.Items, m.Executions
	items.Aborted, items.Running = items.Aborted+items.Running, 0
	execs.Aborted, execs.Running = execs.Aborted+execs.Running, 0
	return items, execs
}

// cancel stops children.
func (d *mrStep) cancel(ids []string, reason string) {
	for _, id := range ids {
		d.out.Commands = append(d.out.Commands, Command{Key: id, Payload: &events.CancelExecution{ExecutionId: id, Reason: reason}})
	}
}

// notifyParent tells the parent how the map run ended.
func (d *mrStep) notifyParent() {
	m := d.m
	if m.Spec == nil || m.Spec.Parent.ExecutionId == "" {
		return
	}
	p := m.Spec.Parent
	d.out.Commands = append(d.out.Commands, Command{Key: p.ExecutionId, Payload: &events.MapRunEnded{
		ExecutionId: p.ExecutionId, Run: p.Run, MapRunId: m.ID, MapRunArn: m.Spec.MapRunArn, Status: m.Status.String(),
		Output: m.Output, Error: m.Error, Cause: m.Cause}})
}
