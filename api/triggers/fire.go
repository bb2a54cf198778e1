// Package triggers starts executions when objects are created: the
// object-created triggers (events.UploadTrigger), like S3 event
// notifications to EventBridge or Lambda. Every object written through mie
// (an upload, the S3 endpoint, an aws-sdk:s3 Task) is an ObjectCreated on
// the objects topic; the Firer matches it against the rules and starts
// each matching rule's MIE workflow or state machine, with an input made
// from the S3 event by the rule's template.
//
// One object never starts a rule twice: the execution's id is a function
// of the rule and the object's identity (bucket, key, and version or
// ETag; see ExecutionID), a start is skipped when that execution exists,
// and the executor drops a StartExecution whose id it already holds. So
// the writers can report an object more than once (a client's retry, a
// redelivered record, the objects consumer after the API fired it
// already) without a second execution.
package triggers

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"log/slog"
	"sync"

	"github.com/mie-kafka/mie/api/commands"
	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/asl/dataflow"
	"github.com/mie-kafka/mie/internal/problem"
	"github.com/mie-kafka/mie/internal/view"
)

// Rules finds the triggers matching an object (internal/definitions
// Store).
type Rules interface {
	MatchingTriggers(dataplane, bucket, key string) []events.UploadTrigger
}

// Starts starts executions (api/commands Service).
type Starts interface {
	Start(ctx context.Context, req commands.StartRequest) (*view.Execution, error)
	StartRun(ctx context.Context, req commands.RunRequest) (*view.Execution, error)
	Execution(ctx context.Context, id string) (*view.Execution, error)
}

// Machine is a state machine to start: its definition and how it runs.
type Machine struct {
	Arn        string
	Definition json.RawMessage
	Type       string
	RoleArn    string
}

// Machines looks state machines up by name (the Step Functions API's
// definitions). Until that lands a rule carries its machine's Definition.
type Machines interface {
	StateMachine(name string) (Machine, bool)
}

// Config wires a Firer.
type Config struct {
	Rules  Rules
	Starts Starts
	// Machines may be nil: rules then give their machine's Definition.
	Machines Machines
	// Dataplane is the bucket of rules that name none.
	Dataplane string
	// Region is what the events and ARNs say; default us-east-1.
	Region string
	Logger *slog.Logger
}

// Validate joins every problem.
func (c Config) Validate() error {
	var errs []error
	if c.Rules == nil {
		errs = append(errs, errors.New("triggers: Rules is required"))
	}
	if c.Starts == nil {
		errs = append(errs, errors.New("triggers: Starts is required"))
	}
	if c.Dataplane == "" {
		errs = append(errs, errors.New("triggers: Dataplane is required"))
	}
	if c.Logger == nil {
		errs = append(errs, errors.New("triggers: Logger is required"))
	}
	return errors.Join(errs...)
}

// Fired is one rule an object matched.
type Fired struct {
	Rule         string
	Workflow     string
	StateMachine string
	ExecutionId  string
	// Existing: the execution had been started before, by an earlier
	// report of the same object.
	Existing bool
	// Error says why the rule could not start its execution.
	Error string
}

// Firer starts the executions of the rules an object matches.
type Firer struct {
	cfg Config
	log *slog.Logger
	// stripes serialize the starts of one execution id in this process.
	stripes [64]sync.Mutex
}

// New validates cfg.
func New(cfg Config) (*Firer, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if cfg.Region == "" {
		cfg.Region = "us-east-1"
	}
	return &Firer{cfg: cfg, log: cfg.Logger.With("component", "triggers")}, nil
}

// Fire starts every matching rule's execution, in name order. A rule that
// cannot start is reported in its Fired and logged; the others go on.
func (f *Firer) Fire(ctx context.Context, ev *events.ObjectCreated) []Fired {
	out := []Fired{}
	for _, t := range f.cfg.Rules.MatchingTriggers(f.cfg.Dataplane, ev.Bucket, ev.Key) {
		fd := Fired{Rule: t.Name, Workflow: t.Workflow, StateMachine: t.StateMachine, ExecutionId: ExecutionID(t.Name, ev)}
		existing, err := f.start(ctx, t, ev, fd.ExecutionId)
		fd.Existing = existing
		if err != nil {
			fd.Error, fd.ExecutionId = err.Error(), ""
			f.log.Warn("trigger could not start its execution", "trigger", t.Name, "bucket", ev.Bucket, "key", ev.Key, "err", err)
		} else if !existing {
			f.log.Info("trigger started an execution", "trigger", t.Name, "bucket", ev.Bucket, "key", ev.Key, "execution", fd.ExecutionId)
		}
		out = append(out, fd)
	}
	return out
}

