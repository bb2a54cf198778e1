// Package sfn serves the AWS Step Functions API (AWS JSON 1.0, POST / with
// X-Amz-Target: AWSStepFunctions.<Action>) on the engine: state machines,
// their versions and aliases, and activities are definitions
// (internal/definitions); executions are started, stopped and answered
// through the commands topic and read from the executions projection,
// where MIE workflows and their executions appear too. AWS's SDKs, the
// AWS CLI and activity workers point at it with --endpoint-url.
// docs/stepfunctions.md lists every action and every difference from AWS.
package sfn

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/definitions"
	"github.com/mie-kafka/mie/internal/topics"
	"github.com/mie-kafka/mie/internal/workflow"
	"github.com/mie-kafka/mie/projections"
)

// Defaults of Config.
const (
	DefaultRegion      = "us-east-1"
	DefaultAccount     = "123456789012"
	DefaultMaxPayload  = 256 << 10
	DefaultPollTimeout = 60 * time.Second
	// DefaultSyncTimeout is how long StartSyncExecution waits: AWS's
	// five-minute limit of an EXPRESS execution.
	DefaultSyncTimeout = 5 * time.Minute
)

// Store is what the API reads of the definitions (definitions.Store).
type Store interface {
	workflow.Definitions
	Workflows() []events.Workflow
	StateMachine(name string) (events.StateMachine, bool)
	StateMachines() []events.StateMachine
	StateMachineVersion(name string, n int) (events.StateMachineVersion, bool)
	StateMachineVersions(name string) []events.StateMachineVersion
	StateMachineAlias(name, alias string) (events.StateMachineAlias, bool)
	StateMachineAliases(name string) []events.StateMachineAlias
	Activity(name string) (events.Activity, bool)
	Activities() []events.Activity
}

// Definitions is what the API writes (definitions.Service).
type Definitions interface {
	CreateStateMachine(ctx context.Context, in definitions.StateMachineInput) (events.StateMachine, *events.StateMachineVersion, error)
	UpdateStateMachine(ctx context.Context, name string, u definitions.StateMachineUpdate) (events.StateMachine, *events.StateMachineVersion, error)
	DeleteStateMachine(ctx context.Context, name string, running bool) error
	FinishDeleting(ctx context.Context, name string) error
	PublishStateMachineVersion(ctx context.Context, name, revisionID, description string) (events.StateMachineVersion, error)
	DeleteStateMachineVersion(ctx context.Context, name string, version int) error
	CreateStateMachineAlias(ctx context.Context, a events.StateMachineAlias) (events.StateMachineAlias, error)
	UpdateStateMachineAlias(ctx context.Context, machine, name string, description *string, routing []events.AliasRoute) (events.StateMachineAlias, error)
	DeleteStateMachineAlias(ctx context.Context, machine, name string) error
	TagResource(ctx context.Context, t definitions.TagTarget, tags []events.Tag, untag []string) error
	CreateActivity(ctx context.Context, name string, tags []events.Tag, encryption json.RawMessage) (events.Activity, error)
	DeleteActivity(ctx context.Context, name string) error
}

// Commands writes a command to the commands topic, keyed by execution id
// (api/commands.Service).
type Commands interface {
	Send(ctx context.Context, executionID string, p events.Payload) error
}

// Tasks hands out activity tasks (the Dispatcher).
type Tasks interface {
	// Next waits until ctx is done for a task of the activity topic;
	// ok is false when none came.
	Next(ctx context.Context, topic string) (task ActivityTask, ok bool, err error)
	// Watch makes the dispatcher consume a topic created just now.
	Watch(topic string)
}

