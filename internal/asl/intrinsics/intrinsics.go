package intrinsics

import (
	"fmt"
	"strings"

	"github.com/mie-kafka/mie/internal/asl/failure"
	"github.com/mie-kafka/mie/internal/asl/jsonpath"
)

// Call is a compiled intrinsic function call. It is immutable and safe for
// concurrent use.
type Call struct {
	src  string
	pos  int // offset of the name in the expression
	fn   *function
	args []arg
}

type argKind uint8

const (
	argString argKind = iota
	argNumber
	argBool
	argNull
	argPath
	argCall
)

// arg is one argument as written: a literal, a path or a nested call.
type arg struct {
	kind  argKind
	pos   int
	value any    // the literal's value
	raw   string // a string literal as written, escapes kept (for States.Format)
	path  *jsonpath.Path
	call  *Call
}

// Env is what evaluation needs from the interpreter.
type Env struct {
	// Resolve evaluates a path argument ($..., $$..., $var...). Its error
	// is returned from Eval unchanged, so the caller decides how a path
	// that does not resolve is reported.
	Resolve func(p *jsonpath.Path) (any, error)
	// Random returns a number in [0, 1) for States.MathRandom without a
	// seed; nil means math/rand/v2.
	Random func() float64
	// UUID returns a version 4 UUID for States.UUID; nil means a random
	// one.
	UUID func() string
}

// Looks reports whether s is written as an intrinsic function call
// ("States.<Name>(...") rather than a path.
func Looks(s string) bool {
	rest, ok := strings.CutPrefix(s, "States.")
	if !ok {
		return false
	}
	i := 0
	for i < len(rest) && isNameByte(rest[i]) {
		i++
	}
	return i > 0 && i < len(rest) && rest[i] == '('
}

func isNameByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_'
}

// String returns the call as it was written.
func (c *Call) String() string { return c.src }

// Name is the function's name, e.g. "States.Format".
func (c *Call) Name() string { return c.fn.name }

// Paths returns every path argument of the call and of its nested calls,
// in the order they are written (for a validator that checks them).
func (c *Call) Paths() []*jsonpath.Path {
	var out []*jsonpath.Path
	for _, a := range c.args {
		switch a.kind {
		case argPath:
			out = append(out, a.path)
		case argCall:
			out = append(out, a.call.Paths()...)
		}
	}
	return out
}

// Eval evaluates the call. A function whose arguments do not fit fails
// with a *failure.Error named States.Runtime, as Step Functions does,
// whose Cause starts with AWS's "Invalid arguments in States.<Name>" and
// says which argument is wrong.
func (c *Call) Eval(env Env) (any, error) {
	vals := make([]any, len(c.args))
	for i := range c.args {
		v, err := c.args[i].eval(env)
		if err != nil {
			return nil, err
		}
		vals[i] = v
	}
	if n := len(vals); n < c.fn.minArgs || (c.fn.maxArgs >= 0 && n > c.fn.maxArgs) {
		return nil, c.fail("%s, got %d", c.fn.arity(), n)
	}
	return c.fn.eval(c, env, vals)
}

func (a *arg) eval(env Env) (any, error) {
	switch a.kind {
	case argPath:
		if env.Resolve == nil {
			return nil, fmt.Errorf("intrinsics: no Resolve to evaluate %s", a.path)
		}
		return env.Resolve(a.path)
	case argCall:
		return a.call.Eval(env)
	}
	return a.value, nil
}

// fail returns the States.Runtime failure of an intrinsic whose arguments
// are wrong.
func (c *Call) fail(format string, args ...any) *failure.Error {
	return &failure.Error{Name: failure.Runtime,
		Cause: "Invalid arguments in " + c.fn.name + ": " + fmt.Sprintf(format, args...)}
}

// failArg is fail for argument i (0-based).
func (c *Call) failArg(i int, format string, args ...any) *failure.Error {
	return c.fail("argument %d %s", i+1, fmt.Sprintf(format, args...))
}

// SyntaxError is an intrinsic function call that does not parse. Pos is
// the 0-based byte offset in Expr where the problem is.
type SyntaxError struct {
	Expr string
	Pos  int
	Msg  string
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("invalid intrinsic function call %q at position %d: %s", e.Expr, e.Pos, e.Msg)
}
