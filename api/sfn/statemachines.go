package sfn

import (
	"context"
	"sort"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/definitions"
)

// CreateStateMachineInput is CreateStateMachine's request.
type CreateStateMachineInput struct {
	Name                    string                   `json:"name"`
	Definition              string                   `json:"definition"`
	RoleArn                 string                   `json:"roleArn"`
	Type                    string                   `json:"type"`
	LoggingConfiguration    *LoggingConfiguration    `json:"loggingConfiguration"`
	TracingConfiguration    *TracingConfiguration    `json:"tracingConfiguration"`
	EncryptionConfiguration *EncryptionConfiguration `json:"encryptionConfiguration"`
	Tags                    []Tag                    `json:"tags"`
	Publish                 bool                     `json:"publish"`
	VersionDescription      string                   `json:"versionDescription"`
}

// CreateStateMachineOutput is its answer.
type CreateStateMachineOutput struct {
	StateMachineArn        string `json:"stateMachineArn"`
	CreationDate           Epoch  `json:"creationDate"`
	StateMachineVersionArn string `json:"stateMachineVersionArn,omitempty"`
}

// CreateStateMachine creates a state machine (idempotent as on AWS, see
// definitions.Service.CreateStateMachine).
func (s *Service) CreateStateMachine(ctx context.Context, in *CreateStateMachineInput) (*CreateStateMachineOutput, error) {
	if err := checkName("state machine name", in.Name); err != nil {
		return nil, err
	}
	if in.Definition == "" {
		return nil, required("definition")
	}
	typ := in.Type
	if typ == "" {
		typ = events.TypeStandard
	}
	if err := checkType(typ); err != nil {
		return nil, err
	}
	if err := checkRole(in.RoleArn); err != nil {
		return nil, err
	}
	if _, err := checkDefinition(in.Definition, typ); err != nil {
		return nil, err
	}
	if err := checkConfigs(in.LoggingConfiguration, in.EncryptionConfiguration, in.VersionDescription); err != nil {
		return nil, err
	}
	if in.VersionDescription != "" && !in.Publish {
		return nil, fault(ValidationException, "versionDescription is only accepted with publish true")
	}
	tags, err := checkTags(in.Tags)
	if err != nil {
		return nil, err
	}
	sm, ver, err := s.cfg.Definitions.CreateStateMachine(ctx, definitions.StateMachineInput{Name: in.Name, Type: typ,
		Definition: in.Definition, RoleArn: in.RoleArn, Logging: canonical(in.LoggingConfiguration),
		Tracing: canonical(in.TracingConfiguration), Encryption: canonical(in.EncryptionConfiguration), Tags: tags,
		Publish: in.Publish, VersionDescription: in.VersionDescription})
	if err != nil {
		return nil, err
	}
	out := &CreateStateMachineOutput{StateMachineArn: s.stateMachineArn(sm.Name), CreationDate: epoch(sm.Created)}
	if ver != nil {
		out.StateMachineVersionArn = s.versionArn(sm.Name, ver.Version)
	}
	return out, nil
}

func checkRole(v string) error {
	switch {
	case v == "":
		return required("roleArn")
	case !roleArn.MatchString(v):
		return fault(InvalidArn, "Invalid Arn: 'Resource type not valid in this context: %s': want an IAM role ARN", v)
	}
	return nil
}

func checkConfigs(l *LoggingConfiguration, e *EncryptionConfiguration, versionDescription string) error {
	if err := checkLogging(l); err != nil {
		return err
	}
	if err := checkEncryption(e); err != nil {
		return err
	}
	return checkLength("versionDescription", versionDescription, 0, 256)
}

// DescribeStateMachineInput is DescribeStateMachine's request.
type DescribeStateMachineInput struct {
	StateMachineArn string `json:"stateMachineArn"`
	IncludedData    string `json:"includedData"`
}

// DescribeStateMachineOutput is its answer (and, less the status and
// dates, DescribeStateMachineForExecution's).
type DescribeStateMachineOutput struct {
	StateMachineArn         string                   `json:"stateMachineArn"`
	Name                    string                   `json:"name"`
	Status                  string                   `json:"status,omitempty"`
	Definition              string                   `json:"definition"`
	RoleArn                 string                   `json:"roleArn"`
	Type                    string                   `json:"type"`
	CreationDate            Epoch                    `json:"creationDate"`
	LoggingConfiguration    *LoggingConfiguration    `json:"loggingConfiguration,omitempty"`
	TracingConfiguration    *TracingConfiguration    `json:"tracingConfiguration,omitempty"`
	Label                   string                   `json:"label,omitempty"`
	RevisionId              string                   `json:"revisionId,omitempty"`
	Description             string                   `json:"description,omitempty"`
	EncryptionConfiguration *EncryptionConfiguration `json:"encryptionConfiguration,omitempty"`
}

var (
	defaultLogging    = LoggingConfiguration{Level: "OFF"}
	defaultTracing    = TracingConfiguration{}
	defaultEncryption = EncryptionConfiguration{Type: "AWS_OWNED_KEY"}
)

