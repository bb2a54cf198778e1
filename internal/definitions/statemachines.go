package definitions

import (
	"bytes"
	"context"
	"encoding/json"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/mie-kafka/mie/events"
)

// State machines are definitions (see events.StateMachine). The Step
// Functions API validates requests (names, definitions, sizes) before it
// calls these; they check what depends on the stored definitions and
// return errors of the Kinds in sfnerrors.go.

// StateMachineInput is what CreateStateMachine sets. Logging, Tracing and
// Encryption are canonical JSON (the API re-encodes what it is given), so
// that the idempotency check can compare bytes.
type StateMachineInput struct {
	Name, Type, Definition, RoleArn string
	Logging, Tracing, Encryption    json.RawMessage
	Tags                            []events.Tag
	Publish                         bool
	VersionDescription              string
}

// StateMachineUpdate is what UpdateStateMachine changes: nil fields stay.
type StateMachineUpdate struct {
	Definition, RoleArn          *string
	Logging, Tracing, Encryption json.RawMessage
	Publish                      bool
	VersionDescription           string
}

// CreateStateMachine creates a state machine, and publishes its first
// version with Publish. As on AWS it is idempotent: a state machine of the
// same name, definition, type, configurations, publish and version
// description is answered as created (a different role or tags are
// ignored); any other one of that name is ErrStateMachineAlreadyExists.
func (s *Service) CreateStateMachine(ctx context.Context, in StateMachineInput) (events.StateMachine, *events.StateMachineVersion, error) {
	var sm events.StateMachine
	var ver *events.StateMachineVersion
	err := s.write(ctx, func(_ context.Context, st state) ([]outgoing, error) {
		if old, ok := st.stateMachines[in.Name]; ok {
			if old.Status == events.StateMachineDeleting {
				return nil, fail(ErrStateMachineDeleting, "State Machine is being deleted: %s", in.Name)
			}
			if !sameCreate(old, in) {
				return nil, fail(ErrStateMachineAlreadyExists, "State Machine Already Exists: %s", in.Name)
			}
			sm, ver = old, publishedAtCreate(st, old)
			return nil, nil
		}
		if hasKey(st.workflows, in.Name) {
			return nil, fail(ErrStateMachineAlreadyExists, "%s is the name of an MIE workflow", in.Name)
		}
		if len(st.stateMachines) >= MaxStateMachines {
			return nil, fail(ErrStateMachineLimitExceeded, "the limit of %d state machines is reached", MaxStateMachines)
		}
		now := time.Now().UTC()
		sm = events.StateMachine{Name: in.Name, Type: in.Type, Status: events.StateMachineActive, Definition: in.Definition,
			RoleArn: in.RoleArn, RevisionId: uuid.NewString(), Logging: in.Logging, Tracing: in.Tracing,
			Encryption: in.Encryption, Tags: slices.Clone(in.Tags), NextVersion: 1, Publish: in.Publish,
			VersionDescription: in.VersionDescription, Created: now, Updated: now}
		var outs []outgoing
		if in.Publish {
			v := versionOf(sm, in.VersionDescription, now)
			sm.NextVersion, ver = 2, &v
			outs = append(outs, s.definition(events.StateMachineVersionKey(sm.Name, v.Version),
				&events.StateMachineVersionPublished{Version: v}))
		}
		return append([]outgoing{s.definition(events.StateMachineKey(sm.Name), &events.StateMachineDefined{StateMachine: sm})},
			outs...), nil
	})
	return sm, ver, err
}

// sameCreate is CreateStateMachine's idempotency check.
func sameCreate(old events.StateMachine, in StateMachineInput) bool {
	return old.Definition == in.Definition && old.Type == in.Type && bytes.Equal(old.Logging, in.Logging) &&
		bytes.Equal(old.Tracing, in.Tracing) && bytes.Equal(old.Encryption, in.Encryption) &&
		old.Publish == in.Publish && old.VersionDescription == in.VersionDescription
}

