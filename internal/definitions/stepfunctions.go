package definitions

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/mie-kafka/mie/events"
)

// machines is the Step Functions part of the definitions: state machines,
// their versions and aliases, and activities. Like state, a value is
// never changed once built: apply copies what it changes.
type machines struct {
	stateMachines map[string]events.StateMachine
	// versions and aliases are by state machine name, then by number or
	// alias name.
	versions   map[string]map[int]events.StateMachineVersion
	aliases    map[string]map[string]events.StateMachineAlias
	activities map[string]events.Activity
}

func newMachines() machines {
	return machines{
		stateMachines: map[string]events.StateMachine{},
		versions:      map[string]map[int]events.StateMachineVersion{},
		aliases:       map[string]map[string]events.StateMachineAlias{},
		activities:    map[string]events.Activity{},
	}
}

// apply folds a Step Functions event; ok is false for other types.
func (m machines) apply(p events.Payload) (machines, bool, error) {
	switch p := p.(type) {
	case *events.StateMachineDefined:
		if p.StateMachine.Name == "" {
			return m, true, fmt.Errorf("%w: %s without a name", errUnexpected, p.EventType())
		}
		m.stateMachines = with(m.stateMachines, p.StateMachine.Name, p.StateMachine)
	case *events.StateMachineDeleted:
		m.stateMachines = without(m.stateMachines, p.Name)
		m.versions = without(m.versions, p.Name)
		m.aliases = without(m.aliases, p.Name)
	case *events.StateMachineVersionPublished:
		v := p.Version
		if v.StateMachine == "" || v.Version < 1 {
			return m, true, fmt.Errorf("%w: %s without a state machine or number", errUnexpected, p.EventType())
		}
		m.versions = with(m.versions, v.StateMachine, withInt(m.versions[v.StateMachine], v.Version, v))
	case *events.StateMachineVersionDeleted:
		if vs, ok := m.versions[p.StateMachine]; ok {
			m.versions = with(m.versions, p.StateMachine, withoutInt(vs, p.Version))
		}
	case *events.StateMachineAliasDefined:
		a := p.Alias
		if a.StateMachine == "" || a.Name == "" {
			return m, true, fmt.Errorf("%w: %s without a state machine or name", errUnexpected, p.EventType())
		}
		m.aliases = with(m.aliases, a.StateMachine, with(m.aliases[a.StateMachine], a.Name, a))
	case *events.StateMachineAliasDeleted:
		if as, ok := m.aliases[p.StateMachine]; ok {
			m.aliases = with(m.aliases, p.StateMachine, without(as, p.Name))
		}
	case *events.ActivityDefined:
		if p.Activity.Name == "" {
			return m, true, fmt.Errorf("%w: %s without a name", errUnexpected, p.EventType())
		}
		m.activities = with(m.activities, p.Activity.Name, p.Activity)
	case *events.ActivityDeleted:
		m.activities = without(m.activities, p.Name)
	default:
		return m, false, nil
	}
	return m, true, nil
}

// tombstone removes what a compaction tombstone's key names.
func (m machines) tombstone(key string) machines {
	if name, ok := strings.CutPrefix(key, "activity/"); ok {
		m.activities = without(m.activities, name)
		return m
	}
	rest := strings.TrimPrefix(key, "statemachine/")
	name, sub, _ := strings.Cut(rest, "/")
	switch kind, id, _ := strings.Cut(sub, "/"); kind {
	case "":
		m.stateMachines = without(m.stateMachines, name)
		m.versions = without(m.versions, name)
		m.aliases = without(m.aliases, name)
	case "version":
		if n, err := strconv.Atoi(id); err == nil && m.versions[name] != nil {
			m.versions = with(m.versions, name, withoutInt(m.versions[name], n))
		}
	case "alias":
		if m.aliases[name] != nil {
			m.aliases = with(m.aliases, name, without(m.aliases[name], id))
		}
	}
	return m
}

func withInt[V any](m map[int]V, k int, v V) map[int]V {
	out := maps.Clone(m)
	if out == nil {
		out = map[int]V{}
	}
	out[k] = v
	return out
}

func withoutInt[V any](m map[int]V, k int) map[int]V {
	out := maps.Clone(m)
	delete(out, k)
	return out
}

// StateMachine returns the named state machine.
func (s *Store) StateMachine(name string) (events.StateMachine, bool) {
	sm, ok := s.snapshot().stateMachines[name]
	return cloneStateMachine(sm), ok
}

// StateMachines returns every state machine, sorted by name.
func (s *Store) StateMachines() []events.StateMachine {
	return sortedValues(s.snapshot().stateMachines, cloneStateMachine)
}

// StateMachineVersion returns version n of the named state machine.
func (s *Store) StateMachineVersion(name string, n int) (events.StateMachineVersion, bool) {
	v, ok := s.snapshot().versions[name][n]
	return v, ok
}

// StateMachineVersions returns the state machine's versions, newest
// first.
func (s *Store) StateMachineVersions(name string) []events.StateMachineVersion {
	vs := s.snapshot().versions[name]
	out := make([]events.StateMachineVersion, 0, len(vs))
	for _, n := range slices.Sorted(maps.Keys(vs)) {
		out = append(out, vs[n])
	}
	slices.Reverse(out)
	return out
}

// StateMachineAlias returns the named alias of a state machine.
func (s *Store) StateMachineAlias(name, alias string) (events.StateMachineAlias, bool) {
	a, ok := s.snapshot().aliases[name][alias]
	a.Routing = slices.Clone(a.Routing)
	return a, ok
}

// StateMachineAliases returns the state machine's aliases, sorted by name.
func (s *Store) StateMachineAliases(name string) []events.StateMachineAlias {
	return sortedValues(s.snapshot().aliases[name], func(a events.StateMachineAlias) events.StateMachineAlias {
		a.Routing = slices.Clone(a.Routing)
		return a
	})
}

// Activity returns the named activity.
func (s *Store) Activity(name string) (events.Activity, bool) {
	a, ok := s.snapshot().activities[name]
	a.Tags = slices.Clone(a.Tags)
	return a, ok
}

// Activities returns every activity, sorted by name.
func (s *Store) Activities() []events.Activity {
	return sortedValues(s.snapshot().activities, func(a events.Activity) events.Activity {
		a.Tags = slices.Clone(a.Tags)
		return a
	})
}

func cloneStateMachine(sm events.StateMachine) events.StateMachine {
	sm.Tags = slices.Clone(sm.Tags)
	return sm
}
