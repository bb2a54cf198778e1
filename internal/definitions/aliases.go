package definitions

import (
	"context"
	"slices"
	"time"

	"github.com/mie-kafka/mie/events"
)

// CreateStateMachineAlias creates an alias routing to existing versions.
// As on AWS it is idempotent: the same description and routing answer the
// existing alias; a different one of that name is ErrConflict.
func (s *Service) CreateStateMachineAlias(ctx context.Context, in events.StateMachineAlias) (events.StateMachineAlias, error) {
	var out events.StateMachineAlias
	err := s.write(ctx, func(_ context.Context, st state) ([]outgoing, error) {
		if err := aliasTarget(st, in.StateMachine, in.Routing); err != nil {
			return nil, err
		}
		if old, ok := st.aliases[in.StateMachine][in.Name]; ok {
			if old.Description != in.Description || !slices.Equal(old.Routing, in.Routing) {
				return nil, fail(ErrConflict, "alias %s of %s exists with another description or routing", in.Name, in.StateMachine)
			}
			out = old
			return nil, nil
		}
		if len(st.aliases[in.StateMachine]) >= MaxAliases {
			return nil, fail(ErrServiceQuotaExceeded, "state machine %s has %d aliases, the limit", in.StateMachine, MaxAliases)
		}
		now := time.Now().UTC()
		out = in
		out.Routing, out.Created, out.Updated = slices.Clone(in.Routing), now, now
		return []outgoing{s.definition(events.StateMachineAliasKey(out.StateMachine, out.Name),
			&events.StateMachineAliasDefined{Alias: out})}, nil
	})
	return out, err
}

// aliasTarget checks that the state machine is active and that every
// routed version exists.
func aliasTarget(st state, name string, routing []events.AliasRoute) error {
	sm, ok := st.stateMachines[name]
	switch {
	case !ok:
		return fail(ErrResourceNotFound, "State Machine Does Not Exist: %s", name)
	case sm.Status == events.StateMachineDeleting:
		return fail(ErrStateMachineDeleting, "State Machine is being deleted: %s", name)
	}
	for _, r := range routing {
		if _, ok := st.versions[name][r.Version]; !ok {
			return fail(ErrResourceNotFound, "version %d of %s does not exist", r.Version, name)
		}
	}
	return nil
}

// UpdateStateMachineAlias changes an alias's description (when not nil)
// and routing (when not empty).
func (s *Service) UpdateStateMachineAlias(ctx context.Context, machine, name string, description *string, routing []events.AliasRoute) (events.StateMachineAlias, error) {
	var out events.StateMachineAlias
	err := s.write(ctx, func(_ context.Context, st state) ([]outgoing, error) {
		old, ok := st.aliases[machine][name]
		if !ok {
			return nil, fail(ErrResourceNotFound, "alias %s of %s does not exist", name, machine)
		}
		if err := aliasTarget(st, machine, routing); err != nil {
			return nil, err
		}
		out = old
		out.Routing = slices.Clone(old.Routing)
		if description != nil {
			out.Description = *description
		}
		if len(routing) > 0 {
			out.Routing = slices.Clone(routing)
		}
		out.Updated = time.Now().UTC()
		return []outgoing{s.definition(events.StateMachineAliasKey(machine, name), &events.StateMachineAliasDefined{Alias: out})}, nil
	})
	return out, err
}

// DeleteStateMachineAlias deletes an alias (ErrResourceNotFound when
// there is none).
func (s *Service) DeleteStateMachineAlias(ctx context.Context, machine, name string) error {
	return s.write(ctx, func(_ context.Context, st state) ([]outgoing, error) {
		if _, ok := st.aliases[machine][name]; !ok {
			return nil, fail(ErrResourceNotFound, "alias %s of %s does not exist", name, machine)
		}
		return []outgoing{s.definition(events.StateMachineAliasKey(machine, name),
			&events.StateMachineAliasDeleted{StateMachine: machine, Name: name})}, nil
	})
}

// TagTarget names a taggable resource: a state machine, or an activity.
type TagTarget struct {
	Activity bool
	Name     string
}

// TagResource adds tags (a key set again takes the new value) and removes
// the keys in untag. At most MaxTags may result (ErrTooManyTags).
func (s *Service) TagResource(ctx context.Context, t TagTarget, tags []events.Tag, untag []string) error {
	return s.write(ctx, func(_ context.Context, st state) ([]outgoing, error) {
		var cur []events.Tag
		if t.Activity {
			a, ok := st.activities[t.Name]
			if !ok {
				return nil, fail(ErrResourceNotFound, "Activity Does Not Exist: %s", t.Name)
			}
			cur = a.Tags
		} else {
			sm, ok := st.stateMachines[t.Name]
			if !ok {
				return nil, fail(ErrResourceNotFound, "State Machine Does Not Exist: %s", t.Name)
			}
			cur = sm.Tags
		}
		next, err := mergeTags(cur, tags, untag)
		if err != nil {
			return nil, err
		}
		if t.Activity {
			a := st.activities[t.Name]
			a.Tags = next
			return []outgoing{s.definition(events.ActivityKey(t.Name), &events.ActivityDefined{Activity: a})}, nil
		}
		sm := cloneStateMachine(st.stateMachines[t.Name])
		sm.Tags = next
		return []outgoing{s.definition(events.StateMachineKey(t.Name), &events.StateMachineDefined{StateMachine: sm})}, nil
	})
}

// mergeTags applies tags and then untag to cur.
func mergeTags(cur, tags []events.Tag, untag []string) ([]events.Tag, error) {
	out := slices.Clone(cur)
	for _, t := range tags {
		if i := slices.IndexFunc(out, func(o events.Tag) bool { return o.Key == t.Key }); i >= 0 {
			out[i].Value = t.Value
		} else {
			out = append(out, t)
		}
	}
	out = slices.DeleteFunc(out, func(t events.Tag) bool { return slices.Contains(untag, t.Key) })
	if len(out) > MaxTags {
		return nil, fail(ErrTooManyTags, "%d tags, over the limit of %d", len(out), MaxTags)
	}
	return out, nil
}
