package sfn

import (
	"context"
	"math/rand/v2"

	"github.com/mie-kafka/mie/events"
)

// RoutingConfigurationListItem sends weight percent of an alias's
// executions to a version.
type RoutingConfigurationListItem struct {
	StateMachineVersionArn string `json:"stateMachineVersionArn"`
	Weight                 int32  `json:"weight"`
}

// CreateStateMachineAliasInput is CreateStateMachineAlias' request.
type CreateStateMachineAliasInput struct {
	Description          string                         `json:"description"`
	Name                 string                         `json:"name"`
	RoutingConfiguration []RoutingConfigurationListItem `json:"routingConfiguration"`
}

// CreateStateMachineAliasOutput is its answer.
type CreateStateMachineAliasOutput struct {
	StateMachineAliasArn string `json:"stateMachineAliasArn"`
	CreationDate         Epoch  `json:"creationDate"`
}

// routing checks a routing configuration: one or two versions of one
// state machine, distinct, with weights 0 to 100 that sum to 100.
func (s *Service) routing(items []RoutingConfigurationListItem) (string, []events.AliasRoute, error) {
	invalid := func(format string, args ...any) error {
		f := fault(ValidationException, format, args...)
		f.Reason = "INVALID_ROUTING_CONFIGURATION"
		return f
	}
	if len(items) < 1 || len(items) > 2 {
		return "", nil, invalid("routingConfiguration has %d items: want 1 or 2", len(items))
	}
	var machine string
	var out []events.AliasRoute
	sum := 0
	for _, it := range items {
		ref, ours, err := s.parseMachineArn("routingConfiguration.stateMachineVersionArn", it.StateMachineVersionArn)
		if err != nil {
			return "", nil, err
		}
		switch {
		case ref.Version == 0:
			return "", nil, invalid("%s is not a state machine version ARN", it.StateMachineVersionArn)
		case !ours:
			return "", nil, fault(ResourceNotFound, "Resource not found: '%s'", it.StateMachineVersionArn)
		case machine != "" && ref.Name != machine:
			return "", nil, invalid("the versions of an alias must be of one state machine")
		case len(out) == 1 && out[0].Version == ref.Version:
			return "", nil, invalid("the two versions of an alias must differ")
		case it.Weight < 0 || it.Weight > 100:
			return "", nil, invalid("weight %d: want 0 to 100", it.Weight)
		}
		machine = ref.Name
		sum += int(it.Weight)
		out = append(out, events.AliasRoute{Version: ref.Version, Weight: int(it.Weight)})
	}
	if sum != 100 {
		return "", nil, invalid("the weights sum to %d: want 100", sum)
	}
	return machine, out, nil
}

func (s *Service) routingOf(a events.StateMachineAlias) []RoutingConfigurationListItem {
	out := make([]RoutingConfigurationListItem, 0, len(a.Routing))
	for _, r := range a.Routing {
		out = append(out, RoutingConfigurationListItem{StateMachineVersionArn: s.versionArn(a.StateMachine, r.Version), Weight: int32(r.Weight)})
	}
	return out
}

// CreateStateMachineAlias creates an alias (idempotent as on AWS).
func (s *Service) CreateStateMachineAlias(ctx context.Context, in *CreateStateMachineAliasInput) (*CreateStateMachineAliasOutput, error) {
	if err := checkAliasName(in.Name); err != nil {
		return nil, err
	}
	if err := checkLength("description", in.Description, 0, 256); err != nil {
		return nil, err
	}
	machine, routes, err := s.routing(in.RoutingConfiguration)
	if err != nil {
		return nil, err
	}
	a, err := s.cfg.Definitions.CreateStateMachineAlias(ctx, events.StateMachineAlias{StateMachine: machine, Name: in.Name,
		Description: in.Description, Routing: routes})
	if err != nil {
		return nil, err
	}
	return &CreateStateMachineAliasOutput{StateMachineAliasArn: s.aliasArn(machine, a.Name), CreationDate: epoch(a.Created)}, nil
}

