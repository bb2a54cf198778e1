package engine

import (
	"bytes"
	"encoding/json"
	"time"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/asl/dataflow"
	"github.com/mie-kafka/mie/internal/asl/failure"
	"github.com/mie-kafka/mie/internal/asl/jsonata"
)

// advance does what the map run can do now: fail past its tolerance,
// start children while there is room, ask for items when it runs low,
// write results that fill a part, and end once everything is done.
func (d *mrStep) advance() {
	m := d.m
	if m.Terminal() {
		return
	}
	if m.failing == nil {
		if e := m.exceeded(); e != nil {
			d.stop(e)
		} else if m.outputBytes > d.opts.maxPayload() {
			d.fail(failure.New(ErrDataLimitExceeded, "the output of the map run %s is over %d bytes, the limit: use a ResultWriter",
				m.ID, d.opts.maxPayload()))
		}
	}
	if m.Terminal() {
		return
	}
	if m.failing == nil {
		starved, ferr := d.startChildren()
		if ferr != nil {
			d.fail(ferr)
			return
		}
		d.readMore(starved)
	}
	if m.Terminal() {
		return
	}
	d.flush()
	if !m.Terminal() && m.writing == nil && m.reading == nil {
		d.finish()
	}
}

// exceeded is the failure of a map run whose failed items are past its
// tolerance: any failure without one; more than ToleratedFailureCount; a
// share over ToleratedFailurePercentage of all items, once the reader has
// counted them all.
func (m *MapRun) exceeded() *failure.Error {
	s := m.Spec
	failed := m.Items.Failed + m.Items.TimedOut + m.Items.Aborted
	if failed == 0 {
		return nil
	}
	over := s.ToleratedFailureCount == nil && s.ToleratedFailurePercentage == nil
	if c := s.ToleratedFailureCount; c != nil && int64(failed) > *c {
		over = true
	}
	if p := s.ToleratedFailurePercentage; p != nil && m.readerDone && m.Items.Total > 0 &&
		float64(failed)*100/float64(m.Items.Total) > *p {
		over = true
	}
	if !over {
		return nil
	}
	return failure.New(failure.ExceedToleratedFailureThreshold,
		"the map run %s failed because more items failed than it tolerates: %d of %d items read; the last: %s",
		m.Spec.MapRunArn, failed, m.Items.Total, m.lastFailure)
}

// stop fails the map run past its tolerance: with a ResultWriter bucket
// it first writes what it has (MapRunFailing), else it ends at once.
func (d *mrStep) stop(e *failure.Error) {
	m := d.m
	if !m.toBucket() {
		d.fail(e)
		return
	}
	ids := m.runningIDs()
	d.emit(&events.MapRunFailing{MapRunId: m.ID, Error: e.Name, Cause: e.Cause})
	d.cancel(ids, "the map run failed: "+e.Name)
}

// finish ends a map run that has nothing left to do.
func (d *mrStep) finish() {
	m := d.m
	if m.failing == nil && !(m.readerDone && len(m.pending) == 0 && len(m.running) == 0) {
		return
	}
	if m.toBucket() {
		switch {
		case !m.manifest:
			return // flush writes it
		case m.failing != nil:
			d.fail(m.failing)
		default:
			d.succeed(m.writerDetails())
		}
		return
	}
	out := m.assemble()
	if len(out) > d.opts.maxPayload() {
		d.fail(failure.New(ErrDataLimitExceeded, "the output of the map run %s is %d bytes, over the limit of %d: use a ResultWriter",
			m.ID, len(out), d.opts.maxPayload()))
		return
	}
	d.succeed(out)
}

