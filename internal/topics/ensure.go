package topics

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
)

// VisibleTimeout bounds how long Ensure waits for topics it created to
// appear in the brokers' metadata, when ctx has no earlier deadline.
const VisibleTimeout = 30 * time.Second

// MismatchError reports an existing topic whose shape differs from the
// catalog's; it is a start-up error, never silently accepted.
type MismatchError struct {
	Topic    string
	Problems []string
}

func (e *MismatchError) Error() string {
	return fmt.Sprintf("topic %s exists with the wrong shape: %s; fix or delete it, or point --topic-prefix elsewhere",
		e.Topic, strings.Join(e.Problems, "; "))
}

// Ensure creates missing topics and checks existing ones against specs.
// It returns once every topic is in the brokers' metadata with a leader for
// each partition: Apache Kafka answers CreateTopics before its brokers know
// the topic, and a produce, ListOffsets or group join right after it would
// fail with UNKNOWN_TOPIC_OR_PARTITION. A topic that another process
// created meanwhile is checked like an existing one. Every problem is
// returned, joined.
func Ensure(ctx context.Context, adm *kadm.Client, specs ...Spec) error {
	names := make([]string, 0, len(specs))
	for _, s := range specs {
		names = append(names, s.Name)
	}
	details, err := listFresh(ctx, adm, names)
	if err != nil {
		return fmt.Errorf("list topics: %w", err)
	}
	var errs []error
	var existing, created []Spec
	for _, s := range specs {
		d, ok := details[s.Name]
		switch {
		case ok && d.Err == nil:
			existing = append(existing, s)
			continue
		case ok && !errors.Is(d.Err, kerr.UnknownTopicOrPartition):
			errs = append(errs, fmt.Errorf("describe topic %s: %w", s.Name, d.Err))
			continue
		}
		resp, err := adm.CreateTopic(ctx, s.Partitions, -1, s.configs(), s.Name)
		if err == nil {
			err = resp.Err
		}
		switch {
		case err == nil:
			created = append(created, s)
		case errors.Is(err, kerr.TopicAlreadyExists):
			existing = append(existing, s) // created by another process meanwhile
		default:
			errs = append(errs, fmt.Errorf("create topic %s: %w", s.Name, err))
		}
	}
	if len(created) > 0 || len(existing) > 0 {
		visible, err := awaitVisible(ctx, adm, append(created, existing...))
		if err != nil {
			return errors.Join(append(errs, err)...)
		}
		for _, s := range existing {
			if got := int32(len(visible[s.Name].Partitions)); got != s.Partitions {
				errs = append(errs, &MismatchError{Topic: s.Name, Problems: []string{
					fmt.Sprintf("has %d partitions, want %d", got, s.Partitions)}})
			}
		}
	}
	if len(existing) > 0 {
		errs = append(errs, checkConfigs(ctx, adm, existing))
	}
	return errors.Join(errs...)
}

// listFresh describes topics with a metadata request of its own: kadm's
// ListTopics answers from the client's metadata cache, which keeps an
// "unknown topic" answer for a few seconds.
func listFresh(ctx context.Context, adm *kadm.Client, names []string) (kadm.TopicDetails, error) {
	return adm.ListTopics(kadm.WithAuthorizedOps(ctx), names...)
}

// awaitVisible polls the metadata until every spec's topic is known with a
// leader for every partition, and returns the topics' details.
func awaitVisible(ctx context.Context, adm *kadm.Client, specs []Spec) (kadm.TopicDetails, error) {
	ctx, cancel := context.WithTimeout(ctx, VisibleTimeout)
	defer cancel()
	names := make([]string, 0, len(specs))
	for _, s := range specs {
		names = append(names, s.Name)
	}
	wait := 20 * time.Millisecond
	for {
		details, err := listFresh(ctx, adm, names)
		var pending []string
		if err == nil {
			for _, n := range names {
				if !ready(details[n]) {
					pending = append(pending, n)
				}
			}
			if len(pending) == 0 {
				return details, nil
			}
		}
		select {
		case <-ctx.Done():
			if err == nil {
				err = fmt.Errorf("not in the brokers' metadata with a leader for every partition: %s", strings.Join(pending, ", "))
			}
			return nil, fmt.Errorf("wait for topics: %w (%w)", err, ctx.Err())
		case <-time.After(wait):
		}
		wait = min(2*wait, 500*time.Millisecond)
	}
}

func ready(d kadm.TopicDetail) bool {
	if d.Topic == "" || d.Err != nil || len(d.Partitions) == 0 {
		return false
	}
	for _, p := range d.Partitions {
		if p.Err != nil || p.Leader < 0 {
			return false
		}
	}
	return true
}

func (s Spec) configs() map[string]*string {
	str := func(v string) *string { return &v }
	policy := "delete"
	if s.Compact {
		policy = "compact"
	}
	ret := "-1"
	if s.Retention > 0 {
		ret = strconv.FormatInt(s.Retention.Milliseconds(), 10)
	}
	return map[string]*string{
		"cleanup.policy": str(policy),
		"retention.ms":   str(ret),
	}
}

func checkConfigs(ctx context.Context, adm *kadm.Client, specs []Spec) error {
	names := make([]string, 0, len(specs))
	byName := map[string]Spec{}
	for _, s := range specs {
		names = append(names, s.Name)
		byName[s.Name] = s
	}
	sort.Strings(names)
	rcs, err := adm.DescribeTopicConfigs(ctx, names...)
	if err != nil {
		return fmt.Errorf("describe topic configs: %w", err)
	}
	var errs []error
	for _, rc := range rcs {
		if rc.Err != nil {
			errs = append(errs, fmt.Errorf("describe configs of %s: %w", rc.Name, rc.Err))
			continue
		}
		s := byName[rc.Name]
		want := *s.configs()["cleanup.policy"]
		for _, c := range rc.Configs {
			if c.Key == "cleanup.policy" && c.Value != nil && *c.Value != want {
				errs = append(errs, &MismatchError{Topic: rc.Name, Problems: []string{
					fmt.Sprintf("cleanup.policy is %s, want %s", *c.Value, want)}})
			}
		}
	}
	return errors.Join(errs...)
}
