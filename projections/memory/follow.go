package memory

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/mie-kafka/mie/internal/broker"
)

// follow reads every partition of topic from the start (read committed)
// and calls apply for each data record, in offset order per partition,
// until ctx ends. ready is closed once the log as it stood at start has
// been applied. Every memory projection is built this way, so a restart
// rebuilds it by replay. Each passed hook is told the next offset to read
// of a partition after every record, transaction markers included, so that
// a reader can wait for a stable end (see Segments.Sync).
func follow(ctx context.Context, kafka broker.Config, topic string, log *slog.Logger,
	ready chan struct{}, apply func(*kgo.Record), passed ...func(partition int32, next int64)) error {
	cl, err := kgo.NewClient(kafka.Opts(
		kgo.ConsumeTopics(topic),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()),
		kgo.FetchIsolationLevel(kgo.ReadCommitted()),
		kgo.KeepControlRecords(),
		kgo.FetchMaxWait(200*time.Millisecond),
	)...)
	if err != nil {
		return fmt.Errorf("follow %s: %w", topic, err)
	}
	defer cl.Close()
	ends, err := broker.StableEnds(ctx, cl, topic)
	if err != nil {
		return fmt.Errorf("follow %s: %w", topic, err)
	}
	behind := map[int32]int64{}
	for part, end := range ends {
		if end > 0 {
			behind[part] = end
		}
	}
	start := time.Now()
	applied := 0
	if len(behind) == 0 {
		close(ready)
	}
	// A long replay says how far it is, every progressEvery, until ready.
	var total int64
	for _, end := range behind {
		total += end
	}
	nextProgress := start.Add(progressEvery)
	pos := map[int32]int64{}
	for {
		if len(behind) > 0 && time.Now().After(nextProgress) {
			nextProgress = time.Now().Add(progressEvery)
			logProgress(log, topic, start, applied, pos, total)
		}
		fs := cl.PollFetches(ctx)
		if ctx.Err() != nil || fs.IsClientClosed() {
			return nil
		}
		fs.EachError(func(t string, part int32, err error) {
			log.Warn("fetch error", "topic", t, "partition", part, "err", err)
		})
		fs.EachRecord(func(r *kgo.Record) {
			if !r.Attrs.IsControl() {
				apply(r)
				applied++
			}
			for _, f := range passed {
				f(r.Partition, r.Offset+1)
			}
			pos[r.Partition] = r.Offset + 1
			if end, ok := behind[r.Partition]; ok && r.Offset+1 >= end {
				delete(behind, r.Partition)
				if len(behind) == 0 {
					log.Info("projection caught up", "topic", topic, "records", applied, "took", time.Since(start).Round(time.Millisecond))
					close(ready)
				}
			}
		})
	}
}

// progressEvery is how often a replay logs its progress.
const progressEvery = 5 * time.Second

// logProgress logs a replay's progress: records applied, their rate, how
// much of the log as of start is read, and an estimate of the time left.
func logProgress(log *slog.Logger, topic string, start time.Time, applied int, pos map[int32]int64, total int64) {
	var read int64
	for _, o := range pos {
		read += o
	}
	took := time.Since(start)
	rate := float64(applied) / took.Seconds()
	attrs := []any{"topic", topic, "records", applied, "per_second", int(rate),
		"offsets_read", read, "offsets_total", total}
	if read > 0 && read < total {
		eta := time.Duration(float64(took) * float64(total-read) / float64(read))
		attrs = append(attrs, "eta", eta.Round(time.Second))
	}
	log.Info("projection replaying", attrs...)
}