// startChildren starts children while fewer than MaxConcurrency run and
// the items read make one; starved reports that it stopped for want of
// items.
func (d *mrStep) startChildren() (starved bool, ferr *failure.Error) {
	m := d.m
	limit := m.Spec.MaxConcurrency
	if limit <= 0 {
		limit = MaxDistributedConcurrency
	}
	first, taken := m.nextChild, 0
	var sizes []int
	var cmds []Command
	for len(m.running)+len(sizes) < limit && !d.backpressured() {
		n, input, ok, ferr := d.nextInput(taken)
		if ferr != nil {
			return false, ferr
		}
		if !ok {
			starved = true
			break
		}
		cmd, ferr := d.startCommand(first+len(sizes), input)
		if ferr != nil {
			return false, ferr
		}
		cmds, sizes, taken = append(cmds, cmd), append(sizes, n), taken+n
	}
	if len(sizes) == 0 {
		return starved, nil
	}
	ev := &events.MapRunChildrenStarted{MapRunId: m.ID, First: first, Count: len(sizes)}
	if m.Spec.Batched {
		ev.Items = sizes
	}
	d.emit(ev)
	d.out.Commands = append(d.out.Commands, cmds...)
	return starved, nil
}

// backpressured: results wait for the writer; no child starts until it
// catches up, so that they stay about a part.
func (d *mrStep) backpressured() bool {
	m := d.m
	if !m.toBucket() {
		return false
	}
	n := 0
	for i := range m.buffers {
		n += m.buffers[i].bytes
	}
	return n >= 4*d.opts.MapRun.flushBytes()
}

// nextInput is the input of the next child, from the pending items after
// the first taken: one item, or a batch (as many as MaxItemsPerBatch and
// MaxInputBytesPerBatch allow, or what is left once the reader is done).
// ok is false when the items read do not make one yet.
func (d *mrStep) nextInput(taken int) (n int, input any, ok bool, ferr *failure.Error) {
	m := d.m
	avail := m.pending[taken:]
	if len(avail) == 0 {
		return 0, nil, false, nil
	}
	if !m.Spec.Batched {
		v, ferr := d.selectItem(avail[0])
		return 1, v, ferr == nil, ferr
	}
	maxN, maxBytes := m.Spec.MaxItemsPerBatch, int(m.Spec.MaxInputBytesPerBatch)
	if maxBytes <= 0 {
		maxBytes = d.opts.maxPayload()
	}
	size := len(`{"Items":[]}`)
	if len(m.Spec.BatchInput) > 0 {
		size += len(m.Spec.BatchInput) + len(`"BatchInput":,`)
	}
	full := false
	var items []any
	for _, it := range avail {
		if maxN > 0 && int64(len(items)) >= maxN {
			full = true
			break
		}
		v, ferr := d.selectItem(it)
		if ferr != nil {
			return 0, nil, false, ferr
		}
		enc, _ := encode(v)
		if len(items) > 0 && size+len(enc)+1 > maxBytes {
			full = true
			break
		}
		items, size = append(items, v), size+len(enc)+1
	}
	if !full && !(m.readerDone && len(items) == len(avail)) {
		return 0, nil, false, nil
	}
	batch := map[string]any{"Items": items}
	if len(m.Spec.BatchInput) > 0 {
		batch["BatchInput"] = decode(m.Spec.BatchInput)
	}
	return len(items), batch, true, nil
}

// selectItem is an item's input: what ItemSelector makes of it, with
// $$.Map.Item.Index and Value, over the Map state's input, the parent's
// context and variables.
func (d *mrStep) selectItem(it pendingItem) (any, *failure.Error) {
	m := d.m
	v := decode(it.raw)
	sel := m.Map.ItemSelector
	if sel == nil || (sel.Template == nil && sel.JSONata == nil) {
		return v, nil
	}
	ctx := make(map[string]any, len(m.context)+1)
	for k, c := range m.context {
		ctx[k] = c
	}
	ctx["Map"] = map[string]any{"Item": map[string]any{"Index": json.Number(itoa(it.index)), "Value": v}}
	vars := func(name string) (any, bool) { x, ok := m.vars[name]; return x, ok }
	var out any
	var err error
	if sel.JSONata != nil {
		out, err = sel.JSONata.Eval(jsonata.Bindings{States: map[string]any{"input": m.input, "context": ctx}, Vars: vars,
			Random: d.opts.random, UUID: d.opts.uuid, Now: func() time.Time { return d.now }})
	} else {
		out, err = sel.Template.Eval(dataflow.Scope{Input: m.input, Context: ctx, Var: vars, Random: d.opts.random, UUID: d.opts.uuid})
	}
	if err != nil {
		return nil, failure.As(err)
	}
	return out, nil
}

