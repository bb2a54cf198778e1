package engine

import (
	"encoding/json"
	"fmt"
	"sort"
	"time"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/asl"
	"github.com/mie-kafka/mie/internal/asl/failure"
)

// Apply folds one event of the map run's history into its state. Like
// Execution.Apply it evaluates nothing: what it derives (the parsed Map
// state, the children's definition, the results' entries) is a function
// of the recorded events alone.
func (m *MapRun) Apply(at time.Time, p events.Payload) error {
	if c, ok := p.(*events.MapRunCreated); ok {
		m.created(at, c)
		m.Events, m.Updated = 1, at
		return nil
	}
	if m.Spec == nil {
		return fmt.Errorf("apply %s: the map run has no MapRunCreated", p.EventType())
	}
	if err := m.apply(at, p); err != nil {
		return err
	}
	m.Events++
	m.Updated = at
	return nil
}

func (m *MapRun) apply(at time.Time, p events.Payload) error {
	switch e := p.(type) {
	case *events.MapRunTaskScheduled:
		t := &mapRunTask{id: e.TaskId, kind: e.Kind, file: fileIndex(e.Status), entries: e.Entries}
		if e.Kind == events.MapRunTaskRead {
			m.reading = t
		} else {
			m.writing = t
		}
	case *events.MapRunPageRead:
		return m.pageRead(e)
	case *events.MapRunChildrenStarted:
		return m.childrenStarted(at, e)
	case *events.MapRunChildEnded:
		m.childEnded(e)
	case *events.MapRunResultsWritten:
		m.written(e)
	case *events.MapRunFailing:
		m.failingWith(e)
	case *events.MapRunSucceeded:
		m.end(at, MapRunSucceeded, e.ItemCounts, e.ExecutionCounts)
		m.Output = e.Output
	case *events.MapRunFailed:
		m.end(at, MapRunFailed, e.ItemCounts, e.ExecutionCounts)
		m.Error, m.Cause = e.Error, e.Cause
	case *events.MapRunAborted:
		m.end(at, MapRunAborted, e.ItemCounts, e.ExecutionCounts)
		m.Error, m.Cause = "States.Aborted", e.Reason
	default:
		return fmt.Errorf("apply: %s is not an event of a map run", p.EventType())
	}
	return nil
}

// created starts the fold from the map run's spec.
func (m *MapRun) created(at time.Time, c *events.MapRunCreated) {
	spec := c.MapRunSpec
	*m = MapRun{ID: spec.MapRunId, Spec: &spec, Created: at, running: map[int]runningChild{}, outputs: map[int]result{}}
	st, def, err := mapRunMachine(spec.Definition)
	if err != nil {
		m.invalid = failure.New(failure.Runtime, "the map run's definition is not valid: %v", err)
		st = &asl.Map{}
	}
	m.Map, m.childDef = st, def
	m.input = decode(spec.Input)
	m.context, _ = decode(spec.Context).(map[string]any)
	if len(spec.Variables) > 0 {
		m.vars = make(map[string]any, len(spec.Variables))
		for k, v := range spec.Variables {
			m.vars[k] = decode(v)
		}
	}
	if spec.Reader == nil {
		var items []json.RawMessage
		_ = json.Unmarshal(spec.Items, &items) // the parent encoded an array
		m.addItems(items)
		m.readerDone = true
	}
}

// mapRunMachine parses a map run's definition: its Map state and what
// the children run.
func mapRunMachine(def json.RawMessage) (*asl.Map, json.RawMessage, error) {
	machine, err := machineOf(def, false)
	if err != nil {
		return nil, nil, err
	}
	st, ok := machine.State(machine.StartAt).(*asl.Map)
	if !ok {
		return nil, nil, fmt.Errorf("its state %q is not a Map", machine.StartAt)
	}
	child, err := processorDefinition(def, machine.StartAt)
	if err != nil {
		return nil, nil, err
	}
	return st, child, nil
}

func (m *MapRun) addItems(items []json.RawMessage) {
	for _, it := range items {
		m.pending = append(m.pending, pendingItem{index: m.read, raw: it})
		m.read++
	}
	m.Items.Total += len(items)
	m.Items.Pending += len(items)
}

