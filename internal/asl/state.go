package asl

import (
	"github.com/mie-kafka/mie/internal/asl/dataflow"
	"github.com/mie-kafka/mie/internal/asl/jsonata"
)

// State is one state of a machine: *Pass, *Task, *Choice, *Wait,
// *Succeed, *Fail, *Parallel or *Map. Switch on the concrete type, or on
// Type().
type State interface {
	Name() string
	Type() StateType
	// Common returns the fields states share.
	Common() *Base
}

// Base holds the fields that states share. Which of them a state type may
// have, and in which query language, is checked by Parse; the others are
// zero.
type Base struct {
	StateName string
	Comment   string
	// QueryLanguage is the state's effective language: its own
	// "QueryLanguage", or else the top-level machine's.
	QueryLanguage QueryLanguage
	// Next is the state to go to; empty when End is true, and always for
	// Choice (whose rules and Default name the targets), Succeed and Fail.
	Next string
	End  bool
	// JSONPath: InputPath and OutputPath (absent means "$").
	InputPath  dataflow.Path
	OutputPath dataflow.Path
	// JSONata: Output (nil when absent: the output is the state's result).
	Output *jsonata.Value
	// Assign sets variables after the state (both languages); nil if absent.
	Assign *Assign
	io     *dataflow.IO
}

// IO returns a JSONPath state's input and output processing (InputPath,
// Parameters, ResultSelector, ResultPath, OutputPath as its type has them)
// for dataflow's IO.Input and IO.Output; nil for a JSONata state. Map's
// legacy Parameters is its ItemSelector, not part of IO.
func (b *Base) IO() *dataflow.IO { return b.io }

// jsonPathIO assembles the IO of s from its compiled fields.
func jsonPathIO(s State) *dataflow.IO {
	b := s.Common()
	io := &dataflow.IO{InputPath: b.InputPath, OutputPath: b.OutputPath}
	switch t := s.(type) {
	case *Pass:
		io.Parameters, io.ResultPath = t.Parameters, t.ResultPath
	case *Task:
		io.Parameters, io.ResultSelector, io.ResultPath = t.Parameters, t.ResultSelector, t.ResultPath
	case *Parallel:
		io.Parameters, io.ResultSelector, io.ResultPath = t.Parameters, t.ResultSelector, t.ResultPath
	case *Map:
		io.ResultSelector, io.ResultPath = t.ResultSelector, t.ResultPath
	}
	return io
}

// Name returns the state's name.
func (b *Base) Name() string { return b.StateName }

// Common returns b.
func (b *Base) Common() *Base { return b }

// Assign is a state's (or a catcher's, or a Choice rule's) "Assign": the
// variables to set and how to compute them.
type Assign struct {
	// Names are the variables assigned, in definition order, without ".$".
	Names []string
	// JSONPath: the object as a payload template (keys ending in ".$" take
	// paths or intrinsic calls).
	Template *dataflow.Template
	// JSONata: the object, with "{% %}" expressions compiled.
	JSONata *jsonata.Value
}

// transitions says how a state type leaves.
type transitions uint8

const (
	nextOrEnd transitions = iota // Pass, Task, Wait, Parallel, Map
	terminal                     // Succeed, Fail
	byRules                      // Choice
)

// stateKind describes one state type: its fields and its parser. Each
// state type registers its own, in its own file.
type stateKind struct {
	fields fieldSet
	leaves transitions
	result access // accessResult for the states that have a result
	parse  func(p *parser, r *reader, b Base) State
}

var kinds [TypeMap + 1]*stateKind

func register(t StateType, k *stateKind) {
	k.fields = commonFields.with(k.fields)
	if k.leaves == nextOrEnd {
		k.fields = k.fields.with(fieldSet{"Next": langBoth, "End": langBoth})
	}
	kinds[t] = k
}

// commonFields are the fields every state type has.
var commonFields = fieldSet{"Type": langBoth, "Comment": langBoth, "QueryLanguage": langBoth}

