package worker

import (
	"context"
	"fmt"

	"github.com/mie-kafka/mie/events"
)

// Functions is where function definitions are read (the definitions
// store).
type Functions interface {
	Function(name string) (events.Function, bool)
}

// WithEnvironment hands each function invocation of h its function's
// Environment, read from fns when the task runs (as Lambda reads a
// function's configuration when it is invoked, so a PUT /functions takes
// effect on the next invocation). The handler reads it with Environment.
// Tasks that name no function (MIE operators, service integrations) get
// none. h's Monitor and Function steps are kept.
func WithEnvironment(h Handler, fns Functions) Handler {
	return environment{h: h, fns: fns}
}

type environmentKey struct{}

// Environment is the running function's Environment (nil outside a
// function invocation wrapped by WithEnvironment). Do not modify it.
func Environment(ctx context.Context) map[string]string {
	env, _ := ctx.Value(environmentKey{}).(map[string]string)
	return env
}

type environment struct {
	h   Handler
	fns Functions
}

func (e environment) with(ctx context.Context, t *Task) context.Context {
	if e.fns == nil || t.Function == "" || !t.IsFunctionCall() {
		return ctx
	}
	f, ok := e.fns.Function(t.Function)
	if !ok {
		return ctx
	}
	return context.WithValue(ctx, environmentKey{}, f.Environment)
}

// Start implements Handler.
func (e environment) Start(ctx context.Context, t *Task) (Result, error) {
	return e.h.Start(e.with(ctx, t), t)
}

// Invoke implements Function.
func (e environment) Invoke(ctx context.Context, t *Task) (Result, error) {
	f, ok := e.h.(Function)
	if !ok {
		return e.h.Start(e.with(ctx, t), t)
	}
	return f.Invoke(e.with(ctx, t), t)
}

// Monitor implements Monitor.
func (e environment) Monitor(ctx context.Context, t *Task) (Result, error) {
	m, ok := e.h.(Monitor)
	if !ok {
		return Failed(fmt.Sprintf("operator %s has no Monitor step: it cannot run as Async", t.Name), ""), nil
	}
	return m.Monitor(e.with(ctx, t), t)
}
