package clickhouse

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	chsql "github.com/mie-kafka/mie/schemas/clickhouse"
)

// migrationsTable records the applied migrations. It is created before
// any migration runs, so it is not itself one.
const migrationsTable = `CREATE TABLE IF NOT EXISTS schema_migrations
(
    version  UInt32,
    name     String,
    checksum String,
    applied  DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree
ORDER BY version`

// ErrMigrationChanged is returned when a migration recorded as applied no
// longer matches its file: edit the schema with a new migration instead.
var ErrMigrationChanged = errors.New("applied migration changed")

// Migrate applies the migrations not yet recorded in schema_migrations, in
// version order, and records each. Every statement is idempotent, so a
// migration interrupted half-way runs again in full; applying twice is a
// no-op. It returns the versions it applied.
func Migrate(ctx context.Context, conn Conn, ms []chsql.Migration, log *slog.Logger) ([]int, error) {
	if err := conn.Exec(ctx, migrationsTable); err != nil {
		return nil, fmt.Errorf("create schema_migrations: %w", err)
	}
	done, err := applied(ctx, conn)
	if err != nil {
		return nil, err
	}
	var ran []int
	for _, m := range ms {
		if sum, ok := done[m.Version]; ok {
			if sum != m.Checksum {
				return ran, fmt.Errorf("%w: %s was applied with checksum %s, the file now has %s", ErrMigrationChanged, m.File, sum, m.Checksum)
			}
			continue
		}
		for i, st := range m.Statements {
			if err := conn.Exec(ctx, st); err != nil {
				return ran, fmt.Errorf("migration %s, statement %d: %w", m.File, i+1, err)
			}
		}
		if err := conn.Exec(ctx, "INSERT INTO schema_migrations (version, name, checksum, applied) VALUES (?, ?, ?, fromUnixTimestamp64Milli(?))",
			uint32(m.Version), m.Name, m.Checksum, time.Now().UnixMilli()); err != nil {
			return ran, fmt.Errorf("record migration %s: %w", m.File, err)
		}
		log.Info("clickhouse migration applied", "migration", m.File)
		ran = append(ran, m.Version)
	}
	return ran, nil
}

// applied returns the recorded migrations' checksums by version.
func applied(ctx context.Context, conn Conn) (map[int]string, error) {
	rows, err := conn.Query(ctx, "SELECT version, checksum FROM schema_migrations FINAL")
	if err != nil {
		return nil, fmt.Errorf("read schema_migrations: %w", err)
	}
	defer rows.Close()
	out := map[int]string{}
	for rows.Next() {
		var v uint32
		var sum string
		if err := rows.Scan(&v, &sum); err != nil {
			return nil, fmt.Errorf("read schema_migrations: %w", err)
		}
		out[int(v)] = sum
	}
	return out, rows.Err()
}
