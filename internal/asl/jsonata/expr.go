package jsonata

import (
	"errors"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"time"

	jsonatalib "github.com/blues/jsonata-go"
	"github.com/blues/jsonata-go/jparse"

	"github.com/mie-kafka/mie/internal/asl/failure"
)

// Bindings is what an expression can see besides its own text. Every
// source of nondeterminism is here, so an interpreter that records what
// these return can replay an evaluation exactly.
type Bindings struct {
	// States is the $states object: {"input", "result", "errorOutput",
	// "context"}, each present only where AWS provides it. Nil leaves
	// $states undefined.
	States any
	// Vars resolves an ASL variable, read in an expression as $name.
	Vars func(name string) (any, bool)
	// Random draws $random() without a seed and $shuffle's order, in [0, 1).
	Random func() float64
	// UUID is $uuid().
	UUID func() string
	// Now is $now() and $millis(), read once per evaluation.
	Now func() time.Time
}

// Undefined is what Expr.Eval returns for an expression that evaluates to
// nothing. AWS fails a state whose field evaluates to it; Value.Eval does
// that, naming the field.
var Undefined undefinedValue

type undefinedValue struct{}

func (undefinedValue) String() string { return "undefined" }

// Expr is a compiled JSONata expression. It is safe for concurrent use.
type Expr struct {
	src      string // the expression text as written
	field    string // the ASL field it sits in, for causes
	lib      *jsonatalib.Expr
	names    []string // variables referenced, without "$"
	analysis analysis
}

// Template returns the expression inside a "{% ... %}" string: the whole
// string must be one, with no space before "{%" or after "%}". Any other
// string is a literal.
func Template(s string) (expr string, ok bool) {
	if len(s) < 4 || !strings.HasPrefix(s, "{%") || !strings.HasSuffix(s, "%}") {
		return "", false
	}
	return strings.TrimSpace(s[2 : len(s)-2]), true
}

// Compile compiles the text of an expression (without "{% %}"). It fails
// with a *CompileError: on syntax, with JSONata's code and the position; on
// what Step Functions refuses at creation (a reference to the context at
// the top level, $$); and on JSONata syntax this package does not support.
func Compile(expr string) (*Expr, error) {
	e, err := compile(expr, "")
	if err != nil {
		return nil, err
	}
	return e, nil
}

func compile(expr, field string) (*Expr, *CompileError) {
	fail := func(ce *CompileError) (*Expr, *CompileError) {
		ce.Expr, ce.Field = expr, field
		return nil, ce
	}
	if strings.TrimSpace(expr) == "" {
		return fail(syntaxErr(0, "S0207", "Unexpected end of expression"))
	}
	s, ce := scan(expr)
	if ce != nil {
		return fail(ce)
	}
	node, err := parse(s.clean)
	if err != nil {
		return fail(fromParseError(err))
	}
	e := &Expr{src: expr, field: field, analysis: analysis{states: map[string]bool{}}}
	e.analysis.depth = e.analysis.analyze(node, true)
	if e.analysis.err != nil {
		return fail(e.analysis.err)
	}
	text := instrument(s)
	if n, err := parse(text); err != nil || !guarded(n) {
		return fail(unsupportedErr(-1, "The expression cannot be bounded: its tokens are ambiguous to this implementation"))
	}
	if e.lib, err = compileLib(text); err != nil {
		return fail(syntaxErr(-1, "", "internal error instrumenting the expression: "+err.Error()))
	}
	e.names = referenced(s, text)
	return e, nil
}

// parse runs the library's parser, which can panic on malformed input.
func parse(src string) (n jparse.Node, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("parser failure: %v", r)
		}
	}()
	return jparse.Parse(src)
}

// compileLib runs the library's compiler, which can panic on malformed
// input.
func compileLib(src string) (x *jsonatalib.Expr, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("compiler failure: %v", r)
		}
	}()
	return jsonatalib.Compile(src)
}

