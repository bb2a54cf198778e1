package jsonata

import (
	"errors"
	"reflect"
	"sort"
	"strconv"
	"strings"
)

// Value is a compiled ASL field value: any JSON value whose strings may be
// "{% %}" expressions at any depth (Arguments, Output, Assign, Items,
// Condition, Seconds, ...). It is safe for concurrent use.
type Value struct {
	root vnode
}

type vnode interface {
	eval(en *env) (any, error)
}

type literal struct{ v any }

type exprNode struct{ e *Expr }

type objectNode struct {
	keys []string
	vals []vnode
}

type arrayNode []vnode

// CompileValue compiles the value of the ASL field named field ("Output",
// "Arguments", "Choices[1]/Condition"). Errors are *CompileError, joined
// when there are several, each naming where it sits (Field
// "Arguments/Payload/id", Pointer "/Arguments/Payload/id").
func CompileValue(field string, v any) (*Value, error) {
	c := &valueCompiler{}
	root := c.compile(v, field, "/"+escapePointer(field))
	if len(c.errs) > 0 {
		return nil, errors.Join(c.errs...)
	}
	return &Value{root: root}, nil
}

type valueCompiler struct{ errs []error }

func (c *valueCompiler) compile(v any, field, pointer string) vnode {
	switch v := v.(type) {
	case string:
		return c.compileString(v, field, pointer)
	case map[string]any:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		o := &objectNode{keys: keys, vals: make([]vnode, len(keys))}
		for i, k := range keys {
			o.vals[i] = c.compile(v[k], field+"/"+k, pointer+"/"+escapePointer(k))
		}
		return o
	case []any:
		a := make(arrayNode, len(v))
		for i, e := range v {
			a[i] = c.compile(e, field+"["+strconv.Itoa(i)+"]", pointer+"/"+strconv.Itoa(i))
		}
		return a
	}
	lv, err := literalValue(v)
	if err != nil {
		c.errs = append(c.errs, &CompileError{Kind: Invalid, Field: field, Pointer: pointer, Pos: -1, Message: err.Error()})
	}
	return literal{lv}
}

func (c *valueCompiler) compileString(s, field, pointer string) vnode {
	expr, ok := Template(s)
	if !ok {
		if t := strings.TrimSpace(s); strings.HasPrefix(t, "{%") || (strings.HasSuffix(t, "%}") && strings.Contains(t, "{%")) {
			c.errs = append(c.errs, &CompileError{Kind: Invalid, Expr: s, Field: field, Pointer: pointer, Pos: -1,
				Message: "A JSONata expression must start with '{%' and end with '%}', with no space outside them"})
		}
		return literal{s}
	}
	e, ce := compile(expr, field)
	if ce != nil {
		ce.Pointer = pointer
		c.errs = append(c.errs, ce)
		return literal{s}
	}
	return exprNode{e}
}

// literalValue normalises a literal number to json.Number.
func literalValue(v any) (any, error) {
	switch v.(type) {
	case nil, bool, string:
		return v, nil
	}
	lv, err := toLib(v)
	if err != nil {
		return nil, err
	}
	budget := int64(1 << 62)
	out, _, err := fromLib(reflect.ValueOf(lv), &budget)
	return out, err
}

func escapePointer(s string) string {
	return strings.NewReplacer("~", "~0", "/", "~1").Replace(s)
}

// Eval evaluates every expression in the value against b. An expression
// that evaluates to nothing fails, as on AWS, with a *failure.Error named
// States.QueryEvaluationError that names the field.
func (v *Value) Eval(b Bindings) (any, error) {
	en, err := newEnv(&b)
	if err != nil {
		return nil, err
	}
	return v.root.eval(en)
}

func (l literal) eval(*env) (any, error) { return l.v, nil }

func (n exprNode) eval(en *env) (any, error) {
	v, err := n.e.eval(en)
	if err != nil {
		return nil, err
	}
	if v == Undefined {
		return nil, undefinedError(n.e.src, n.e.field)
	}
	return v, nil
}

func (o *objectNode) eval(en *env) (any, error) {
	out := make(map[string]any, len(o.keys))
	for i, k := range o.keys {
		v, err := o.vals[i].eval(en)
		if err != nil {
			return nil, err
		}
		out[k] = v
	}
	return out, nil
}

func (a arrayNode) eval(en *env) (any, error) {
	out := make([]any, len(a))
	for i, n := range a {
		v, err := n.eval(en)
		if err != nil {
			return nil, err
		}
		out[i] = v
	}
	return out, nil
}

// UsesStates reports whether any expression in the value may read
// $states.<member>.
func (v *Value) UsesStates(member string) bool { return usesStates(v.root, member) }

func usesStates(n vnode, member string) bool {
	switch n := n.(type) {
	case exprNode:
		return n.e.UsesStates(member)
	case *objectNode:
		for _, c := range n.vals {
			if usesStates(c, member) {
				return true
			}
		}
	case arrayNode:
		for _, c := range n {
			if usesStates(c, member) {
				return true
			}
		}
	}
	return false
}
