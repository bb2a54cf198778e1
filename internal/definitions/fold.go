package definitions

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/mie-kafka/mie/events"
)

// DefaultMaxConcurrentWorkflows is MIE's default for MaxConcurrentWorkflows,
// in force until a SystemConfigured event sets another value.
const DefaultMaxConcurrentWorkflows = 10

// errUnexpected marks a record that does not belong on the definitions
// topic or carries an impossible value; the store skips it.
var errUnexpected = errors.New("unexpected definitions record")

// state is the materialized definitions topic. A state is never changed
// once built: apply returns a new state whose changed map is a fresh copy,
// so that a snapshot can be read without a lock while the store folds on.
type state struct {
	operators map[string]events.Operator
	stages    map[string]events.Stage
	workflows map[string]events.Workflow
	triggers  map[string]events.UploadTrigger
	functions map[string]events.Function
	system    events.SystemConfigured
	// machines holds the Step Functions definitions (stepfunctions.go).
	machines
}

// newState returns the state of an empty definitions topic.
func newState() state {
	return state{
		operators: map[string]events.Operator{},
		stages:    map[string]events.Stage{},
		workflows: map[string]events.Workflow{},
		triggers:  map[string]events.UploadTrigger{},
		functions: map[string]events.Function{},
		machines:  newMachines(),
		system:    events.SystemConfigured{MaxConcurrentWorkflows: DefaultMaxConcurrentWorkflows},
	}
}

// apply folds one definitions event into s and returns the new state. It is
// pure: s is left as it was. An event that cannot be decoded, is of another
// type or names nothing returns s unchanged with an error.
func apply(s state, env events.Envelope) (state, error) {
	p, err := env.Decode()
	if err != nil {
		return s, err
	}
	switch p := p.(type) {
	case *events.OperatorDefined:
		if p.Operator.Name == "" {
			return s, fmt.Errorf("%w: %s without a name", errUnexpected, env.Type)
		}
		s.operators = with(s.operators, p.Operator.Name, p.Operator)
	case *events.OperatorDeleted:
		s.operators = without(s.operators, p.Name)
	case *events.StageDefined:
		if p.Stage.Name == "" {
			return s, fmt.Errorf("%w: %s without a name", errUnexpected, env.Type)
		}
		s.stages = with(s.stages, p.Stage.Name, p.Stage)
	case *events.StageDeleted:
		s.stages = without(s.stages, p.Name)
	case *events.WorkflowDefined:
		if p.Workflow.Name == "" {
			return s, fmt.Errorf("%w: %s without a name", errUnexpected, env.Type)
		}
		s.workflows = with(s.workflows, p.Workflow.Name, p.Workflow)
	case *events.WorkflowDeleted:
		s.workflows = without(s.workflows, p.Name)
	case *events.UploadTriggerDefined:
		if p.Trigger.Name == "" {
			return s, fmt.Errorf("%w: %s without a name", errUnexpected, env.Type)
		}
		s.triggers = with(s.triggers, p.Trigger.Name, p.Trigger)
	case *events.UploadTriggerDeleted:
		s.triggers = without(s.triggers, p.Name)
	case *events.FunctionDefined:
		if p.Function.Name == "" {
			return s, fmt.Errorf("%w: %s without a name", errUnexpected, env.Type)
		}
		s.functions = with(s.functions, p.Function.Name, p.Function)
	case *events.FunctionDeleted:
		s.functions = without(s.functions, p.Name)
	case *events.SystemConfigured:
		if p.MaxConcurrentWorkflows < 1 {
			return s, fmt.Errorf("%w: MaxConcurrentWorkflows %d", errUnexpected, p.MaxConcurrentWorkflows)
		}
		s.system = *p
	default:
		if m, ok, err := s.machines.apply(p); ok {
			s.machines = m
			return s, err
		}
		return s, fmt.Errorf("%w: type %s", errUnexpected, env.Type)
	}
	return s, nil
}

