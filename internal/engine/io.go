package engine

import (
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/asl"
	"github.com/mie-kafka/mie/internal/asl/dataflow"
	"github.com/mie-kafka/mie/internal/asl/failure"
	"github.com/mie-kafka/mie/internal/asl/jsonata"
	"github.com/mie-kafka/mie/internal/asl/jsonpath"
)

// The data flow of a run, in both query languages, with AWS's rules:
//
//	JSONPath: raw input -> InputPath -> Parameters (effective input) ->
//	          work -> ResultSelector -> ResultPath (onto the raw input) ->
//	          OutputPath -> output; Assign reads the result.
//	JSONata:  raw input ($states.input) -> Arguments -> work ->
//	          Output ($states.result) -> output; Assign reads the same.

// jsonataMode reports whether the run's state evaluates JSONata.
func jsonataMode(r *Run) bool { return r.State.Common().QueryLanguage == asl.JSONata }

// timeText is how the context object writes times: ISO 8601 in UTC with
// milliseconds, as AWS does.
func timeText(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

// contextObject is "$$" (JSONPath) or $states.context (JSONata) for run r;
// item is the Map item being selected, when there is one.
func (d *step) contextObject(r *Run, item *mapItem) map[string]any {
	x := d.x
	q := x.Queued
	execID := q.Arn
	if execID == "" {
		execID = x.ID
	}
	started := x.Started
	if started.IsZero() {
		started = d.now
	}
	ctx := map[string]any{
		"Execution": map[string]any{
			"Id": execID, "Input": x.Input, "Name": firstOf(q.Name, x.ID), "RoleArn": q.RoleArn,
			"StartTime": timeText(started), "RedriveCount": json.Number(itoa(q.RedriveCount + x.RedriveCount)),
		},
		"State": map[string]any{
			"Name": r.Name(), "EnteredTime": timeText(r.Entered), "RetryCount": json.Number(itoa(r.Attempt - 1)),
		},
		"StateMachine": stateMachineObject(q.StateMachine),
	}
	if d.token != "" {
		ctx["Task"] = map[string]any{"Token": d.token}
	} else if r.Task != nil && r.Task.Token != "" {
		ctx["Task"] = map[string]any{"Token": r.Task.Token}
	}
	if item != nil {
		ctx["Map"] = map[string]any{"Item": map[string]any{"Index": json.Number(itoa(item.index)), "Value": item.value}}
	}
	return ctx
}

func stateMachineObject(sm *events.StateMachineRef) map[string]any {
	if sm == nil {
		return map[string]any{"Id": "", "Name": ""}
	}
	id := sm.Arn
	if id == "" {
		id = sm.Name
	}
	return map[string]any{"Id": id, "Name": sm.Name}
}

// mapItem is the item a Map iteration's input is selected from.
type mapItem struct {
	index int
	value any
}

// pathScope is the scope JSONPath fields of run r are evaluated in, with
// "$" the given document.
func (d *step) pathScope(r *Run, input any, item *mapItem) dataflow.Scope {
	return dataflow.Scope{Input: input, ContextOf: func() any { return d.contextObject(r, item) }, Var: r.scope.variable,
		Random: d.random, UUID: d.uuid}
}

// bindings is what JSONata fields of run r see: $states with input,
// context and, where the field may read them, result and errorOutput.
func (d *step) bindings(r *Run, states map[string]any, item *mapItem) jsonata.Bindings {
	st := map[string]any{"input": r.Input, "context": d.contextObject(r, item)}
	for k, v := range states {
		st[k] = v
	}
	return jsonata.Bindings{States: st, Vars: r.scope.variable, Random: d.random, UUID: d.uuid,
		Now: func() time.Time { return d.now }}
}

// selectPath applies an InputPath, OutputPath or ItemsPath: absent is
// "$", null is {}; a path that matches nothing fails with States.Runtime.
func (d *step) selectPath(r *Run, f dataflow.Path, doc any, field string) (any, *failure.Error) {
	if f.Null || f.Path == nil {
		v, _ := f.Select(dataflow.Scope{Input: doc})
		return v, nil
	}
	v, err := f.Select(d.pathScope(r, doc, nil))
	if err != nil {
		return nil, pathError(err, f.Path, field)
	}
	return v, nil
}

// pathError turns a path that matched nothing into AWS's States.Runtime,
// naming the field.
func pathError(err error, p *jsonpath.Path, field string) *failure.Error {
	var fe *failure.Error
	if errors.As(err, &fe) {
		if fe.Name == failure.Runtime && !strings.Contains(fe.Cause, field) {
			return failure.New(failure.Runtime, "%s (field '%s')", fe.Cause, field)
		}
		return fe
	}
	return failure.New(failure.Runtime, "Invalid path '%s' for field '%s': %v", p.String(), field, err)
}

// effectiveInput is the JSONPath input after InputPath and a payload
// template (Parameters), the run's effective input.
func (d *step) effectiveInput(r *Run, params *dataflow.Template) (any, *failure.Error) {
	in, ferr := d.selectPath(r, r.State.Common().InputPath, r.Input, "InputPath")
	if ferr != nil {
		return nil, ferr
	}
	d.inspect(r, inspectInputPath, in)
	if params == nil {
		return in, nil
	}
	v, err := params.Eval(d.pathScope(r, in, nil))
	if err != nil {
		return nil, failure.As(err)
	}
	d.inspect(r, inspectParameters, v)
	return v, nil
}

// inspect hands a data flow step to the inspection hook, if any.
func (d *step) inspect(r *Run, step string, v any) {
	if d.opts.inspect != nil {
		d.opts.inspect(r, step, v)
	}
}

// evalJSONata evaluates a JSONata field value; a nil value gives def.
func (d *step) evalJSONata(r *Run, v *jsonata.Value, def any, states map[string]any, item *mapItem) (any, *failure.Error) {
	if v == nil {
		return def, nil
	}
	out, err := v.Eval(d.bindings(r, states, item))
	if err != nil {
		return nil, failure.As(err)
	}
	return out, nil
}

// resultOptions are a result-producing state's output fields.
type resultOptions struct {
	selector *dataflow.Template
	path     dataflow.ResultPath
}

// output turns a run's result into its output and its assignments: in
// JSONPath, ResultSelector, then Assign (reading the selected result),
// ResultPath onto the raw input and OutputPath; in JSONata, Output and
// Assign with $states.result.
func (d *step) output(r *Run, result any, o resultOptions) (any, map[string]any, *failure.Error) {
	b := r.State.Common()
	d.inspect(r, inspectResult, result)
	if jsonataMode(r) {
		states := map[string]any{"result": result}
		out, ferr := d.evalJSONata(r, b.Output, result, states, nil)
		if ferr != nil {
			return nil, nil, ferr
		}
		vars, ferr := d.assignments(r, b.Assign, nil, states)
		return out, vars, ferr
	}
	if o.selector != nil {
		v, err := o.selector.Eval(d.pathScope(r, result, nil))
		if err != nil {
			return nil, nil, failure.As(err)
		}
		result = v
		d.inspect(r, inspectResultSelector, result)
	}
	vars, ferr := d.assignments(r, b.Assign, result, nil)
	if ferr != nil {
		return nil, nil, ferr
	}
	placed, ferr := d.resultPath(o.path, r.Input, result)
	if ferr != nil {
		return nil, nil, ferr
	}
	d.inspect(r, inspectResultPath, placed)
	out, ferr := d.selectPath(r, b.OutputPath, placed, "OutputPath")
	return out, vars, ferr
}

// resultPath places result in the raw input: absent replaces it, null
// keeps the input and drops the result.
func (d *step) resultPath(f dataflow.ResultPath, input, result any) (any, *failure.Error) {
	v, err := f.Apply(input, result)
	if err != nil {
		return nil, failure.As(err)
	}
	return v, nil
}

// assignments evaluates an Assign: in JSONPath its template reads doc as
// "$"; in JSONata, $states as given. Every value is evaluated against the
// variables as they were before the state (AWS assigns them all at once).
func (d *step) assignments(r *Run, a *asl.Assign, doc any, states map[string]any) (map[string]any, *failure.Error) {
	if a == nil {
		return nil, nil
	}
	var v any
	var err error
	if a.JSONata != nil {
		v, err = a.JSONata.Eval(d.bindings(r, states, nil))
	} else if a.Template != nil {
		v, err = a.Template.Eval(d.pathScope(r, doc, nil))
	}
	if err != nil {
		return nil, failure.As(err)
	}
	m, _ := v.(map[string]any)
	return m, nil
}

// Variable limits, AWS's: one variable, and one state's Assign, at most
// 256 KiB as JSON; the variables an execution holds at most 10 MiB.
const (
	MaxVariableBytes  = 256 << 10
	MaxAssignBytes    = 256 << 10
	MaxVariablesBytes = 10 << 20
)

// limitVars checks what run r assigns against the variable limits: the
// new values replace the old ones in r's scope, and every scope r sees
// counts.
func (d *step) limitVars(r *Run, vars map[string]json.RawMessage) error {
	if len(vars) == 0 {
		return nil
	}
	sum, delta := 0, 0
	for k, v := range vars {
		if len(v) > MaxVariableBytes {
			return failure.New(ErrDataLimitExceeded, "state %q: the variable %s is %d bytes, over the limit of %d", r.Name(), k, len(v), MaxVariableBytes)
		}
		sum += len(v)
		delta += len(v) - r.scope.varBytes[k]
	}
	if sum > MaxAssignBytes {
		return failure.New(ErrDataLimitExceeded, "state %q assigns %d bytes of variables, over the limit of %d", r.Name(), sum, MaxAssignBytes)
	}
	total := delta
	for sc := r.scope; sc != nil; sc = sc.outer {
		total += sc.varTotal
	}
	if total > MaxVariablesBytes {
		return failure.New(ErrDataLimitExceeded, "state %q: the execution's variables would be %d bytes, over the limit of %d", r.Name(), total, MaxVariablesBytes)
	}
	return nil
}

// encodeVars encodes assigned variables for StateExited.
func encodeVars(vars map[string]any) (map[string]json.RawMessage, error) {
	if len(vars) == 0 {
		return nil, nil
	}
	out := make(map[string]json.RawMessage, len(vars))
	for k, v := range vars {
		raw, err := encode(v)
		if err != nil {
			return nil, failure.New(failure.Runtime, "variable %s cannot be encoded: %v", k, err)
		}
		out[k] = raw
	}
	return out, nil
}

// passThrough is the output of a state that has no result of its own
// (Succeed, Wait): in JSONPath the raw input through InputPath and
// OutputPath, with Assign reading the effective input; in JSONata, Output
// (or else the input) and Assign over $states.input.
func (d *step) passThrough(r *Run, _ any) (any, map[string]any, *failure.Error) {
	b := r.State.Common()
	if jsonataMode(r) {
		out, ferr := d.evalJSONata(r, b.Output, r.Input, nil, nil)
		if ferr != nil {
			return nil, nil, ferr
		}
		vars, ferr := d.assignments(r, b.Assign, nil, nil)
		return out, vars, ferr
	}
	in, ferr := d.selectPath(r, b.InputPath, r.Input, "InputPath")
	if ferr != nil {
		return nil, nil, ferr
	}
	vars, ferr := d.assignments(r, b.Assign, in, nil)
	if ferr != nil {
		return nil, nil, ferr
	}
	out, ferr := d.selectPath(r, b.OutputPath, in, "OutputPath")
	return out, vars, ferr
}

// passThroughFrom is the output of a Choice leaving with effective input
// in: OutputPath over it (JSONPath), or the matched rule's Output, else the
// state's Output, else the input (JSONata).
func (d *step) passThroughFrom(r *Run, in any, ruleOutput *jsonata.Value) (any, map[string]any, *failure.Error) {
	b := r.State.Common()
	if jsonataMode(r) {
		out := ruleOutput
		if out == nil {
			out = b.Output
		}
		v, ferr := d.evalJSONata(r, out, r.Input, nil, nil)
		return v, nil, ferr
	}
	v, ferr := d.selectPath(r, b.OutputPath, in, "OutputPath")
	return v, nil, ferr
}
