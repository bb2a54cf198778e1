package chsink

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/mie-kafka/mie/internal/broker"
	"github.com/mie-kafka/mie/internal/clickhouse"
	"github.com/mie-kafka/mie/internal/topics"
	"github.com/mie-kafka/mie/processors/projector"
)

// RebuildConfig configures a rebuild of one projection.
type RebuildConfig struct {
	Conn       clickhouse.Conn
	Kafka      broker.Config
	Catalog    topics.Catalog
	Definition projector.Definition
	// Progress sees the replay's progress after every batch.
	Progress func(projector.Progress)
	// FlushRows and FlushInterval tune the replay's batches (the
	// projector's defaults when 0).
	FlushRows     int
	FlushInterval time.Duration
	Logger        *slog.Logger
}

// ErrInterrupted is returned by Fill when its context ends before the
// replay caught up; running the rebuild again resumes it.
var ErrInterrupted = errors.New("rebuild interrupted; run it again to resume")

// Rebuild rebuilds a projection without stopping it:
//
//  1. Fill replays the topic from the start into fresh tables
//     (<table>__g<N+1>, created AS the live ones) with the consumer group
//     of generation N+1, while the live tables keep serving; it is
//     checkpointed by that group, so an interrupted rebuild resumes;
//  2. Swap exchanges each fresh table with its live one (EXCHANGE TABLES,
//     atomic per table), records generation N+1 in projection_versions, and
//     drops the old tables. Running projectors see the new generation at
//     their next batch and go on with generation N+1's group from where
//     the rebuild stopped.
func Rebuild(ctx context.Context, cfg RebuildConfig) error {
	gen, err := Fill(ctx, cfg)
	if err != nil {
		return err
	}
	return Swap(ctx, cfg.Conn, cfg.Definition, projector.Group(cfg.Catalog, cfg.Definition.Name, gen), gen, cfg.Logger)
}

// comment marks a table filled by generation gen, so that an interrupted
// swap knows which tables it already exchanged.
func comment(gen uint32) string { return fmt.Sprintf("mie projection generation %d", gen) }

// Next returns the generation a rebuild of d fills: the live one plus one,
// or the one an interrupted rebuild or swap left behind.
func Next(ctx context.Context, conn clickhouse.Conn, d projector.Definition) (uint32, error) {
	live, err := clickhouse.LiveGeneration(ctx, conn, d.Name)
	if err != nil {
		return 0, err
	}
	return live + 1, nil
}

// Fill runs step 1 of Rebuild and returns the generation it filled.
func Fill(ctx context.Context, cfg RebuildConfig) (uint32, error) {
	d := cfg.Definition
	gen, err := Next(ctx, cfg.Conn, d)
	if err != nil {
		return 0, err
	}
	swapping, err := swapStarted(ctx, cfg.Conn, d, gen)
	if err != nil {
		return 0, err
	}
	if swapping {
		cfg.Logger.Info("an interrupted swap is finished first", "projection", d.Name, "generation", gen)
		return gen, nil
	}
	suffix := RebuildSuffix(gen)
	for _, t := range d.Tables {
		// The tables the last swap replaced, if it was interrupted before
		// it dropped them.
		if err := cfg.Conn.Exec(ctx, fmt.Sprintf("DROP TABLE IF EXISTS %s%s SYNC", t, RebuildSuffix(gen-1))); err != nil {
			return 0, fmt.Errorf("drop the replaced %s: %w", t, err)
		}
		if err := cfg.Conn.Exec(ctx, fmt.Sprintf("CREATE TABLE IF NOT EXISTS %s%s AS %s", t, suffix, t)); err != nil {
			return 0, fmt.Errorf("create %s%s: %w", t, suffix, err)
		}
		if err := cfg.Conn.Exec(ctx, fmt.Sprintf("ALTER TABLE %s%s MODIFY COMMENT '%s'", t, suffix, comment(gen))); err != nil {
			return 0, fmt.Errorf("mark %s%s: %w", t, suffix, err)
		}
	}
	p, err := projector.New(projector.Config{
		Definition: d, Kafka: cfg.Kafka, Catalog: cfg.Catalog, Sink: NewRebuildSink(cfg.Conn, gen),
		Generation: gen, UntilCaughtUp: true, Progress: cfg.Progress, Logger: cfg.Logger,
		FlushRows: cfg.FlushRows, FlushInterval: cfg.FlushInterval,
	})
	if err != nil {
		return 0, err
	}
	cfg.Logger.Info("rebuild started", "projection", d.Name, "generation", gen, "group", projector.Group(cfg.Catalog, d.Name, gen))
	if err := p.Run(ctx); err != nil {
		return 0, fmt.Errorf("rebuild %s: %w", d.Name, err)
	}
	if ctx.Err() != nil {
		return 0, fmt.Errorf("%w (projection %s, generation %d)", ErrInterrupted, d.Name, gen)
	}
	return gen, nil
}

// swapStarted reports whether a swap to gen exchanged some table already.
func swapStarted(ctx context.Context, conn clickhouse.Conn, d projector.Definition, gen uint32) (bool, error) {
	for _, t := range d.Tables {
		c, err := tableComment(ctx, conn, t)
		if err != nil {
			return false, err
		}
		if c == comment(gen) {
			return true, nil
		}
	}
	return false, nil
}

func tableComment(ctx context.Context, conn clickhouse.Conn, table string) (string, error) {
	var c string
	if err := conn.QueryRow(ctx, "SELECT comment FROM system.tables WHERE database = currentDatabase() AND name = ?", table).Scan(&c); err != nil {
		return "", fmt.Errorf("comment of %s: %w", table, err)
	}
	return c, nil
}

// Swap runs step 2 of Rebuild; it is idempotent, so an interrupted swap is
// finished by running it again.
func Swap(ctx context.Context, conn clickhouse.Conn, d projector.Definition, group string, gen uint32, log *slog.Logger) error {
	suffix := RebuildSuffix(gen)
	for _, t := range d.Tables {
		c, err := tableComment(ctx, conn, t)
		if err != nil {
			return err
		}
		if c == comment(gen) {
			continue // exchanged before an interruption
		}
		if err := conn.Exec(ctx, fmt.Sprintf("EXCHANGE TABLES %s AND %s%s", t, t, suffix)); err != nil {
			return fmt.Errorf("swap %s: %w", t, err)
		}
	}
	if err := conn.Exec(ctx, "INSERT INTO projection_versions (name, generation, consumer_group, swapped) VALUES (?, ?, ?, fromUnixTimestamp64Milli(?))",
		d.Name, gen, group, time.Now().UnixMilli()); err != nil {
		return fmt.Errorf("record generation %d of %s: %w", gen, d.Name, err)
	}
	for _, t := range d.Tables {
		if err := conn.Exec(ctx, fmt.Sprintf("DROP TABLE IF EXISTS %s%s SYNC", t, suffix)); err != nil {
			return fmt.Errorf("drop the replaced %s: %w", t, err)
		}
	}
	log.Info("rebuilt projection is live", "projection", d.Name, "generation", gen)
	return nil
}
