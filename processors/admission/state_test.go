package admission_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/processors/admission"
)

func request(id string) events.Payload { return &events.AdmissionRequested{ExecutionId: id} }
func release(id string) events.Payload { return &events.SlotReleased{ExecutionId: id, Reason: "test"} }
func limit(n int) events.Payload       { return &events.ConcurrencyLimitSet{MaxConcurrentWorkflows: n} }

// changes formats changelog writes: "id=State#seq", "id=tombstone" or
// "__limit=limit/nextSeq".
func changes(cs []admission.Change) string {
	var out []string
	for _, c := range cs {
		switch {
		case c.Slot != nil:
			if c.Slot.ExecutionId != c.Key {
				out = append(out, fmt.Sprintf("%s=slot of %s!", c.Key, c.Slot.ExecutionId))
				continue
			}
			out = append(out, fmt.Sprintf("%s=%s#%d", c.Key, c.Slot.State, c.Slot.Seq))
		case c.Limit != nil:
			out = append(out, fmt.Sprintf("%s=%d/%d", c.Key, c.Limit.MaxConcurrentWorkflows, c.Limit.NextSeq))
		default:
			out = append(out, c.Key+"=tombstone")
		}
	}
	return strings.Join(out, " ")
}

// slots formats the state's slots sorted by id: "id=State#seq".
func slots(s *admission.State) string {
	var out []string
	for id, sl := range s.Slots {
		out = append(out, fmt.Sprintf("%s=%s#%d", id, sl.State, sl.Seq))
	}
	slices.Sort(out)
	return strings.Join(out, " ")
}

// step applies in (if any), then grants. applied and granted are the
// expected changelog writes of Apply and the ids Grant admits, in order.
type step struct {
	in      events.Payload
	applied string
	granted []string
}

