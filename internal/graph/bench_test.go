package graph

import (
	"context"
	"fmt"
	"strings"
	"testing"
)

// machine builds a definition of n top-level states of every type: Tasks
// with a Catch to a Fail, Choices that skip ahead, Waits, and Parallel and
// Map states with a nested state each (so n=100 draws 100 states plus
// their nested ones).
func machine(n int) []byte {
	var b strings.Builder
	b.WriteString(`{"StartAt":"S0","States":{`)
	for i := range n {
		next := fmt.Sprintf(`"Next":"S%d"`, i+1)
		if i == n-1 {
			next = `"End":true`
		}
		fmt.Fprintf(&b, `"S%d":`, i)
		switch i % 6 {
		case 0:
			fmt.Fprintf(&b, `{"Type":"Pass",%s}`, next)
		case 1:
			fmt.Fprintf(&b, `{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:F%d","Catch":[{"ErrorEquals":["States.ALL"],"Next":"Failed"}],%s}`, i, next)
		case 2:
			fmt.Fprintf(&b, `{"Type":"Choice","Choices":[{"Variable":"$.n","NumericGreaterThan":%d,"Next":"S%d"}],"Default":"S%d"}`, i, min(i+2, n-1), i+1)
		case 3:
			fmt.Fprintf(&b, `{"Type":"Wait","Seconds":1,%s}`, next)
		case 4:
			fmt.Fprintf(&b, `{"Type":"Parallel","Branches":[{"StartAt":"B%da","States":{"B%da":{"Type":"Pass","End":true}}},{"StartAt":"B%db","States":{"B%db":{"Type":"Pass","End":true}}}],%s}`, i, i, i, i, next)
		case 5:
			fmt.Fprintf(&b, `{"Type":"Map","ItemProcessor":{"StartAt":"M%d","States":{"M%d":{"Type":"Pass","End":true}}},%s}`, i, i, next)
		}
		b.WriteByte(',')
	}
	b.WriteString(`"Failed":{"Type":"Fail","Error":"Failed"}}}`)
	return []byte(b.String())
}

// BenchmarkLayout lays out machines of 10, 50 and 100 states without the
// cache: parse, DOT, Graphviz's dot layout and SVG, annotation.
func BenchmarkLayout(b *testing.B) {
	for _, n := range []int{10, 50, 100} {
		b.Run(fmt.Sprintf("states=%d", n), func(b *testing.B) {
			l := newLayouter(b)
			def := machine(n)
			g, err := l.layout(context.Background(), def)
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(len(def)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := l.layout(context.Background(), def); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(len(g.Nodes)), "nodes")
			b.ReportMetric(float64(len(g.SVG))/1024, "svg-KiB")
			b.ReportMetric(b.Elapsed().Seconds()*1000/float64(b.N), "ms/layout")
		})
	}
}

// BenchmarkLayoutCached is a drawing served from the cache.
func BenchmarkLayoutCached(b *testing.B) {
	l := newLayouter(b)
	def := machine(100)
	if _, err := l.Layout(context.Background(), def); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := l.Layout(context.Background(), def); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkStart is Graphviz's start (compiling its WebAssembly module).
func BenchmarkStart(b *testing.B) {
	for b.Loop() {
		l, err := New(context.Background())
		if err != nil {
			b.Fatal(err)
		}
		_ = l.Close()
	}
}

func TestMachine100Lays(t *testing.T) {
	g, err := newLayouter(t).Layout(context.Background(), machine(100))
	if err != nil {
		t.Fatal(err)
	}
	if len(g.Nodes) < 100 {
		t.Fatalf("%d nodes", len(g.Nodes))
	}
}
