package executiontest_test

import (
	"strings"
	"testing"
	"time"

	"github.com/mie-kafka/mie/internal/execution"
	"github.com/mie-kafka/mie/internal/execution/executiontest"
)

func TestRunCompletes(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	cmd := executiontest.Command("x1", "a1", now, 3, 2)
	x, evs := executiontest.Run(cmd, now)
	var types []string
	for _, e := range evs {
		types = append(types, e.EventType())
	}
	stage := "StageStarted,OperatorDispatched,OperatorDispatched,OperatorCompleted,OperatorCompleted,StageCompleted"
	want := "ExecutionQueued,ExecutionStarted," + strings.Repeat(stage+",", 3) + "ExecutionCompleted"
	if got := strings.Join(types, ","); got != want {
		t.Fatalf("events:\n got %s\nwant %s", got, want)
	}
	if x.Status != execution.StatusComplete || x.Id != "x1" || x.AssetId != "a1" || !x.Created.Equal(now) {
		t.Fatalf("end state %s %s %s %s", x.Status, x.Id, x.AssetId, x.Created)
	}
	for _, op := range []string{"A1", "A2", "B1", "B2", "C1", "C2"} {
		if x.Globals.MetaData[op] != "done" {
			t.Errorf("MetaData[%s] = %v, want done", op, x.Globals.MetaData[op])
		}
	}
}
