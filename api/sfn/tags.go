package sfn

import (
	"context"

	"github.com/mie-kafka/mie/internal/definitions"
)

// TagResourceInput is TagResource's request.
type TagResourceInput struct {
	ResourceArn string `json:"resourceArn"`
	Tags        []Tag  `json:"tags"`
}

// UntagResourceInput is UntagResource's request.
type UntagResourceInput struct {
	ResourceArn string   `json:"resourceArn"`
	TagKeys     []string `json:"tagKeys"`
}

// ListTagsForResourceInput is ListTagsForResource's request.
type ListTagsForResourceInput struct {
	ResourceArn string `json:"resourceArn"`
}

// ListTagsForResourceOutput is its answer.
type ListTagsForResourceOutput struct {
	Tags []Tag `json:"tags"`
}

// tagTarget reads a taggable ARN: a state machine (unqualified) or an
// activity. Versions, aliases and MIE workflows have no tags.
func (s *Service) tagTarget(v string) (definitions.TagTarget, error) {
	if v == "" {
		return definitions.TagTarget{}, required("resourceArn")
	}
	a, err := parseARN("resourceArn", v, kindStateMachine, kindActivity)
	if err != nil {
		return definitions.TagTarget{}, err
	}
	missing := &Fault{Code: ResourceNotFound, Message: "Resource not found: '" + v + "'", ResourceName: v}
	if !s.ours(a) {
		return definitions.TagTarget{}, missing
	}
	if a.Kind == kindActivity {
		if _, ok := s.cfg.Store.Activity(a.Parts[0]); !ok {
			return definitions.TagTarget{}, missing
		}
		return definitions.TagTarget{Activity: true, Name: a.Parts[0]}, nil
	}
	if len(a.Parts) == 2 {
		return definitions.TagTarget{}, fault(InvalidArn, "Invalid Arn: '%s': tag the state machine, not a version or alias", v)
	}
	if _, ok := s.cfg.Store.StateMachine(a.Parts[0]); !ok {
		return definitions.TagTarget{}, missing
	}
	return definitions.TagTarget{Name: a.Parts[0]}, nil
}

// TagResource adds tags to a state machine or an activity (a key given
// again takes the new value; at most 50 tags).
func (s *Service) TagResource(ctx context.Context, in *TagResourceInput) (*Empty, error) {
	t, err := s.tagTarget(in.ResourceArn)
	if err != nil {
		return nil, err
	}
	if in.Tags == nil {
		return nil, required("tags")
	}
	tags, err := checkTags(in.Tags)
	if err != nil {
		return nil, err
	}
	return &Empty{}, s.cfg.Definitions.TagResource(ctx, t, tags, nil)
}

// UntagResource removes tags by key.
func (s *Service) UntagResource(ctx context.Context, in *UntagResourceInput) (*Empty, error) {
	t, err := s.tagTarget(in.ResourceArn)
	if err != nil {
		return nil, err
	}
	if in.TagKeys == nil {
		return nil, required("tagKeys")
	}
	return &Empty{}, s.cfg.Definitions.TagResource(ctx, t, nil, in.TagKeys)
}

// ListTagsForResource lists a state machine's or an activity's tags.
func (s *Service) ListTagsForResource(_ context.Context, in *ListTagsForResourceInput) (*ListTagsForResourceOutput, error) {
	t, err := s.tagTarget(in.ResourceArn)
	if err != nil {
		return nil, err
	}
	if t.Activity {
		a, _ := s.cfg.Store.Activity(t.Name)
		return &ListTagsForResourceOutput{Tags: tagsOf(a.Tags)}, nil
	}
	sm, _ := s.cfg.Store.StateMachine(t.Name)
	return &ListTagsForResourceOutput{Tags: tagsOf(sm.Tags)}, nil
}
