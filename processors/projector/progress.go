package projector

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
)

// Progress is where a projector stands.
type Progress struct {
	Projection string `json:"Projection"`
	Group      string `json:"Group"`
	Generation uint32 `json:"Generation"`
	// Partitions are the partitions this projector has committed, with
	// the topic's stable end (as last listed) and the lag between them.
	Partitions []PartitionProgress `json:"Partitions"`
	Lag        int64               `json:"Lag"`
	// Records folded (events and dead letters) by this run, and its rate.
	Records      int64   `json:"Records"`
	EventsPerSec float64 `json:"EventsPerSec"`
	// ETA is how long the lag takes at the current rate (0 when caught up
	// or unknown).
	ETA     time.Duration `json:"ETA"`
	Updated time.Time     `json:"Updated"`
}

// PartitionProgress is one partition's position.
type PartitionProgress struct {
	Partition int32 `json:"Partition"`
	Position  int64 `json:"Position"`
	End       int64 `json:"End"`
	Lag       int64 `json:"Lag"`
}

func (p Progress) clone() Progress {
	p.Partitions = slices.Clone(p.Partitions)
	return p
}

// String renders one line for people: position per partition, rate, ETA.
func (p Progress) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s g%d: %d records, %.0f events/s, lag %d", p.Projection, p.Generation, p.Records, p.EventsPerSec, p.Lag)
	if p.ETA > 0 {
		fmt.Fprintf(&b, ", ETA %s", p.ETA.Round(time.Second))
	}
	b.WriteString(" |")
	for _, pp := range p.Partitions {
		fmt.Fprintf(&b, " p%d %d/%d", pp.Partition, pp.Position, pp.End)
	}
	return b.String()
}

// report refreshes the projector's progress after a flush (listing the
// stable ends at most every 5 s) and hands it to Config.Progress.
func (r *run) report(ctx context.Context, rows, bad int) {
	p := r.p
	if err := r.listEnds(ctx, 5*time.Second); err != nil {
		p.log.Warn("cannot list the topic's ends for the lag", "err", err)
	}
	elapsed := time.Since(r.started).Seconds()
	st := Progress{Projection: p.cfg.Definition.Name, Group: r.group, Generation: r.gen,
		Records: r.folded, Updated: time.Now()}
	if elapsed > 0 {
		st.EventsPerSec = float64(r.folded) / elapsed
	}
	// The partitions this member owns (a rebuild owns them all).
	owned := maps.Clone(r.position)
	if owned == nil {
		owned = map[int32]int64{}
	}
	for part := range r.cl.CommittedOffsets()[r.topic] {
		owned[part] = 0
	}
	if p.cfg.UntilCaughtUp {
		for part := range r.ends {
			owned[part] = 0
		}
	}
	parts := slices.Sorted(maps.Keys(owned))
	for _, part := range parts {
		end := r.ends[part]
		at := r.committed(part)
		lag := max(end-at, 0)
		st.Lag += lag
		st.Partitions = append(st.Partitions, PartitionProgress{Partition: part, Position: at, End: end, Lag: lag})
	}
	if st.EventsPerSec > 0 && st.Lag > 0 {
		st.ETA = time.Duration(float64(st.Lag) / st.EventsPerSec * float64(time.Second))
	}
	p.mu.Lock()
	p.status = st
	p.mu.Unlock()
	if rows > 0 || bad > 0 {
		p.log.Debug("batch written", "rows", rows, "dead_letters", bad, "lag", st.Lag)
	}
	if p.cfg.Progress != nil {
		p.cfg.Progress(st.clone())
	}
}