func TestStateApplyGrant(t *testing.T) {
	tests := []struct {
		name  string
		steps []step
		slots string // after the last step
		limit int
	}{
		{
			name: "grants in request order, not id order",
			steps: []step{
				{in: limit(2), applied: "__limit=2/0"},
				{in: request("z"), applied: "z=Queued#0 __limit=2/1", granted: []string{"z"}},
				{in: request("y"), applied: "y=Queued#1 __limit=2/2", granted: []string{"y"}},
				{in: request("x"), applied: "x=Queued#2 __limit=2/3"},
				{in: request("w"), applied: "w=Queued#3 __limit=2/4"},
				{in: request("a"), applied: "a=Queued#4 __limit=2/5"},
				{in: release("y"), applied: "y=tombstone", granted: []string{"x"}},
				{in: release("z"), applied: "z=tombstone", granted: []string{"w"}},
			},
			slots: "a=Queued#4 w=Running#3 x=Running#2",
			limit: 2,
		},
		{
			name: "raising the limit grants the queue at once",
			steps: []step{
				{in: limit(1), applied: "__limit=1/0"},
				{in: request("a"), applied: "a=Queued#0 __limit=1/1", granted: []string{"a"}},
				{in: request("c"), applied: "c=Queued#1 __limit=1/2"},
				{in: request("b"), applied: "b=Queued#2 __limit=1/3"},
				{in: request("d"), applied: "d=Queued#3 __limit=1/4"},
				{in: limit(3), applied: "__limit=3/4", granted: []string{"c", "b"}},
			},
			slots: "a=Running#0 b=Running#2 c=Running#1 d=Queued#3",
			limit: 3,
		},
		{
			name: "lowering the limit grants nothing new until running drops below it",
			steps: []step{
				{in: limit(3), applied: "__limit=3/0"},
				{in: request("a"), applied: "a=Queued#0 __limit=3/1", granted: []string{"a"}},
				{in: request("b"), applied: "b=Queued#1 __limit=3/2", granted: []string{"b"}},
				{in: request("c"), applied: "c=Queued#2 __limit=3/3", granted: []string{"c"}},
				{in: limit(1), applied: "__limit=1/3"},
				{in: request("d"), applied: "d=Queued#3 __limit=1/4"},
				{in: release("a"), applied: "a=tombstone"},
				{in: release("b"), applied: "b=tombstone"},
				{in: release("c"), applied: "c=tombstone", granted: []string{"d"}},
			},
			slots: "d=Running#3",
			limit: 1,
		},
		{
			name: "releasing a running slot grants the next",
			steps: []step{
				{in: limit(1), applied: "__limit=1/0"},
				{in: request("a"), applied: "a=Queued#0 __limit=1/1", granted: []string{"a"}},
				{in: request("b"), applied: "b=Queued#1 __limit=1/2"},
				{in: release("a"), applied: "a=tombstone", granted: []string{"b"}},
			},
			slots: "b=Running#1",
			limit: 1,
		},
		{
			name: "releasing a queued slot withdraws it",
			steps: []step{
				{in: limit(1), applied: "__limit=1/0"},
				{in: request("a"), applied: "a=Queued#0 __limit=1/1", granted: []string{"a"}},
				{in: request("b"), applied: "b=Queued#1 __limit=1/2"},
				{in: request("c"), applied: "c=Queued#2 __limit=1/3"},
				{in: release("b"), applied: "b=tombstone"},
				{in: release("a"), applied: "a=tombstone", granted: []string{"c"}},
			},
			slots: "c=Running#2",
			limit: 1,
		},
		{
			name: "a duplicate request is ignored, queued or running",
			steps: []step{
				{in: limit(1), applied: "__limit=1/0"},
				{in: request("a"), applied: "a=Queued#0 __limit=1/1", granted: []string{"a"}},
				{in: request("b"), applied: "b=Queued#1 __limit=1/2"},
				{in: request("a")},
				{in: request("b")},
			},
			slots: "a=Running#0 b=Queued#1",
			limit: 1,
		},
		{
			name: "an unknown or repeated release is ignored",
			steps: []step{
				{in: limit(1), applied: "__limit=1/0"},
				{in: release("ghost")},
				{in: request("a"), applied: "a=Queued#0 __limit=1/1", granted: []string{"a"}},
				{in: release("a"), applied: "a=tombstone"},
				{in: release("a")},
			},
			slots: "",
			limit: 1,
		},
		{
			name: "a limit below 1 or unchanged is ignored",
			steps: []step{
				{in: limit(0)},
				{in: limit(-2)},
				{in: limit(admission.DefaultLimit)},
			},
			slots: "",
			limit: admission.DefaultLimit,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := admission.NewState()
			for i, st := range tt.steps {
				if st.in != nil {
					if got := changes(s.Apply(st.in)); got != st.applied {
						t.Fatalf("step %d: Apply(%s %+v) wrote %q, want %q", i, st.in.EventType(), st.in, got, st.applied)
					}
				}
				ids, granted := s.Grant()
				if !slices.Equal(ids, st.granted) {
					t.Fatalf("step %d: granted %v, want %v (slots %s)", i, ids, st.granted, slots(s))
				}
				var want []string
				for _, id := range ids {
					want = append(want, fmt.Sprintf("%s=Running#%d", id, s.Slots[id].Seq))
				}
				if got := changes(granted); got != strings.Join(want, " ") {
					t.Fatalf("step %d: Grant wrote %q, want %q", i, got, strings.Join(want, " "))
				}
				running, _ := s.Counts()
				if running > s.Limit && len(ids) > 0 {
					t.Fatalf("step %d: %d running over limit %d after granting %v", i, running, s.Limit, ids)
				}
			}
			if got := slots(s); got != tt.slots {
				t.Errorf("slots %q, want %q", got, tt.slots)
			}
			if s.Limit != tt.limit {
				t.Errorf("limit %d, want %d", s.Limit, tt.limit)
			}
		})
	}
}

// TestStateGrantFIFOAcrossBatch queues many requests before one Grant: the
// slots go to the lowest sequence numbers, whatever the map order.
func TestStateGrantFIFOAcrossBatch(t *testing.T) {
	s := admission.NewState()
	s.Apply(limit(3))
	ids := []string{"m", "b", "z", "a", "q", "c", "x"}
	for _, id := range ids {
		s.Apply(request(id))
	}
	got, _ := s.Grant()
	if want := ids[:3]; !slices.Equal(got, want) {
		t.Fatalf("granted %v, want the first three requested %v", got, want)
	}
	if running, queued := s.Counts(); running != 3 || queued != 4 {
		t.Fatalf("running %d queued %d, want 3 and 4", running, queued)
	}
	if again, ch := s.Grant(); again != nil || ch != nil {
		t.Fatalf("second Grant admitted %v (%v), want nothing at the limit", again, ch)
	}
}
