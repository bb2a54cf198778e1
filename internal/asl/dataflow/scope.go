package dataflow

import (
	"errors"

	"github.com/mie-kafka/mie/internal/asl/failure"
	"github.com/mie-kafka/mie/internal/asl/intrinsics"
	"github.com/mie-kafka/mie/internal/asl/jsonpath"
	"github.com/mie-kafka/mie/internal/asl/jsonvalue"
)

// Scope is what paths and templates are evaluated in.
type Scope struct {
	// Input is the document "$" refers to.
	Input any
	// Context is the context object, "$$"; when it is nil, ContextOf
	// (if set) builds it the first time a path reads it.
	Context   any
	ContextOf func() any
	// Var looks up an ASL variable, "$name"; nil means there are none.
	Var func(name string) (any, bool)
	// Random and UUID serve States.MathRandom and States.UUID; nil means
	// the defaults of package intrinsics.
	Random func() float64
	UUID   func() string
}

// with returns s with "$" referring to input.
func (s Scope) with(input any) Scope {
	s.Input = input
	return s
}

// root returns the document p's root names.
func (s Scope) root(p *jsonpath.Path) (any, error) {
	switch p.Root() {
	case jsonpath.RootContext:
		if s.Context == nil && s.ContextOf != nil {
			return s.ContextOf(), nil
		}
		return s.Context, nil
	case jsonpath.RootVariable:
		if s.Var != nil {
			if v, ok := s.Var(p.Variable()); ok {
				return v, nil
			}
		}
		return nil, &UndefinedVariableError{Name: p.Variable()}
	}
	return s.Input, nil
}

// Resolve evaluates p against the document its root names.
func (s Scope) Resolve(p *jsonpath.Path) (any, error) {
	doc, err := s.root(p)
	if err != nil {
		return nil, err
	}
	return p.Get(doc)
}

// UndefinedVariableError is a "$name" path whose variable does not exist.
type UndefinedVariableError struct{ Name string }

func (e *UndefinedVariableError) Error() string {
	return "the variable $" + e.Name + " is not defined"
}

func (s Scope) env(resolve func(*jsonpath.Path) (any, error)) intrinsics.Env {
	return intrinsics.Env{Resolve: resolve, Random: s.Random, UUID: s.UUID}
}

// fieldPathFailure turns the failure of a template field's path into
// Step Functions' States.Runtime: "The JSONPath '$.x' specified for the
// field 'y.$' could not be found in the input '{...}'".
func (s Scope) fieldPathFailure(p *jsonpath.Path, field string, err error) error {
	return s.pathFailure("The JSONPath '"+p.String()+"' specified for the field '"+field+"'", p, err)
}

// argPathFailure is fieldPathFailure for a path inside an intrinsic call,
// which AWS words "The JsonPath argument for the field '$.x' could not be
// found in the input '{...}'".
func (s Scope) argPathFailure(p *jsonpath.Path, err error) error {
	return s.pathFailure("The JsonPath argument for the field '"+p.String()+"'", p, err)
}

func (s Scope) pathFailure(subject string, p *jsonpath.Path, err error) error {
	var uv *UndefinedVariableError
	if errors.As(err, &uv) {
		return failure.New(failure.Runtime, "%s could not be found: %v", subject, uv)
	}
	var nf *jsonpath.NotFoundError
	if !errors.As(err, &nf) {
		return failure.As(err) // a failure already, or a LimitError
	}
	doc, _ := s.root(p)
	return failure.New(failure.Runtime, "%s could not be found in the input '%s'", subject, jsonvalue.MustMarshal(doc))
}
