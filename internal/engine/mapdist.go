package engine

import (
	"encoding/json"
	"slices"
	"strings"

	"github.com/google/uuid"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/asl"
	"github.com/mie-kafka/mie/internal/asl/failure"
)

// A distributed Map (ProcessorConfig.Mode DISTRIBUTED, or an ItemReader)
// runs as a map run (maprun.go): the parent evaluates what reads its own
// input, context and variables (the reader's and writer's parameters,
// MaxConcurrency, the tolerance, the batching, the items of ItemsPath or
// Items), records MapRunStarted and sends StartMapRun; the map run runs
// the children and answers with MapRunEnded, whose result goes through
// ResultSelector and ResultPath like any Map's, and whose failure Retry
// and Catch handle. Whatever the number of items, the parent records
// three events for the state: StateEntered, MapRunStarted and how it
// ended.

// MaxRecordBytes bounds what the engine puts in one record of its own
// (a map run's start, a page of items, a results file's part): Kafka
// refuses records over 1 MiB by default.
const MaxRecordBytes = 900 << 10

// MaxDistributedConcurrency is a distributed Map's limit on children
// running at once when its MaxConcurrency is 0: AWS's 10,000.
const MaxDistributedConcurrency = 10000

// mapRunNamespace makes map run ids from their parent, run and attempt.
var mapRunNamespace = uuid.MustParse("3f1c9a52-7d4e-4b8a-a6e2-5c0d9b7f1e23")

// mapRunID is the id of the map run that attempt attempt of run run of
// execution parent starts: a retried Map starts a new map run, a
// redelivered start is the same one.
func mapRunID(parent string, run RunID, attempt int) string {
	return uuid.NewSHA1(mapRunNamespace, []byte(parent+"/"+itoa(int(run))+"/"+itoa(attempt))).String()
}

// MapRunRef is the map run a distributed Map run waits for.
type MapRunRef struct {
	ID, Arn string
}

// distributed starts the map run of run r's current attempt.
func (d *step) distributed(r *Run, st *asl.Map) {
	spec, ferr := d.mapRunSpec(r, st)
	if ferr == nil {
		if raw, err := json.Marshal(spec); err != nil || len(raw) > MaxRecordBytes {
			ferr = failure.New(ErrDataLimitExceeded, "Map state %q: its map run's definition, input, context and items are %d bytes, over the limit of %d for one record",
				st.Name(), len(raw), MaxRecordBytes)
		}
	}
	if ferr != nil {
		d.childrenFailed(r, st.Retry, ferr)
		return
	}
	d.emit(&events.MapRunStarted{RunRef: ref(r), MapRunId: spec.MapRunId, MapRunArn: spec.MapRunArn})
	d.out.Commands = append(d.out.Commands, Command{Key: spec.MapRunId, Payload: &events.StartMapRun{MapRunSpec: *spec}})
}

// mapRunSpec evaluates what the map run of run r needs from the parent.
func (d *step) mapRunSpec(r *Run, st *asl.Map) (*events.MapRunSpec, *failure.Error) {
	x := d.x
	id := mapRunID(x.ID, r.ID, r.Attempt)
	label := firstOf(st.Label, st.Name())
	machine, machineArn := childMachineRef(x.Queued.StateMachine, label)
	def, err := mapDefinition(x.Queued.Definition, st.Name())
	if err != nil {
		return nil, failure.New(failure.Runtime, "Map state %q: %v", st.Name(), err)
	}
	spec := &events.MapRunSpec{MapRunId: id, MapRunArn: mapRunArn(machineArn, machine, id),
		Parent:  events.MapRunParent{ExecutionId: x.ID, Run: int32(r.ID), Attempt: r.Attempt},
		AssetId: x.Queued.AssetId, Definition: def, ExecutionType: firstOf(st.ProcessorConfig.ExecutionType.String(), "STANDARD"),
		StateMachine: events.StateMachineRef{Kind: events.KindStateMachine, Name: machine, Arn: machineArn},
		Batched:      st.ItemBatcher != nil}
	in, ferr := d.mapInput(r, st)
	if ferr != nil {
		return nil, ferr
	}
	if ferr := d.mapRunLimits(r, st, spec); ferr != nil {
		return nil, ferr
	}
	if st.ItemReader != nil {
		spec.Reader, ferr = d.readerSpec(r, st.ItemReader, in)
	} else {
		spec.Items, ferr = d.distributedItems(r, st)
	}
	if ferr != nil {
		return nil, ferr
	}
	if spec.Writer, ferr = d.writerSpec(r, st.ResultWriter, in); ferr != nil {
		return nil, ferr
	}
	if ferr := d.batchSpec(r, st.ItemBatcher, in, spec); ferr != nil {
		return nil, ferr
	}
	if st.ItemSelector != nil {
		ferr = d.selectorScope(r, in, spec)
	}
	return spec, ferr
}

