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
	eachChild(n, func(c jparse.Node, sameContext bool) {
		d = max(d, a.analyze(c, top && sameContext))
	})
	return d
}

// eachChild calls fn with every child of n; sameContext is false for a
// child evaluated against another context item than n's (predicates, sort
// terms, grouping, a transform's clauses).
func eachChild(n jparse.Node, fn func(c jparse.Node, sameContext bool)) {
	each := func(cs ...jparse.Node) {
		for _, c := range cs {
			fn(c, true)
		}
	}
	switch n := n.(type) {
	case *jparse.PathNode:
		for i, c := range n.Steps {
			fn(c, i == 0)
		}
	case *jparse.NegationNode:
		each(n.RHS)
	case *jparse.RangeNode:
		each(n.LHS, n.RHS)
	case *jparse.ArrayNode:
		each(n.Items...)
	case *jparse.ObjectNode:
		for _, p := range n.Pairs {
			each(p[0], p[1])
		}
	case *jparse.BlockNode:
		each(n.Exprs...)
	case *jparse.ConditionalNode:
		each(n.If, n.Then, n.Else)
	case *jparse.AssignmentNode:
		each(n.Value)
	case *jparse.GroupNode:
		each(n.Expr)
		for _, p := range n.ObjectNode.Pairs {
			fn(p[0], false)
			fn(p[1], false)
		}
	case *jparse.PredicateNode:
		each(n.Expr)
		for _, f := range n.Filters {
			fn(f, false)
		}
	case *jparse.SortNode:
		each(n.Expr)
		for _, t := range n.Terms {
			fn(t.Expr, false)
		}
	case *jparse.LambdaNode:
		each(n.Body)
	case *jparse.TypedLambdaNode:
		each(n.Body)
	case *jparse.ObjectTransformationNode:
		fn(n.Pattern, false)
		fn(n.Updates, false)
		fn(n.Deletes, false)
	case *jparse.PartialNode:
		each(n.Func)
		each(n.Args...)
	case *jparse.FunctionCallNode:
		each(n.Func)
		each(n.Args...)
	case *jparse.FunctionApplicationNode:
		each(n.LHS, n.RHS)
	case *jparse.NumericOperatorNode:
		each(n.LHS, n.RHS)
	case *jparse.ComparisonOperatorNode:
		each(n.LHS, n.RHS)
	case *jparse.BooleanOperatorNode:
		each(n.LHS, n.RHS)
	case *jparse.StringConcatenationNode:
		each(n.LHS, n.RHS)
	}
}

// guarded reports whether instrument reached every lambda and block of the
// parsed instrumented expression. The bounds depend on it, so an
// expression the scanner read differently from the library's parser is
// refused rather than run unguarded.
func guarded(n jparse.Node) bool {
	switch n := n.(type) {
	case nil:
		return true
	case *jparse.LambdaNode:
		if !isGuardedBody(n.Body) {
			return false
		}
	case *jparse.TypedLambdaNode:
		if !isGuardedBody(n.Body) {
			return false
		}
	case *jparse.RangeNode:
		if !isGuardCall(n.LHS, guardLo) || !isGuardCall(n.RHS, guardHi) {
			return false
		}
	case *jparse.BlockNode:
		for _, e := range n.Exprs {
			if !isGuardCall(e, guardCheck) && !isGuardCall(e, guardEnter) && !isGuardCall(e, guardLeave) {
				return false
			}
		}
	}
	ok := true
	eachChild(n, func(c jparse.Node, _ bool) { ok = ok && guarded(c) })
	return ok
}

func isGuardedBody(n jparse.Node) bool {
	b, ok := n.(*jparse.BlockNode)
	return ok && len(b.Exprs) == 2 && isGuardCall(b.Exprs[0], guardEnter) && isGuardCall(b.Exprs[1], guardLeave)
}

func isGuardCall(n jparse.Node, name string) bool {
	c, ok := n.(*jparse.FunctionCallNode)
	if !ok {
		return false
	}
	v, ok := c.Func.(*jparse.VariableNode)
	return ok && v.Name == name
}
