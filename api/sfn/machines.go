package sfn

import (
	"github.com/mie-kafka/mie/api/triggers"
	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/functions"
)

// Machines resolves state machine ARNs the way StartExecution does (a
// version, or an alias routing between versions) for the engine's child
// executions (states:startExecution, functions.Machines) and for the
// object-created triggers (triggers.Machines, by name). It needs only the
// definitions store, so an executor without the API role has it too.
type Machines struct{ s *Service }

var (
	_ functions.Machines = (*Machines)(nil)
	_ triggers.Machines  = (*Machines)(nil)
)

// NewMachines resolves ARNs of region and account (defaults when empty)
// against store.
func NewMachines(store Store, region, account string) *Machines {
	return &Machines{s: &Service{cfg: Config{Region: region, Account: account, Store: store}.withDefaults()}}
}

// Machine implements functions.Machines: an MIE workflow or a machine
// being deleted cannot be started that way, as through StartExecution.
func (m *Machines) Machine(arn string) (functions.Machine, bool) {
	mm, _, err := m.s.machineByArn("StateMachineArn", arn, StateMachineDoesNotExist)
	if err != nil || mm.Workflow != nil || mm.SM.Status == events.StateMachineDeleting {
		return functions.Machine{}, false
	}
	run, err := m.s.runFor(mm)
	if err != nil {
		return functions.Machine{}, false
	}
	return functions.Machine{Definition: run.Definition, Ref: *run.StateMachine, Type: run.Type}, true
}

// StateMachine implements triggers.Machines: the machine's current
// revision, by name.
func (m *Machines) StateMachine(name string) (triggers.Machine, bool) {
	sm, ok := m.s.cfg.Store.StateMachine(name)
	if !ok || sm.Status == events.StateMachineDeleting {
		return triggers.Machine{}, false
	}
	return triggers.Machine{Arn: m.s.stateMachineArn(name), Definition: []byte(sm.Definition), Type: sm.Type,
		RoleArn: sm.RoleArn}, true
}
