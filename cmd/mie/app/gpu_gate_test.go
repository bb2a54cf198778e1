package app

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"sync/atomic"
	"testing"
	"time"
)

// TestOperatorRequiringGPUWaitsForThePool: an HTTP operator whose
// Configuration sets RequiresGPU is not called while the GPU pool's health
// endpoint is down: its task is deferred through the retry tiers (an
// TaskDeferred in the history) and runs once the pool comes up.
func TestOperatorRequiringGPUWaitsForThePool(t *testing.T) {
	var up atomic.Bool
	var calls atomic.Int32
	gpuWorker := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !up.Load() {
			http.Error(w, "driver loading", http.StatusServiceUnavailable)
			return
		}
		w.WriteHeader(http.StatusOK)
	}))
	t.Cleanup(gpuWorker.Close)
	operator := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"Status":"Complete","MetaData":{"Caption":"a cat on a mat"}}`))
	}))
	t.Cleanup(operator.Close)

	h := newHarness(t)
	h.configure = func(c *Config) {
		c.Ingest.GPUURL, c.Ingest.GPUDefer, c.Ingest.GPUMaxDelivery = gpuWorker.URL, time.Second, 100
	}
	a := h.start("gate", Roles{API: true, Executor: true, Worker: true})
	defineOperator(t, a, "Caption", operator.URL, "Sync", map[string]any{"RequiresGPU": true})
	defineWorkflow(t, a, "Captions", "_Caption")
	x := startExecution(t, a, "Captions", "cat.mp4")

	eventually(t, 20*time.Second, "the task to be deferred twice", func() bool {
		n := 0
		for _, e := range history(t, a, x.Id) {
			if e.Type == "TaskDeferred" {
				n++
			}
		}
		return n >= 2
	})
	if calls.Load() != 0 {
		t.Fatalf("the operator was called %d times while the GPU pool was down", calls.Load())
	}
	up.Store(true)
	v := waitStatus(t, a, x.Id, 20*time.Second, "Complete", "Error")
	if v.Status != "Complete" || v.Globals.MetaData["Caption"] != "a cat on a mat" || calls.Load() != 1 {
		t.Fatalf("execution %s %q, operator called %d times", v.Status, v.Message, calls.Load())
	}
	var types []string
	for _, e := range history(t, a, x.Id) {
		types = append(types, e.Type)
	}
	if i := slices.Index(types, "TaskDeferred"); i < 0 || !slices.Contains(types[i:], "TaskSucceeded") {
		t.Fatalf("history %v: want deferrals, then the completion", types)
	}
}
