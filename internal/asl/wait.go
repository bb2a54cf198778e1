package asl

import (
	"time"

	"github.com/mie-kafka/mie/internal/asl/jsonata"
	"github.com/mie-kafka/mie/internal/asl/jsonpath"
)

// Wait delays for Seconds or until Timestamp; exactly one of the four
// forms (Seconds, SecondsPath, Timestamp, TimestampPath) is set, or in
// JSONata one of Seconds and Timestamp, literal or "{% %}".
type Wait struct {
	Base
	Seconds   IntField
	Timestamp TimeField
}

// TimeField is a timestamp field: a literal (Value, with Set), a
// reference path (JSONPath) or a "{% %}" expression (JSONata).
type TimeField struct {
	Value time.Time
	Set   bool
	Path  *jsonpath.Path
	Expr  *jsonata.Value
}

// IsSet reports whether any form is given.
func (f TimeField) IsSet() bool { return f.Set || f.Path != nil || f.Expr != nil }

// Type returns TypeWait.
func (*Wait) Type() StateType { return TypeWait }

func init() {
	register(TypeWait, &stateKind{
		fields: ioFields.with(fieldSet{"Seconds": langBoth, "SecondsPath": langPath, "Timestamp": langBoth,
			"TimestampPath": langPath, "Assign": langBoth}),
		parse: parseWait,
	})
}

func parseWait(p *parser, r *reader, b Base) State {
	s := &Wait{Base: b}
	forms := []string{"Seconds", "SecondsPath", "Timestamp", "TimestampPath"}
	n := 0
	for _, k := range forms {
		if r.has(k) {
			n++
		}
	}
	if n == 0 {
		p.ps.schema(r.at, "Exactly one of these fields is required: [Seconds, SecondsPath, Timestamp, TimestampPath]")
		return s
	}
	if !r.exclusive(forms...) {
		return s
	}
	s.Seconds = r.intField("Seconds", 0, maxSeconds)
	s.Timestamp = p.timeField(r, "Timestamp")
	return s
}

// timeField reads a timestamp literal or expression, or its ...Path.
func (p *parser) timeField(r *reader, k string) TimeField {
	var f TimeField
	if v, ok := r.str(k); ok {
		if isTemplate(v) && r.ql == JSONata {
			f.Expr, _ = compileExpression(&p.ps, r.field(k), k, v, 0)
			return f
		}
		t, ok := ParseTimestamp(v)
		if !ok {
			p.ps.schema(r.field(k), "Field '%s' must be a timestamp such as 2016-03-14T01:59:00Z, not %q", k, v)
			return f
		}
		f.Value, f.Set = t, true
		return f
	}
	f.Path = r.reference(k+"Path", false, false).Path
	return f
}