func (m *MapRun) pageRead(e *events.MapRunPageRead) error {
	var items []json.RawMessage
	if err := json.Unmarshal(e.Items, &items); err != nil {
		return fmt.Errorf("apply MapRunPageRead: %w", err)
	}
	m.addItems(items)
	m.pages++
	m.cursor, m.reading = e.Cursor, nil
	max := m.Spec.Reader.MaxItems
	m.readerDone = e.Done || (max > 0 && int64(m.read) >= max)
	return nil
}

func (m *MapRun) childrenStarted(at time.Time, e *events.MapRunChildrenStarted) error {
	if e.First != m.nextChild {
		return fmt.Errorf("apply MapRunChildrenStarted: child %d started, want child %d next", e.First, m.nextChild)
	}
	for i := 0; i < e.Count; i++ {
		n := 1
		if i < len(e.Items) {
			n = e.Items[i]
		}
		if n < 1 || n > len(m.pending) {
			return fmt.Errorf("apply MapRunChildrenStarted: child %d takes %d items, %d are read", e.First+i, n, len(m.pending))
		}
		child := e.First + i
		m.running[child] = runningChild{first: m.pending[0].index, count: n, id: mapRunChildID(m.ID, child), started: at}
		m.pending = m.pending[n:]
		m.Items.Pending -= n
		m.Items.Running += n
		m.Executions.Running++
		m.Executions.Total++
	}
	if len(m.pending) == 0 {
		m.pending = nil
	}
	m.nextChild = e.First + e.Count
	return nil
}

func (m *MapRun) childEnded(e *events.MapRunChildEnded) {
	ch, ok := m.running[e.Child]
	if !ok {
		return
	}
	delete(m.running, e.Child)
	m.Items.Running -= ch.count
	m.Executions.Running--
	items, execs := &m.Items, &m.Executions
	switch e.Status {
	case "SUCCEEDED":
		items.Succeeded, execs.Succeeded = items.Succeeded+ch.count, execs.Succeeded+1
	case "TIMED_OUT":
		items.TimedOut, execs.TimedOut = items.TimedOut+ch.count, execs.TimedOut+1
	case "ABORTED":
		items.Aborted, execs.Aborted = items.Aborted+ch.count, execs.Aborted+1
	default:
		items.Failed, execs.Failed = items.Failed+ch.count, execs.Failed+1
	}
	if e.Status != "SUCCEEDED" {
		cause := e.Cause
		if len(cause) > 300 {
			cause = cause[:300] + "..."
		}
		m.lastFailure = fmt.Sprintf("child %d (%s) ended %s: %s: %s", e.Child, e.ChildId, e.Status, e.Error, cause)
	}
	m.addResult(e, ch)
}

func (m *MapRun) written(e *events.MapRunResultsWritten) {
	m.writing = nil
	if e.Kind == events.MapRunTaskManifest {
		m.manifest = true
		return
	}
	f := fileIndex(e.Status)
	b := &m.buffers[f]
	n := min(e.Entries, len(b.entries))
	for _, en := range b.entries[:n] {
		b.bytes -= len(en) + 1
	}
	b.entries = b.entries[n:]
	if len(b.entries) == 0 {
		b.entries, b.bytes = nil, 0
	}
	m.files[f] = append(m.files[f], resultFile{Key: e.Key, Size: e.Size})
	m.Items.ResultsWritten += n
	m.Executions.ResultsWritten += n
}

// failingWith stops the running children; their results are PENDING.
func (m *MapRun) failingWith(e *events.MapRunFailing) {
	m.failing = &failure.Error{Name: e.Error, Cause: e.Cause}
	nums := make([]int, 0, len(m.running))
	for n := range m.running {
		nums = append(nums, n)
	}
	sort.Ints(nums)
	for _, n := range nums {
		m.addPending(m.running[n])
	}
	m.Items, m.Executions = m.stopCounts()
	m.running = map[int]runningChild{}
}

func (m *MapRun) end(at time.Time, st MapRunStatus, items, execs events.MapRunCounts) {
	m.Status, m.Ended, m.Items, m.Executions = st, at, items, execs
	m.running, m.pending, m.outputs = nil, nil, nil
	m.buffers = [resultFiles]resultBuffer{}
	m.reading, m.writing = nil, nil
}
