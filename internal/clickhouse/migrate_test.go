package clickhouse_test

import (
	"errors"
	"slices"
	"testing"

	"github.com/mie-kafka/mie/internal/clickhouse"
	"github.com/mie-kafka/mie/internal/clickhouse/chtest"
	chsql "github.com/mie-kafka/mie/schemas/clickhouse"
)

func TestMain(m *testing.M) { chtest.Main(m) }

// TestMigrateTwice: the schema applies on an empty database, applying it
// again changes nothing, and a recorded migration whose file changed is
// refused.
func TestMigrateTwice(t *testing.T) {
	conn, _ := chtest.Database(t)
	ctx := t.Context()
	ms, err := chsql.Migrations()
	if err != nil {
		t.Fatal(err)
	}
	ran, err := clickhouse.Migrate(ctx, conn, ms, chtest.Logger(t))
	if err != nil {
		t.Fatal(err)
	}
	if len(ran) != len(ms) {
		t.Fatalf("first run applied %v, want all %d migrations", ran, len(ms))
	}
	tablesBefore := chtest.Tables(t, conn)
	for _, want := range []string{"schema_migrations", "executions", "execution_events", "operator_runs", "assets",
		"asset_media", "asset_metadata", "segments", "projection_versions"} {
		if !slices.Contains(tablesBefore, want) {
			t.Errorf("table %s missing after migrating: %v", want, tablesBefore)
		}
	}
	ran, err = clickhouse.Migrate(ctx, conn, ms, chtest.Logger(t))
	if err != nil || len(ran) != 0 {
		t.Fatalf("second run applied %v, %v; want nothing", ran, err)
	}
	var n uint64
	if err := conn.QueryRow(ctx, "SELECT count() FROM schema_migrations FINAL").Scan(&n); err != nil || n != uint64(len(ms)) {
		t.Fatalf("schema_migrations holds %d rows (%v), want %d", n, err, len(ms))
	}
	if after := chtest.Tables(t, conn); !slices.Equal(after, tablesBefore) {
		t.Errorf("tables changed on the second run: %v -> %v", tablesBefore, after)
	}
	changed := slices.Clone(ms)
	changed[0].Checksum = "edited"
	if _, err := clickhouse.Migrate(ctx, conn, changed, chtest.Logger(t)); !errors.Is(err, clickhouse.ErrMigrationChanged) {
		t.Errorf("migrating with an edited applied migration = %v, want ErrMigrationChanged", err)
	}
}