// publishedAtCreate is the version a create with publish made, if the
// state machine still has it.
func publishedAtCreate(st state, sm events.StateMachine) *events.StateMachineVersion {
	if !sm.Publish {
		return nil
	}
	if v, ok := st.versions[sm.Name][1]; ok {
		return &v
	}
	return nil
}

func versionOf(sm events.StateMachine, description string, now time.Time) events.StateMachineVersion {
	return events.StateMachineVersion{StateMachine: sm.Name, Version: sm.NextVersion, Type: sm.Type,
		Definition: sm.Definition, RoleArn: sm.RoleArn, RevisionId: sm.RevisionId, Logging: sm.Logging,
		Tracing: sm.Tracing, Encryption: sm.Encryption, Description: description, Created: now}
}

// UpdateStateMachine changes a state machine's definition, role or
// configurations, which makes a new revision, and publishes it as a
// version with Publish. Running executions keep what they started with.
func (s *Service) UpdateStateMachine(ctx context.Context, name string, u StateMachineUpdate) (events.StateMachine, *events.StateMachineVersion, error) {
	var sm events.StateMachine
	var ver *events.StateMachineVersion
	err := s.write(ctx, func(_ context.Context, st state) ([]outgoing, error) {
		old, err := activeMachine(st, name)
		if err != nil {
			return nil, err
		}
		sm = cloneStateMachine(old)
		if u.Definition != nil {
			sm.Definition = *u.Definition
		}
		if u.RoleArn != nil {
			sm.RoleArn = *u.RoleArn
		}
		for _, f := range []struct {
			dst *json.RawMessage
			v   json.RawMessage
		}{
			{&sm.Logging, u.Logging}, {&sm.Tracing, u.Tracing}, {&sm.Encryption, u.Encryption}} {
			if f.v != nil {
				*f.dst = f.v
			}
		}
		now := time.Now().UTC()
		if changed(old, sm) {
			sm.RevisionId = uuid.NewString()
		}
		sm.Updated = now
		var outs []outgoing
		if u.Publish {
			v, out, err := s.publish(st, &sm, u.VersionDescription, now)
			if err != nil {
				return nil, err
			}
			ver, outs = &v, out
		}
		return append([]outgoing{s.definition(events.StateMachineKey(name), &events.StateMachineDefined{StateMachine: sm})},
			outs...), nil
	})
	return sm, ver, err
}

func changed(a, b events.StateMachine) bool {
	return a.Definition != b.Definition || a.RoleArn != b.RoleArn || !bytes.Equal(a.Logging, b.Logging) ||
		!bytes.Equal(a.Tracing, b.Tracing) || !bytes.Equal(a.Encryption, b.Encryption)
}

// activeMachine returns the named state machine unless it is missing or
// being deleted.
func activeMachine(st state, name string) (events.StateMachine, error) {
	sm, ok := st.stateMachines[name]
	switch {
	case !ok:
		return sm, fail(ErrStateMachineDoesNotExist, "State Machine Does Not Exist: %s", name)
	case sm.Status == events.StateMachineDeleting:
		return sm, fail(ErrStateMachineDeleting, "State Machine is being deleted: %s", name)
	}
	return sm, nil
}

// publish makes sm's current revision a version, unless the latest
// version is of that revision already (PublishStateMachineVersion is
// idempotent); it moves sm.NextVersion on.
func (s *Service) publish(st state, sm *events.StateMachine, description string, now time.Time) (events.StateMachineVersion, []outgoing, error) {
	var latest *events.StateMachineVersion
	for n, v := range st.versions[sm.Name] {
		if latest == nil || n > latest.Version {
			latest = &v
		}
	}
	if latest != nil && latest.RevisionId == sm.RevisionId {
		return *latest, nil, nil
	}
	if len(st.versions[sm.Name]) >= MaxVersions {
		return events.StateMachineVersion{}, nil, fail(ErrServiceQuotaExceeded,
			"state machine %s has %d versions, the limit: delete some first", sm.Name, MaxVersions)
	}
	v := versionOf(*sm, description, now)
	sm.NextVersion++
	return v, []outgoing{s.definition(events.StateMachineVersionKey(sm.Name, v.Version),
		&events.StateMachineVersionPublished{Version: v})}, nil
}

