// Package functions resolves a Task state's Resource to where its work
// goes (engine.Resolver): a function defined by name (a Lambda function
// ARN, or lambda:invoke's FunctionName), an MIE operator's implementation,
// or a built-in run inside the executor. What it resolved is recorded in
// the run's TaskScheduled, so a replay never resolves again.
package functions

import (
	"fmt"
	"strings"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/asl/failure"
	"github.com/mie-kafka/mie/internal/engine"
	"github.com/mie-kafka/mie/internal/topics"
)

// Resource forms mie adds to AWS's.
const (
	// OperatorPrefix is an MIE operator's Task: the rest is its
	// implementation reference (builtin:<Name>, an http(s) URL,
	// worker:<topic>), and its parameters are MIE's operator event.
	OperatorPrefix = "arn:mie:operator:::"
	// InlinePrefix names a built-in run inside the executor, in the
	// decision (a pure function of its parameters).
	InlinePrefix = "arn:mie:function:::"
	// LambdaInvoke is AWS's optimized Lambda integration.
	LambdaInvoke = "arn:aws:states:::lambda:invoke"
	// WaitImplementation is MIE's Wait operator: no work, only a token to
	// answer.
	WaitImplementation = "builtin:Wait"
)

// Suffixes of AWS's integration patterns.
const (
	suffixToken = ".waitForTaskToken"
	suffixSync  = ".sync"
)

// Source is where functions are defined: the definitions store.
type Source interface {
	Function(name string) (events.Function, bool)
}

// Inline is a built-in run in the decision.
type Inline func(payload any) (any, error)

// Resolver resolves Task resources.
type Resolver struct {
	Catalog   topics.Catalog
	Functions Source
	// Inline are the built-ins run in the executor, by name.
	Inline map[string]Inline
	// Activities are the Step Functions activities (activities.go).
	Activities ActivitySource
	// Services are the AWS services whose integrations have a worker
	// (see services.go), by the name in the resource (dynamodb, s3, ...).
	Services map[string]bool
	// Machines are the state machines states:startExecution can start
	// (see child.go).
	Machines Machines
}

var _ engine.Resolver = (*Resolver)(nil)

// ErrResourceNotFound is the Task error of a function that does not exist,
// as Step Functions reports a missing Lambda function.
const ErrResourceNotFound = "Lambda.ResourceNotFoundException"

// Resolve implements engine.Resolver.
func (r *Resolver) Resolve(resource string, params any) (engine.Target, error) {
	base, pattern := splitPattern(resource)
	switch {
	case strings.HasPrefix(base, OperatorPrefix):
		return r.operator(strings.TrimPrefix(base, OperatorPrefix), pattern, params)
	case strings.HasPrefix(base, InlinePrefix):
		name := strings.TrimPrefix(base, InlinePrefix)
		f, ok := r.Inline[name]
		if !ok {
			return engine.Target{}, failure.New(ErrResourceNotFound, "no built-in function %s", name)
		}
		return engine.Target{Function: name, Payload: params, Inline: f}, nil
	case base == LambdaInvoke:
		return r.lambdaInvoke(pattern, params)
	}
	if t, ok, err := r.activity(resource, params); ok {
		return t, err
	}
	if svc, action, suffix, ok := Service(resource); ok && svc == "states" && action == "startExecution" {
		return r.startExecution(suffix, params)
	}
	if t, ok, err := r.service(resource, params); ok {
		return t, err
	}
	if name, ok := lambdaFunction(base); ok {
		return r.function(name, resource, pattern, params)
	}
	return engine.Target{}, failure.New(failure.Runtime, "the resource %s is not one this engine can run: see docs/asl.md for the resources it knows", resource)
}

// splitPattern separates an integration pattern suffix.
func splitPattern(resource string) (string, engine.Pattern) {
	if base, ok := strings.CutSuffix(resource, suffixToken); ok {
		return base, engine.WaitForTaskToken
	}
	return resource, engine.RequestResponse
}

// operator resolves an MIE operator's implementation to its task topic.
func (r *Resolver) operator(impl string, pattern engine.Pattern, params any) (engine.Target, error) {
	if impl == WaitImplementation {
		return engine.Target{Implementation: impl, Pattern: engine.WaitForTaskToken, Payload: params}, nil
	}
	topic, err := r.Catalog.Task(impl)
	if err != nil {
		return engine.Target{}, failure.New(failure.Runtime, "operator implementation %s: %v", impl, err)
	}
	return engine.Target{Topic: topic, Implementation: impl, Pattern: pattern, Payload: params}, nil
}

// function resolves a defined function by name.
func (r *Resolver) function(name, resource string, pattern engine.Pattern, payload any) (engine.Target, error) {
	if r.Functions == nil {
		return engine.Target{}, failure.New(ErrResourceNotFound, "Function not found: %s (no functions are defined)", resource)
	}
	f, ok := r.Functions.Function(name)
	if !ok {
		return engine.Target{}, failure.New(ErrResourceNotFound, "Function not found: %s (define it with PUT /functions/%s)", resource, name)
	}
	topic, err := r.Catalog.Task(f.Implementation)
	if err != nil {
		return engine.Target{}, failure.New(failure.Runtime, "function %s: %v", name, err)
	}
	return engine.Target{Topic: topic, Function: name, Implementation: f.Implementation, Pattern: pattern,
		Payload: payload, TimeoutSeconds: f.TimeoutSeconds}, nil
}

// lambdaInvoke resolves arn:aws:states:::lambda:invoke: Parameters name
// the function (FunctionName: a name or an ARN, with or without a
// qualifier) and hold the Payload.
func (r *Resolver) lambdaInvoke(pattern engine.Pattern, params any) (engine.Target, error) {
	m, ok := params.(map[string]any)
	if !ok {
		return engine.Target{}, failure.New(failure.Runtime, "lambda:invoke needs Parameters with a FunctionName")
	}
	fn, _ := m["FunctionName"].(string)
	if fn == "" {
		return engine.Target{}, failure.New(failure.Runtime, "lambda:invoke: the field FunctionName is required and must be a string")
	}
	name := fn
	if n, ok := lambdaFunction(fn); ok {
		name = n
	} else if i := strings.IndexByte(fn, ':'); i >= 0 {
		name = fn[:i] // name:qualifier
	}
	return r.function(name, fn, pattern, m["Payload"])
}

// lambdaFunction reads the function name out of a Lambda function ARN,
// arn:<partition>:lambda:<region>:<account>:function:<name>[:<qualifier>]
// (region and account may be anything).
func lambdaFunction(arn string) (string, bool) {
	parts := strings.Split(arn, ":")
	if len(parts) < 7 || len(parts) > 8 || parts[0] != "arn" || parts[2] != "lambda" || parts[5] != "function" || parts[6] == "" {
		return "", false
	}
	return parts[6], true
}

// String describes the resolver, for logs.
func (r *Resolver) String() string {
	return fmt.Sprintf("functions resolver (%d built-ins)", len(r.Inline))
}
