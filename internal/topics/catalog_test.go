package topics

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
)

func admin(t *testing.T) *kadm.Client {
	t.Helper()
	c, err := kfake.NewCluster(kfake.NumBrokers(1))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	cl, err := kgo.NewClient(kgo.SeedBrokers(c.ListenAddrs()...))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cl.Close)
	return kadm.NewClient(cl)
}

func TestEnsureCreatesAndChecks(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	adm := admin(t)
	cat := New("x.", 6)
	if err := Ensure(ctx, adm, cat.Specs()...); err != nil {
		t.Fatal(err)
	}
	// Idempotent.
	if err := Ensure(ctx, adm, cat.Specs()...); err != nil {
		t.Fatalf("second Ensure: %v", err)
	}
	// Metadata of a new topic propagates; poll until both are listed.
	var details kadm.TopicDetails
	for {
		var err error
		details, err = adm.ListTopics(ctx)
		if err == nil && details[cat.Commands()].Err == nil && details[cat.Definitions()].Err == nil {
			break
		}
		if ctx.Err() != nil {
			t.Fatalf("topics never listed: %v %v", err, details)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if n := len(details[cat.Commands()].Partitions); n != 6 {
		t.Fatalf("commands has %d partitions", n)
	}
	if n := len(details[cat.Definitions()].Partitions); n != 1 {
		t.Fatalf("definitions has %d partitions", n)
	}
	rc, err := adm.DescribeTopicConfigs(ctx, cat.Definitions())
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, c := range rc[0].Configs {
		if c.Key == "cleanup.policy" && c.Value != nil && *c.Value == "compact" {
			found = true
		}
	}
	if !found {
		t.Fatal("definitions is not compacted")
	}
}

func TestEnsureRefusesWrongShape(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	adm := admin(t)
	cat := New("y.", 6)
	del := "delete"
	if _, err := adm.CreateTopic(ctx, 3, -1, nil, cat.Commands()); err != nil {
		t.Fatal(err)
	}
	if _, err := adm.CreateTopic(ctx, 1, -1, map[string]*string{"cleanup.policy": &del}, cat.Definitions()); err != nil {
		t.Fatal(err)
	}
	err := Ensure(ctx, adm, cat.Specs()...)
	var mm *MismatchError
	if !errors.As(err, &mm) {
		t.Fatalf("want a MismatchError, got %v", err)
	}
	msg := err.Error()
	for _, want := range []string{"y.commands exists with the wrong shape: has 3 partitions, want 6",
		"y.definitions exists with the wrong shape: cleanup.policy is delete, want compact"} {
		if !contains(msg, want) {
			t.Fatalf("error %q does not say %q", msg, want)
		}
	}
}

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}

func TestTask(t *testing.T) {
	cat := New("p.", 4)
	tests := []struct {
		impl, want string
		ok         bool
	}{
		{"builtin:Sleep", "p.tasks.builtin.Sleep", true},
		{"https://gpu.local/run", "p.tasks.http", true},
		{"worker:media.transcode", "p.media.transcode", true},
		{"worker:../etc", "", false},
		{"builtin:", "", false},
		{"lambda:arn", "", false},
	}
	for _, tt := range tests {
		got, err := cat.Task(tt.impl)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("Task(%q) = %q, %v", tt.impl, got, err)
		}
	}
}
