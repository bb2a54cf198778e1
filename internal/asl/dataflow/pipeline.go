package dataflow

import (
	"errors"
	"fmt"

	"github.com/mie-kafka/mie/internal/asl/failure"
	"github.com/mie-kafka/mie/internal/asl/jsonpath"
)

// Path is an InputPath, OutputPath or ItemsPath field: absent (the zero
// Path, which selects "$"), null, or a path.
type Path struct {
	Null bool
	Path *jsonpath.Path
}

// CompilePath reads a path field from a state's decoded JSON; present
// says whether the field was there at all. reference asks for a Reference
// Path (ItemsPath).
func CompilePath(field string, raw any, present, reference bool) (Path, error) {
	if !present {
		return Path{}, nil
	}
	if raw == nil {
		return Path{Null: true}, nil
	}
	s, ok := raw.(string)
	if !ok {
		return Path{}, fmt.Errorf("%s must be a string or null", field)
	}
	parse := jsonpath.Parse
	if reference {
		parse = jsonpath.ParseReference
	}
	p, err := parse(s)
	if err != nil {
		return Path{}, fmt.Errorf("%s: %w", field, err)
	}
	return Path{Path: p}, nil
}

// Select applies the field to s.Input: absent gives s.Input, null gives
// {} (AWS's rule for InputPath and OutputPath), a path its value. A path
// that matches nothing fails with States.Runtime and Jayway's words, as
// AWS reports it ("Invalid path '$.x' : No results for path: $['x']").
func (p Path) Select(s Scope) (any, error) {
	switch {
	case p.Null:
		return map[string]any{}, nil
	case p.Path == nil:
		return s.Input, nil
	}
	v, err := s.Resolve(p.Path)
	if err != nil {
		return nil, failure.As(err)
	}
	return v, nil
}

// ResultPath is a ResultPath field: absent (the zero value, "$": the
// result replaces the input), null (the result is discarded and the input
// passes on), or a Reference Path on "$" where the result is placed.
type ResultPath struct {
	Null bool
	Path *jsonpath.Path
}

// CompileResultPath reads a ResultPath field (of a state or a Catcher).
func CompileResultPath(raw any, present bool) (ResultPath, error) {
	if !present {
		return ResultPath{}, nil
	}
	if raw == nil {
		return ResultPath{Null: true}, nil
	}
	s, ok := raw.(string)
	if !ok {
		return ResultPath{}, errors.New("ResultPath must be a string or null")
	}
	p, err := jsonpath.ParseReference(s)
	if err != nil {
		return ResultPath{}, fmt.Errorf("ResultPath: %w", err)
	}
	if p.Root() != jsonpath.RootInput {
		return ResultPath{}, fmt.Errorf("ResultPath %q must start with '$.' or '$['", s)
	}
	return ResultPath{Path: p}, nil
}

// Apply combines a state's raw input with its result. It does not modify
// input. A path that cannot apply fails with
// States.ResultPathMatchFailure ("Unable to apply ReferencePath $.x to
// input ...").
func (r ResultPath) Apply(input, result any) (any, error) {
	switch {
	case r.Null:
		return input, nil
	case r.Path == nil:
		return result, nil
	}
	return r.Path.Set(input, result)
}

// IO is the JSONPath-mode input and output processing of a state:
//
//	raw input → InputPath → Parameters → (the state's work) → result
//	result → ResultSelector → ResultPath (with the raw input) → OutputPath → output
//
// Which fields a state type may have is the definition validator's
// business; an absent field does nothing (see the package comment).
type IO struct {
	InputPath      Path
	Parameters     *Template // nil: the effective input is InputPath's
	ResultSelector *Template // nil: the result as it is
	ResultPath     ResultPath
	OutputPath     Path
}

// CompileIO reads InputPath, Parameters, ResultSelector, ResultPath and
// OutputPath from a state's decoded JSON, reporting every problem.
func CompileIO(state map[string]any) (*IO, error) {
	io := &IO{}
	var errs []error
	field := func(name string) (any, bool) { v, ok := state[name]; return v, ok }
	var err error
	if v, ok := field("InputPath"); ok {
		io.InputPath, err = CompilePath("InputPath", v, true, false)
		errs = append(errs, err)
	}
	if v, ok := field("OutputPath"); ok {
		io.OutputPath, err = CompilePath("OutputPath", v, true, false)
		errs = append(errs, err)
	}
	if v, ok := field("ResultPath"); ok {
		io.ResultPath, err = CompileResultPath(v, true)
		errs = append(errs, err)
	}
	for _, t := range []struct {
		name string
		dst  **Template
	}{{"Parameters", &io.Parameters}, {"ResultSelector", &io.ResultSelector}} {
		v, ok := field(t.name)
		if !ok {
			continue
		}
		*t.dst, err = CompilePayload(t.name, v)
		errs = append(errs, err)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return io, nil
}

// CompilePayload compiles a field that holds a payload template
// (Parameters, ResultSelector, ItemSelector). The States Language spec
// asks for an object, but Step Functions also takes an array or a plain
// value there, so any JSON value compiles.
func CompilePayload(field string, v any) (*Template, error) {
	t, err := CompileTemplate(v)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", field, err)
	}
	return t, nil
}

// Input computes the effective input from the state's raw input s.Input:
// InputPath, then Parameters.
func (io *IO) Input(s Scope) (any, error) {
	in, err := io.InputPath.Select(s)
	if err != nil {
		return nil, err
	}
	if io.Parameters == nil {
		return in, nil
	}
	return io.Parameters.Eval(s.with(in))
}

// Output computes the state's output from its raw input s.Input and its
// result: ResultSelector on the result, ResultPath, then OutputPath.
func (io *IO) Output(s Scope, result any) (any, error) {
	if io.ResultSelector != nil {
		r, err := io.ResultSelector.Eval(s.with(result))
		if err != nil {
			return nil, err
		}
		result = r
	}
	out, err := io.ResultPath.Apply(s.Input, result)
	if err != nil {
		return nil, err
	}
	return io.OutputPath.Select(s.with(out))
}

// ErrorOutput is what a Catcher passes on for a failure: {"Error": name,
// "Cause": cause}, which its ResultPath then places in the raw input.
func ErrorOutput(e *failure.Error) map[string]any {
	return map[string]any{"Error": e.Name, "Cause": e.Cause}
}
