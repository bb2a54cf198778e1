package jsonata

import (
	"strings"
	"testing"
	"time"
)

func chain(term, op string, n int) string {
	return strings.TrimSuffix(strings.Repeat(term+op, n), op)
}

func TestDepth(t *testing.T) {
	const overflow = "threw an error during evaluation: Stack overflow error: Check for non-terminating recursive function. Consider rewriting as tail-recursive"
	fact := func(n int) string {
		return "($f := function($n){ $n <= 1 ? 1 : $n + $f($n - 1) }; $f(" + string(rune('0'+n/10)) + string(rune('0'+n%10)) + "))"
	}
	tests := []struct {
		name, expr string
		fails      bool
	}{
		{"100 terms", chain("1", "+", 100), false},
		{"101 terms", chain("1", "+", 101), true},
		{"99 parentheses", strings.Repeat("(", 99) + "1" + strings.Repeat(")", 99), false},
		{"100 parentheses", strings.Repeat("(", 100) + "1" + strings.Repeat(")", 100), true},
		{"99 brackets", strings.Repeat("[", 99) + "1" + strings.Repeat("]", 99), false},
		{"100 brackets", strings.Repeat("[", 100) + "1" + strings.Repeat("]", 100), true},
		{"$f(31)", fact(31), false},
		{"$f(32)", fact(32), true},
		{"no base case", "($f := function(){ $f() }; $f())", true},
		// Found by FuzzEval: before names were read as the library reads
		// them, this lambda went unguarded and overflowed the Go stack.
		{"a parameter named by a quote", `($f:=function($"){$n<=1?1:$n*$f($n-1)};$f(19))`, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := evalExpr(t, tt.expr, Bindings{})
			if failed := strings.Contains(got, overflow); failed != tt.fails {
				t.Errorf("got %.200s", got)
			}
		})
	}
}

func TestNestingTooDeepToParse(t *testing.T) {
	for _, expr := range []string{
		strings.Repeat("(", 200000) + "1" + strings.Repeat(")", 200000),
		strings.Repeat("-", 200000) + "1",
		strings.Repeat("[", 5000),
	} {
		if _, err := Compile(expr); err == nil || !strings.Contains(err.Error(), "nested too deeply") {
			t.Errorf("%.20s...: got %v", expr, err)
		}
	}
}

func TestTimeout(t *testing.T) {
	expr := `$sum($map([1..3000], function($i){ $sum($map([1..3000], function($j){ $i * $j })) }))`
	start := time.Now()
	got := evalExpr(t, expr, Bindings{})
	if !strings.HasSuffix(got, "threw an error during evaluation: Expression evaluation timeout: Check for infinite loop") {
		t.Errorf("got %.200s", got)
	}
	if d := time.Since(start); d > Timeout+time.Second {
		t.Errorf("took %v", d)
	}
}

func TestMemory(t *testing.T) {
	const memory = "threw an error during evaluation: Expression evaluation memory limit exceeded: Check for excessive memory usage"
	const timeout = "threw an error during evaluation: Expression evaluation timeout: Check for infinite loop"
	tests := []struct {
		name, expr string
		fails      bool
	}{
		{"a result of 873,782 numbers", `[1..873782]`, false},
		{"a result of 873,783 numbers", `[1..873783]`, true},
		{"a doubling recursion", `($f := function($s, $n){ $n = 0 ? $s : $f($s & $s, $n - 1) }; $f("x", 30))`, true},
		{"doubling assignments", `($s := "xxxxxxxxxxxxxxxx"; ` + strings.Repeat(`$s := $s & $s; `, 25) + `$length($s))`, true},
		{"a wide $pad", `$pad("x", 1e9)`, true},
		{"a range counted", `[1..873782] ~> $count()`, false},
		{"a range too long to count", `[1..900000] ~> $count()`, true},
		{"a sum of a range too long", `$sum([1..900000])`, true},
		{"ranges in a cross product", `[1..800000].[1..800000]`, true},
		{"ranges in a loop", `$map([1..100], function($i){ $count([1..200000]) })`, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := evalExpr(t, tt.expr, Bindings{})
			bounded := strings.HasSuffix(got, memory) || (strings.HasPrefix(tt.name, "ranges") && strings.HasSuffix(got, timeout))
			if bounded != tt.fails {
				t.Errorf("got %.200s", got)
			}
		})
	}
}

// A panic during evaluation becomes a States.QueryEvaluationError.
func TestPanicRecovered(t *testing.T) {
	b := Bindings{Random: func() float64 { panic("boom") }}
	got := evalExpr(t, `$random()`, b)
	if got != "error: The JSONata expression '$random()' threw an error during evaluation: internal error: boom" {
		t.Errorf("got %s", got)
	}
}