// Config wires the API.
type Config struct {
	// Region and Account go into every ARN.
	Region, Account string
	// MaxPayload bounds an execution's input and a task's output.
	MaxPayload int
	// PollTimeout is how long GetActivityTask waits (at most 60 s, AWS's).
	PollTimeout time.Duration
	// SyncTimeout is how long StartSyncExecution waits for the end.
	SyncTimeout time.Duration
	// VisibleTimeout bounds waits for the projection after a write.
	VisibleTimeout time.Duration
	// OperatorTimeout is what MIE workflows are compiled with (their
	// definitions as DescribeStateMachine shows them).
	OperatorTimeout time.Duration
	Catalog         topics.Catalog
	Store           Store
	Definitions     Definitions
	Executions      projections.Executions
	Commands        Commands
	Tasks           Tasks
	Logger          *slog.Logger
}

func (c Config) withDefaults() Config {
	if c.Region == "" {
		c.Region = DefaultRegion
	}
	if c.Account == "" {
		c.Account = DefaultAccount
	}
	if c.MaxPayload == 0 {
		c.MaxPayload = DefaultMaxPayload
	}
	if c.PollTimeout == 0 {
		c.PollTimeout = DefaultPollTimeout
	}
	if c.SyncTimeout == 0 {
		c.SyncTimeout = DefaultSyncTimeout
	}
	if c.VisibleTimeout == 0 {
		c.VisibleTimeout = 30 * time.Second
	}
	return c
}

// Validate joins every problem with the configuration, defaults applied.
func (c Config) Validate() error {
	c = c.withDefaults()
	var errs []error
	for name, missing := range map[string]bool{"Store": c.Store == nil, "Definitions": c.Definitions == nil,
		"Executions": c.Executions == nil, "Commands": c.Commands == nil, "Tasks": c.Tasks == nil, "Logger": c.Logger == nil} {
		if missing {
			errs = append(errs, errors.New("sfn: "+name+" is required"))
		}
	}
	if !regionName.MatchString(c.Region) {
		errs = append(errs, errors.New("sfn: Region "+c.Region+" is not a region name such as us-east-1"))
	}
	if len(c.Account) != 12 || strings.Trim(c.Account, "0123456789") != "" {
		errs = append(errs, errors.New("sfn: Account "+c.Account+" is not a 12-digit account id"))
	}
	if c.MaxPayload < 1 || c.PollTimeout < 0 || c.PollTimeout > DefaultPollTimeout || c.SyncTimeout < 0 {
		errs = append(errs, errors.New("sfn: MaxPayload must be positive, PollTimeout at most 60s, SyncTimeout not negative"))
	}
	return errors.Join(errs...)
}

// Service serves the Step Functions API.
type Service struct {
	cfg      Config
	log      *slog.Logger
	locks    stripes
	redrives redrives
	handed   handedOut
	// closing ends the long polls in flight when the server shuts down.
	closing context.Context
	close   context.CancelFunc
}

// New builds the API.
func New(cfg Config) (*Service, error) {
	cfg = cfg.withDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	closing, cancel := context.WithCancel(context.Background())
	return &Service{cfg: cfg, log: cfg.Logger, closing: closing, close: cancel}, nil
}

// Close ends the GetActivityTask long polls in flight (they answer no
// task), so that a server shutting down need not wait for them.
func (s *Service) Close() { s.close() }

// Route serves the API on e at POST /.
func (s *Service) Route(e *echo.Echo) { e.POST("/", s.Handle) }

// handler runs one action on a request body.
type handler func(s *Service, ctx context.Context, body []byte) (any, error)

// action adapts a typed action to a handler.
func action[I, O any](f func(*Service, context.Context, *I) (*O, error)) handler {
	return func(s *Service, ctx context.Context, body []byte) (any, error) {
		var in I
		if err := decodeBody(body, &in); err != nil {
			return nil, err
		}
		return f(s, ctx, &in)
	}
}

