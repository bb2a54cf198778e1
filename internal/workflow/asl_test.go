package workflow

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/asl"
	"github.com/mie-kafka/mie/internal/topics"
)

// TestMediaCheckLeftOutWhenPresent: an execution that starts with the
// operators' MediaType needs no check (media are only ever added); one
// that starts without it checks before each operator.
func TestMediaCheckLeftOutWhenPresent(t *testing.T) {
	c, err := Compile(fixture(), "wf", nil, topics.New("t.", 4))
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		media  map[string]events.MediaObject
		checks bool
	}{
		{media: map[string]events.MediaObject{"Video": {S3Bucket: "b", S3Key: "k.mp4"}}, checks: false},
		{media: map[string]events.MediaObject{"Audio": {S3Bucket: "b", S3Key: "k.mp3"}}, checks: true},
		{media: nil, checks: true},
	} {
		cmd, err := c.Start("x1", "a1", events.Globals{Media: tt.media}, nil, events.Trigger{Source: "test"}, time.Now(), 0)
		if err != nil {
			t.Fatal(err)
		}
		m, err := asl.ParseWith(cmd.Definition, asl.Options{Compiled: true})
		if err != nil {
			t.Fatalf("the compiled program does not parse: %v", err)
		}
		var names []string
		for _, st := range m.States {
			names = append(names, st.Name())
			if p, ok := st.(*asl.Parallel); ok {
				for _, b := range p.Branches {
					for n := range b.States {
						names = append(names, n)
					}
				}
			}
		}
		joined := strings.Join(names, " ")
		if got := strings.Contains(joined, MediaState("A", "P2")); got != tt.checks {
			raw, _ := json.Marshal(tt.media)
			t.Errorf("media %s: states %s; want the media check %v", raw, joined, tt.checks)
		}
	}
}