// DescribeStateMachine describes a state machine, one of its versions (a
// version ARN), or an MIE workflow. An alias ARN is a
// ValidationException: describe aliases with DescribeStateMachineAlias.
func (s *Service) DescribeStateMachine(_ context.Context, in *DescribeStateMachineInput) (*DescribeStateMachineOutput, error) {
	if err := checkIncludedData(in.IncludedData); err != nil {
		return nil, err
	}
	m, ref, err := s.machineByArn("stateMachineArn", in.StateMachineArn, StateMachineDoesNotExist)
	if err != nil {
		return nil, err
	}
	if ref.Alias != "" {
		return nil, fault(ValidationException, "DescribeStateMachine takes a state machine or version ARN; describe the alias %s with DescribeStateMachineAlias", in.StateMachineArn)
	}
	if m.Workflow != nil {
		def, err := s.workflowDefinition(m.Name)
		if err != nil {
			return nil, err
		}
		return &DescribeStateMachineOutput{StateMachineArn: s.stateMachineArn(m.Name), Name: m.Name,
			Status: events.StateMachineActive, Definition: def, RoleArn: s.roleOfWorkflows(), Type: events.TypeStandard,
			CreationDate: epoch(m.Workflow.Created), LoggingConfiguration: &defaultLogging, TracingConfiguration: &defaultTracing,
			RevisionId: m.Workflow.Version, Description: m.Workflow.Description, EncryptionConfiguration: &defaultEncryption}, nil
	}
	if v := m.Version; v != nil {
		return &DescribeStateMachineOutput{StateMachineArn: s.versionArn(m.Name, v.Version), Name: m.Name,
			Status: m.SM.Status, Definition: v.Definition, RoleArn: v.RoleArn, Type: v.Type, CreationDate: epoch(v.Created),
			LoggingConfiguration: stored(v.Logging, defaultLogging), TracingConfiguration: stored(v.Tracing, defaultTracing),
			RevisionId: v.RevisionId, Description: v.Description,
			EncryptionConfiguration: stored(v.Encryption, defaultEncryption)}, nil
	}
	sm := m.SM
	return &DescribeStateMachineOutput{StateMachineArn: s.stateMachineArn(sm.Name), Name: sm.Name, Status: sm.Status,
		Definition: sm.Definition, RoleArn: sm.RoleArn, Type: sm.Type, CreationDate: epoch(sm.Created),
		LoggingConfiguration: stored(sm.Logging, defaultLogging), TracingConfiguration: stored(sm.Tracing, defaultTracing),
		RevisionId: sm.RevisionId, EncryptionConfiguration: stored(sm.Encryption, defaultEncryption)}, nil
}

func checkIncludedData(v string) error {
	switch v {
	case "", "ALL_DATA", "METADATA_ONLY":
		return nil
	}
	return fault(ValidationException, "includedData %q: want ALL_DATA or METADATA_ONLY", v)
}

// UpdateStateMachineInput is UpdateStateMachine's request.
type UpdateStateMachineInput struct {
	StateMachineArn         string                   `json:"stateMachineArn"`
	Definition              *string                  `json:"definition"`
	RoleArn                 *string                  `json:"roleArn"`
	LoggingConfiguration    *LoggingConfiguration    `json:"loggingConfiguration"`
	TracingConfiguration    *TracingConfiguration    `json:"tracingConfiguration"`
	EncryptionConfiguration *EncryptionConfiguration `json:"encryptionConfiguration"`
	Publish                 bool                     `json:"publish"`
	VersionDescription      string                   `json:"versionDescription"`
}

// UpdateStateMachineOutput is its answer.
type UpdateStateMachineOutput struct {
	UpdateDate             Epoch  `json:"updateDate"`
	RevisionId             string `json:"revisionId,omitempty"`
	StateMachineVersionArn string `json:"stateMachineVersionArn,omitempty"`
}

// UpdateStateMachine changes a state machine: executions that run keep
// the definition they started with.
func (s *Service) UpdateStateMachine(ctx context.Context, in *UpdateStateMachineInput) (*UpdateStateMachineOutput, error) {
	m, ref, err := s.machineByArn("stateMachineArn", in.StateMachineArn, StateMachineDoesNotExist)
	if err != nil {
		return nil, err
	}
	switch {
	case ref.Version != 0 || ref.Alias != "":
		return nil, fault(ValidationException, "UpdateStateMachine takes an unqualified state machine ARN, not %s", in.StateMachineArn)
	case m.Workflow != nil:
		return nil, readOnly(m.Name)
	case in.Definition == nil && in.RoleArn == nil && in.LoggingConfiguration == nil && in.TracingConfiguration == nil &&
		in.EncryptionConfiguration == nil:
		return nil, fault(MissingRequiredParameter, "Either the definition, the roleArn, the loggingConfiguration, the tracingConfiguration or the encryptionConfiguration must be specified")
	}
	if in.Definition != nil {
		if _, err := checkDefinition(*in.Definition, m.SM.Type); err != nil {
			return nil, err
		}
	}
	if in.RoleArn != nil {
		if err := checkRole(*in.RoleArn); err != nil {
			return nil, err
		}
	}
	if err := checkConfigs(in.LoggingConfiguration, in.EncryptionConfiguration, in.VersionDescription); err != nil {
		return nil, err
	}
	if in.VersionDescription != "" && !in.Publish {
		return nil, fault(ValidationException, "versionDescription is only accepted with publish true")
	}
	sm, ver, err := s.cfg.Definitions.UpdateStateMachine(ctx, m.Name, definitions.StateMachineUpdate{
		Definition: in.Definition, RoleArn: in.RoleArn, Logging: canonical(in.LoggingConfiguration),
		Tracing: canonical(in.TracingConfiguration), Encryption: canonical(in.EncryptionConfiguration),
		Publish: in.Publish, VersionDescription: in.VersionDescription})
	if err != nil {
		return nil, err
	}
	out := &UpdateStateMachineOutput{UpdateDate: epoch(sm.Updated), RevisionId: sm.RevisionId}
	if ver != nil {
		out.StateMachineVersionArn = s.versionArn(sm.Name, ver.Version)
	}
	return out, nil
}

