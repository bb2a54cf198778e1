package chsink_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	chreader "github.com/mie-kafka/mie/projections/clickhouse"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/mie-kafka/mie/internal/clickhouse"
	"github.com/mie-kafka/mie/internal/clickhouse/chtest"
	"github.com/mie-kafka/mie/internal/kafkatest"
	"github.com/mie-kafka/mie/processors/projector"
	"github.com/mie-kafka/mie/processors/projector/chsink"
	"github.com/mie-kafka/mie/processors/projector/chsink/chsinktest"
	"github.com/mie-kafka/mie/projections/projectiontest"
)

// dump returns every row of table as FINAL reads it, as text, sorted;
// without the version column when noVersion (generations differ there).
func dump(t *testing.T, conn clickhouse.Conn, table string, noVersion bool) []string {
	t.Helper()
	except := []string{}
	if base, _, _ := strings.Cut(table, "__"); base == "execution_events" {
		except = append(except, "data") // the JSON column; envelope holds the same
	}
	if noVersion {
		except = append(except, "_version")
	}
	cols := "*"
	if len(except) > 0 {
		cols = "* EXCEPT (" + strings.Join(except, ", ") + ")"
	}
	rows, err := conn.Query(t.Context(), "SELECT toString(tuple("+cols+")) AS r FROM "+table+" FINAL ORDER BY r")
	if err != nil {
		t.Fatalf("dump %s: %v", table, err)
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
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// firstDiff shows where two dumps part.
func firstDiff(a, b []string) string {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			j := 0
			for j < len(a[i]) && j < len(b[i]) && a[i][j] == b[i][j] {
				j++
			}
			lo := max(j-80, 0)
			return fmt.Sprintf("row %d at %d:\n  %.300s\n  %.300s", i, j, a[i][lo:], b[i][lo:])
		}
	}
	return fmt.Sprintf("%d rows vs %d", len(a), len(b))
}

// records turns a stream into numbered records on partition 0.
func records(t *testing.T, s projectiontest.Stream) []projector.Record {
	t.Helper()
	var out []projector.Record
	for i, e := range s.Events {
		env := e.Envelope(s.Name, i)
		v, err := json.Marshal(&env)
		if err != nil {
			t.Fatal(err)
		}
		rec, bad := projector.Decode(&kgo.Record{Key: []byte(env.Key), Value: v, Offset: int64(i)})
		if bad != nil {
			t.Fatal(bad.Err)
		}
		out = append(out, rec)
	}
	return out
}

// TestRedeliveryIdempotent: writing the same batch twice leaves the same
// rows in FINAL reads as writing it once.
func TestRedeliveryIdempotent(t *testing.T) {
	conn := chtest.Migrated(t)
	sink := chsink.NewSink(conn)
	// The executions stream with States Language executions too, so that
	// every table of its projection has rows.
	ex := projectiontest.Executions()
	ex.Events = append(ex.Events, projectiontest.Machines().Events...)
	for _, s := range []projectiontest.Stream{ex, projectiontest.Dataplane(), projectiontest.Segments()} {
		d, err := projector.Lookup(s.Name)
		if err != nil {
			t.Fatal(err)
		}
		rows, bad := projector.FoldAll(d, records(t, s), 1)
		if len(bad) > 0 {
			t.Fatal(bad[0].Err)
		}
		if err := sink.Write(t.Context(), &rows); err != nil {
			t.Fatal(err)
		}
		once := map[string][]string{}
		for _, table := range d.Tables {
			once[table] = dump(t, conn, table, false)
			if len(once[table]) == 0 {
				t.Fatalf("%s is empty after a write", table)
			}
		}
		if err := sink.Write(t.Context(), &rows); err != nil {
			t.Fatal(err)
		}
		for _, table := range d.Tables {
			if twice := dump(t, conn, table, false); !slices.Equal(twice, once[table]) {
				t.Errorf("%s after a redelivered batch: %d rows, want the same %d rows", table, len(twice), len(once[table]))
			}
		}
	}
}