// applyTombstone folds a tombstone (a record without a value, which
// compaction leaves for a deleted key) into s: the keyed definition goes.
func applyTombstone(s state, key string) (state, error) {
	switch {
	case strings.HasPrefix(key, "operator/"):
		s.operators = without(s.operators, strings.TrimPrefix(key, "operator/"))
	case strings.HasPrefix(key, "stage/"):
		s.stages = without(s.stages, strings.TrimPrefix(key, "stage/"))
	case strings.HasPrefix(key, "workflow/"):
		s.workflows = without(s.workflows, strings.TrimPrefix(key, "workflow/"))
	case strings.HasPrefix(key, "trigger/"):
		s.triggers = without(s.triggers, strings.TrimPrefix(key, "trigger/"))
	case strings.HasPrefix(key, "function/"):
		s.functions = without(s.functions, strings.TrimPrefix(key, "function/"))
	case key == events.SystemConfigKey:
		s.system = newState().system
	case strings.HasPrefix(key, "statemachine/"), strings.HasPrefix(key, "activity/"):
		s.machines = s.machines.tombstone(key)
	default:
		return s, fmt.Errorf("%w: tombstone for key %q", errUnexpected, key)
	}
	return s, nil
}

// with returns a copy of m with k set to v.
func with[V any](m map[string]V, k string, v V) map[string]V {
	out := maps.Clone(m)
	if out == nil {
		out = map[string]V{}
	}
	out[k] = v
	return out
}

// without returns a copy of m without k, or m itself when k is absent.
func without[V any](m map[string]V, k string) map[string]V {
	if _, ok := m[k]; !ok {
		return m
	}
	out := maps.Clone(m)
	delete(out, k)
	return out
}

// triggersUsingWorkflow returns the upload triggers that start wf, sorted.
func (s state) triggersUsingWorkflow(wf string) []string {
	var out []string
	for name, t := range s.triggers {
		if t.Workflow == wf {
			out = append(out, name)
		}
	}
	slices.Sort(out)
	return out
}

// stagesUsingOperator returns the stages whose Operations list op, sorted.
func (s state) stagesUsingOperator(op string) []string {
	var out []string
	for name, st := range s.stages {
		if slices.Contains(st.Operations, op) {
			out = append(out, name)
		}
	}
	slices.Sort(out)
	return out
}

// workflowsUsingStage returns the workflows that run stage, sorted.
func (s state) workflowsUsingStage(stage string) []string {
	var out []string
	for name, wf := range s.workflows {
		if _, ok := wf.Stages[stage]; ok {
			out = append(out, name)
		}
	}
	slices.Sort(out)
	return out
}

// workflowsUsingOperator returns the workflows with a stage that runs op,
// sorted.
func (s state) workflowsUsingOperator(op string) []string {
	stages := s.stagesUsingOperator(op)
	var out []string
	for name, wf := range s.workflows {
		for _, st := range stages {
			if _, ok := wf.Stages[st]; ok {
				out = append(out, name)
				break
			}
		}
	}
	slices.Sort(out)
	return out
}

// sortedValues returns m's values ordered by key.
func sortedValues[V any](m map[string]V, clone func(V) V) []V {
	keys := slices.Sorted(maps.Keys(m))
	out := make([]V, 0, len(keys))
	for _, k := range keys {
		out = append(out, clone(m[k]))
	}
	return out
}

// cloneOperator returns a deep copy of op.
func cloneOperator(op events.Operator) events.Operator {
	op.Configuration = cloneObject(op.Configuration)
	return op
}

// cloneStage returns a deep copy of st.
func cloneStage(st events.Stage) events.Stage {
	st.Operations = slices.Clone(st.Operations)
	if st.Configuration != nil {
		cfg := make(map[string]map[string]any, len(st.Configuration))
		for k, v := range st.Configuration {
			cfg[k] = cloneObject(v)
		}
		st.Configuration = cfg
	}
	return st
}

// cloneWorkflow returns a deep copy of wf.
func cloneWorkflow(wf events.Workflow) events.Workflow {
	wf.Stages = maps.Clone(wf.Stages)
	return wf
}

// cloneObject deep-copies a decoded JSON object.
func cloneObject(m map[string]any) map[string]any {
	if m == nil {
		return nil
	}
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = cloneValue(v)
	}
	return out
}

// cloneValue deep-copies a decoded JSON value; scalars are immutable.
func cloneValue(v any) any {
	switch v := v.(type) {
	case map[string]any:
		return cloneObject(v)
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = cloneValue(e)
		}
		return out
	default:
		return v
	}
}
