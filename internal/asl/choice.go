package asl

import "github.com/mie-kafka/mie/internal/asl/jsonata"

// Choice picks the Next of its first rule that matches, or Default.
type Choice struct {
	Base
	Choices []*ChoiceRule
	// Default is the state when no rule matches; empty when none is given
	// (then no match fails with States.NoChoiceMatched).
	Default string
}

// ChoiceRule is one element of Choices: a condition and where it leads.
type ChoiceRule struct {
	Comment string
	Next    string
	// JSONPath: the rule's condition as a typed tree.
	Condition *Condition
	// JSONata: "Condition", one "{% %}" expression; the interpreter
	// evaluates it and expects a boolean.
	Expr *jsonata.Value
	// JSONata: Output replaces the state's output when the rule matches.
	Output *jsonata.Value
	Assign *Assign
}

// Type returns TypeChoice.
func (*Choice) Type() StateType { return TypeChoice }

func init() {
	register(TypeChoice, &stateKind{
		fields: ioFields.with(fieldSet{"Choices": langBoth, "Default": langBoth, "Assign": langBoth}),
		leaves: byRules,
		parse:  parseChoice,
	})
}

func parseChoice(p *parser, r *reader, b Base) State {
	s := &Choice{Base: b}
	r.require("Choices")
	s.Default = r.target("Default")
	arr, ok := r.arr("Choices")
	if !ok {
		return s
	}
	at := r.field("Choices")
	if len(arr) == 0 {
		p.ps.schema(at, "Field 'Choices' must not be empty")
	}
	for i, v := range arr {
		o, ok := v.(*object)
		if !ok {
			p.ps.schema(at.index(i), "Each choice rule must be an object, not %s", jsonKind(v))
			s.Choices = append(s.Choices, &ChoiceRule{})
			continue
		}
		s.Choices = append(s.Choices, p.parseChoiceRule(newReader(o, at.index(i), &p.ps, r.ql)))
	}
	return s
}

var jsonataRuleFields = fieldSet{"Condition": langBoth, "Next": langBoth, "Comment": langBoth, "Output": langBoth, "Assign": langBoth}

// parseChoiceRule reads a top-level rule, which must have Next.
func (p *parser) parseChoiceRule(r *reader) *ChoiceRule {
	rule := &ChoiceRule{}
	if r.ql == JSONata {
		r.check(jsonataRuleFields)
		r.require("Condition", "Next")
		rule.Expr, _ = r.expression("Condition")
	} else {
		r.require("Next")
		rule.Condition = p.parseCondition(r, true)
	}
	rule.Comment, _ = r.str("Comment")
	rule.Next = r.target("Next")
	rule.Output = r.jsonata("Output", 0)
	rule.Assign = p.parseAssign(r, "Assign", 0)
	return rule
}
