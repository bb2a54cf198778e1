package topics

import (
	"testing"
)

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