// mapRunLimits evaluates MaxConcurrency and the tolerance.
func (d *step) mapRunLimits(r *Run, st *asl.Map, spec *events.MapRunSpec) *failure.Error {
	conc, ferr := d.intField(r, st.MaxConcurrency, "MaxConcurrency")
	if ferr != nil {
		return ferr
	}
	if conc <= 0 || conc > MaxDistributedConcurrency {
		conc = MaxDistributedConcurrency
	}
	count, ferr := d.intField(r, st.ToleratedFailureCount, "ToleratedFailureCount")
	if ferr != nil {
		return ferr
	}
	pct, ferr := d.floatField(r, st.ToleratedFailurePercentage, "ToleratedFailurePercentage")
	if ferr != nil {
		return ferr
	}
	spec.MaxConcurrency = int(conc)
	if st.ToleratedFailureCount.IsSet() {
		spec.ToleratedFailureCount = &count
	}
	if st.ToleratedFailurePercentage.IsSet() {
		spec.ToleratedFailurePercentage = &pct
	}
	return nil
}

// distributedItems are the items of ItemsPath or Items, encoded.
func (d *step) distributedItems(r *Run, st *asl.Map) (json.RawMessage, *failure.Error) {
	items, ferr := d.mapItems(r, st)
	if ferr != nil {
		return nil, ferr
	}
	raw, err := encode(items)
	if err != nil {
		return nil, failure.New(failure.Runtime, "the items of Map state %q cannot be encoded: %v", r.Name(), err)
	}
	return raw, nil
}

// payloadValue evaluates an ItemReader's or ResultWriter's Parameters
// (JSONPath, over the effective input) or Arguments (JSONata).
func (d *step) payloadValue(r *Run, p *asl.Payload, in any) (any, *failure.Error) {
	switch {
	case p == nil:
		return map[string]any{}, nil
	case p.JSONata != nil:
		return d.evalJSONata(r, p.JSONata, nil, nil, nil)
	case p.Template != nil:
		v, err := p.Template.Eval(d.pathScope(r, in, nil))
		if err != nil {
			return nil, failure.As(err)
		}
		return v, nil
	}
	return map[string]any{}, nil
}

// readerSpec evaluates the ItemReader.
func (d *step) readerSpec(r *Run, ir *asl.ItemReader, in any) (*events.MapRunReader, *failure.Error) {
	v, ferr := d.payloadValue(r, ir.Parameters, in)
	if ferr != nil {
		return nil, ferr
	}
	m, _ := v.(map[string]any)
	rc := &ir.ReaderConfig
	out := &events.MapRunReader{Resource: ir.Resource, InputType: rc.InputType.String(),
		CSVHeaderLocation: rc.CSVHeaderLocation.String(), CSVHeaders: rc.CSVHeaders, CSVDelimiter: rc.CSVDelimiter,
		ManifestType: rc.ManifestType}
	out.Bucket, _ = m["Bucket"].(string)
	out.Key, _ = m["Key"].(string)
	out.Prefix, _ = m["Prefix"].(string)
	out.VersionId, _ = m["VersionId"].(string)
	if out.Bucket == "" {
		return nil, failure.New(failure.ItemReaderFailed, "the ItemReader of Map state %q needs a Bucket (a string), not %s",
			r.Name(), kindOf(m["Bucket"]))
	}
	if strings.HasSuffix(ir.Resource, ":getObject") && out.Key == "" {
		return nil, failure.New(failure.ItemReaderFailed, "the ItemReader of Map state %q needs a Key (a string), not %s",
			r.Name(), kindOf(m["Key"]))
	}
	if out.CSVHeaderLocation == "" && out.InputType == asl.InputCSV.String() {
		out.CSVHeaderLocation = asl.HeaderFirstRow.String()
	}
	max, ferr := d.intField(r, rc.MaxItems, "MaxItems")
	out.MaxItems = max
	return out, ferr
}

// writerSpec evaluates the ResultWriter, if any.
func (d *step) writerSpec(r *Run, rw *asl.ResultWriter, in any) (*events.MapRunWriter, *failure.Error) {
	if rw == nil {
		return nil, nil
	}
	out := &events.MapRunWriter{}
	if rw.WriterConfig != nil {
		out.OutputType, out.Transformation = rw.WriterConfig.OutputType, rw.WriterConfig.Transformation
	}
	if rw.Resource == "" {
		return out, nil
	}
	v, ferr := d.payloadValue(r, rw.Parameters, in)
	if ferr != nil {
		return nil, ferr
	}
	m, _ := v.(map[string]any)
	out.Bucket, _ = m["Bucket"].(string)
	out.Prefix, _ = m["Prefix"].(string)
	if out.Bucket == "" {
		return nil, failure.New(failure.ResultWriterFailed, "the ResultWriter of Map state %q needs a Bucket (a string), not %s",
			r.Name(), kindOf(m["Bucket"]))
	}
	return out, nil
}

