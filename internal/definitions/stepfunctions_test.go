package definitions

import (
	"strings"
	"testing"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/topics"
)

// Folding the Step Functions definitions: a machine with its versions and
// aliases, and activities; deletes and tombstones take them away, and the
// state before each step is left as it was.
func TestApplyStepFunctions(t *testing.T) {
	s := newState()
	steps := []events.Envelope{
		env(t, events.StateMachineKey("M"), &events.StateMachineDefined{StateMachine: events.StateMachine{Name: "M", NextVersion: 3}}),
		env(t, events.StateMachineVersionKey("M", 1), &events.StateMachineVersionPublished{Version: events.StateMachineVersion{StateMachine: "M", Version: 1}}),
		env(t, events.StateMachineVersionKey("M", 2), &events.StateMachineVersionPublished{Version: events.StateMachineVersion{StateMachine: "M", Version: 2}}),
		env(t, events.StateMachineAliasKey("M", "PROD"), &events.StateMachineAliasDefined{Alias: events.StateMachineAlias{StateMachine: "M", Name: "PROD",
			Routing: []events.AliasRoute{{Version: 2, Weight: 100}}}}),
		env(t, events.ActivityKey("A"), &events.ActivityDefined{Activity: events.Activity{Name: "A", Topic: "activity.A"}}),
	}
	var before state
	for i, e := range steps {
		if i == 2 {
			before = s
		}
		var err error
		if s, err = apply(s, e); err != nil {
			t.Fatal(err)
		}
	}
	if len(before.versions["M"]) != 1 || len(s.versions["M"]) != 2 || len(s.aliases["M"]) != 1 || len(s.activities) != 1 {
		t.Fatalf("state = %+v; before the second version %+v", s.machines, before.machines)
	}
	next, err := apply(s, env(t, events.StateMachineVersionKey("M", 1), &events.StateMachineVersionDeleted{StateMachine: "M", Version: 1}))
	if err != nil || len(next.versions["M"]) != 1 || len(s.versions["M"]) != 2 {
		t.Fatalf("version delete = %v, %v (before: %v)", next.versions, err, s.versions)
	}
	gone, err := apply(next, env(t, events.StateMachineKey("M"), &events.StateMachineDeleted{Name: "M"}))
	if err != nil || len(gone.stateMachines) != 0 || gone.versions["M"] != nil || gone.aliases["M"] != nil {
		t.Fatalf("machine delete = %+v, %v", gone.machines, err)
	}
	for _, key := range []string{events.StateMachineAliasKey("M", "PROD"), events.StateMachineVersionKey("M", 2), events.ActivityKey("A")} {
		if next, err = applyTombstone(next, key); err != nil {
			t.Fatalf("tombstone %s: %v", key, err)
		}
	}
	if len(next.aliases["M"]) != 0 || len(next.versions["M"]) != 0 || len(next.activities) != 0 || len(next.stateMachines) != 1 {
		t.Fatalf("after tombstones = %+v", next.machines)
	}
	if next, err = applyTombstone(next, events.StateMachineKey("M")); err != nil || len(next.stateMachines) != 0 {
		t.Fatalf("machine tombstone = %+v, %v", next.machines, err)
	}
	if _, err := apply(s, env(t, events.StateMachineKey(""), &events.StateMachineDefined{})); err == nil {
		t.Fatal("a machine without a name applied")
	}
}

// Activity topics are valid Kafka topic names, one per name, never two
// names on one topic (Kafka also confuses '.' with '_').
func TestActivityTopic(t *testing.T) {
	cat := topics.New("p.", 4)
	seen := map[string]string{}
	for _, name := range []string{"Review", "re.view", "re_view", "re-view", "Ünï", "a+b", strings.Repeat("x", 80),
		strings.Repeat("é", 80), strings.Repeat("é", 79) + "e"} {
		topic := ActivityTopic(cat, name)
		if !strings.HasPrefix(topic, "p.activity.") || len(topic) > maxTopicName || !ActivityTopicPattern(cat).MatchString(topic) {
			t.Errorf("ActivityTopic(%q) = %q", name, topic)
		}
		if _, err := cat.Task("worker:" + strings.TrimPrefix(topic, "p.")); err != nil {
			t.Errorf("ActivityTopic(%q) = %q is no valid topic: %v", name, topic, err)
		}
		norm := strings.ReplaceAll(strings.TrimPrefix(topic, "p.activity."), ".", "_")
		if other, dup := seen[norm]; dup {
			t.Errorf("%q and %q share the topic %s", name, other, topic)
		}
		seen[norm] = name
	}
	if got := ActivityTopic(cat, "Review"); got != "p.activity.Review" {
		t.Errorf("ActivityTopic(Review) = %s, want a readable name", got)
	}
}
