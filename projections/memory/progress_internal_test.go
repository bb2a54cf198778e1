package memory

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
	"time"
)

// TestLogProgress: a replay's progress line says how many records were
// applied, how much of the log is read, and what is left as a time.
func TestLogProgress(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(slog.NewTextHandler(&buf, nil))
	logProgress(log, "executions", time.Now().Add(-10*time.Second), 50000, map[int32]int64{0: 20000, 1: 30000}, 150000)
	line := buf.String()
	for _, want := range []string{`msg="projection replaying"`, "topic=executions", "records=50000", "offsets_read=50000",
		"offsets_total=150000", "eta=20s"} {
		if !strings.Contains(line, want) {
			t.Errorf("progress line %q lacks %s", line, want)
		}
	}
	if !strings.Contains(line, "per_second=4999") && !strings.Contains(line, "per_second=5000") {
		t.Errorf("progress line %q: want about 5000 records per second", line)
	}
}
