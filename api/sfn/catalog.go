package sfn

import (
	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/workflow"
)

// One catalogue: the state machines of this API and MIE's workflows, which
// appear as STANDARD state machines of the same name whose definition is
// what internal/workflow compiles them into. Workflows are read-only here
// (the MIE API changes them), and their executions start through the MIE
// API; both APIs show every execution.

// machine is what a state machine ARN names: a state machine at its
// current revision, one of its versions or aliases, or an MIE workflow.
type machine struct {
	Name     string
	Workflow *events.Workflow
	SM       events.StateMachine
	Version  *events.StateMachineVersion
	Alias    *events.StateMachineAlias
}

// roleOfWorkflows is the roleArn a workflow shows (it has none).
func (s *Service) roleOfWorkflows() string {
	return "arn:aws:iam::" + s.cfg.Account + ":role/mie-workflow"
}

// lookup returns what ref names, or a Fault of notFound.
func (s *Service) lookup(ref machineRef, ours bool, arnText string, notFound *Code) (machine, error) {
	missing := fault(notFound, "State Machine Does Not Exist: '%s'", arnText)
	if !ours {
		return machine{}, missing
	}
	sm, ok := s.cfg.Store.StateMachine(ref.Name)
	if !ok {
		wf, ok := s.cfg.Store.Workflow(ref.Name)
		if !ok || ref.Version != 0 || ref.Alias != "" {
			return machine{}, missing
		}
		return machine{Name: ref.Name, Workflow: &wf}, nil
	}
	m := machine{Name: ref.Name, SM: sm}
	switch {
	case ref.Version != 0:
		v, ok := s.cfg.Store.StateMachineVersion(ref.Name, ref.Version)
		if !ok {
			return machine{}, missing
		}
		m.Version = &v
	case ref.Alias != "":
		a, ok := s.cfg.Store.StateMachineAlias(ref.Name, ref.Alias)
		if !ok {
			return machine{}, missing
		}
		m.Alias = &a
	}
	return m, nil
}

// machineByArn parses and looks up a state machine ARN.
func (s *Service) machineByArn(field, v string, notFound *Code) (machine, machineRef, error) {
	if v == "" {
		return machine{}, machineRef{}, required(field)
	}
	ref, ours, err := s.parseMachineArn(field, v)
	if err != nil {
		return machine{}, ref, err
	}
	m, err := s.lookup(ref, ours, v, notFound)
	return m, ref, err
}

// workflowDefinition is an MIE workflow compiled, as its executions run
// it now.
func (s *Service) workflowDefinition(name string) (string, error) {
	c, err := workflow.Compile(s.cfg.Store, name, nil, s.cfg.Catalog)
	if err != nil {
		return "", err
	}
	def, err := c.Definition(s.cfg.OperatorTimeout, nil)
	return string(def), err
}

// readOnly is the answer to a change of an MIE workflow.
func readOnly(name string) error {
	return fault(ValidationException, "%s is an MIE workflow: it is read-only through the Step Functions API; change it with the MIE API (/workflow)", name)
}
