package asl

import (
	"github.com/mie-kafka/mie/internal/asl/dataflow"
	"github.com/mie-kafka/mie/internal/asl/jsonata"
)

// Parallel runs its Branches, each a machine of its own, on its input.
type Parallel struct {
	Base
	Branches []*Machine
	// JSONPath: Parameters and ResultSelector; JSONata: Arguments.
	Parameters     *dataflow.Template
	Arguments      *jsonata.Value
	ResultSelector *dataflow.Template
	ResultPath     dataflow.ResultPath
	Retry          []Retrier
	Catch          []Catcher
}

// Type returns TypeParallel.
func (*Parallel) Type() StateType { return TypeParallel }

func init() {
	register(TypeParallel, &stateKind{
		fields: ioFields.with(resultFields).with(fieldSet{"Branches": langBoth, "Parameters": langPath, "Arguments": langAta}),
		result: accessResult,
		parse:  parseParallel,
	})
}

func parseParallel(p *parser, r *reader, b Base) State {
	s := &Parallel{Base: b}
	r.require("Branches")
	if arr, ok := r.arr("Branches"); ok {
		at := r.field("Branches")
		if len(arr) == 0 {
			p.ps.schema(at, "Field 'Branches' must not be empty")
		}
		for i, v := range arr {
			o, ok := v.(*object)
			if !ok {
				p.ps.schema(at.index(i), "Each branch must be an object, not %s", jsonKind(v))
				continue
			}
			s.Branches = append(s.Branches, p.parseMachine(newReader(o, at.index(i), &p.ps, p.top), branchFields))
		}
	}
	s.Parameters = p.template(r, "Parameters")
	s.Arguments = r.jsonata("Arguments", 0)
	s.ResultSelector = p.template(r, "ResultSelector")
	s.ResultPath = r.resultPath("ResultPath")
	s.Retry = p.parseRetry(r)
	s.Catch = p.parseCatch(r)
	return s
}