// ioFields are the input and output fields of every state type but Fail.
var ioFields = fieldSet{"InputPath": langPath, "OutputPath": langPath, "Output": langAta}

// resultFields are the result fields of Task, Parallel and Map.
var resultFields = fieldSet{"ResultSelector": langPath, "ResultPath": langPath, "Retry": langBoth, "Catch": langBoth, "Assign": langBoth}

// parseState parses the state named name at at.
func (p *parser) parseState(name string, v any, at loc) State {
	o, ok := v.(*object)
	if !ok {
		p.ps.schema(at, "A state must be an object, not %s", jsonKind(v))
		return nil
	}
	ql, qlOK := p.stateLanguage(o, at)
	r := newReader(o, at, &p.ps, ql)
	if !qlOK {
		r.bad["QueryLanguage"] = true
	}
	typeName, ok := r.str("Type")
	if !ok {
		if !r.has("Type") && !r.bad["Type"] {
			r.require("Type")
		}
		return nil
	}
	t, ok := ParseStateType(typeName)
	if !ok {
		p.ps.schema(r.field("Type"), "Field 'Type' must be one of [Pass, Task, Choice, Wait, Succeed, Fail, Parallel, Map], not %q", typeName)
		return nil
	}
	kind := kinds[t]
	r.check(kind.fields)
	b := Base{StateName: name, QueryLanguage: ql}
	b.Comment, _ = r.str("Comment")
	if kind.leaves == nextOrEnd {
		p.parseNextEnd(r, &b)
	}
	if _, ok := kind.fields["InputPath"]; ok {
		b.InputPath = r.path("InputPath", true)
		b.OutputPath = r.path("OutputPath", true)
		b.Output = r.jsonata("Output", kind.result)
	}
	if _, ok := kind.fields["Assign"]; ok {
		b.Assign = p.parseAssign(r, "Assign", kind.result)
	}
	s := kind.parse(p, r, b)
	if ql == JSONPath {
		s.Common().io = jsonPathIO(s)
	}
	return s
}

// parseNextEnd reads Next and End: exactly one, End only as true.
func (p *parser) parseNextEnd(r *reader, b *Base) {
	_, hasNext := r.get("Next")
	next := r.target("Next")
	end, hasEnd := r.boolean("End")
	if r.bad["Next"] || r.bad["End"] {
		return
	}
	switch {
	case hasNext && hasEnd && end:
		p.ps.schema(r.at, "Only one of these fields is allowed: [Next, End]")
	case hasNext:
		b.Next = next // empty: reported by target
	case hasEnd && end:
		b.End = true
	default:
		p.ps.schema(r.at, "These fields are required: [Next] or [End]")
	}
}

// stateLanguage returns a state's effective query language. A value other
// than "JSONPath" counts as JSONata, as AWS does, after its own diagnostic.
func (p *parser) stateLanguage(o *object, at loc) (QueryLanguage, bool) {
	v, ok := o.get("QueryLanguage")
	if !ok {
		return p.top, true
	}
	ql, valid := p.languageValue(v, at.key("QueryLanguage"))
	if valid && ql == JSONPath && p.top == JSONata {
		p.ps.schema(at, "'QueryLanguage' can not be 'JSONPath' if set to 'JSONata' for whole state machine")
		return JSONata, false
	}
	return ql, valid
}

func (p *parser) languageValue(v any, at loc) (QueryLanguage, bool) {
	switch v {
	case "JSONPath":
		return JSONPath, true
	case "JSONata":
		return JSONata, true
	}
	if _, isStr := v.(string); isStr {
		p.ps.schema(at, "Field 'QueryLanguage' must be one of [JSONPath, JSONata], not %q", v)
	} else {
		p.ps.schema(at, "Field 'QueryLanguage' must be a string, not %s", jsonKind(v))
	}
	return JSONata, false
}
