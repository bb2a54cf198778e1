package consume_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/consume"
	"github.com/mie-kafka/mie/internal/kafkatest"
)

// positioned records the offsets the consumer starts from.
type positioned struct {
	mu  sync.Mutex
	got map[int32]int64
	n   int
}

func (p *positioned) set(o map[int32]int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.got, p.n = o, p.n+1
}

func (p *positioned) get() (map[int32]int64, int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.got, p.n
}

// --from end skips what was written before the consumer started.
func TestFromEndSkipsOldRecords(t *testing.T) {
	cfg, cat := kafkatest.Start(t)
	topic := cat.Dataplane()
	keys := []string{"asset-a", "asset-b", "asset-c"}
	var old []events.Envelope
	for _, k := range keys {
		old = append(old, change(t, k, 0), change(t, k, 1))
	}
	produceTx(t, cfg, topic, true, old...)
	out := &lines{}
	pos := &positioned{}
	c := baseConfig(cfg, topic, "end-"+events.NewID())
	c.Out, c.OnPositioned = out, pos.set
	c.From = consume.From{Mode: consume.FromEnd}
	r := start(t, c)
	kafkatest.Eventually(t, "partitions positioned", func() bool { _, n := pos.get(); return n > 0 })
	var fresh []events.Envelope
	for _, k := range keys { // same keys, so the same partitions as the old ones
		fresh = append(fresh, change(t, k, 2))
	}
	produceTx(t, cfg, topic, true, fresh...)
	kafkatest.Eventually(t, "new changes printed", func() bool { return len(out.changes(t)) >= len(fresh) })
	if err := r.stop(t); err != nil {
		t.Fatal(err)
	}
	var got []events.Envelope
	for _, ch := range out.changes(t) {
		got = append(got, envelopeOf(t, ch))
	}
	checkOrder(t, fresh, got)
}

// --from N and --from P:N place partitions without commits; offsets out
// of range are clamped to what exists; a group that has committed resumes
// there whatever --from says.
func TestFromOffsets(t *testing.T) {
	cfg, cat := kafkatest.Start(t)
	topic := cat.Dataplane()
	byPartition := map[int32][]events.Envelope{}
	for p := range int32(kafkatest.Partitions) {
		for seq := range 5 {
			byPartition[p] = append(byPartition[p], change(t, fmt.Sprintf("asset-%d-%d", p, seq), seq))
		}
		producePlain(t, cfg, topic, p, byPartition[p]...)
	}
	tests := []struct {
		from string
		pos  map[int32]int64
	}{
		{"start", map[int32]int64{0: 0, 1: 0}},
		{"3", map[int32]int64{0: 3, 1: 3}},
		{"0:1", map[int32]int64{0: 1, 1: 0}},
		{"1:99", map[int32]int64{0: 0, 1: 5}},
		{"99", map[int32]int64{0: 5, 1: 5}},
	}
	for _, tt := range tests {
		t.Run(tt.from, func(t *testing.T) {
			from, err := consume.ParseFrom(tt.from)
			if err != nil {
				t.Fatal(err)
			}
			out := &lines{}
			pos := &positioned{}
			c := baseConfig(cfg, topic, "from-"+events.NewID())
			c.Out, c.OnPositioned, c.From = out, pos.set, from
			r := start(t, c)
			kafkatest.Eventually(t, "partitions positioned", func() bool { _, n := pos.get(); return n > 0 })
			got, _ := pos.get()
			if fmt.Sprint(got) != fmt.Sprint(tt.pos) {
				t.Fatalf("positioned at %v, want %v", got, tt.pos)
			}
			var want []events.Envelope
			for p, envs := range byPartition {
				want = append(want, envs[tt.pos[p]:]...)
			}
			kafkatest.Eventually(t, "changes printed", func() bool { return len(out.changes(t)) >= len(want) })
			if err := r.stop(t); err != nil {
				t.Fatal(err)
			}
			var printed []events.Envelope
			for _, ch := range out.changes(t) {
				printed = append(printed, envelopeOf(t, ch))
				if ch.Offset < tt.pos[ch.Partition] {
					t.Errorf("printed %d@%d, before the start %d", ch.Partition, ch.Offset, tt.pos[ch.Partition])
				}
			}
			checkOrder(t, want, printed)
			if len(want) == 0 {
				return
			}
			// Restarted with --from start, partitions the group committed
			// resume after their delivered records; the others start over.
			c.From = consume.From{Mode: consume.FromStart}
			pos2 := &positioned{}
			c.OnPositioned = pos2.set
			resume, extra := map[int32]int64{}, 0
			for p, envs := range byPartition {
				if tt.pos[p] < int64(len(envs)) {
					resume[p] = int64(len(envs))
				} else {
					resume[p], extra = 0, extra+len(envs)
				}
			}
			r = start(t, c)
			kafkatest.Eventually(t, "partitions positioned again", func() bool { _, n := pos2.get(); return n > 0 })
			if again, _ := pos2.get(); fmt.Sprint(again) != fmt.Sprint(resume) {
				t.Fatalf("restart positioned at %v, want %v", again, resume)
			}
			kafkatest.Eventually(t, "uncommitted partitions read", func() bool { return len(out.changes(t)) >= len(want)+extra })
			if err := r.stop(t); err != nil {
				t.Fatal(err)
			}
			if n := len(out.changes(t)); n != len(want)+extra {
				t.Fatalf("%d changes after the restart, want %d", n, len(want)+extra)
			}
		})
	}
}

func TestRunStartErrors(t *testing.T) {
	cfg, cat := kafkatest.Start(t)
	c := baseConfig(cfg, "nope.dataplane", "g")
	c.Out = &lines{}
	err := consume.Run(t.Context(), c)
	if err == nil || !strings.Contains(err.Error(), `topic "nope.dataplane" does not exist`) || !strings.Contains(err.Error(), "--topic-prefix") {
		t.Fatalf("missing topic: %v", err)
	}
	c.Topic = cat.Dataplane()
	c.From = consume.From{Mode: consume.FromPartitions, Partitions: map[int32]int64{7: 0}}
	err = consume.Run(t.Context(), c)
	if err == nil || !strings.Contains(err.Error(), "partition 7 does not exist") {
		t.Fatalf("missing partition: %v", err)
	}
}