// Handle answers one Step Functions request.
func (s *Service) Handle(c echo.Context) error {
	target := c.Request().Header.Get("X-Amz-Target")
	name, ok := strings.CutPrefix(target, targetPrefix)
	h, known := actions[name]
	if !ok || !known {
		return writeFault(c, fault(UnknownOperationException, "unknown operation %q: want X-Amz-Target %s<Action>", target, targetPrefix))
	}
	body, err := readBody(c.Request(), s.maxRequest())
	if err == nil {
		var out any
		if out, err = h(s, c.Request().Context(), body); err == nil {
			return writeJSON(c, 200, out)
		}
	}
	f, known := classify(err)
	if !known || f.Code.Status >= 500 {
		s.log.Error("step functions request failed", "action", name, "err", err)
	}
	return writeFault(c, f)
}

// maxRequest bounds a request body: a definition (1 MiB) or a payload,
// JSON-escaped, and the rest of the request.
func (s *Service) maxRequest() int64 { return int64(max(2<<20, 2*s.cfg.MaxPayload+64<<10)) }

// actions are every action the API serves, by name.
var actions = map[string]handler{}

func init() {
	for name, h := range map[string]handler{
		"CreateStateMachine":               action((*Service).CreateStateMachine),
		"DescribeStateMachine":             action((*Service).DescribeStateMachine),
		"UpdateStateMachine":               action((*Service).UpdateStateMachine),
		"DeleteStateMachine":               action((*Service).DeleteStateMachine),
		"ListStateMachines":                action((*Service).ListStateMachines),
		"ValidateStateMachineDefinition":   action((*Service).ValidateStateMachineDefinition),
		"PublishStateMachineVersion":       action((*Service).PublishStateMachineVersion),
		"ListStateMachineVersions":         action((*Service).ListStateMachineVersions),
		"DeleteStateMachineVersion":        action((*Service).DeleteStateMachineVersion),
		"CreateStateMachineAlias":          action((*Service).CreateStateMachineAlias),
		"DescribeStateMachineAlias":        action((*Service).DescribeStateMachineAlias),
		"UpdateStateMachineAlias":          action((*Service).UpdateStateMachineAlias),
		"ListStateMachineAliases":          action((*Service).ListStateMachineAliases),
		"DeleteStateMachineAlias":          action((*Service).DeleteStateMachineAlias),
		"StartExecution":                   action((*Service).StartExecution),
		"StartSyncExecution":               action((*Service).StartSyncExecution),
		"DescribeExecution":                action((*Service).DescribeExecution),
		"DescribeStateMachineForExecution": action((*Service).DescribeStateMachineForExecution),
		"StopExecution":                    action((*Service).StopExecution),
		"ListExecutions":                   action((*Service).ListExecutions),
		"GetExecutionHistory":              action((*Service).GetExecutionHistory),
		"RedriveExecution":                 action((*Service).RedriveExecution),
		"SendTaskSuccess":                  action((*Service).SendTaskSuccess),
		"SendTaskFailure":                  action((*Service).SendTaskFailure),
		"SendTaskHeartbeat":                action((*Service).SendTaskHeartbeat),
		"CreateActivity":                   action((*Service).CreateActivity),
		"DescribeActivity":                 action((*Service).DescribeActivity),
		"ListActivities":                   action((*Service).ListActivities),
		"DeleteActivity":                   action((*Service).DeleteActivity),
		"GetActivityTask":                  action((*Service).GetActivityTask),
		"DescribeMapRun":                   action((*Service).DescribeMapRun),
		"ListMapRuns":                      action((*Service).ListMapRuns),
		"UpdateMapRun":                     action((*Service).UpdateMapRun),
		"TagResource":                      action((*Service).TagResource),
		"UntagResource":                    action((*Service).UntagResource),
		"ListTagsForResource":              action((*Service).ListTagsForResource),
		"TestState":                        action((*Service).TestState),
	} {
		actions[name] = h
	}
}

// Actions lists the actions the API serves.
func Actions() []string {
	out := make([]string, 0, len(actions))
	for name := range actions {
		out = append(out, name)
	}
	return out
}