// aliasByArn reads an alias ARN and looks the alias up.
func (s *Service) aliasByArn(v string) (events.StateMachineAlias, error) {
	if v == "" {
		return events.StateMachineAlias{}, required("stateMachineAliasArn")
	}
	ref, ours, err := s.parseMachineArn("stateMachineAliasArn", v)
	if err != nil {
		return events.StateMachineAlias{}, err
	}
	if ref.Alias == "" {
		return events.StateMachineAlias{}, fault(ValidationException, "%s is not a state machine alias ARN", v)
	}
	a, ok := s.cfg.Store.StateMachineAlias(ref.Name, ref.Alias)
	if !ours || !ok {
		f := fault(ResourceNotFound, "Resource not found: '%s'", v)
		f.ResourceName = v
		return a, f
	}
	return a, nil
}

// DescribeStateMachineAliasInput is DescribeStateMachineAlias' request.
type DescribeStateMachineAliasInput struct {
	StateMachineAliasArn string `json:"stateMachineAliasArn"`
}

// DescribeStateMachineAliasOutput is its answer.
type DescribeStateMachineAliasOutput struct {
	StateMachineAliasArn string                         `json:"stateMachineAliasArn"`
	Name                 string                         `json:"name"`
	Description          string                         `json:"description,omitempty"`
	RoutingConfiguration []RoutingConfigurationListItem `json:"routingConfiguration"`
	CreationDate         Epoch                          `json:"creationDate"`
	UpdateDate           Epoch                          `json:"updateDate"`
}

// DescribeStateMachineAlias describes an alias.
func (s *Service) DescribeStateMachineAlias(_ context.Context, in *DescribeStateMachineAliasInput) (*DescribeStateMachineAliasOutput, error) {
	a, err := s.aliasByArn(in.StateMachineAliasArn)
	if err != nil {
		return nil, err
	}
	return &DescribeStateMachineAliasOutput{StateMachineAliasArn: s.aliasArn(a.StateMachine, a.Name), Name: a.Name,
		Description: a.Description, RoutingConfiguration: s.routingOf(a), CreationDate: epoch(a.Created),
		UpdateDate: epoch(a.Updated)}, nil
}

// UpdateStateMachineAliasInput is UpdateStateMachineAlias' request.
type UpdateStateMachineAliasInput struct {
	StateMachineAliasArn string                         `json:"stateMachineAliasArn"`
	Description          *string                        `json:"description"`
	RoutingConfiguration []RoutingConfigurationListItem `json:"routingConfiguration"`
}

// UpdateStateMachineAliasOutput is its answer.
type UpdateStateMachineAliasOutput struct {
	UpdateDate Epoch `json:"updateDate"`
}

// UpdateStateMachineAlias changes an alias's description or routing
// (one of them is required); executions started through it before keep
// their version.
func (s *Service) UpdateStateMachineAlias(ctx context.Context, in *UpdateStateMachineAliasInput) (*UpdateStateMachineAliasOutput, error) {
	a, err := s.aliasByArn(in.StateMachineAliasArn)
	if err != nil {
		return nil, err
	}
	if in.Description == nil && in.RoutingConfiguration == nil {
		return nil, fault(ValidationException, "give a description or a routingConfiguration")
	}
	if in.Description != nil {
		if err := checkLength("description", *in.Description, 0, 256); err != nil {
			return nil, err
		}
	}
	var routes []events.AliasRoute
	if in.RoutingConfiguration != nil {
		machine, r, err := s.routing(in.RoutingConfiguration)
		if err != nil {
			return nil, err
		}
		if machine != a.StateMachine {
			return nil, fault(ValidationException, "the versions of alias %s must be of %s", a.Name, a.StateMachine)
		}
		routes = r
	}
	out, err := s.cfg.Definitions.UpdateStateMachineAlias(ctx, a.StateMachine, a.Name, in.Description, routes)
	if err != nil {
		return nil, err
	}
	return &UpdateStateMachineAliasOutput{UpdateDate: epoch(out.Updated)}, nil
}

