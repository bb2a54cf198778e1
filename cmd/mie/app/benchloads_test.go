package app

import (
	"strings"
	"testing"
)

// TestWorkloads runs every load generator workload for a few executions
// on the embedded broker: each completes them all, none failing.
func TestWorkloads(t *testing.T) {
	for _, name := range workloadNames() {
		t.Run(name, func(t *testing.T) {
			h := newHarness(t)
			a := h.start("bench-"+name, Roles{API: true, Executor: true, Worker: true})
			res, err := RunLoad(t.Context(), a, LoadConfig{Workload: name, Executions: 5, Concurrency: 2})
			if err != nil {
				t.Fatal(err)
			}
			if res.Completed != 5 || res.Failed != 0 {
				t.Fatalf("%s: completed %d, failed %d; want 5 and 0", name, res.Completed, res.Failed)
			}
		})
	}
}

func TestUnknownWorkload(t *testing.T) {
	_, err := ParseBench([]string{"--workload", "nope"}, env(nil))
	if err == nil || !strings.Contains(err.Error(), `unknown workload "nope"`) || !strings.Contains(err.Error(), "states") {
		t.Fatalf("error %v", err)
	}
}
