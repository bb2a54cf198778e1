package dataflow

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/mie-kafka/mie/internal/asl/intrinsics"
	"github.com/mie-kafka/mie/internal/asl/jsonpath"
)

// Template is a compiled payload template (Parameters, ItemSelector,
// ResultSelector, and the same form in a Map's Parameters): JSON in which
// a member whose name ends in ".$" takes its value from a path or an
// intrinsic function call. It is immutable and safe for concurrent use.
type Template struct {
	root tnode
}

type tkind uint8

const (
	tLiteral tkind = iota // a part with nothing to evaluate
	tObject
	tArray
	tPath
	tCall
)

type tnode struct {
	kind   tkind
	lit    any
	fields []tfield
	elems  []tnode
	path   *jsonpath.Path
	call   *intrinsics.Call
}

type tfield struct {
	name string // the output name (".$" removed)
	key  string // the name as written, for messages
	node tnode
}

// TemplateError is a template that does not compile. Location is where in
// the template the problem is, as a path from the template's root
// ("a.b[0]['c.$']").
type TemplateError struct {
	Location string
	Msg      string
}

func (e *TemplateError) Error() string {
	if e.Location == "" {
		return e.Msg
	}
	return e.Location + ": " + e.Msg
}

// CompileTemplate compiles a payload template from its decoded JSON.
// Every ".$" member must hold a string that is a Path ("$..."), a context
// path ("$$..."), a variable path ("$name...") or an intrinsic function
// call; a name may not appear both with and without ".$".
func CompileTemplate(v any) (*Template, error) {
	n, err := compileNode(v, "")
	if err != nil {
		return nil, err
	}
	return &Template{root: n}, nil
}

func compileNode(v any, loc string) (tnode, error) {
	switch x := v.(type) {
	case map[string]any:
		return compileObject(x, loc)
	case []any:
		n := tnode{kind: tArray, elems: make([]tnode, len(x))}
		dynamic := false
		for i, e := range x {
			c, err := compileNode(e, loc+"["+strconv.Itoa(i)+"]")
			if err != nil {
				return tnode{}, err
			}
			n.elems[i] = c
			dynamic = dynamic || c.kind != tLiteral
		}
		if !dynamic {
			return tnode{kind: tLiteral, lit: v}, nil
		}
		return n, nil
	}
	return tnode{kind: tLiteral, lit: v}, nil
}

func compileObject(m map[string]any, loc string) (tnode, error) {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	n := tnode{kind: tObject}
	dynamic := false
	seen := make(map[string]string, len(m))
	for _, k := range keys {
		name, isDynamic := strings.CutSuffix(k, ".$")
		at := childLocation(loc, k)
		if other, dup := seen[name]; dup {
			return tnode{}, &TemplateError{Location: at, Msg: fmt.Sprintf("the field %q is also given as %q", k, other)}
		}
		seen[name] = k
		var c tnode
		var err error
		if isDynamic {
			c, err = compileDynamic(m[k], k, at)
		} else {
			c, err = compileNode(m[k], at)
		}
		if err != nil {
			return tnode{}, err
		}
		n.fields = append(n.fields, tfield{name: name, key: k, node: c})
		dynamic = dynamic || c.kind != tLiteral
	}
	if !dynamic {
		return tnode{kind: tLiteral, lit: m}, nil
	}
	return n, nil
}

func childLocation(loc, key string) string {
	if key != "" && !strings.ContainsAny(key, ".[]' \"") {
		if loc == "" {
			return key
		}
		return loc + "." + key
	}
	return loc + "['" + strings.ReplaceAll(key, "'", `\'`) + "']"
}

// compileDynamic compiles the value of a ".$" member.
func compileDynamic(v any, key, at string) (tnode, error) {
	s, ok := v.(string)
	if !ok {
		return tnode{}, &TemplateError{Location: at,
			Msg: fmt.Sprintf("the value for the field '%s' must be a string holding a JSONPath or an intrinsic function call", key)}
	}
	if intrinsics.Looks(s) {
		call, err := intrinsics.Parse(s)
		if err != nil {
			return tnode{}, &TemplateError{Location: at,
				Msg: fmt.Sprintf("the value for the field '%s' must be a valid intrinsic function call: %v", key, err)}
		}
		return tnode{kind: tCall, call: call}, nil
	}
	p, err := jsonpath.Parse(s)
	if err != nil {
		return tnode{}, &TemplateError{Location: at,
			Msg: fmt.Sprintf("the value for the field '%s' must be a valid JSONPath or a valid intrinsic function call: %v", key, err)}
	}
	return tnode{kind: tPath, path: p}, nil
}

// Eval builds the template's value in s. A path that does not resolve
// fails with States.Runtime and AWS's cause ("The JSONPath '$.x'
// specified for the field 'y.$' could not be found in the input '...'");
// an intrinsic's failure is returned as it is. Parts of the template
// without ".$" members are shared by every result, not copied: values
// are never modified in place in internal/asl.
func (t *Template) Eval(s Scope) (any, error) {
	return t.root.eval(s, "")
}

func (n *tnode) eval(s Scope, key string) (any, error) {
	switch n.kind {
	case tLiteral:
		return n.lit, nil
	case tObject:
		out := make(map[string]any, len(n.fields))
		for i := range n.fields {
			f := &n.fields[i]
			v, err := f.node.eval(s, f.key)
			if err != nil {
				return nil, err
			}
			out[f.name] = v
		}
		return out, nil
	case tArray:
		out := make([]any, len(n.elems))
		for i := range n.elems {
			v, err := n.elems[i].eval(s, key)
			if err != nil {
				return nil, err
			}
			out[i] = v
		}
		return out, nil
	case tPath:
		v, err := s.Resolve(n.path)
		if err != nil {
			return nil, s.fieldPathFailure(n.path, key, err)
		}
		return v, nil
	}
	return n.call.Eval(s.env(func(p *jsonpath.Path) (any, error) {
		v, err := s.Resolve(p)
		if err != nil {
			return nil, s.argPathFailure(p, err)
		}
		return v, nil
	}))
}
