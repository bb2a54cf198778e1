package projectiontest

import (
	"context"
	"slices"
	"strings"
	"testing"

	chsql "github.com/mie-kafka/mie/schemas/clickhouse"
)

// wantReports are the answers of schemas/clickhouse/reports over the
// streams and their follow-ups, worked out by hand from the fixtures (see
// the comments) and checked on ClickHouse.
var wantReports = map[string][][]string{
	// x1, x3, x6 completed; x2 failed, x4 was cancelled; x5 and x7 wait.
	"executions_per_day": {
		{"2026-11-21 00:00:00.000", "Complete", "3"},
		{"2026-11-21 00:00:00.000", "Error", "2"},
		{"2026-11-21 00:00:00.000", "Queued", "2"},
	},
	// x3 ran 16 s (a deferral and a retry), x6 3 s, x1 4 s.
	"duration_per_workflow": {
		{"wf-1x1", "1", "16000", "16000"},
		{"wf-2x1", "1", "3000", "3000"},
		{"wf-2x2", "1", "4000", "4000"},
	},
	"duration_per_stage": {
		{"wf-1x1", "A", "1", "16000", "16000"},
		{"wf-2x1", "A", "1", "1000", "1000"},
		{"wf-2x1", "B", "1", "2000", "2000"},
		{"wf-2x2", "A", "1", "2000", "2000"},
		{"wf-2x2", "B", "1", "2000", "2000"},
	},
	// A1 completed in x1 (1 s), x3's second attempt (5 s, after a 2 s
	// back-off) and x6 (1 s).
	"duration_per_operator": {
		{"A1", "3", "1000", "5000", "0", "2000"},
		{"A2", "2", "3000", "3000", "0", "0"},
		{"B1", "2", "2000", "2000", "0", "0"},
		{"B2", "1", "2000", "2000", "0", "0"},
	},
	// A1: x2's three attempts, x3's first and x4's (cancelled) failed of 8.
	"operator_failure_rate": {
		{"A1", "8", "5", "0.625"},
		{"A2", "3", "1", "0.3333"},
		{"B1", "2", "0", "0"},
		{"B2", "1", "0", "0"},
	},
	"operator_top_errors": {
		{"A1", "Transcode.Failed", "3", "2026-11-21 09:01:16.500"},
		{"A1", "Execution cancelled", "1", "2026-11-21 09:03:37.500"},
		{"A1", "Worker.Crashed", "1", "2026-11-21 09:02:26.500"},
		{"A2", "Execution cancelled", "1", "2026-11-21 09:03:37.500"},
	},
	// x2's attempts 1 and 2 and x3's attempt 1 were retried; x3's was
	// deferred once for 5 s.
	"operator_retries_deferrals": {
		{"A1", "8", "3", "2", "1", "5000"},
		{"A2", "3", "0", "0", "0", "0"},
		{"B1", "2", "0", "0", "0", "0"},
		{"B2", "1", "0", "0", "0", "0"},
	},
	// Admitted after 2 s (x1), 0.5 s (x2), 1 s (x3, x4, x6).
	"queue_wait": {
		{"2026-11-21 00:00:00.000", "5", "1000", "2000", "2000"},
	},
	// Over the Machines stream. Charge ran 2 s (m1), 3 s (m2: 1 s, a 1 s
	// back-off, 1 s) and 4 s (m3); the Map's two iterations 1 s each, one
	// after the other.
	"state_durations": {
		{"orders", "Charge", "Task", "3", "3000", "4000", "4000"},
		{"orders", "Validate", "Pass", "3", "0", "0", "0"},
		{"thumbs", "Each", "Map", "1", "2000", "2000", "2000"},
		{"thumbs", "Resize", "Task", "2", "1000", "1000", "1000"},
	},
	"state_failures": {
		{"orders", "Charge", "Card.Declined", "1", "0", "2026-11-22 09:02:05.000"},
	},
	"state_retries": {
		{"orders", "Charge", "3", "1", "1"},
		{"thumbs", "Each", "1", "0", "0"},
		{"thumbs", "Resize", "2", "0", "0"},
	},
	"segments_per_hour": {
		{"2026-11-21 09:00:00.000", "complete", "1", "30"},
		{"2026-11-21 09:00:00.000", "failed", "1", "60"},
		{"2026-11-21 09:00:00.000", "skipped", "1", "90"},
		{"2026-11-21 10:00:00.000", "complete", "1", "30"},
		{"2026-11-21 11:00:00.000", "complete", "1", "60"},
	},
}

// reportsSuite runs the reports over state_runs (states) or the others.
func reportsSuite(t *testing.T, run func(ctx context.Context, name string) ([][]string, error), states bool) {
	reports, err := chsql.Reports()
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range reports {
		if strings.HasPrefix(r.Name, "state_") != states {
			continue
		}
		t.Run(r.Name, func(t *testing.T) {
			want, ok := wantReports[r.Name]
			if !ok {
				t.Fatalf("report %s has no expected answer in the suite", r.Name)
			}
			got, err := run(t.Context(), r.Name)
			if err != nil {
				t.Fatalf("report %s: %v", r.Name, err)
			}
			if !slices.EqualFunc(got, want, slices.Equal) {
				t.Errorf("report %s:\n got %s\nwant %s", r.Name, table(got), table(want))
			}
		})
	}
}

func table(rows [][]string) string {
	var b strings.Builder
	for _, r := range rows {
		b.WriteString("\n  " + strings.Join(r, " | "))
	}
	return b.String()
}
