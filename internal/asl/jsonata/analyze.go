package jsonata

import (
	"github.com/blues/jsonata-go/jparse"
)

// analysis is what Compile learns from the parsed expression: its static
// nesting depth, the $states members it names, and the first reference AWS
// refuses at creation.
type analysis struct {
	depth       int
	states      map[string]bool // $states.<member> read directly
	wholeStates bool            // $states used other than as $states.<member>
	err         *CompileError
}

// analyze walks n. top is true where the context item is the top-level
// input, which Step Functions does not provide: a field name read there is
// refused ("Reference to 'x' at the top level is not supported"), as is $$
// anywhere and $ at the top level.
func (a *analysis) analyze(n jparse.Node, top bool) int {
	switch n := n.(type) {
	case nil:
		return 0
	case *jparse.NameNode:
		if top {
			a.refuse("Reference to '" + n.Value + "' at the top level is not supported.")
		}
	case *jparse.WildcardNode:
		if top {
			a.refuse("Reference to '*' at the top level is not supported.")
		}
	case *jparse.DescendentNode:
		if top {
			a.refuse("Reference to '**' at the top level is not supported.")
		}
	case *jparse.VariableNode:
		switch {
		case n.Name == "$":
			a.refuse("Reference to '$$' is not supported.")
		case n.Name == "" && top:
			a.refuse("Reference to '$' at the top level is not supported.")
		case n.Name == "states":
			a.wholeStates = true
		}
	case *jparse.PathNode:
		return 1 + a.path(n, top)
	default:
		return 1 + a.children(n, top)
	}
	return 1
}

func (a *analysis) refuse(msg string) {
	if a.err == nil {
		a.err = unsupportedErr(-1, msg)
	}
}

// path walks a path's steps: only the first reads the outer context.
func (a *analysis) path(n *jparse.PathNode, top bool) int {
	if len(n.Steps) >= 2 {
		v, isVar := n.Steps[0].(*jparse.VariableNode)
		name, isName := stepName(n.Steps[1])
		if isVar && v.Name == "states" && isName {
			a.states[name] = true
			d := 0
			for _, s := range n.Steps[1:] {
				d = max(d, a.analyze(s, false))
			}
			return 1 + d
		}
	}
	d := 0
	for i, s := range n.Steps {
		d = max(d, a.analyze(s, top && i == 0))
	}
	return d
}

// stepName is the field a path step reads, looking through a predicate.
func stepName(n jparse.Node) (string, bool) {
	switch n := n.(type) {
	case *jparse.NameNode:
		return n.Value, true
	case *jparse.PredicateNode:
		return stepName(n.Expr)
	}
	return "", false
}

// children walks every child of n and returns the deepest.
func (a *analysis) children(n jparse.Node, top bool) int {
	d := 0
	walk := func(c jparse.Node, t bool) { d = max(d, a.analyze(c, t)) }
	switch n := n.(type) {
	case *jparse.NegationNode:
		walk(n.RHS, top)
	case *jparse.RangeNode:
		walk(n.LHS, top)
		walk(n.RHS, top)
	case *jparse.ArrayNode:
		for _, c := range n.Items {
			walk(c, top)
		}
	case *jparse.ObjectNode:
		for _, p := range n.Pairs {
			walk(p[0], top)
			walk(p[1], top)
		}
	case *jparse.BlockNode:
		for _, c := range n.Exprs {
			walk(c, top)
		}
	case *jparse.ConditionalNode:
		walk(n.If, top)
		walk(n.Then, top)
		walk(n.Else, top)
	case *jparse.AssignmentNode:
		walk(n.Value, top)
	case *jparse.GroupNode:
		walk(n.Expr, top)
		for _, p := range n.ObjectNode.Pairs {
			walk(p[0], false)
			walk(p[1], false)
		}
	case *jparse.PredicateNode:
		walk(n.Expr, top)
		for _, f := range n.Filters {
			walk(f, false)
		}
	case *jparse.SortNode:
		walk(n.Expr, top)
		for _, t := range n.Terms {
			walk(t.Expr, false)
		}
	case *jparse.LambdaNode:
		walk(n.Body, top)
	case *jparse.TypedLambdaNode:
		walk(n.Body, top)
	case *jparse.ObjectTransformationNode:
		walk(n.Pattern, false)
		walk(n.Updates, false)
		walk(n.Deletes, false)
	case *jparse.PartialNode:
		walk(n.Func, top)
		for _, c := range n.Args {
			walk(c, top)
		}
	case *jparse.FunctionCallNode:
		walk(n.Func, top)
		for _, c := range n.Args {
			walk(c, top)
		}
	case *jparse.FunctionApplicationNode:
		walk(n.LHS, top)
		walk(n.RHS, top)
	case *jparse.NumericOperatorNode:
		walk(n.LHS, top)
		walk(n.RHS, top)
	case *jparse.ComparisonOperatorNode:
		walk(n.LHS, top)
		walk(n.RHS, top)
	case *jparse.BooleanOperatorNode:
		walk(n.LHS, top)
		walk(n.RHS, top)
	case *jparse.StringConcatenationNode:
		walk(n.LHS, top)
		walk(n.RHS, top)
	}
	return d
}