// PublishStateMachineVersion publishes the state machine's current
// revision as a version; revisionId, when set, must be the current one
// (ErrConflict otherwise).
func (s *Service) PublishStateMachineVersion(ctx context.Context, name, revisionID, description string) (events.StateMachineVersion, error) {
	var ver events.StateMachineVersion
	err := s.write(ctx, func(_ context.Context, st state) ([]outgoing, error) {
		sm, err := activeMachine(st, name)
		if err != nil {
			return nil, err
		}
		if revisionID != "" && revisionID != sm.RevisionId {
			return nil, fail(ErrConflict, "revisionId %s is not the current revision of %s (%s)", revisionID, name, sm.RevisionId)
		}
		sm = cloneStateMachine(sm)
		v, outs, err := s.publish(st, &sm, description, time.Now().UTC())
		ver = v
		if err != nil || len(outs) == 0 {
			return nil, err
		}
		return append(outs, s.definition(events.StateMachineKey(name), &events.StateMachineDefined{StateMachine: sm})), nil
	})
	return ver, err
}

// DeleteStateMachineVersion deletes a version that no alias routes to
// (ErrConflict otherwise); a missing one is no error, as on AWS.
func (s *Service) DeleteStateMachineVersion(ctx context.Context, name string, version int) error {
	return s.write(ctx, func(_ context.Context, st state) ([]outgoing, error) {
		if _, ok := st.versions[name][version]; !ok {
			return nil, nil
		}
		for _, a := range st.aliases[name] {
			for _, r := range a.Routing {
				if r.Version == version {
					return nil, fail(ErrConflict, "version %d of %s is in use by alias %s", version, name, a.Name)
				}
			}
		}
		return []outgoing{s.definition(events.StateMachineVersionKey(name, version),
			&events.StateMachineVersionDeleted{StateMachine: name, Version: version})}, nil
	})
}

// DeleteStateMachine deletes a state machine with its versions and
// aliases, or, while running says executions of it still run, marks it
// DELETING (FinishDeleting deletes it once they have ended). A missing
// state machine is no error, as on AWS.
func (s *Service) DeleteStateMachine(ctx context.Context, name string, running bool) error {
	return s.write(ctx, func(_ context.Context, st state) ([]outgoing, error) {
		sm, ok := st.stateMachines[name]
		switch {
		case !ok:
			return nil, nil
		case running && sm.Status == events.StateMachineDeleting:
			return nil, nil
		case running:
			sm = cloneStateMachine(sm)
			sm.Status, sm.Updated = events.StateMachineDeleting, time.Now().UTC()
			return []outgoing{s.definition(events.StateMachineKey(name), &events.StateMachineDefined{StateMachine: sm})}, nil
		}
		return s.deletion(st, name), nil
	})
}

// FinishDeleting deletes a state machine marked DELETING (its executions
// have ended); any other is left as it is.
func (s *Service) FinishDeleting(ctx context.Context, name string) error {
	return s.write(ctx, func(_ context.Context, st state) ([]outgoing, error) {
		if sm, ok := st.stateMachines[name]; !ok || sm.Status != events.StateMachineDeleting {
			return nil, nil
		}
		return s.deletion(st, name), nil
	})
}

// deletion is the events that delete a state machine, its versions and
// its aliases.
func (s *Service) deletion(st state, name string) []outgoing {
	var outs []outgoing
	for n := range st.versions[name] {
		outs = append(outs, s.definition(events.StateMachineVersionKey(name, n),
			&events.StateMachineVersionDeleted{StateMachine: name, Version: n}))
	}
	for a := range st.aliases[name] {
		outs = append(outs, s.definition(events.StateMachineAliasKey(name, a),
			&events.StateMachineAliasDeleted{StateMachine: name, Name: a}))
	}
	return append(outs, s.definition(events.StateMachineKey(name), &events.StateMachineDeleted{Name: name}))
}
