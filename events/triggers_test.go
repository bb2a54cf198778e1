package events

import "testing"

func TestUploadTriggerMatches(t *testing.T) {
	tests := []struct {
		prefix, suffix, key string
		want                bool
	}{
		{"upload/", ".mp4", "upload/talk.mp4", true},
		{"upload/", ".mp4", "upload/talk.mp3", false},
		{"upload/", ".mp4", "other/talk.mp4", false},
		{"", "", "anything", true},
		{"", ".jpg", "a/b/c.jpg", true},
		{"a/", "", "a/", true},
		// Prefix and suffix must not overlap in a short key.
		{"upload/x", "x.mp4", "upload/x.mp4", false},
		{"upload/", ".mp4", ".mp4", false},
	}
	for _, tt := range tests {
		got := UploadTrigger{Prefix: tt.prefix, Suffix: tt.suffix}.Matches(tt.key)
		if got != tt.want {
			t.Errorf("prefix %q suffix %q key %q: Matches = %v, want %v", tt.prefix, tt.suffix, tt.key, got, tt.want)
		}
	}
}
