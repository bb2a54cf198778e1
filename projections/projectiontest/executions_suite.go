package projectiontest

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/mie-kafka/mie/internal/view"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/problem"
	"github.com/mie-kafka/mie/projections"
)

// expected folds the events of each execution of s (as the envelopes the
// backend read) with view.Folder: what every backend must show.
func expected(t *testing.T, s Stream, extra ...Stream) map[string]*view.Execution {
	t.Helper()
	out := map[string]*view.Execution{}
	var ids []string
	for _, st := range append([]Stream{s}, extra...) {
		for _, e := range st.Events {
			if !slices.Contains(ids, e.Key) {
				ids = append(ids, e.Key)
			}
		}
	}
	for _, id := range ids {
		envs := roundTrip(t, byKey(s, 0, id))
		for _, x := range extra {
			envs = append(envs, roundTrip(t, byKey(x, len(s.Events), id))...)
		}
		x, err := Fold(envs)
		if err != nil {
			t.Fatalf("fold %s: %v", id, err)
		}
		out[id] = x
	}
	return out
}

// roundTrip encodes and decodes envelopes as a record does.
func roundTrip(t testing.TB, envs []events.Envelope) []events.Envelope {
	t.Helper()
	b, err := json.Marshal(envs)
	if err != nil {
		t.Fatal(err)
	}
	var out []events.Envelope
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

func asJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func ids(xs []*view.Execution) []string {
	out := []string{}
	for _, x := range xs {
		out = append(out, x.Id)
	}
	return out
}

// newestFirst lists the expected executions that f selects, as the
// backends must: newest Created first, then id descending.
func newestFirst(want map[string]*view.Execution, f view.Filter) []string {
	var xs []*view.Execution
	for _, x := range want {
		if (f.Status == "" || x.Status == f.Status) && (f.AssetId == "" || x.AssetId == f.AssetId) {
			xs = append(xs, x)
		}
	}
	sort.Slice(xs, func(i, j int) bool {
		if !xs[i].Created.Equal(xs[j].Created) {
			return xs[i].Created.After(xs[j].Created)
		}
		return xs[i].Id > xs[j].Id
	})
	if f.Limit > 0 && len(xs) > f.Limit {
		xs = xs[:f.Limit]
	}
	return ids(xs)
}

func executionsSuite(t *testing.T, p projections.Executions, s Stream) {
	ctx := t.Context()
	want := expected(t, s)
	statuses := map[string]string{"x1": view.StatusComplete, "x2": view.StatusError, "x3": view.StatusComplete,
		"x4": view.StatusError, "x5": view.StatusQueued, "x6": view.StatusStarted}
	for id, st := range statuses {
		if want[id].Status != st {
			t.Fatalf("fixture: %s is %s, want %s", id, want[id].Status, st)
		}
	}

	t.Run("Execution by id", func(t *testing.T) {
		for id, w := range want {
			got, err := p.Execution(ctx, id)
			if err != nil {
				t.Fatalf("Execution(%s): %v", id, err)
			}
			if g, w := asJSON(t, got), asJSON(t, w); g != w {
				t.Errorf("Execution(%s) differs from the fold of its events:\n got %s\nwant %s", id, g, w)
			}
		}
		if _, err := p.Execution(ctx, "nope"); !errors.Is(err, problem.ErrNotFound) {
			t.Errorf("Execution(nope) = %v, want ErrNotFound", err)
		}
	})

	t.Run("Execution is a copy", func(t *testing.T) {
		got, err := p.Execution(ctx, "x1")
		if err != nil {
			t.Fatal(err)
		}
		got.Status, got.Nodes["A"].Status = "Mutated", "Mutated"
		again, _ := p.Execution(ctx, "x1")
		if again.Status != view.StatusComplete || again.Nodes["A"].Status != view.NodeComplete {
			t.Errorf("a reader's change leaked into the projection: %s %s", again.Status, again.Nodes["A"].Status)
		}
	})

	t.Run("Executions", func(t *testing.T) {
		for _, f := range []view.Filter{
			{}, {Status: view.StatusComplete}, {Status: view.StatusError}, {AssetId: "a1"},
			{Status: view.StatusQueued, AssetId: "a1"}, {Status: view.StatusWaiting}, {Limit: 2},
			{AssetId: "a1", Limit: 1}, {Limit: 100}, {Status: view.StatusError, Limit: 1},
		} {
			got, err := p.Executions(ctx, f)
			if err != nil {
				t.Fatalf("Executions(%+v): %v", f, err)
			}
			if w := newestFirst(want, f); !slices.Equal(ids(got), w) {
				t.Errorf("Executions(%+v) = %v, want %v", f, ids(got), w)
			}
			for _, x := range got {
				if g, w := asJSON(t, x), asJSON(t, want[x.Id]); g != w {
					t.Errorf("Executions(%+v): %s differs from Execution", f, x.Id)
				}
			}
		}
		if all, _ := p.Executions(ctx, view.Filter{}); len(all) != len(want) {
			t.Errorf("Executions() returned %d, want all %d", len(all), len(want))
		}
	})

	t.Run("History", func(t *testing.T) {
		for id := range want {
			h, err := p.History(ctx, id)
			if err != nil {
				t.Fatalf("History(%s): %v", id, err)
			}
			wantH := roundTrip(t, byKey(s, 0, id))
			if g, w := asJSON(t, h), asJSON(t, wantH); g != w {
				t.Errorf("History(%s) is not the events as written, in order:\n got %s\nwant %s", id, g, w)
			}
		}
		if _, err := p.History(ctx, "nope"); !errors.Is(err, problem.ErrNotFound) {
			t.Errorf("History(nope) = %v, want ErrNotFound", err)
		}
	})

	t.Run("ActiveExecution", func(t *testing.T) {
		for asset, w := range map[string]string{"a1": "x5", "a2": "", "a3": "", "a4": "", "a6": "x6", "a9": ""} {
			id, ok, err := p.ActiveExecution(ctx, asset)
			if err != nil || id != w || ok != (w != "") {
				t.Errorf("ActiveExecution(%s) = %q %v %v, want %q", asset, id, ok, err, w)
			}
		}
	})

	t.Run("WaitExecution", func(t *testing.T) {
		if err := p.WaitExecution(ctx, "x1"); err != nil {
			t.Fatalf("WaitExecution of a known execution = %v", err)
		}
		short, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
		defer cancel()
		if err := p.WaitExecution(short, "x99"); !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("WaitExecution of an unknown execution = %v, want it to block until the deadline", err)
		}
	})
}

