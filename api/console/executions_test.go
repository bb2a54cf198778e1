package console

import (
	"fmt"
	"testing"
	"time"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/view"
)

// executions are n executions, newest first: run statuses alternate,
// machines go a, b, a, a, b, a, ...
func executions(n int) []*view.Execution {
	base := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	var out []*view.Execution
	for i := n - 1; i >= 0; i-- {
		st := []string{"SUCCEEDED", "FAILED"}[i%2]
		out = append(out, &view.Execution{Id: fmt.Sprintf("x%02d", i), Status: view.StatusComplete, Created: base.Add(time.Duration(i) * time.Minute),
			Run: &view.Run{Name: fmt.Sprintf("run-%d", i), Status: st,
				StateMachine: &events.StateMachineRef{Kind: events.KindStateMachine, Name: []string{"a", "b"}[i%3%2]}}})
	}
	return out
}

func ids(p ExecutionPage) string {
	var out []string
	for _, it := range p.Items {
		out = append(out, it.Id)
	}
	return fmt.Sprint(out)
}

func TestPageWalksNewestFirst(t *testing.T) {
	all := executions(7)
	q := listQuery{limit: 3}
	var pages []string
	for range 5 {
		p, err := q.page(all)
		if err != nil {
			t.Fatal(err)
		}
		pages = append(pages, ids(p))
		if p.Cursor == "" {
			break
		}
		q.cursor = p.Cursor
	}
	if got, want := fmt.Sprint(pages), "[[x06 x05 x04] [x03 x02 x01] [x00]]"; got != want {
		t.Fatalf("pages %s, want %s", got, want)
	}
}

func TestPageFilters(t *testing.T) {
	all := executions(6)
	at := all[len(all)-1].Created
	for _, tc := range []struct {
		name string
		q    listQuery
		want string
	}{
		{"run status", listQuery{status: "failed"}, "[x05 x03 x01]"},
		{"MIE status", listQuery{status: "Complete"}, "[x05 x04 x03 x02 x01 x00]"},
		{"machine", listQuery{machine: "b"}, "[x04 x01]"},
		{"since", listQuery{since: at.Add(4 * time.Minute)}, "[x05 x04]"},
		{"until", listQuery{until: at.Add(2 * time.Minute)}, "[x01 x00]"},
		{"none", listQuery{status: "RUNNING"}, "[]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.q.limit = 10
			p, err := tc.q.page(all)
			if err != nil {
				t.Fatal(err)
			}
			if got := ids(p); got != tc.want {
				t.Errorf("%s, want %s", got, tc.want)
			}
		})
	}
}

func TestPageRefusesForeignCursor(t *testing.T) {
	if _, err := (listQuery{limit: 2, cursor: "not-a-cursor"}).page(executions(3)); err == nil {
		t.Fatal("a cursor this API never made was taken")
	}
}

func TestContentType(t *testing.T) {
	for _, tc := range []struct{ stored, key, want string }{
		{"", "a/index.m3u8", "application/vnd.apple.mpegurl"},
		{"application/octet-stream", "a/seg0.ts", "video/mp2t"},
		{"video/mp4", "a/x.bin", "video/mp4"},
		{"", "a/thumb.png", "image/png"},
		{"", "a/blob", "application/octet-stream"},
	} {
		if got := contentType(tc.stored, tc.key); got != tc.want {
			t.Errorf("contentType(%q, %q) = %q, want %q", tc.stored, tc.key, got, tc.want)
		}
	}
}