// startCommand starts child n with input.
func (d *mrStep) startCommand(n int, input any) (Command, *failure.Error) {
	m := d.m
	raw, err := encode(input)
	if err != nil {
		return Command{}, failure.New(failure.Runtime, "the input of child %d of map run %s cannot be encoded: %v", n, m.ID, err)
	}
	id := mapRunChildID(m.ID, n)
	sm := m.Spec.StateMachine
	return Command{Key: id, Payload: &events.StartExecution{ExecutionId: id, AssetId: m.Spec.AssetId, Input: raw,
		Trigger: events.Trigger{Source: "maprun"}, Created: d.now,
		Run: events.Run{Name: id, Arn: executionArn(sm.Arn, id), StateMachine: &sm, Definition: m.childDef,
			Type: m.Spec.ExecutionType, Parent: &events.ParentRef{ExecutionId: m.ID, Run: int32(n + 1), TaskId: m.ID, MapRun: true}},
	}}, nil
}

// readMore asks for the next page of items when the map run runs low:
// what it holds would not start a child, or is less than a page.
func (d *mrStep) readMore(starved bool) {
	m := d.m
	if m.readerDone || m.reading != nil || (!starved && len(m.pending) >= d.opts.MapRun.pageItems()) {
		return
	}
	d.schedule(&mapRunTask{kind: events.MapRunTaskRead}, 0)
}

// readLimit is how many items the next page may hold.
func (d *mrStep) readLimit() int {
	m := d.m
	n := d.opts.MapRun.pageItems()
	if max := m.Spec.Reader.MaxItems; max > 0 {
		n = int(min(int64(n), max-int64(m.read)))
	}
	return n
}

// flush writes the next part of a results file that is full (or, once
// the map run is done, any that has results), then the manifest.
func (d *mrStep) flush() {
	m := d.m
	if m.writing != nil || !m.toBucket() {
		return
	}
	done := m.failing != nil || (m.readerDone && len(m.pending) == 0 && len(m.running) == 0)
	o := &d.opts.MapRun
	for f := range m.buffers {
		b := &m.buffers[f]
		if len(b.entries) == 0 || (!done && b.bytes < o.flushBytes() && len(b.entries) < o.flushEntries()) {
			continue
		}
		n := m.chunk(f, o)
		d.schedule(&mapRunTask{kind: events.MapRunTaskWrite, file: f, entries: n}, 0)
		return
	}
	if done && !m.manifest {
		d.schedule(&mapRunTask{kind: events.MapRunTaskManifest}, 0)
	}
}

// schedule records and sends task t (a fresh id), after delay.
func (d *mrStep) schedule(t *mapRunTask, delay time.Duration) {
	m := d.m
	topic := d.opts.MapRun.Topic
	name, path, resource := failure.ResultWriterFailed, "ResultWriter", "arn:aws:states:::s3:putObject"
	if t.kind == events.MapRunTaskRead {
		name, path, resource = failure.ItemReaderFailed, "ItemReader", m.Spec.Reader.Resource
	}
	if topic == "" {
		d.fail(failure.New(name, "no map run worker serves the %s of map run %s (engine.Options.MapRun.Topic is empty)", path, m.ID))
		return
	}
	payload, ev := d.taskPayload(t)
	raw, err := json.Marshal(payload)
	if err != nil || len(raw) > MaxRecordBytes {
		d.fail(failure.New(name, "the %s task of map run %s is %d bytes, over the limit of %d for one record (a result too large?)",
			path, m.ID, len(raw), MaxRecordBytes))
		return
	}
	ev.MapRunId, ev.TaskId, ev.Kind = m.ID, d.opts.uuid(), t.kind
	d.emit(ev)
	d.out.Tasks = append(d.out.Tasks, Task{Topic: topic, Delay: delay, Task: events.OperatorTaskRequest{
		Name: "MapRun", WorkflowExecutionId: m.ID, AssetId: m.Spec.AssetId, Implementation: events.MapRunImplementation,
		Path: path, TaskId: ev.TaskId, Attempt: 1, Delivery: 1, Phase: events.PhaseStart,
		Invocation: events.Invocation{Run: 1, Payload: raw, Resource: resource, Function: "MapRun"},
	}})
}

