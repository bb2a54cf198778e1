package asl

import (
	"math"

	"github.com/mie-kafka/mie/internal/asl/dataflow"
	"github.com/mie-kafka/mie/internal/asl/jsonata"
)

// Map runs ItemProcessor on each item of its input (ItemsPath or Items),
// or of what its ItemReader reads.
type Map struct {
	Base
	// ItemProcessor is the machine run per item, from "ItemProcessor" or
	// the legacy "Iterator" (then Legacy is true).
	ItemProcessor   *Machine
	Legacy          bool
	ProcessorConfig ProcessorConfig
	// JSONPath: ItemsPath (a reference path; absent means "$").
	ItemsPath dataflow.Path
	// JSONata: Items, an array or a "{% %}" expression (absent: the input).
	Items *jsonata.Value
	// ItemSelector (or, legacy, Parameters) builds each item's input.
	ItemSelector *Payload
	ItemReader   *ItemReader
	ItemBatcher  *ItemBatcher
	ResultWriter *ResultWriter
	// MaxConcurrency: 0 (the default) means as many as possible.
	MaxConcurrency             IntField
	ToleratedFailureCount      IntField
	ToleratedFailurePercentage FloatField
	Label                      string
	ResultSelector             *dataflow.Template  // JSONPath
	ResultPath                 dataflow.ResultPath // JSONPath
	Retry                      []Retrier
	Catch                      []Catcher
}

// ProcessorConfig is a Map's ItemProcessor.ProcessorConfig.
type ProcessorConfig struct {
	Mode          ProcessorMode
	ExecutionType ExecutionType // DISTRIBUTED only
}

// Type returns TypeMap.
func (*Map) Type() StateType { return TypeMap }

func init() {
	register(TypeMap, &stateKind{
		fields: ioFields.with(resultFields).with(fieldSet{
			"ItemProcessor": langBoth, "Iterator": langBoth, "ItemsPath": langPath, "Items": langAta,
			"ItemSelector": langBoth, "Parameters": langPath, "ItemReader": langBoth, "ItemBatcher": langBoth,
			"ResultWriter": langBoth, "MaxConcurrency": langBoth, "MaxConcurrencyPath": langPath,
			"ToleratedFailureCount": langBoth, "ToleratedFailureCountPath": langPath,
			"ToleratedFailurePercentage": langBoth, "ToleratedFailurePercentagePath": langPath, "Label": langBoth,
		}),
		result: accessResult,
		parse:  parseMap,
	})
}

func parseMap(p *parser, r *reader, b Base) State {
	s := &Map{Base: b}
	if l, ok := r.str("Label"); ok {
		s.Label = l
		p.checkLabel(r.field("Label"), l)
	}
	p.parseProcessor(r, s)
	s.ItemsPath = r.reference("ItemsPath", false, false)
	if raw, ok := r.get("Items"); ok {
		switch v := raw.(type) {
		case []any:
			s.Items = r.jsonata("Items", 0)
		case string:
			if !isTemplate(v) {
				p.ps.schema(r.field("Items"), "Field 'Items' must be an array or a JSONata expression")
				break
			}
			s.Items = r.jsonata("Items", 0)
		default:
			p.ps.schema(r.field("Items"), "Field 'Items' must be an array or a JSONata expression, not %s", jsonKind(v))
		}
	}
	if r.exclusive("ItemSelector", "Parameters") {
		s.ItemSelector = p.payload(r, "ItemSelector")
		if s.ItemSelector == nil {
			s.ItemSelector = p.payload(r, "Parameters")
		}
	}
	s.ItemReader = p.parseItemReader(r)
	s.ItemBatcher = p.parseItemBatcher(r)
	s.ResultWriter = p.parseResultWriter(r)
	s.MaxConcurrency = r.intField("MaxConcurrency", 0, math.MaxInt64)
	s.ToleratedFailureCount = r.intField("ToleratedFailureCount", 0, math.MaxInt64)
	s.ToleratedFailurePercentage = r.floatField("ToleratedFailurePercentage", 0, 100)
	s.ResultSelector = p.template(r, "ResultSelector")
	s.ResultPath = r.resultPath("ResultPath")
	s.Retry = p.parseRetry(r)
	s.Catch = p.parseCatch(r)
	return s
}

// parseProcessor reads ItemProcessor or the legacy Iterator.
func (p *parser) parseProcessor(r *reader, s *Map) {
	if !r.exclusive("ItemProcessor", "Iterator") {
		return
	}
	k := "ItemProcessor"
	if !r.has(k) && r.has("Iterator") {
		k, s.Legacy = "Iterator", true
	}
	if !r.has(k) {
		r.require("ItemProcessor")
		return
	}
	o, ok := r.obj(k)
	if !ok {
		return
	}
	pr := newReader(o, r.field(k), &p.ps, p.top)
	s.ItemProcessor = p.parseMachine(pr, processorFields)
	cfg, ok := pr.obj("ProcessorConfig")
	if !ok {
		return
	}
	cr := newReader(cfg, pr.field("ProcessorConfig"), &p.ps, p.top)
	cr.check(fieldSet{"Mode": langBoth, "ExecutionType": langBoth})
	if m, ok := cr.str("Mode"); ok {
		switch m {
		case "INLINE":
		case "DISTRIBUTED":
			s.ProcessorConfig.Mode = ModeDistributed
		default:
			p.ps.schema(cr.field("Mode"), "Field 'Mode' must be one of [INLINE, DISTRIBUTED], not %q", m)
		}
	}
	if e, ok := cr.str("ExecutionType"); ok {
		switch e {
		case "STANDARD":
			s.ProcessorConfig.ExecutionType = ExecutionStandard
		case "EXPRESS":
			s.ProcessorConfig.ExecutionType = ExecutionExpress
		default:
			p.ps.schema(cr.field("ExecutionType"), "Field 'ExecutionType' must be one of [STANDARD, EXPRESS], not %q", e)
		}
	} else if s.ProcessorConfig.Mode == ModeDistributed && !cr.has("ExecutionType") && !cr.bad["ExecutionType"] {
		cr.require("ExecutionType")
	}
}

// MaxLabelLength is the longest Map Label.
const MaxLabelLength = 40

// checkLabel applies AWS's rules on Map labels: at most 40 characters,
// none of whitespace, brackets, wildcards, special or control
// characters, unique in the definition.
func (p *parser) checkLabel(at loc, l string) {
	bad := l == "" || len([]rune(l)) > MaxLabelLength
	for _, c := range l {
		if c <= 0x20 || (c >= 0x7f && c <= 0x9f) || c == 0xa0 || isLabelSpecial(c) {
			bad = true
		}
	}
	if bad {
		p.ps.add(at, CodeInvalidLabelName, "Invalid Label %q: at most %d characters, without whitespace, brackets, wildcards, special or control characters", l, MaxLabelLength)
		return
	}
	if p.labels[l] {
		p.ps.add(at, CodeDuplicateLabelName, "Duplicate Label: %s", l)
	}
	p.labels[l] = true
}

func isLabelSpecial(c rune) bool {
	switch c {
	case '<', '>', '{', '}', '[', ']', '?', '*', '"', '#', '%', '\\', '^', '|', '~', '`', '$', '&', ',', ';', ':', '/':
		return true
	}
	return false
}
