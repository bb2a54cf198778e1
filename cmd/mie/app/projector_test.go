package app

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	chconn "github.com/mie-kafka/mie/internal/clickhouse"

	"github.com/mie-kafka/mie/internal/view"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/processors/projector"
)

func runEcho(t *testing.T, a *App) string {
	t.Helper()
	defineOperator(t, a, "Echo", "builtin:Passthrough", "Sync", map[string]any{"Output": map[string]any{"Tag": "done"}})
	defineWorkflow(t, a, "EchoFlow", "_Echo")
	v := startExecution(t, a, "EchoFlow", "clip.mp4")
	if done := waitStatus(t, a, v.Id, 20*time.Second, "Complete", "Error"); done.Status != "Complete" {
		t.Fatalf("execution ended %s", done.Status)
	}
	return v.Id
}

func metrics(t *testing.T, a *App) string {
	t.Helper()
	resp, err := http.Get(a.URL() + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/plain") {
		t.Fatalf("GET /metrics: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	return string(b)
}

// TestProjectionsRouteMemory: without ClickHouse, GET /projections and GET
// /metrics show the memory executions projection reaching the log's end.
func TestProjectionsRouteMemory(t *testing.T) {
	h := newHarness(t)
	a := h.start("proj", Roles{API: true, Executor: true, Worker: true, Projector: true})
	runEcho(t, a)
	var st []view.Status
	eventually(t, 10*time.Second, "the memory projection to show its position", func() bool {
		must(t, a, http.StatusOK, "GET", "/projections", nil, &st)
		// runEcho's execution also created its asset: both the executions
		// and the dataplane projections have read something.
		return len(st) == len(projector.Definitions()) && st[0].Lag == 0 && position(st[0]) > 0 && st[1].Lag == 0 && position(st[1]) > 0
	})
	cat := a.Catalog()
	for i, want := range []struct{ name, topic string }{
		{"executions", cat.Executions()}, {"dataplane", cat.Dataplane()}, {"segments", cat.Segments()}} {
		if st[i].Name != want.name || st[i].Backend != "memory" || st[i].Topic != want.topic || len(st[i].Partitions) != 4 {
			t.Errorf("GET /projections [%d] = %+v, want %s on %s with 4 partitions", i, st[i], want.name, want.topic)
		}
	}
	m := metrics(t, a)
	for _, want := range []string{"# TYPE mie_projection_lag gauge", `mie_projection_lag{projection="executions",backend="memory",partition="0"} 0`,
		`mie_projection_position{projection="executions",backend="memory",partition=`} {
		if !strings.Contains(m, want) {
			t.Errorf("GET /metrics lacks %q:\n%s", want, m)
		}
	}
}

func position(s view.Status) int64 {
	var n int64
	for _, p := range s.Partitions {
		n += p.Position
	}
	return n
}

// TestProjectorRoleNeedsClickHouse: the projector role alone refuses to
// start without --clickhouse, saying so.
func TestProjectorRoleNeedsClickHouse(t *testing.T) {
	h := newHarness(t)
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	_, err := Start(ctx, h.config("proj"), Roles{Projector: true}, slog.New(slog.DiscardHandler))
	if err == nil || !strings.Contains(err.Error(), "--clickhouse") {
		t.Fatalf("Start(projector) without ClickHouse = %v, want an error naming --clickhouse", err)
	}
}

// TestClickHouseRoles: a projector and an API with --clickhouse: the API
// serves executions from ClickHouse. It needs MIE_TEST_CLICKHOUSE (the
// projections/clickhouse tests cover testcontainers).
func TestClickHouseRoles(t *testing.T) {
	dsn := os.Getenv("MIE_TEST_CLICKHOUSE")
	if dsn == "" {
		t.Skip("set MIE_TEST_CLICKHOUSE to a ClickHouse DSN (25.8+) to run the roles against ClickHouse")
	}
	admin, err := chconn.Open(t.Context(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Close() })
	id := events.NewID()
	db := "mie_app_" + strings.ReplaceAll(id[len(id)-12:], "-", "")
	if err := admin.Exec(t.Context(), "CREATE DATABASE "+db); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := admin.Exec(ctx, "DROP DATABASE IF EXISTS "+db+" SYNC"); err != nil {
			t.Errorf("drop %s: %v", db, err)
		}
	})
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + db
	h := newHarness(t)
	h.configure = func(c *Config) {
		c.ClickHouse, c.ProjectorFlushInterval = u.String(), 100*time.Millisecond
	}
	h.start("projector", Roles{Projector: true})
	a := h.start("api", Roles{API: true, Executor: true, Worker: true})
	if a.chReader == nil {
		t.Fatal("the API does not read from ClickHouse")
	}
	xid := runEcho(t, a)
	if hist := history(t, a, xid); len(hist) == 0 || hist[len(hist)-1].Type != "ExecutionCompleted" {
		t.Errorf("history from ClickHouse: %v", hist)
	}
	var st []view.Status
	eventually(t, 10*time.Second, "the ClickHouse projections to catch up", func() bool {
		must(t, a, http.StatusOK, "GET", "/projections", nil, &st)
		return len(st) == len(projector.Definitions()) && st[0].Lag == 0 && position(st[0]) > 0
	})
	if st[0].Backend != "clickhouse" || st[0].Group != a.Catalog().Group("mie-projection-executions") || st[0].Generation != 1 {
		t.Errorf("GET /projections = %+v", st[0])
	}
	if m := metrics(t, a); !strings.Contains(m, `mie_projection_generation{projection="executions",backend="clickhouse"} 1`) {
		t.Errorf("GET /metrics:\n%s", m)
	}
}