// DeleteStateMachineInput is DeleteStateMachine's request.
type DeleteStateMachineInput struct {
	StateMachineArn string `json:"stateMachineArn"`
}

// DeleteStateMachineOutput is its (empty) answer.
type DeleteStateMachineOutput struct{}

// DeleteStateMachine deletes a state machine, its versions and aliases;
// while executions of it run, it is DELETING (they run on), and the
// deleter removes it once they have ended. A version ARN deletes that
// version (as DeleteStateMachineVersion); a missing state machine is no
// error, as on AWS.
func (s *Service) DeleteStateMachine(ctx context.Context, in *DeleteStateMachineInput) (*DeleteStateMachineOutput, error) {
	if in.StateMachineArn == "" {
		return nil, required("stateMachineArn")
	}
	ref, ours, err := s.parseMachineArn("stateMachineArn", in.StateMachineArn)
	switch {
	case err != nil:
		return nil, err
	case ref.Alias != "":
		return nil, fault(ValidationException, "delete the alias %s with DeleteStateMachineAlias", in.StateMachineArn)
	case !ours:
		return &DeleteStateMachineOutput{}, nil
	case ref.Version != 0:
		return &DeleteStateMachineOutput{}, s.cfg.Definitions.DeleteStateMachineVersion(ctx, ref.Name, ref.Version)
	}
	if _, ok := s.cfg.Store.StateMachine(ref.Name); !ok {
		if _, ok := s.cfg.Store.Workflow(ref.Name); ok {
			return nil, readOnly(ref.Name)
		}
		return &DeleteStateMachineOutput{}, nil
	}
	running, err := s.running(ctx, ref.Name)
	if err != nil {
		return nil, err
	}
	return &DeleteStateMachineOutput{}, s.cfg.Definitions.DeleteStateMachine(ctx, ref.Name, running)
}

// ListStateMachinesInput is ListStateMachines' request.
type ListStateMachinesInput struct {
	MaxResults int32  `json:"maxResults"`
	NextToken  string `json:"nextToken"`
}

// StateMachineListItem is one state machine of a listing.
type StateMachineListItem struct {
	StateMachineArn string `json:"stateMachineArn"`
	Name            string `json:"name"`
	Type            string `json:"type"`
	CreationDate    Epoch  `json:"creationDate"`
}

// ListStateMachinesOutput is its answer.
type ListStateMachinesOutput struct {
	StateMachines []StateMachineListItem `json:"stateMachines"`
	NextToken     string                 `json:"nextToken,omitempty"`
}

// ListStateMachines lists the state machines and the MIE workflows, by
// name.
func (s *Service) ListStateMachines(_ context.Context, in *ListStateMachinesInput) (*ListStateMachinesOutput, error) {
	size, err := pageSize(in.MaxResults, maxPage)
	if err != nil {
		return nil, err
	}
	var items []StateMachineListItem
	seen := map[string]bool{}
	for _, sm := range s.cfg.Store.StateMachines() {
		seen[sm.Name] = true
		items = append(items, StateMachineListItem{StateMachineArn: s.stateMachineArn(sm.Name), Name: sm.Name, Type: sm.Type,
			CreationDate: epoch(sm.Created)})
	}
	for _, wf := range s.cfg.Store.Workflows() {
		if !seen[wf.Name] {
			items = append(items, StateMachineListItem{StateMachineArn: s.stateMachineArn(wf.Name), Name: wf.Name,
				Type: events.TypeStandard, CreationDate: epoch(wf.Created)})
		}
	}
	sort.Slice(items, func(i, j int) bool { return items[i].Name < items[j].Name })
	keys := make([]string, len(items))
	for i, it := range items {
		keys[i] = it.Name
	}
	list, next, err := page(items, keys, "ListStateMachines", in.NextToken, size)
	if err != nil {
		return nil, err
	}
	if list == nil {
		list = []StateMachineListItem{}
	}
	return &ListStateMachinesOutput{StateMachines: list, NextToken: next}, nil
}
