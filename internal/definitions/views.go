package definitions

import (
	"maps"
	"slices"
	"time"

	"github.com/mie-kafka/mie/events"
)

// ExpandedStage is one stage of an ExpandedWorkflow, as MIE returns it: the
// stage definition, with the effective configuration of each operator, plus
// its place in the workflow. A stage deleted with force keeps only its
// Name, Next and End.
type ExpandedStage struct {
	events.Stage
	Next string `json:"Next,omitempty"`
	End  bool   `json:"End,omitempty"`
}

// ExpandedWorkflow is a workflow with its Stages expanded as MIE returns
// them.
type ExpandedWorkflow struct {
	Name        string                   `json:"Name"`
	StartAt     string                   `json:"StartAt"`
	Stages      map[string]ExpandedStage `json:"Stages"`
	Description string                   `json:"Description,omitempty"`
	Version     string                   `json:"Version"`
	Id          string                   `json:"Id"`
	Created     time.Time                `json:"Created"`
}

// WorkflowConfiguration maps stage name to operator name to the operator's
// effective configuration in that stage.
type WorkflowConfiguration map[string]map[string]map[string]any

// EffectiveConfiguration is an operator's configuration as a stage runs it:
// the operator's Configuration overlaid, key by key, by the stage's
// Configuration for that operator. The result is a fresh copy.
func EffectiveConfiguration(op events.Operator, stage events.Stage) map[string]any {
	out := cloneObject(op.Configuration)
	if out == nil {
		out = map[string]any{}
	}
	for k, v := range stage.Configuration[op.Name] {
		out[k] = cloneValue(v)
	}
	return out
}

// effectiveStage returns a copy of st whose Configuration holds the
// effective configuration of every operation. An operation whose operator
// has been deleted (with force) keeps the stage's overrides only.
func (s state) effectiveStage(st events.Stage) events.Stage {
	st = cloneStage(st)
	cfg := make(map[string]map[string]any, len(st.Operations))
	for _, name := range st.Operations {
		op, ok := s.operators[name]
		if !ok {
			op = events.Operator{Name: name}
		}
		cfg[name] = EffectiveConfiguration(op, st)
	}
	st.Configuration = cfg
	return st
}

// expand returns wf with each stage entry expanded.
func (s state) expand(wf events.Workflow) ExpandedWorkflow {
	out := ExpandedWorkflow{
		Name:        wf.Name,
		StartAt:     wf.StartAt,
		Stages:      make(map[string]ExpandedStage, len(wf.Stages)),
		Description: wf.Description,
		Version:     wf.Version,
		Id:          wf.Id,
		Created:     wf.Created,
	}
	for name, ws := range wf.Stages {
		st, ok := s.stages[name]
		if ok {
			st = s.effectiveStage(st)
		} else {
			st = events.Stage{Name: name}
		}
		out.Stages[name] = ExpandedStage{Stage: st, Next: ws.Next, End: ws.End}
	}
	return out
}

// expandAll expands the named workflows, in order.
func (s state) expandAll(names []string) []ExpandedWorkflow {
	out := make([]ExpandedWorkflow, 0, len(names))
	for _, n := range names {
		out = append(out, s.expand(s.workflows[n]))
	}
	return out
}

// workflowConfiguration returns the effective configuration of every
// operator in every stage of wf.
func (s state) workflowConfiguration(wf events.Workflow) WorkflowConfiguration {
	out := make(WorkflowConfiguration, len(wf.Stages))
	for name := range wf.Stages {
		st, ok := s.stages[name]
		if !ok {
			out[name] = map[string]map[string]any{}
			continue
		}
		out[name] = s.effectiveStage(st).Configuration
	}
	return out
}

// workflowNames returns every workflow name, sorted.
func (s state) workflowNames() []string {
	return slices.Sorted(maps.Keys(s.workflows))
}
