package asl

import (
	"strings"

	"github.com/mie-kafka/mie/internal/asl/dataflow"
)

// Pass passes its input to its output, or a fixed Result, or (JSONata)
// its Output.
type Pass struct {
	Base
	// JSONPath.
	Parameters *dataflow.Template
	Result     any // the value model; meaningful when HasResult
	HasResult  bool
	ResultPath dataflow.ResultPath
}

// Type returns TypePass.
func (*Pass) Type() StateType { return TypePass }

func init() {
	register(TypePass, &stateKind{
		fields: ioFields.with(fieldSet{"Parameters": langPath, "Result": langPath, "ResultPath": langPath, "Assign": langBoth}),
		parse:  parsePass,
	})
}

func parsePass(p *parser, r *reader, b Base) State {
	s := &Pass{Base: b}
	s.Parameters = p.template(r, "Parameters")
	if v, ok := r.get("Result"); ok {
		s.Result, s.HasResult = plain(v), true
		p.warnStaticResult(r.field("Result"), v)
	}
	s.ResultPath = r.resultPath("ResultPath")
	return s
}

// warnStaticResult warns of "key.$" fields in a Pass state's Result,
// which is never evaluated.
func (p *parser) warnStaticResult(at loc, v any) {
	switch t := v.(type) {
	case *object:
		for _, k := range t.keys {
			if strings.HasSuffix(k, ".$") {
				p.ps.warn(at.key(k), CodePassResultIsStatic, "The Result of a Pass state is static: field '%s' is not evaluated as a path; use Parameters", k)
			}
			p.warnStaticResult(at.key(k), t.vals[k])
		}
	case []any:
		for i, e := range t {
			p.warnStaticResult(at.index(i), e)
		}
	}
}
