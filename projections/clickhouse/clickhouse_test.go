package clickhouse_test

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"

	"github.com/mie-kafka/mie/internal/broker"
	"github.com/mie-kafka/mie/internal/kafkatest"
	"github.com/mie-kafka/mie/internal/topics"
	"github.com/mie-kafka/mie/processors/projector"
	"github.com/mie-kafka/mie/projections/clickhouse"
	"github.com/mie-kafka/mie/projections/projectiontest"
	chsql "github.com/mie-kafka/mie/schemas/clickhouse"
)

// TestMigrateTwice: the schema applies on an empty database, applying it
// again changes nothing, and a recorded migration whose file changed is
// refused.
func TestMigrateTwice(t *testing.T) {
	conn, _ := database(t)
	ctx := t.Context()
	ms, err := chsql.Migrations()
	if err != nil {
		t.Fatal(err)
	}
	ran, err := clickhouse.Migrate(ctx, conn, ms, testLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	if len(ran) != len(ms) {
		t.Fatalf("first run applied %v, want all %d migrations", ran, len(ms))
	}
	tablesBefore := tableList(t, conn)
	for _, want := range []string{"schema_migrations", "executions", "execution_events", "operator_runs", "assets",
		"asset_media", "asset_metadata", "segments", "projection_versions"} {
		if !slices.Contains(tablesBefore, want) {
			t.Errorf("table %s missing after migrating: %v", want, tablesBefore)
		}
	}
	ran, err = clickhouse.Migrate(ctx, conn, ms, testLogger(t))
	if err != nil || len(ran) != 0 {
		t.Fatalf("second run applied %v, %v; want nothing", ran, err)
	}
	var n uint64
	if err := conn.QueryRow(ctx, "SELECT count() FROM schema_migrations FINAL").Scan(&n); err != nil || n != uint64(len(ms)) {
		t.Fatalf("schema_migrations holds %d rows (%v), want %d", n, err, len(ms))
	}
	if after := tableList(t, conn); !slices.Equal(after, tablesBefore) {
		t.Errorf("tables changed on the second run: %v -> %v", tablesBefore, after)
	}
	changed := slices.Clone(ms)
	changed[0].Checksum = "edited"
	if _, err := clickhouse.Migrate(ctx, conn, changed, testLogger(t)); !errors.Is(err, clickhouse.ErrMigrationChanged) {
		t.Errorf("migrating with an edited applied migration = %v, want ErrMigrationChanged", err)
	}
}

func tableList(t *testing.T, conn clickhouse.Conn) []string {
	t.Helper()
	rows, err := conn.Query(t.Context(), "SELECT name FROM system.tables WHERE database = currentDatabase() ORDER BY name")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	return out
}

// startProjectors runs one live projector per projection until the test
// ends.
func startProjectors(t *testing.T, conn clickhouse.Conn, kafka broker.Config, cat topics.Catalog) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var done []chan error
	for _, d := range projector.Definitions() {
		sink := clickhouse.NewSink(conn)
		p, err := projector.New(projector.Config{Definition: d, Kafka: kafka, Catalog: cat, Sink: sink, Generations: sink,
			FlushInterval: 100 * time.Millisecond, SessionTimeout: 6 * time.Second, Logger: testLogger(t)})
		if err != nil {
			t.Fatal(err)
		}
		ch := make(chan error, 1)
		done = append(done, ch)
		go func() { ch <- p.Run(ctx) }()
	}
	t.Cleanup(func() {
		cancel()
		for _, ch := range done {
			if err := <-ch; err != nil {
				t.Errorf("projector: %v", err)
			}
		}
	})
}

// caughtUp waits until every live projection's group has committed the
// topics' stable ends.
func caughtUp(ctx context.Context, conn clickhouse.Conn, adm *kadm.Client, cat topics.Catalog) error {
	sink := clickhouse.NewSink(conn)
	for {
		behind := false
		for _, d := range projector.Definitions() {
			gen, err := sink.Generation(ctx, d.Name)
			if err != nil {
				return err
			}
			st, err := projector.GroupStatus(ctx, adm, d, cat, gen)
			if err != nil || st.Lag > 0 {
				behind = true
			}
		}
		if !behind {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// TestConformance runs the backends' conformance suite against the
// projector and ClickHouse: the projectors fold the topics into the
// tables, the Reader answers, and the reports run over the seeded data.
func TestConformance(t *testing.T) {
	server(t) // skip before any Kafka work when there is no server
	projectiontest.Run(t, func(t *testing.T, kafka broker.Config, cat topics.Catalog) projectiontest.Backend {
		conn := migrated(t)
		startProjectors(t, conn, kafka, cat)
		adm := kadm.NewClient(kafkatest.Client(t, kafka))
		r := clickhouse.NewReader(conn)
		r.Kafka, r.Catalog, r.Poll = adm, cat, 20*time.Millisecond
		return projectiontest.Backend{
			Executions: r, Assets: r, Segments: r,
			Sync:   func(ctx context.Context) error { return caughtUp(ctx, conn, adm, cat) },
			Report: func(ctx context.Context, name string) ([][]string, error) { return runReport(ctx, conn, name) },
		}
	})
}

// runReport runs a report file and formats its rows.
func runReport(ctx context.Context, conn clickhouse.Conn, name string) ([][]string, error) {
	rep, err := chsql.ReportNamed(name)
	if err != nil {
		return nil, err
	}
	rows, err := conn.Query(ctx, rep.SQL)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out [][]string
	types := rows.ColumnTypes()
	for rows.Next() {
		dest := make([]any, len(types))
		for i, ct := range types {
			dest[i] = reflect.New(ct.ScanType()).Interface()
		}
		if err := rows.Scan(dest...); err != nil {
			return nil, err
		}
		row := make([]string, len(dest))
		for i, d := range dest {
			row[i] = projectiontest.FormatValue(reflect.ValueOf(d).Elem().Interface())
		}
		out = append(out, row)
	}
	return out, rows.Err()
}
