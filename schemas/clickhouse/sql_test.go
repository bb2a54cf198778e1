package chsql_test

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	chsql "github.com/mie-kafka/mie/schemas/clickhouse"
)

func TestMigrationsOrderedAndParsed(t *testing.T) {
	ms, err := chsql.Migrations()
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) == 0 {
		t.Fatal("no migrations")
	}
	for i, m := range ms {
		if m.Version != i+1 {
			t.Errorf("migration %s has version %d, want %d (no gaps, in order)", m.File, m.Version, i+1)
		}
		for _, st := range m.Statements {
			up := strings.ToUpper(st)
			idempotent := strings.HasPrefix(up, "CREATE TABLE IF NOT EXISTS") ||
				strings.HasPrefix(up, "ALTER TABLE") && strings.Contains(up, " ADD COLUMN IF NOT EXISTS ")
			if !idempotent {
				t.Errorf("%s: statement is not an idempotent CREATE TABLE IF NOT EXISTS or ADD COLUMN IF NOT EXISTS: %.60s", m.File, st)
			}
			if strings.Contains(st, ";") || strings.Contains(st, "--") {
				t.Errorf("%s: statement kept a separator or comment: %.60s", m.File, st)
			}
		}
		if len(m.Checksum) != 64 {
			t.Errorf("%s: checksum %q", m.File, m.Checksum)
		}
	}
	var tables []string
	for _, m := range ms {
		for _, st := range m.Statements {
			tables = append(tables, strings.Fields(st)[5])
		}
	}
	for _, want := range []string{"executions", "execution_events", "operator_runs", "assets", "asset_media", "asset_metadata",
		"segments", "projection_versions"} {
		if !slices.Contains(tables, want) {
			t.Errorf("no migration creates %s (tables: %v)", want, tables)
		}
	}
}

func TestParseMigrationsRejectsBadFiles(t *testing.T) {
	for name, fsys := range map[string]fstest.MapFS{
		"bad name":          {"1_x.sql": {Data: []byte("CREATE TABLE IF NOT EXISTS a (x UInt8) ENGINE = Memory")}},
		"duplicate version": {"001_a.sql": {Data: []byte("SELECT 1")}, "001_b.sql": {Data: []byte("SELECT 2")}},
		"empty":             {"001_a.sql": {Data: []byte("-- nothing but a comment\n")}},
		"version zero":      {"000_a.sql": {Data: []byte("SELECT 1")}},
	} {
		if _, err := chsql.ParseMigrations(fsys); !errors.Is(err, chsql.ErrBadMigration) {
			t.Errorf("%s: err = %v, want ErrBadMigration", name, err)
		}
	}
	ms, err := chsql.ParseMigrations(fstest.MapFS{
		"002_b.sql":  {Data: []byte("SELECT 2; SELECT 3")},
		"001_a.sql":  {Data: []byte("SELECT 1")},
		"README.txt": {Data: []byte("not sql")},
	})
	if err != nil || len(ms) != 2 || ms[0].Name != "a" || ms[1].Version != 2 || len(ms[1].Statements) != 2 {
		t.Fatalf("ParseMigrations = %+v, %v", ms, err)
	}
}

func TestSplit(t *testing.T) {
	got := chsql.Split(`-- a comment; with a semicolon
CREATE TABLE t (s String DEFAULT 'a;b', c String COMMENT "x;y") ENGINE = Memory; /* block; comment */
SELECT 'it\'s; fine';

  ;`)
	want := []string{
		"CREATE TABLE t (s String DEFAULT 'a;b', c String COMMENT \"x;y\") ENGINE = Memory",
		"SELECT 'it\\'s; fine'",
	}
	if !slices.Equal(got, want) {
		t.Errorf("Split = %q\nwant %q", got, want)
	}
}

func TestReports(t *testing.T) {
	rs, err := chsql.Reports()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, r := range rs {
		names = append(names, r.Name)
		if !strings.HasPrefix(strings.ToUpper(r.SQL), "SELECT") {
			t.Errorf("report %s is not one SELECT: %.40s", r.Name, r.SQL)
		}
	}
	for _, want := range []string{"executions_per_day", "duration_per_workflow", "duration_per_stage", "duration_per_operator",
		"operator_failure_rate", "operator_top_errors", "operator_retries_deferrals", "queue_wait", "segments_per_hour"} {
		if !slices.Contains(names, want) {
			t.Errorf("no report %s (have %v)", want, names)
		}
	}
	if _, err := chsql.ReportNamed("nope"); err == nil {
		t.Error("ReportNamed(nope) found a report")
	}
}
