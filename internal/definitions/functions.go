package definitions

import (
	"context"
	"maps"
	"regexp"
	"time"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/problem"
)

// Functions are definitions: a name and an implementation that Task
// states reach (see events.Function).

// Limits of a function, as AWS Lambda's where it has one.
const (
	maxFunctionName    = 64
	maxFunctionTimeout = 31536000 // a year
	maxEnvironment     = 4 << 10  // bytes of keys and values, Lambda's 4 KB
)

var (
	functionName = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)
	envName      = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]*$`)
)

// function validates a function definition.
func (r rules) function(f events.Function) (workerTopic string, err error) {
	var p problems
	switch {
	case f.Name == "":
		p.add("Name", "required")
	case len(f.Name) > maxFunctionName:
		p.add("Name", "longer than %d characters", maxFunctionName)
	case !functionName.MatchString(f.Name):
		p.add("Name", "%q: use letters, digits, '_' and '-'", f.Name)
	}
	_, workerTopic, _ = r.implementationRef("Implementation", f.Implementation, &p)
	if f.TimeoutSeconds < 0 || f.TimeoutSeconds > maxFunctionTimeout {
		p.add("TimeoutSeconds", "%d: want 1 to %d, or leave it out", f.TimeoutSeconds, maxFunctionTimeout)
	}
	size := 0
	for k, v := range f.Environment {
		size += len(k) + len(v)
		if !envName.MatchString(k) {
			p.add("Environment", "%q is not a variable name: a letter, then letters, digits and '_'", k)
		}
	}
	if size > maxEnvironment {
		p.add("Environment", "%d bytes, over the limit of %d", size, maxEnvironment)
	}
	return workerTopic, p.err()
}

// PutFunction creates or replaces a function; a worker function's task
// topic is created if missing.
func (s *Service) PutFunction(ctx context.Context, f events.Function) (events.Function, error) {
	err := s.write(ctx, func(ctx context.Context, st state) ([]outgoing, error) {
		topic, err := s.rules.function(f)
		if err != nil {
			return nil, err
		}
		if topic != "" {
			if err := s.ensureTaskTopic(ctx, topic); err != nil {
				return nil, err
			}
		}
		now := time.Now().UTC()
		f.Created, f.Updated, f.Version = now, now, "1"
		if old, ok := st.functions[f.Name]; ok {
			f.Created, f.Version = old.Created, nextVersion(old.Version)
		}
		f.Environment = maps.Clone(f.Environment)
		return []outgoing{s.definition(events.FunctionKey(f.Name), &events.FunctionDefined{Function: f})}, nil
	})
	return f, err
}

// DeleteFunction removes a function. Tasks that name it afterwards fail
// with Lambda.ResourceNotFoundException.
func (s *Service) DeleteFunction(ctx context.Context, name string) (events.Function, error) {
	var old events.Function
	err := s.write(ctx, func(_ context.Context, st state) ([]outgoing, error) {
		f, ok := st.functions[name]
		if !ok {
			return nil, problem.NotFound("function", name)
		}
		old = f
		return []outgoing{s.definition(events.FunctionKey(name), &events.FunctionDeleted{Name: name})}, nil
	})
	return old, err
}

// Function returns the named function.
func (s *Service) Function(name string) (events.Function, error) {
	f, ok := s.store.Function(name)
	if !ok {
		return f, problem.NotFound("function", name)
	}
	return f, nil
}

// Functions returns every function, sorted by name.
func (s *Service) Functions() []events.Function { return s.store.Functions() }

// Function returns the named function as the store holds it.
func (s *Store) Function(name string) (events.Function, bool) {
	f, ok := s.snapshot().functions[name]
	if ok {
		f.Environment = maps.Clone(f.Environment)
	}
	return f, ok
}

// Functions returns every function, sorted by name.
func (s *Store) Functions() []events.Function {
	return sortedValues(s.snapshot().functions, func(f events.Function) events.Function {
		f.Environment = maps.Clone(f.Environment)
		return f
	})
}