// referenced lists the names an expression reads, sorted: its variables
// and the guards instrument inserted into text.
func referenced(s *scanned, text string) []string {
	seen := map[string]bool{}
	for _, t := range s.toks {
		if t.kind == tokVar && len(t.text) > 1 && t.text[1] != '$' {
			seen[t.text[1:]] = true
		}
	}
	for name := range guards {
		if strings.Contains(text, "$"+name+"(") {
			seen[name] = true
		}
	}
	names := make([]string, 0, len(seen))
	for n := range seen {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// String is the expression as written.
func (e *Expr) String() string { return e.src }

// UsesStates reports whether the expression may read $states.<member>
// ("input", "result", "errorOutput", "context"), for a validator to refuse
// a member where AWS does not provide it.
func (e *Expr) UsesStates(member string) bool {
	return e.analysis.wholeStates || e.analysis.states[member]
}

// Eval evaluates the expression. The result is a JSON value (numbers as
// json.Number) or Undefined. An error is a *failure.Error named
// States.QueryEvaluationError, its cause worded as AWS words it.
func (e *Expr) Eval(b Bindings) (any, error) {
	env, err := newEnv(&b)
	if err != nil {
		return nil, err
	}
	return e.eval(env)
}

// env is one evaluation context shared by the expressions of a Value: the
// bindings with $states and the variables converted once.
type env struct {
	b      *Bindings
	states any // nil: undefined
	vars   map[string]any
}

func newEnv(b *Bindings) (*env, error) {
	en := &env{b: b}
	if b.States != nil {
		s, err := toLib(b.States)
		if err != nil {
			return nil, failure.New(failure.QueryEvaluationError, "$states: %v", err)
		}
		en.states = s
	}
	return en, nil
}

// variable resolves an ASL variable in the library's model.
func (en *env) variable(name string) (any, bool, error) {
	if v, ok := en.vars[name]; ok {
		return v, true, nil
	}
	if en.b.Vars == nil {
		return nil, false, nil
	}
	v, ok := en.b.Vars(name)
	if !ok {
		return nil, false, nil
	}
	lv, err := toLib(v)
	if err != nil {
		return nil, false, err
	}
	if en.vars == nil {
		en.vars = map[string]any{}
	}
	en.vars[name] = lv
	return lv, true, nil
}

func (e *Expr) eval(en *env) (result any, err error) {
	if e.analysis.depth > MaxDepth {
		return nil, queryError(e.src, e.field, errOverflow)
	}
	st := newEvalState(en.b)
	bound, err := e.bind(en, st)
	if err != nil {
		return nil, queryError(e.src, e.field, err)
	}
	defer func() {
		if r := recover(); r != nil {
			result, err = nil, queryError(e.src, e.field, fmt.Errorf("internal error: %v", r))
		}
	}()
	x := *e.lib // the library binds per Expr; a copy binds per evaluation
	if err := register(&x, bound); err != nil {
		return nil, queryError(e.src, e.field, err)
	}
	out, err := x.Eval(nil)
	if errors.Is(err, jsonatalib.ErrUndefined) {
		return Undefined, nil
	}
	if err != nil {
		return nil, queryError(e.src, e.field, err)
	}
	if out == nil {
		return nil, nil // JSON null
	}
	budget := int64(MaxValueBytes)
	v, ok, err := fromLib(reflect.ValueOf(out), &budget)
	if err != nil {
		return nil, queryError(e.src, e.field, err)
	}
	if !ok {
		return Undefined, nil
	}
	return v, nil
}

// bind builds the names the expression reads: $states, the bridge's
// functions and the ASL variables.
func (e *Expr) bind(en *env, st *evalState) (map[string]any, error) {
	bound := make(map[string]any, len(e.names))
	for _, name := range e.names {
		if name == "states" {
			if en.states != nil {
				bound[name] = en.states
			}
			continue
		}
		if spec, ok := guards[name]; ok {
			bound[name] = &builtin{name: name, arity: spec.arity, st: st, fn: spec.fn}
			continue
		}
		v, ok, err := en.variable(name)
		if err != nil {
			return nil, err
		}
		if ok {
			bound[name] = v
			continue
		}
		if spec, ok := lookupFunc(name); ok {
			bound[name] = &builtin{name: name, arity: spec.arity, st: st, fn: spec.fn}
		} else if x, ok := libFuncs[name]; ok {
			bound[name] = x
		}
	}
	return bound, nil
}

// register binds the names on a copy of the library's Expr: the library's
// functions as fresh instances, everything else as variables.
func register(x *jsonatalib.Expr, bound map[string]any) error {
	var exts map[string]jsonatalib.Extension
	vars := make(map[string]any, len(bound))
	for name, v := range bound {
		if ext, ok := v.(jsonatalib.Extension); ok {
			if exts == nil {
				exts = map[string]jsonatalib.Extension{}
			}
			exts[name] = ext
			continue
		}
		vars[name] = v
	}
	if len(exts) > 0 {
		if err := x.RegisterExts(exts); err != nil {
			return err
		}
	}
	if len(vars) > 0 {
		return x.RegisterVars(vars)
	}
	return nil
}

// lookupFunc finds a function the bridge adds or replaces. An ASL variable
// of the same name shadows it, as bindings shadow functions in JSONata.
func lookupFunc(name string) (funcSpec, bool) {
	if f, ok := stepFunctions[name]; ok {
		return f, true
	}
	f, ok := fixes[name]
	return f, ok
}