// ListStateMachineAliasesInput is ListStateMachineAliases' request.
type ListStateMachineAliasesInput struct {
	StateMachineArn string `json:"stateMachineArn"`
	NextToken       string `json:"nextToken"`
	MaxResults      int32  `json:"maxResults"`
}

// AliasListItem is one alias of a listing.
type AliasListItem struct {
	StateMachineAliasArn string `json:"stateMachineAliasArn"`
	CreationDate         Epoch  `json:"creationDate"`
}

// ListStateMachineAliasesOutput is its answer.
type ListStateMachineAliasesOutput struct {
	StateMachineAliases []AliasListItem `json:"stateMachineAliases"`
	NextToken           string          `json:"nextToken,omitempty"`
}

// ListStateMachineAliases lists a state machine's aliases by name; given
// a version ARN, those that route to that version.
func (s *Service) ListStateMachineAliases(_ context.Context, in *ListStateMachineAliasesInput) (*ListStateMachineAliasesOutput, error) {
	size, err := pageSize(in.MaxResults, maxPage)
	if err != nil {
		return nil, err
	}
	m, ref, err := s.machineByArn("stateMachineArn", in.StateMachineArn, ResourceNotFound)
	if err != nil {
		return nil, err
	}
	if m.SM.Status == events.StateMachineDeleting {
		return nil, fault(StateMachineDeleting, "State Machine is being deleted: '%s'", in.StateMachineArn)
	}
	if ref.Alias != "" {
		return nil, fault(ValidationException, "ListStateMachineAliases takes a state machine or version ARN, not %s", in.StateMachineArn)
	}
	items := []AliasListItem{}
	var keys []string
	if m.Workflow == nil {
		for _, a := range s.cfg.Store.StateMachineAliases(m.Name) {
			if ref.Version != 0 && !routesTo(a, ref.Version) {
				continue
			}
			items = append(items, AliasListItem{StateMachineAliasArn: s.aliasArn(m.Name, a.Name), CreationDate: epoch(a.Created)})
			keys = append(keys, a.Name)
		}
	}
	list, next, err := page(items, keys, "ListStateMachineAliases/"+in.StateMachineArn, in.NextToken, size)
	if err != nil {
		return nil, err
	}
	return &ListStateMachineAliasesOutput{StateMachineAliases: list, NextToken: next}, nil
}

func routesTo(a events.StateMachineAlias, version int) bool {
	for _, r := range a.Routing {
		if r.Version == version {
			return true
		}
	}
	return false
}

// DeleteStateMachineAliasInput is DeleteStateMachineAlias' request.
type DeleteStateMachineAliasInput struct {
	StateMachineAliasArn string `json:"stateMachineAliasArn"`
}

// DeleteStateMachineAliasOutput is its (empty) answer.
type DeleteStateMachineAliasOutput struct{}

// DeleteStateMachineAlias deletes an alias; executions started through
// it run on.
func (s *Service) DeleteStateMachineAlias(ctx context.Context, in *DeleteStateMachineAliasInput) (*DeleteStateMachineAliasOutput, error) {
	a, err := s.aliasByArn(in.StateMachineAliasArn)
	if err != nil {
		return nil, err
	}
	return &DeleteStateMachineAliasOutput{}, s.cfg.Definitions.DeleteStateMachineAlias(ctx, a.StateMachine, a.Name)
}

// pickVersion routes one execution of an alias by the weights.
func pickVersion(a events.StateMachineAlias, random func() int) int {
	n := random()
	for _, r := range a.Routing {
		if n < r.Weight {
			return r.Version
		}
		n -= r.Weight
	}
	return a.Routing[len(a.Routing)-1].Version
}

// percent is a random number in [0, 100).
func percent() int { return rand.IntN(100) }
