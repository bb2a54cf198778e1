// Package chtest gives tests a ClickHouse database of their own on one
// shared server: the one named by MIE_TEST_CLICKHOUSE, or a testcontainers
// container where Docker runs; without either, the tests skip with the
// reason. A package using it calls Close from its TestMain.
package chtest

import (
	"context"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/testcontainers/testcontainers-go"
	chtc "github.com/testcontainers/testcontainers-go/modules/clickhouse"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/clickhouse"
	chsql "github.com/mie-kafka/mie/schemas/clickhouse"
)

// EnvDSN names a ClickHouse server (25.8 or later) for the tests, as a
// clickhouse-go DSN, e.g. clickhouse://default:secret@127.0.0.1:9000/default.
// Without it the tests start one with testcontainers where Docker runs, and
// skip otherwise.
const EnvDSN = "MIE_TEST_CLICKHOUSE"

// image is the server the tests start: the oldest version supported.
const image = "clickhouse/clickhouse-server:25.8"

var (
	serverOnce sync.Once
	serverDSN  string
	serverSkip string
	container  *chtc.ClickHouseContainer
)

// Main runs a package's tests and then stops the container they started,
// if any: call it from TestMain.
func Main(m *testing.M) {
	code := m.Run()
	if container != nil {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		if err := testcontainers.TerminateContainer(container, testcontainers.StopContext(ctx)); err != nil {
			fmt.Fprintln(os.Stderr, "terminate the ClickHouse container:", err)
		}
		cancel()
	}
	os.Exit(code)
}

// Server returns the DSN of the shared test server, or skips the test.
func Server(t *testing.T) string {
	t.Helper()
	serverOnce.Do(func() {
		if dsn := os.Getenv(EnvDSN); dsn != "" {
			serverDSN = dsn
			return
		}
		if err := dockerHealthy(); err != nil {
			serverSkip = fmt.Sprintf("no ClickHouse server: set %s to a clickhouse-go DSN of a server (25.8+), "+
				"or run where Docker is available for testcontainers (Docker: %v)", EnvDSN, err)
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		c, err := chtc.Run(ctx, image)
		container = c
		if err != nil {
			serverSkip = fmt.Sprintf("Docker runs but the ClickHouse container did not start: %v", err)
			return
		}
		serverDSN, err = c.ConnectionString(ctx)
		if err != nil {
			serverSkip = fmt.Sprintf("ClickHouse container address: %v", err)
		}
	})
	if serverSkip != "" {
		t.Skip(serverSkip)
	}
	return serverDSN
}

func dockerHealthy() (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("docker provider: %v", r)
		}
	}()
	p, err := testcontainers.ProviderDocker.GetProvider()
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return p.Health(ctx)
}

// Database creates a database of its own for the test on the shared
// server, dropped when the test ends, and returns a connection to it.
func Database(t *testing.T) (clickhouse.Conn, string) {
	t.Helper()
	base := Server(t)
	admin, err := clickhouse.Open(t.Context(), base)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Close() })
	id := events.NewID()
	name := "mie_test_" + strings.ReplaceAll(id[len(id)-12:], "-", "")
	if err := admin.Exec(t.Context(), "CREATE DATABASE "+name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := admin.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" SYNC"); err != nil {
			t.Errorf("drop database %s: %v", name, err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("%s: %v", EnvDSN, err)
	}
	u.Path = "/" + name
	dsn := u.String()
	conn, err := clickhouse.Open(t.Context(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return conn, dsn
}

// Migrated is Database with the schema applied.
func Migrated(t *testing.T) clickhouse.Conn {
	t.Helper()
	conn, _ := Database(t)
	ms, err := chsql.Migrations()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := clickhouse.Migrate(t.Context(), conn, ms, Logger(t)); err != nil {
		t.Fatal(err)
	}
	return conn
}

// Logger logs warnings and errors to the test output.
func Logger(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
}

// Tables lists the tables of conn's database, sorted.
func Tables(t *testing.T, conn clickhouse.Conn) []string {
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
