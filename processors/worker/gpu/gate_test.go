package gpu_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mie-kafka/mie/events"
	mw "github.com/mie-kafka/mie/processors/worker"
	"github.com/mie-kafka/mie/processors/worker/gpu"
)

// TestGate: a task whose operator requires a GPU runs only while the
// pool's health endpoint answers; otherwise it is deferred, and fails
// after the last delivery. Tasks that need no GPU never wait.
func TestGate(t *testing.T) {
	var up atomic.Bool
	health := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !up.Load() {
			http.Error(w, "warming up", http.StatusServiceUnavailable)
			return
		}
		w.WriteHeader(http.StatusOK)
	}))
	t.Cleanup(health.Close)
	pool, err := gpu.New(gpu.Config{URL: health.URL, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	var ran atomic.Int32
	h := mw.StartFunc(func(context.Context, *mw.Task) (mw.Result, error) {
		ran.Add(1)
		return mw.Complete(nil, map[string]any{"Caption": "a cat"}), nil
	})
	g := gpu.Gate{Pool: pool, Handler: h, Defer: 2 * time.Second, MaxDeliveries: 3, Logger: slog.New(slog.DiscardHandler)}
	task := func(needs bool, delivery int) *mw.Task {
		return &mw.Task{Name: "Caption", WorkflowExecutionId: "x1", TaskId: "t1", Phase: events.PhaseStart,
			Delivery: delivery, Configuration: map[string]any{gpu.RequiresGPU: needs}}
	}
	tests := []struct {
		name       string
		up, needs  bool
		delivery   int
		wantStatus string
		wantRan    bool
	}{
		{"no GPU needed, pool down", false, false, 1, events.ResultComplete, true},
		{"pool down: deferred", false, true, 1, events.ResultDeferred, false},
		{"pool down, second delivery: deferred", false, true, 2, events.ResultDeferred, false},
		{"pool down, last delivery: fails", false, true, 3, events.ResultError, false},
		{"pool up: runs", true, true, 2, events.ResultComplete, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			up.Store(tt.up)
			before := ran.Load()
			res, err := g.Start(t.Context(), task(tt.needs, tt.delivery))
			if err != nil {
				t.Fatal(err)
			}
			if res.Status != tt.wantStatus || (ran.Load() > before) != tt.wantRan {
				t.Fatalf("result %+v, handler ran %v; want %s, ran %v", res, ran.Load() > before, tt.wantStatus, tt.wantRan)
			}
			switch res.Status {
			case events.ResultDeferred:
				if res.DeferAfter != 2*time.Second {
					t.Errorf("deferred for %s, want 2s", res.DeferAfter)
				}
			case events.ResultError:
				if res.Error != gpu.ErrUnavailable {
					t.Errorf("Error = %q, want %s", res.Error, gpu.ErrUnavailable)
				}
			}
		})
	}
}
