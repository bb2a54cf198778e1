package asl

import "strings"

// Fail ends the execution with an error. Error and Cause are literals,
// selectors (ErrorPath, CausePath: a reference path or an intrinsic call)
// or, in JSONata, "{% %}" expressions.
type Fail struct {
	Base
	Error StringField
	Cause StringField
}

// Type returns TypeFail.
func (*Fail) Type() StateType { return TypeFail }

func init() {
	register(TypeFail, &stateKind{
		fields: fieldSet{"Error": langBoth, "Cause": langBoth, "ErrorPath": langPath, "CausePath": langPath},
		leaves: terminal,
		parse:  parseFail,
	})
}

func parseFail(p *parser, r *reader, b Base) State {
	s := &Fail{Base: b}
	s.Error = r.stringField("Error", true)
	s.Cause = r.stringField("Cause", true)
	if r.ql == JSONPath {
		p.warnNoPath(r, "Error", s.Error)
		p.warnNoPath(r, "Cause", s.Cause)
	}
	return s
}

// warnNoPath warns of a literal that looks like a path in a field whose
// "...Path" sibling takes paths.
func (p *parser) warnNoPath(r *reader, k string, f StringField) {
	if f.Set && (strings.HasPrefix(f.Value, "$.") || strings.HasPrefix(f.Value, "$$.")) {
		p.ps.warn(r.field(k), CodeNoPath, "The value of field '%s' looks like a path, but the field name does not end with 'Path'", k)
	}
}