func (f *Firer) lock(id string) *sync.Mutex {
	h := fnv.New32a()
	_, _ = h.Write([]byte(id))
	return &f.stripes[h.Sum32()%uint32(len(f.stripes))]
}

// start starts one rule's execution unless it exists.
func (f *Firer) start(ctx context.Context, t events.UploadTrigger, ev *events.ObjectCreated, id string) (bool, error) {
	mu := f.lock(id)
	mu.Lock()
	defer mu.Unlock()
	if _, err := f.cfg.Starts.Execution(ctx, id); err == nil {
		return true, nil
	} else if !errors.Is(err, problem.ErrNotFound) {
		return false, err
	}
	input, err := f.input(t, ev, id)
	if err != nil {
		return false, err
	}
	trigger := &events.Trigger{Source: ev.Source, Rule: t.Name}
	if t.Workflow != "" {
		var meta map[string]any
		if t.Input != nil {
			m, ok := input.(map[string]any)
			if !ok {
				return false, fmt.Errorf("%w: trigger %s: a workflow's Input template must make an object (its MetaData)", problem.ErrInvalid, t.Name)
			}
			meta = m
		}
		_, err = f.cfg.Starts.Start(ctx, commands.StartRequest{Name: t.Workflow, ExecutionId: id, Trigger: trigger,
			Configuration: t.Configuration,
			Input: &commands.StartInput{Media: map[string]events.MediaObject{t.MediaType: {S3Bucket: ev.Bucket, S3Key: ev.Key}},
				MetaData: meta}})
		return false, err
	}
	m, err := f.machine(t)
	if err != nil {
		return false, err
	}
	raw, err := json.Marshal(input)
	if err != nil {
		return false, err
	}
	arn := f.executionArn(t.StateMachine, id)
	_, err = f.cfg.Starts.StartRun(ctx, commands.RunRequest{ExecutionId: id, Name: id, Arn: arn, Definition: m.Definition,
		StateMachine: events.StateMachineRef{Kind: events.KindStateMachine, Name: t.StateMachine, Arn: m.Arn},
		Type:         m.Type, RoleArn: m.RoleArn, Input: raw, Trigger: trigger, NoWait: true})
	return false, err
}

func (f *Firer) executionArn(machine, id string) string {
	return fmt.Sprintf("arn:aws:states:%s:%s:execution:%s:%s", f.cfg.Region, Account, machine, id)
}

// machine resolves a rule's state machine.
func (f *Firer) machine(t events.UploadTrigger) (Machine, error) {
	if f.cfg.Machines != nil {
		if m, ok := f.cfg.Machines.StateMachine(t.StateMachine); ok {
			return m, nil
		}
	}
	if len(t.Definition) > 0 {
		return Machine{Arn: fmt.Sprintf("arn:aws:states:%s:%s:stateMachine:%s", f.cfg.Region, Account, t.StateMachine),
			Definition: t.Definition, Type: "STANDARD"}, nil
	}
	return Machine{}, fmt.Errorf("%w: trigger %s: no state machine %q (and the trigger gives no Definition)", problem.ErrNotFound, t.Name, t.StateMachine)
}

// input is the execution's input: the S3 event, through the rule's
// template when it has one.
func (f *Firer) input(t events.UploadTrigger, ev *events.ObjectCreated, id string) (any, error) {
	doc, err := document(t, ev, id, f.cfg.Region)
	if err != nil {
		return nil, err
	}
	if t.Input == nil {
		return doc, nil
	}
	tmpl, err := dataflow.CompileTemplate(t.Input)
	if err != nil {
		return nil, fmt.Errorf("%w: trigger %s: Input: %v", problem.ErrInvalid, t.Name, err)
	}
	ctxObj := map[string]any{"Execution": map[string]any{"Id": id, "Name": id, "StartTime": eventTime(ev.Time)},
		"Trigger": map[string]any{"Name": t.Name}}
	v, err := tmpl.Eval(dataflow.Scope{Input: doc, Context: ctxObj, UUID: uuids(id)})
	if err != nil {
		return nil, fmt.Errorf("%w: trigger %s: Input: %v", problem.ErrInvalid, t.Name, err)
	}
	return v, nil
}