// batchSpec evaluates the ItemBatcher, if any.
func (d *step) batchSpec(r *Run, b *asl.ItemBatcher, in any, spec *events.MapRunSpec) *failure.Error {
	if b == nil {
		return nil
	}
	n, ferr := d.intField(r, b.MaxItemsPerBatch, "MaxItemsPerBatch")
	if ferr != nil {
		return ferr
	}
	size, ferr := d.intField(r, b.MaxInputBytesPerBatch, "MaxInputBytesPerBatch")
	if ferr != nil {
		return ferr
	}
	spec.MaxItemsPerBatch, spec.MaxInputBytesPerBatch = n, size
	if b.BatchInput == nil {
		return nil
	}
	v, ferr := d.payloadValue(r, b.BatchInput, in)
	if ferr != nil {
		return ferr
	}
	raw, err := encode(v)
	if err != nil {
		return failure.New(failure.Runtime, "the BatchInput of Map state %q cannot be encoded: %v", r.Name(), err)
	}
	spec.BatchInput = raw
	return nil
}

// selectorScope records what ItemSelector reads in the parent: the
// state's input, the context object and the visible variables.
func (d *step) selectorScope(r *Run, in any, spec *events.MapRunSpec) *failure.Error {
	if jsonataMode(r) {
		in = r.Input
	}
	raw, err := encode(in)
	if err != nil {
		return failure.New(failure.Runtime, "the input of Map state %q cannot be encoded: %v", r.Name(), err)
	}
	ctx, err := encode(d.contextObject(r, nil))
	if err != nil {
		return failure.New(failure.Runtime, "the context of Map state %q cannot be encoded: %v", r.Name(), err)
	}
	vars := map[string]any{}
	var chain []*scope
	for sc := r.scope; sc != nil; sc = sc.outer {
		chain = append(chain, sc)
	}
	for i := len(chain) - 1; i >= 0; i-- {
		for k, v := range chain[i].vars {
			vars[k] = v
		}
	}
	enc, verr := encodeVars(vars)
	if verr != nil {
		return failure.As(verr)
	}
	spec.Input, spec.Context, spec.Variables = raw, ctx, enc
	return nil
}

// childMachineRef names what a distributed Map's children run: AWS's
// <machine>/<label>, with its ARN when the parent's machine has one.
func childMachineRef(sm *events.StateMachineRef, label string) (name, arn string) {
	machine := "machine"
	if sm != nil && sm.Name != "" {
		machine = sm.Name
	}
	name = machine + "/" + label
	if sm != nil && sm.Arn != "" {
		if i := strings.Index(sm.Arn, ":stateMachine:"); i >= 0 {
			arn = sm.Arn[:i] + ":stateMachine:" + name
		}
	}
	return name, arn
}

// mapRunArn is a map run's ARN: arn:aws:states:<region>:<account>:mapRun:
// <machine>/<label>:<id>, or without region and account when the parent
// has no state machine ARN.
func mapRunArn(machineArn, machine, id string) string {
	if i := strings.Index(machineArn, ":stateMachine:"); i >= 0 {
		return machineArn[:i] + ":mapRun:" + machine + ":" + id
	}
	return "arn:aws:states:::mapRun:" + machine + ":" + id
}

// mapRunEnded handles the end of the map run a distributed Map run waits
// for.
func (d *step) mapRunEnded(c *events.MapRunEnded) {
	r, ok := d.x.runs[RunID(c.Run)]
	if !ok || r.Status.Done() || r.MapRun == nil || r.MapRun.ID != c.MapRunId {
		return // an old attempt's map run, or the run ended otherwise
	}
	d.endedMapRun = r.ID
	st := r.State.(*asl.Map)
	if c.Status != events.MapRunStatusSucceeded {
		d.childrenFailed(r, st.Retry, &failure.Error{Name: firstOf(c.Error, failure.Runtime), Cause: c.Cause})
		return
	}
	out, vars, ferr := d.output(r, decode(c.Output), resultOptions{selector: st.ResultSelector, path: st.ResultPath})
	if ferr != nil {
		d.fail(r, ferr)
		return
	}
	d.exit(r, out, st.Next, vars)
}

// abortMapRuns stops the map runs that the decision left without a
// waiting run (the execution ended, the Map's branch failed, the Map was
// caught): open are the runs that waited for a map run when it began.
func (d *step) abortMapRuns(open []*Run) {
	for _, r := range open {
		if r.ID == d.endedMapRun || r.MapRun == nil {
			continue
		}
		if !r.Status.Done() && !d.x.Terminal() {
			continue
		}
		d.out.Commands = append(d.out.Commands, Command{Key: r.MapRun.ID, Payload: &events.AbortMapRun{
			MapRunId: r.MapRun.ID, Reason: "the parent execution " + d.x.ID + " no longer waits for it (" + d.x.Status.String() + ")"}})
	}
}

// openMapRuns are the runs of x that wait for a map run.
func (x *Execution) openMapRuns() []*Run {
	if len(x.mapRuns) == 0 {
		return nil
	}
	out := make([]*Run, 0, len(x.mapRuns))
	for id := range x.mapRuns {
		if r, ok := x.runs[id]; ok && r.MapRun != nil {
			out = append(out, r)
		}
	}
	slices.SortFunc(out, func(a, b *Run) int { return int(a.ID - b.ID) })
	return out
}
