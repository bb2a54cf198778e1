package projector

import (
	"context"
	"errors"
	"fmt"
	"time"

	chconn "github.com/mie-kafka/mie/internal/clickhouse"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/mie-kafka/mie/internal/broker"
)

type pos struct {
	partition int32
	offset    int64
}

// batch is what was polled since the last flush.
type batch struct {
	since time.Time
	n     int
	recs  []Record
	bad   []Bad
	raw   map[pos]*kgo.Record
	// next is the offset after the last record polled, per partition
	// (transaction markers included).
	next map[int32]int64
}

func (b *batch) empty() bool  { return b.n == 0 }
func (b *batch) records() int { return b.n }
func (b *batch) reset()       { *b = batch{} }
func (b *batch) add(r *kgo.Record) {
	if b.n == 0 {
		b.since = time.Now()
		b.raw = map[pos]*kgo.Record{}
		b.next = map[int32]int64{}
	}
	b.n++
	b.next[r.Partition] = r.Offset + 1
	if r.Attrs.IsControl() {
		return // a transaction marker: a position, not an event
	}
	b.raw[pos{r.Partition, r.Offset}] = r
	rec, bad := Decode(r)
	if bad != nil {
		b.bad = append(b.bad, *bad)
		return
	}
	b.recs = append(b.recs, rec)
}

// run is one generation's consumer session.
type run struct {
	p       *Projector
	cl      *kgo.Client
	topic   string
	group   string
	gen     uint32
	folder  Folder
	batch   batch
	started time.Time
	// position is the committed next offset per partition; ends the
	// stable ends last listed.
	position map[int32]int64
	ends     map[int32]int64
	folded   int64
	endsAt   time.Time
}

// flush writes the batch and commits its offsets: load state, fold, check
// the generation, write rows, dead-letter bad records, commit. Nothing is
// committed unless everything before succeeded; a batch that is not
// committed is dropped with the folder's state, and redelivered.
func (r *run) flush(ctx context.Context) (err error) {
	p := r.p
	b := &r.batch
	defer func() {
		if err != nil {
			r.folder.Reset()
		}
		b.reset()
	}()
	if len(b.recs) > 0 {
		if err := retry(ctx, p.cfg.Backoff, func() error { return r.folder.Load(ctx, p.cfg.Sink, b.recs) }, p.logRetry("load state")); err != nil {
			return fmt.Errorf("projection %s: load state: %w", p.cfg.Definition.Name, err)
		}
	}
	var rows chconn.Rows
	bad := append(b.bad, r.folder.Fold(b.recs, r.gen, &rows)...)
	if p.cfg.Generations != nil {
		var live uint32
		err := retry(ctx, p.cfg.Backoff, func() error {
			var err error
			live, err = p.cfg.Generations.Generation(ctx, p.cfg.Definition.Name)
			return err
		}, p.logRetry("read generation"))
		if err != nil {
			return fmt.Errorf("projection %s: generation: %w", p.cfg.Definition.Name, err)
		}
		if live != r.gen {
			return errGenerationChanged
		}
	}
	if rows.Len() > 0 {
		if err := retry(ctx, p.cfg.Backoff, func() error { return p.cfg.Sink.Write(ctx, &rows) }, p.logRetry("write")); err != nil {
			return fmt.Errorf("projection %s: write %d rows: %w", p.cfg.Definition.Name, rows.Len(), err)
		}
	}
	if err := r.deadLetter(ctx, bad); err != nil {
		return fmt.Errorf("projection %s: %w", p.cfg.Definition.Name, err)
	}
	if err := r.cl.CommitUncommittedOffsets(ctx); err != nil {
		// Most likely the partitions moved (the group rebalanced while a
		// write was retried): the rows are written, and the new owner
		// writes them again, unchanged.
		p.log.Warn("offset commit failed; the batch will be redelivered", "err", err)
		return nil
	}
	if r.position == nil {
		r.position = map[int32]int64{}
	}
	for part, next := range b.next {
		r.position[part] = next
	}
	r.folded += int64(len(b.recs) + len(bad))
	p.flushes.Add(1)
	r.report(ctx, rows.Len(), len(bad))
	return nil
}

// drain writes and commits the batch in hand when the projector stops.
func (r *run) drain() error {
	if r.batch.empty() {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := r.flush(ctx); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return nil
}

// caughtUp reports whether every partition's committed position has
// reached its stable end.
func (r *run) caughtUp(ctx context.Context) (bool, error) {
	if err := r.listEnds(ctx, 0); err != nil {
		return false, err
	}
	for part, end := range r.ends {
		if end > 0 && r.committed(part) < end {
			return false, nil
		}
	}
	r.report(ctx, 0, 0)
	return true, nil
}

// committed is the committed position of part: this session's, or the
// group's from before it when this session has not committed it yet.
func (r *run) committed(part int32) int64 {
	if n, ok := r.position[part]; ok {
		return n
	}
	if off, ok := r.cl.CommittedOffsets()[r.topic][part]; ok {
		return off.Offset
	}
	return 0
}

// listEnds refreshes the stable ends when they are older than maxAge.
func (r *run) listEnds(ctx context.Context, maxAge time.Duration) error {
	if r.ends != nil && time.Since(r.endsAt) < maxAge {
		return nil
	}
	lctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	ends, err := broker.StableEnds(lctx, r.cl, r.topic)
	if err != nil {
		return fmt.Errorf("projection %s: %w", r.p.cfg.Definition.Name, err)
	}
	r.ends, r.endsAt = ends, time.Now()
	return nil
}