// TestRebuildEquivalence: a rebuild replays the topics into fresh tables
// that equal the live ones row for row (an interrupted rebuild resumes),
// swaps them in, and the running projectors follow the new generation.
func TestRebuildEquivalence(t *testing.T) {
	conn := chtest.Migrated(t)
	kafka, cat := kafkatest.Start(t)
	ex, dp, sg := projectiontest.Executions(), projectiontest.Dataplane(), projectiontest.Segments()
	for _, s := range []projectiontest.Stream{ex, dp, sg} {
		projectiontest.Produce(t, kafka, cat, s.Name, 0, s.Topic(cat), s.Events)
	}
	chsinktest.StartProjectors(t, conn, kafka, cat)
	adm := kadm.NewClient(kafkatest.Client(t, kafka))
	wait := func() {
		ctx, cancel := context.WithTimeout(t.Context(), kafkatest.Timeout)
		defer cancel()
		if err := chsinktest.CaughtUp(ctx, conn, adm, cat); err != nil {
			t.Fatalf("projectors did not catch up: %v", err)
		}
	}
	wait()

	for _, d := range projector.Definitions() {
		cfg := chsink.RebuildConfig{Conn: conn, Kafka: kafka, Catalog: cat, Definition: d, Logger: chtest.Logger(t),
			FlushRows: 5, FlushInterval: 50 * time.Millisecond}
		// Interrupt the replay after its first batch, then resume it.
		ctx, cancel := context.WithCancel(t.Context())
		batches := 0
		cfg.Progress = func(p projector.Progress) {
			if batches++; batches == 1 && p.Lag > 0 {
				cancel()
			}
		}
		_, err := chsink.Fill(ctx, cfg)
		cancel()
		if err != nil && !errors.Is(err, chsink.ErrInterrupted) {
			t.Fatalf("%s: interrupted fill: %v", d.Name, err)
		}
		cfg.Progress = nil
		gen, err := chsink.Fill(t.Context(), cfg)
		if err != nil {
			t.Fatalf("%s: resumed fill: %v", d.Name, err)
		}
		if gen != 2 {
			t.Fatalf("%s: rebuilt generation %d, want 2", d.Name, gen)
		}
		live := map[string][]string{}
		for _, table := range d.Tables {
			live[table] = dump(t, conn, table, true)
			if rebuilt := dump(t, conn, table+chsink.RebuildSuffix(gen), true); !slices.Equal(rebuilt, live[table]) {
				t.Errorf("%s: rebuilt %s differs from the live one (%d rows vs %d): %s",
					d.Name, table, len(rebuilt), len(live[table]), firstDiff(rebuilt, live[table]))
			}
		}
		if err := chsink.Swap(t.Context(), conn, d, projector.Group(cat, d.Name, gen), gen, chtest.Logger(t)); err != nil {
			t.Fatal(err)
		}
		if g, err := chsink.NewSink(conn).Generation(t.Context(), d.Name); err != nil || g != gen {
			t.Errorf("%s: live generation %d %v after the swap, want %d", d.Name, g, err, gen)
		}
		for _, table := range d.Tables {
			if got := dump(t, conn, table, true); !slices.Equal(got, live[table]) {
				t.Errorf("%s: %s changed across the swap", d.Name, table)
			}
			if slices.Contains(chtest.Tables(t, conn), table+chsink.RebuildSuffix(gen)) {
				t.Errorf("%s: the replaced %s was not dropped", d.Name, table)
			}
		}
	}

	// The running projectors follow generation 2's groups.
	ex2, dp2, sg2 := projectiontest.FollowUps(t, ex, dp, sg)
	projectiontest.Produce(t, kafka, cat, "executions", len(ex.Events), ex.Topic(cat), ex2.Events)
	projectiontest.Produce(t, kafka, cat, "dataplane", len(dp.Events), dp.Topic(cat), dp2.Events)
	projectiontest.Produce(t, kafka, cat, "segments", len(sg.Events), sg.Topic(cat), sg2.Events)
	wait()
	r := chreader.NewReader(conn)
	if x, err := r.Execution(t.Context(), "x7"); err != nil || x.AssetId != "a7" {
		t.Errorf("after the swap, Execution(x7) = %v %v; the live projector did not follow generation 2", x, err)
	}
	if s, err := r.Segment(t.Context(), "s2-w1"); err != nil || s.Status != "complete" {
		t.Errorf("after the swap, Segment(s2-w1) = %+v %v", s, err)
	}
}

func TestMain(m *testing.M) { chtest.Main(m) }
