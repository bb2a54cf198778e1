package definitions

import (
	"context"
	"strings"
	"time"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/asl/dataflow"
	"github.com/mie-kafka/mie/internal/engine"
	"github.com/mie-kafka/mie/internal/objectstore"
	"github.com/mie-kafka/mie/internal/problem"
)

// Upload triggers are definitions: rules that start a workflow when an
// object is created through the data plane (see events.UploadTrigger).

// maxAffixLen bounds a trigger's Prefix and Suffix.
const maxAffixLen = 1024

// trigger validates an upload trigger against the definitions.
func trigger(t events.UploadTrigger, st state) error {
	var p problems
	p.name("Name", t.Name)
	switch {
	case t.Workflow != "" && t.StateMachine != "":
		p.add("Workflow", "give Workflow or StateMachine, not both")
	case t.Workflow == "" && t.StateMachine == "":
		p.add("Workflow", "required: the MIE workflow to start, or StateMachine")
	case t.Workflow != "":
		p.name("Workflow", t.Workflow)
		if !hasKey(st.workflows, t.Workflow) {
			p.add("Workflow", "no workflow %q", t.Workflow)
		}
		switch t.MediaType {
		case "Video", "Audio", "Image", "Text":
		case "":
			p.add("MediaType", "required: Video, Audio, Image or Text")
		default:
			p.add("MediaType", "%q: want Video, Audio, Image or Text", t.MediaType)
		}
	default:
		p.name("StateMachine", t.StateMachine)
		if len(t.Definition) > 0 {
			if err := engine.Validate(t.Definition); err != nil {
				p.add("Definition", "%v", err)
			}
		}
		if t.MediaType != "" || t.Configuration != nil {
			p.add("MediaType", "MediaType and Configuration are a workflow's; a state machine gets the event as its input")
		}
	}
	if t.Bucket != "" {
		if err := objectstore.ValidateBucket(t.Bucket); err != nil {
			p.add("Bucket", "%v", err)
		}
	}
	switch t.EventFormat {
	case "", events.EventFormatEventBridge, events.EventFormatS3:
	default:
		p.add("EventFormat", "%q: want %s (the default) or %s", t.EventFormat, events.EventFormatEventBridge, events.EventFormatS3)
	}
	if t.Input != nil {
		if _, err := dataflow.CompileTemplate(t.Input); err != nil {
			p.add("Input", "%v", err)
		}
	}
	for field, v := range map[string]string{"Prefix": t.Prefix, "Suffix": t.Suffix} {
		switch {
		case len(v) > maxAffixLen:
			p.add(field, "longer than %d characters", maxAffixLen)
		case strings.ContainsAny(v, "\x00\\"):
			p.add(field, "must not contain NUL or backslash")
		}
	}
	if strings.HasPrefix(t.Prefix, "/") {
		p.add("Prefix", "keys are relative: drop the leading '/'")
	}
	return p.err()
}

// CreateTrigger sets an upload trigger; an existing one of the same name is
// a conflict unless replace.
func (s *Service) CreateTrigger(ctx context.Context, t events.UploadTrigger, replace bool) (events.UploadTrigger, error) {
	err := s.write(ctx, func(_ context.Context, st state) ([]outgoing, error) {
		if err := trigger(t, st); err != nil {
			return nil, err
		}
		if old, ok := st.triggers[t.Name]; ok && !replace {
			return nil, problem.Conflict("trigger %q exists (%s); delete it first or use replace=true", t.Name, target(old))
		}
		t.Created = time.Now().UTC()
		return []outgoing{s.definition(events.TriggerKey(t.Name), &events.UploadTriggerDefined{Trigger: t})}, nil
	})
	return t, err
}

// DeleteTrigger removes an upload trigger.
func (s *Service) DeleteTrigger(ctx context.Context, name string) (events.UploadTrigger, error) {
	var old events.UploadTrigger
	err := s.write(ctx, func(_ context.Context, st state) ([]outgoing, error) {
		t, ok := st.triggers[name]
		if !ok {
			return nil, problem.NotFound("upload trigger", name)
		}
		old = t
		return []outgoing{s.definition(events.TriggerKey(name), &events.UploadTriggerDeleted{Name: name})}, nil
	})
	return old, err
}

// Trigger returns the named upload trigger.
func (s *Service) Trigger(name string) (events.UploadTrigger, error) {
	t, ok := s.store.Trigger(name)
	if !ok {
		return t, problem.NotFound("upload trigger", name)
	}
	return t, nil
}

// Triggers returns every upload trigger, sorted by name.
func (s *Service) Triggers() []events.UploadTrigger { return s.store.Triggers() }

// MatchingTriggers returns the triggers whose rule matches an object in
// bucket (dataplane is the bucket of rules that name none), sorted by
// name.
func (s *Store) MatchingTriggers(dataplane, bucket, key string) []events.UploadTrigger {
	var out []events.UploadTrigger
	for _, t := range s.Triggers() {
		if t.MatchesObject(dataplane, bucket, key) {
			out = append(out, t)
		}
	}
	return out
}

func target(t events.UploadTrigger) string {
	if t.StateMachine != "" {
		return "state machine " + t.StateMachine
	}
	return "workflow " + t.Workflow
}

// cloneTrigger returns a deep copy of t.
func cloneTrigger(t events.UploadTrigger) events.UploadTrigger {
	if t.Configuration != nil {
		cfg := make(events.Configuration, len(t.Configuration))
		for stage, ops := range t.Configuration {
			m := make(map[string]map[string]any, len(ops))
			for op, settings := range ops {
				m[op] = cloneObject(settings)
			}
			cfg[stage] = m
		}
		t.Configuration = cfg
	}
	return t
}
