package graph

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"
)

const sample = `{"StartAt":"Pick","States":{
	"Pick":{"Type":"Choice","Choices":[{"Variable":"$.n","NumericGreaterThan":1,"Next":"Fan"}],"Default":"Each"},
	"Fan":{"Type":"Parallel","Branches":[
		{"StartAt":"Left","States":{"Left":{"Type":"Pass","End":true}}},
		{"StartAt":"Right","States":{"Right":{"Type":"Wait","Seconds":1,"End":true}}}],"Next":"Each"},
	"Each":{"Type":"Map","ItemsPath":"$.items","ItemProcessor":{"StartAt":"Work","States":{
		"Work":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:w","End":true}}},
		"Catch":[{"ErrorEquals":["States.ALL"],"Next":"Failed"}],"Next":"Done"},
	"Done":{"Type":"Succeed"},
	"Failed":{"Type":"Fail","Error":"E"}}}`

func newLayouter(t testing.TB) *Layouter {
	t.Helper()
	l, err := New(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = l.Close() })
	return l
}

func TestLayoutMarksEveryState(t *testing.T) {
	l := newLayouter(t)
	g, err := l.Layout(context.Background(), []byte(sample))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]Node{
		"Pick": {Type: "Choice"}, "Fan": {Type: "Parallel"}, "Left": {Type: "Pass", Container: "Fan"},
		"Right": {Type: "Wait", Container: "Fan", Branch: 1}, "Each": {Type: "Map"},
		"Work": {Type: "Task", Container: "Each"}, "Done": {Type: "Succeed"}, "Failed": {Type: "Fail"},
	}
	if len(g.Nodes) != len(want) {
		t.Fatalf("%d nodes, want %d: %+v", len(g.Nodes), len(want), g.Nodes)
	}
	for _, n := range g.Nodes {
		w, ok := want[n.State]
		if !ok || n.Type != w.Type || n.Container != w.Container || n.Branch != w.Branch {
			t.Errorf("node %+v, want %+v", n, w)
		}
		attr := fmt.Sprintf(`data-state="%s" data-status="not-started" data-type="%s"`, n.State, n.Type)
		if strings.Count(g.SVG, attr) != 1 {
			t.Errorf("SVG has %d nodes with %s, want 1", strings.Count(g.SVG, attr), attr)
		}
	}
	for _, s := range []string{"<svg", `>Rule 1<`, `>Default<`, `>Catch States.ALL<`, `>Branch 2<`, `>Iteration<`} {
		if !strings.Contains(g.SVG, s) {
			t.Errorf("SVG lacks %q", s)
		}
	}
	if strings.Contains(g.SVG, "<?xml") || strings.Contains(g.SVG, "<!--") {
		t.Error("SVG keeps its prolog or comments")
	}
}

func TestLayoutIsDeterministic(t *testing.T) {
	a, err := newLayouter(t).Layout(context.Background(), []byte(sample))
	if err != nil {
		t.Fatal(err)
	}
	b, err := newLayouter(t).Layout(context.Background(), []byte(sample))
	if err != nil {
		t.Fatal(err)
	}
	if a.SVG != b.SVG {
		t.Fatal("two layouts of one definition differ")
	}
}

func TestLayoutEscapesNames(t *testing.T) {
	g, err := newLayouter(t).Layout(context.Background(), []byte(`{"StartAt":"a <b> & \"c\"","States":{"a <b> & \"c\"":{"Type":"Succeed"}}}`))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(g.SVG, `data-state="a &lt;b&gt; &amp; &#34;c&#34;"`) {
		t.Fatalf("name not escaped: %s", regexp.MustCompile(`data-state="[^"]*"`).FindString(g.SVG))
	}
}

func TestLayoutRefusesInvalid(t *testing.T) {
	_, err := newLayouter(t).Layout(context.Background(), []byte(`{"StartAt":"X","States":{}}`))
	if !errors.Is(err, ErrInvalid) {
		t.Fatalf("err %v, want ErrInvalid", err)
	}
}

func TestLayoutCacheIsBounded(t *testing.T) {
	l := newLayouter(t)
	l.Keep = 2
	for i := range 4 {
		def := fmt.Sprintf(`{"StartAt":"S%d","States":{"S%d":{"Type":"Succeed"}}}`, i, i)
		if _, err := l.Layout(context.Background(), []byte(def)); err != nil {
			t.Fatal(err)
		}
	}
	if len(l.cache) != 2 || len(l.order) != 2 {
		t.Fatalf("cache holds %d (%d in order), want 2", len(l.cache), len(l.order))
	}
}
