// Package enginebench holds the state machines the engine's benchmarks
// and the load generator (`mie bench --workload`) run, so that both
// measure the same programs.
package enginebench

import (
	"fmt"
	"strings"
)

// Chain is n states alternating Pass and Choice in a line, ending in a
// Succeed: n-1 transitions, no tasks.
func Chain(n int) string {
	var b strings.Builder
	b.WriteString(`{"StartAt":"S0","States":{`)
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		next := fmt.Sprintf("S%d", i+1)
		switch {
		case i == n-1:
			fmt.Fprintf(&b, `"S%d":{"Type":"Succeed"}`, i)
		case i%2 == 0:
			fmt.Fprintf(&b, `"S%d":{"Type":"Pass","Result":{"step":%d},"ResultPath":"$.last","Next":"%s"}`, i, i, next)
		default:
			fmt.Fprintf(&b, `"S%d":{"Type":"Choice","Choices":[{"Variable":"$.last.step","NumericGreaterThanEquals":0,"Next":"%s"}],"Default":"%s"}`, i, next, next)
		}
	}
	b.WriteString(`}}`)
	return b.String()
}

// Loop is a Pass/Choice loop of n rounds on input {"i": 0}: each round
// is a Pass that counts and a Choice that tests the count (2n
// transitions).
func Loop(n int) string {
	return fmt.Sprintf(`{"StartAt":"Count","States":{
		"Count":{"Type":"Pass","Parameters":{"i.$":"States.MathAdd($.i, 1)"},"Next":"More"},
		"More":{"Type":"Choice","Choices":[{"Variable":"$.i","NumericLessThan":%d,"Next":"Count"}],"Default":"Done"},
		"Done":{"Type":"Succeed"}}}`, n)
}

// Map is a Map of n items, all at once, each a Task on resource.
func Map(n int, resource string) string {
	return fmt.Sprintf(`{"StartAt":"Items","States":{
	"Items":{"Type":"Pass","Parameters":{"items.$":"States.ArrayRange(1, %d, 1)"},"Next":"Each"},
	"Each":{"Type":"Map","ItemsPath":"$.items","MaxConcurrency":%d,"ItemProcessor":{"StartAt":"Call","States":{
		"Call":{"Type":"Task","Resource":"%s","End":true}}},
		"ResultPath":null,"End":true}}}`, n, n, resource)
}
