package sfn

import (
	"context"
)

// PublishStateMachineVersionInput is PublishStateMachineVersion's request.
type PublishStateMachineVersionInput struct {
	StateMachineArn string `json:"stateMachineArn"`
	RevisionId      string `json:"revisionId"`
	Description     string `json:"description"`
}

// PublishStateMachineVersionOutput is its answer.
type PublishStateMachineVersionOutput struct {
	CreationDate           Epoch  `json:"creationDate"`
	StateMachineVersionArn string `json:"stateMachineVersionArn"`
}

// PublishStateMachineVersion publishes the current revision as a version;
// publishing a revision that the latest version has already answers that
// version, as on AWS.
func (s *Service) PublishStateMachineVersion(ctx context.Context, in *PublishStateMachineVersionInput) (*PublishStateMachineVersionOutput, error) {
	m, ref, err := s.machineByArn("stateMachineArn", in.StateMachineArn, StateMachineDoesNotExist)
	if err != nil {
		return nil, err
	}
	switch {
	case ref.Version != 0 || ref.Alias != "":
		return nil, fault(ValidationException, "PublishStateMachineVersion takes an unqualified state machine ARN, not %s", in.StateMachineArn)
	case m.Workflow != nil:
		return nil, readOnly(m.Name)
	}
	if err := checkLength("description", in.Description, 0, 256); err != nil {
		return nil, err
	}
	v, err := s.cfg.Definitions.PublishStateMachineVersion(ctx, m.Name, in.RevisionId, in.Description)
	if err != nil {
		return nil, err
	}
	return &PublishStateMachineVersionOutput{CreationDate: epoch(v.Created), StateMachineVersionArn: s.versionArn(m.Name, v.Version)}, nil
}

// ListStateMachineVersionsInput is ListStateMachineVersions' request.
type ListStateMachineVersionsInput struct {
	StateMachineArn string `json:"stateMachineArn"`
	NextToken       string `json:"nextToken"`
	MaxResults      int32  `json:"maxResults"`
}

// VersionListItem is one version of a listing.
type VersionListItem struct {
	StateMachineVersionArn string `json:"stateMachineVersionArn"`
	CreationDate           Epoch  `json:"creationDate"`
}

// ListStateMachineVersionsOutput is its answer.
type ListStateMachineVersionsOutput struct {
	StateMachineVersions []VersionListItem `json:"stateMachineVersions"`
	NextToken            string            `json:"nextToken,omitempty"`
}

// ListStateMachineVersions lists a state machine's versions, newest
// first; an MIE workflow has none.
func (s *Service) ListStateMachineVersions(_ context.Context, in *ListStateMachineVersionsInput) (*ListStateMachineVersionsOutput, error) {
	size, err := pageSize(in.MaxResults, maxPage)
	if err != nil {
		return nil, err
	}
	m, ref, err := s.machineByArn("stateMachineArn", in.StateMachineArn, ValidationException)
	if err != nil {
		return nil, err
	}
	if ref.Version != 0 || ref.Alias != "" {
		return nil, fault(ValidationException, "ListStateMachineVersions takes an unqualified state machine ARN, not %s", in.StateMachineArn)
	}
	items := []VersionListItem{}
	var keys []string
	if m.Workflow == nil {
		for _, v := range s.cfg.Store.StateMachineVersions(m.Name) {
			items = append(items, VersionListItem{StateMachineVersionArn: s.versionArn(m.Name, v.Version), CreationDate: epoch(v.Created)})
			keys = append(keys, descending(v.Version))
		}
	}
	list, next, err := page(items, keys, "ListStateMachineVersions/"+m.Name, in.NextToken, size)
	if err != nil {
		return nil, err
	}
	return &ListStateMachineVersionsOutput{StateMachineVersions: list, NextToken: next}, nil
}

// DeleteStateMachineVersionInput is DeleteStateMachineVersion's request.
type DeleteStateMachineVersionInput struct {
	StateMachineVersionArn string `json:"stateMachineVersionArn"`
}

// DeleteStateMachineVersionOutput is its (empty) answer.
type DeleteStateMachineVersionOutput struct{}

// DeleteStateMachineVersion deletes a version no alias routes to
// (ConflictException otherwise); executions of it run on. A missing
// version is no error, as on AWS.
func (s *Service) DeleteStateMachineVersion(ctx context.Context, in *DeleteStateMachineVersionInput) (*DeleteStateMachineVersionOutput, error) {
	if in.StateMachineVersionArn == "" {
		return nil, required("stateMachineVersionArn")
	}
	ref, ours, err := s.parseMachineArn("stateMachineVersionArn", in.StateMachineVersionArn)
	switch {
	case err != nil:
		return nil, err
	case ref.Version == 0:
		return nil, fault(ValidationException, "%s is not a state machine version ARN", in.StateMachineVersionArn)
	case !ours:
		return &DeleteStateMachineVersionOutput{}, nil
	}
	return &DeleteStateMachineVersionOutput{}, s.cfg.Definitions.DeleteStateMachineVersion(ctx, ref.Name, ref.Version)
}
