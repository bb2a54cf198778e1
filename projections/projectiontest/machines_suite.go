package projectiontest

import (
	"strings"
	"testing"

	"github.com/mie-kafka/mie/internal/view"
	"github.com/mie-kafka/mie/projections"
)

// machinesSuite checks the States Language executions of Machines: their
// Step Functions status, error and the runs of their states.
func machinesSuite(t *testing.T, q projections.Executions) {
	for _, tt := range []struct {
		id, status, errName string
		states              []string // state:status, in the order entered
	}{
		{id: "m1", status: "SUCCEEDED", states: []string{"Validate:SUCCEEDED", "Charge:SUCCEEDED"}},
		{id: "m2", status: "FAILED", errName: "Card.Declined", states: []string{"Validate:SUCCEEDED", "Charge:FAILED"}},
		{id: "m3", status: "SUCCEEDED", states: []string{"Validate:SUCCEEDED", "Charge:SUCCEEDED"}},
		{id: "m4", status: "SUCCEEDED", states: []string{"Each:SUCCEEDED", "Resize:SUCCEEDED", "Resize:SUCCEEDED"}},
	} {
		x, err := q.Execution(t.Context(), tt.id)
		if err != nil {
			t.Fatalf("%s: %v", tt.id, err)
		}
		if x.Run == nil || x.Run.Status != tt.status || x.Run.Error != tt.errName {
			t.Errorf("%s: run %+v, want %s %q", tt.id, x.Run, tt.status, tt.errName)
			continue
		}
		var got []string
		for _, s := range x.Run.States {
			got = append(got, s.State+":"+s.Status)
		}
		if len(got) != len(tt.states) {
			t.Errorf("%s: states %v, want %v", tt.id, got, tt.states)
			continue
		}
		for i := range got {
			if got[i] != tt.states[i] {
				t.Errorf("%s: states %v, want %v", tt.id, got, tt.states)
				break
			}
		}
	}
	xs, err := q.Executions(t.Context(), view.Filter{StateMachine: "orders"})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, x := range xs {
		ids = append(ids, x.Id)
	}
	if strings.Join(ids, ",") != "m3,m2,m1" {
		t.Errorf("executions of orders = %v, want m3, m2, m1 (newest first)", ids)
	}
}
