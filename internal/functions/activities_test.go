package functions

import (
	"errors"
	"testing"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/asl/failure"
	"github.com/mie-kafka/mie/internal/engine"
	"github.com/mie-kafka/mie/internal/topics"
)

type activities map[string]events.Activity

func (a activities) Activity(name string) (events.Activity, bool) { x, ok := a[name]; return x, ok }

func TestResolveActivity(t *testing.T) {
	r := &Resolver{Catalog: topics.New("p.", 4), Activities: activities{"Review": {Name: "Review", Topic: "p.activity.Review"}}}
	for _, tt := range []struct {
		resource, topic, errName string
	}{
		{resource: "arn:aws:states:us-east-1:123456789012:activity:Review", topic: "p.activity.Review"},
		{resource: "arn:aws-cn:states:cn-north-1:1:activity:Review", topic: "p.activity.Review"},
		{resource: "arn:aws:states:us-east-1:123456789012:activity:Gone", errName: ErrActivityDoesNotExist},
		{resource: "arn:aws:states:us-east-1:123456789012:activity:", errName: failure.Runtime},
	} {
		t.Run(tt.resource, func(t *testing.T) {
			got, err := r.Resolve(tt.resource, map[string]any{"order": 7})
			if tt.errName != "" {
				var fe *failure.Error
				if !errors.As(err, &fe) || fe.Name != tt.errName {
					t.Fatalf("Resolve = %v, want error %s", err, tt.errName)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.Topic != tt.topic || got.Pattern != engine.WaitForTaskToken {
				t.Fatalf("Resolve = topic %q pattern %v, want %q, WaitForTaskToken", got.Topic, got.Pattern, tt.topic)
			}
			if m, ok := got.Payload.(map[string]any); !ok || m["order"] != 7 {
				t.Fatalf("payload = %v, want the parameters", got.Payload)
			}
		})
	}
	if _, err := (&Resolver{}).Resolve("arn:aws:states:us-east-1:1:activity:Review", nil); err == nil {
		t.Fatal("an activity without an activity source resolved")
	}
}
