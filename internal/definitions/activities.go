package definitions

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/topics"
)

// Activities are definitions (see events.Activity): each has a task topic
// of its own, ActivityTopic, created with the activity.

// activityTopicPrefix starts every activity's task topic, after the
// catalog's prefix.
const activityTopicPrefix = "activity."

// maxTopicName is Kafka's longest topic name; maxTaskTopic mie's longest
// task topic name after the catalog's prefix (topics.Catalog.Task).
const (
	maxTopicName = 249
	maxTaskTopic = 200
)

// ActivityTopic is the task topic of the named activity: letters, digits
// and '-' are kept, every other byte is written _XX (hex), so that two
// names never share a topic (Kafka also confuses '.' with '_'); a name too
// long for a topic is cut and completed with a hash of it.
func ActivityTopic(cat topics.Catalog, name string) string {
	var b strings.Builder
	for i := 0; i < len(name); i++ {
		c := name[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "_%02x", c)
		}
	}
	enc := b.String()
	if room := min(maxTopicName-len(cat.Prefix), maxTaskTopic) - len(activityTopicPrefix); len(enc) > room {
		sum := sha256.Sum256([]byte(name))
		h := "_h" + hex.EncodeToString(sum[:12])
		enc = enc[:max(0, room-len(h))] + h
	}
	return cat.Prefix + activityTopicPrefix + enc
}

// ActivityTopicPattern matches every activity's task topic (a regular
// expression for a consumer of all of them).
func ActivityTopicPattern(cat topics.Catalog) *regexp.Regexp {
	return regexp.MustCompile("^" + regexp.QuoteMeta(cat.Prefix+activityTopicPrefix) + ".+$")
}

// CreateActivity creates an activity and its task topic. As on AWS it is
// idempotent by name: an existing activity is answered as created (other
// tags are ignored).
func (s *Service) CreateActivity(ctx context.Context, name string, tags []events.Tag, encryption json.RawMessage) (events.Activity, error) {
	var out events.Activity
	err := s.write(ctx, func(ctx context.Context, st state) ([]outgoing, error) {
		if old, ok := st.activities[name]; ok {
			out = old
			return nil, nil
		}
		if len(st.activities) >= MaxActivities {
			return nil, fail(ErrActivityLimitExceeded, "the limit of %d activities is reached", MaxActivities)
		}
		if len(tags) > MaxTags {
			return nil, fail(ErrTooManyTags, "%d tags, over the limit of %d", len(tags), MaxTags)
		}
		out = events.Activity{Name: name, Topic: ActivityTopic(s.cfg.Catalog, name), Encryption: encryption,
			Tags: slices.Clone(tags), Created: time.Now().UTC()}
		if err := s.ensureTaskTopic(ctx, out.Topic); err != nil {
			return nil, err
		}
		return []outgoing{s.definition(events.ActivityKey(name), &events.ActivityDefined{Activity: out})}, nil
	})
	return out, err
}

// DeleteActivity deletes an activity; a missing one is no error, as on
// AWS. Its topic stays, with any task still in it: a Task state that
// names the activity afterwards fails.
func (s *Service) DeleteActivity(ctx context.Context, name string) error {
	return s.write(ctx, func(_ context.Context, st state) ([]outgoing, error) {
		if _, ok := st.activities[name]; !ok {
			return nil, nil
		}
		return []outgoing{s.definition(events.ActivityKey(name), &events.ActivityDeleted{Name: name})}, nil
	})
}