// taskPayload is what task t asks the worker, and its event.
func (d *mrStep) taskPayload(t *mapRunTask) (any, *events.MapRunTaskScheduled) {
	m := d.m
	switch t.kind {
	case events.MapRunTaskRead:
		return events.MapRunRead{Reader: *m.Spec.Reader, Cursor: m.cursor, Limit: d.readLimit(),
			MaxBytes: d.opts.MapRun.pageBytes()}, &events.MapRunTaskScheduled{Page: m.pages}
	case events.MapRunTaskWrite:
		n := min(t.entries, len(m.buffers[t.file].entries))
		key := m.fileKey(t.file, len(m.files[t.file]))
		return events.MapRunWrite{Bucket: m.Spec.Writer.Bucket, Key: key, Lines: m.Spec.Writer.OutputType == "JSONL",
				Body: m.chunkOf(t.file, n)},
			&events.MapRunTaskScheduled{Status: resultFileNames[t.file], Part: len(m.files[t.file]), Entries: n, Key: key}
	}
	key := m.manifestKey()
	return events.MapRunWrite{Bucket: m.Spec.Writer.Bucket, Key: key, Body: m.manifestBody()},
		&events.MapRunTaskScheduled{Key: key}
}

// taskResult handles the worker's answer to the read or write in flight.
func (d *mrStep) taskResult(res *events.OperatorResult) {
	m := d.m
	t := m.reading
	if t == nil || t.id != res.TaskId {
		if t = m.writing; t == nil || t.id != res.TaskId {
			return // stale or duplicate
		}
	}
	name := failure.ResultWriterFailed
	if t.kind == events.MapRunTaskRead {
		name = failure.ItemReaderFailed
	}
	switch res.Status {
	case events.ResultComplete:
		if t.kind == events.MapRunTaskRead {
			d.pageRead(t, res.Output)
		} else {
			d.written(t, res.Output)
		}
	case events.ResultDeferred:
		d.schedule(t, min(max(time.Duration(res.DeferMs)*time.Millisecond, MinDefer), MaxDefer))
	default:
		d.fail(&failure.Error{Name: name, Cause: firstOf(res.Cause, res.Error)})
	}
}

func (d *mrStep) pageRead(t *mapRunTask, raw json.RawMessage) {
	m := d.m
	var page events.MapRunPage
	if err := json.Unmarshal(raw, &page); err != nil {
		d.fail(failure.New(failure.ItemReaderFailed, "the reader's answer for map run %s cannot be read: %v", m.ID, err))
		return
	}
	items := page.Items[:min(len(page.Items), d.readLimit())]
	if len(items) == 0 && !page.Done {
		d.fail(failure.New(failure.ItemReaderFailed, "the reader answered page %d of map run %s with no items and no end", m.pages, m.ID))
		return
	}
	var b bytes.Buffer
	b.WriteByte('[')
	for i, it := range items {
		if i > 0 {
			b.WriteByte(',')
		}
		b.Write(it)
	}
	b.WriteByte(']')
	if b.Len() > MaxRecordBytes {
		d.fail(failure.New(failure.ItemReaderFailed, "page %d of the items of map run %s is %d bytes, over the limit of %d",
			m.pages, m.ID, b.Len(), MaxRecordBytes))
		return
	}
	d.emit(&events.MapRunPageRead{MapRunId: m.ID, TaskId: t.id, Page: m.pages, Count: len(items), Items: b.Bytes(),
		Cursor: page.Cursor, Done: page.Done || len(items) < len(page.Items)})
}

func (d *mrStep) written(t *mapRunTask, raw json.RawMessage) {
	m := d.m
	var w events.MapRunWritten
	if err := json.Unmarshal(raw, &w); err != nil || w.Key == "" {
		d.fail(failure.New(failure.ResultWriterFailed, "the writer's answer for map run %s cannot be read: %s", m.ID, raw))
		return
	}
	ev := &events.MapRunResultsWritten{MapRunId: m.ID, TaskId: t.id, Kind: t.kind, Key: w.Key, Size: w.Size}
	if t.kind == events.MapRunTaskWrite {
		ev.Status, ev.Part, ev.Entries = resultFileNames[t.file], len(m.files[t.file]), t.entries
	}
	d.emit(ev)
}
