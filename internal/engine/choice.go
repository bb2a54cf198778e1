package engine

import (
	"github.com/mie-kafka/mie/internal/asl"
	"github.com/mie-kafka/mie/internal/asl/failure"
	"github.com/mie-kafka/mie/internal/asl/jsonata"
)

// choiceHandler runs Choice states: the first rule whose condition holds
// on the effective input (JSONPath) or whose Condition is true (JSONata)
// picks Next, with that rule's Assign (and Output, in JSONata); none, the
// Default with the state's own; no Default, States.NoChoiceMatched.
type choiceHandler struct{}

func init() { handlers[asl.TypeChoice] = choiceHandler{} }

func (choiceHandler) enter(d *step, r *Run) {
	st := r.State.(*asl.Choice)
	in := r.Input
	if !jsonataMode(r) {
		var ferr *failure.Error
		if in, ferr = d.selectPath(r, st.InputPath, r.Input, "InputPath"); ferr != nil {
			d.fail(r, ferr)
			return
		}
	}
	for _, rule := range st.Choices {
		ok, ferr := d.ruleHolds(r, rule, in)
		if ferr != nil {
			d.fail(r, ferr)
			return
		}
		if ok {
			d.choose(r, rule.Next, in, rule.Assign, rule.Output)
			return
		}
	}
	if st.Default == "" {
		d.fail(r, failure.New(failure.NoChoiceMatched, "No Choice Rules matched and no Default is specified for state %q", r.Name()))
		return
	}
	d.choose(r, st.Default, in, st.Assign, nil)
}

func (d *step) ruleHolds(r *Run, rule *asl.ChoiceRule, in any) (bool, *failure.Error) {
	if rule.Expr != nil {
		v, err := rule.Expr.Eval(d.bindings(r, nil, nil))
		if err != nil {
			return false, failure.As(err)
		}
		b, ok := v.(bool)
		if !ok {
			return false, failure.New(failure.QueryEvaluationError,
				"the Condition of a Choice rule of state %q must be a boolean, not %s", r.Name(), kindOf(v))
		}
		return b, nil
	}
	ok, err := rule.Condition.Eval(in, r.scope.variable, func() any { return d.contextObject(r, nil) })
	if err != nil {
		return false, failure.As(err)
	}
	return ok, nil
}

// choose leaves the Choice run for next, with the assignments and, in
// JSONata, the rule's Output (else the state's).
func (d *step) choose(r *Run, next string, in any, assign *asl.Assign, ruleOutput *jsonata.Value) {
	var vars map[string]any
	var ferr *failure.Error
	if jsonataMode(r) {
		vars, ferr = d.assignments(r, assign, nil, nil)
	} else {
		vars, ferr = d.assignments(r, assign, in, nil)
	}
	if ferr != nil {
		d.fail(r, ferr)
		return
	}
	out, _, ferr := d.passThroughFrom(r, in, ruleOutput)
	if ferr != nil {
		d.fail(r, ferr)
		return
	}
	d.exit(r, out, next, vars)
}