// followExecutions checks the events written after the backend started:
// x6 completed, and x7 was queued.
func followExecutions(t *testing.T, p projections.Executions, s, more Stream) {
	ctx := t.Context()
	want := expected(t, s, more)
	for _, id := range []string{"x6", "x7"} {
		got, err := p.Execution(ctx, id)
		if err != nil {
			t.Fatalf("Execution(%s): %v", id, err)
		}
		if g, w := asJSON(t, got), asJSON(t, want[id]); g != w {
			t.Errorf("Execution(%s) after more events:\n got %s\nwant %s", id, g, w)
		}
		h, err := p.History(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		wantH := roundTrip(t, append(byKey(s, 0, id), byKey(more, len(s.Events), id)...))
		if g, w := asJSON(t, h), asJSON(t, wantH); g != w {
			t.Errorf("History(%s) after more events:\n got %s\nwant %s", id, g, w)
		}
	}
	if want["x6"].Status != view.StatusComplete {
		t.Fatalf("fixture: x6 is %s after its follow-up", want["x6"].Status)
	}
	if id, ok, err := p.ActiveExecution(ctx, "a6"); ok || err != nil {
		t.Errorf("ActiveExecution(a6) = %q %v %v after x6 completed, want none", id, ok, err)
	}
	got, err := p.Executions(ctx, view.Filter{Limit: 1})
	if err != nil || !slices.Equal(ids(got), []string{"x7"}) {
		t.Errorf("Executions(Limit 1) = %v %v, want the newest, x7", ids(got), err)
	}
}

// Fold folds an execution's envelopes into its view.
func Fold(envs []events.Envelope) (*view.Execution, error) {
	var f view.Folder
	for i := range envs {
		p, err := envs[i].Decode()
		if err != nil {
			return nil, err
		}
		if err := f.Apply(envs[i].Time, p); err != nil {
			return nil, err
		}
	}
	return f.View(), nil
}
