package asl

import (
	"fmt"
	"strings"
	"testing"
)

// machine100 builds a definition of 100 top-level states of every type
// (Parallel and Map each with a nested machine), as Parse sees in practice.
func machine100() []byte {
	var b strings.Builder
	b.WriteString(`{"Comment":"100 states","StartAt":"S0","States":{`)
	const n = 100
	for i := 0; i < n; i++ {
		next := fmt.Sprintf(`"Next":"S%d"`, i+1)
		if i == n-1 {
			next = `"End":true`
		}
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `"S%d":`, i)
		switch i % 6 {
		case 0:
			fmt.Fprintf(&b, `{"Type":"Pass","Parameters":{"id.$":"$.id","n":%d,"f.$":"States.Format('{}-%d', $.id)"},"ResultPath":"$.p%d",%s}`, i, i, i, next)
		case 1:
			fmt.Fprintf(&b, `{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:F%d","Parameters":{"in.$":"$"},"ResultSelector":{"r.$":"$.Payload"},"TimeoutSeconds":60,"HeartbeatSeconds":10,`+
				`"Retry":[{"ErrorEquals":["States.Timeout"],"MaxAttempts":2},{"ErrorEquals":["States.ALL"],"BackoffRate":1.5}],"Catch":[{"ErrorEquals":["States.ALL"],"ResultPath":"$.err","Next":"Failed"}],%s}`, i, next)
		case 2:
			fmt.Fprintf(&b, `{"Type":"Choice","Choices":[{"Variable":"$.n","NumericGreaterThan":%d,"Next":"S%d"},{"And":[{"Variable":"$.s","StringMatches":"a*"},{"Not":{"Variable":"$.b","BooleanEquals":true}}],"Next":"S%d"}],"Default":"S%d"}`, i, i+1, i+1, i+1)
		case 3:
			fmt.Fprintf(&b, `{"Type":"Wait","SecondsPath":"$.wait",%s}`, next)
		case 4:
			fmt.Fprintf(&b, `{"Type":"Parallel","Branches":[{"StartAt":"B%da","States":{"B%da":{"Type":"Pass","End":true}}},{"StartAt":"B%db","States":{"B%db":{"Type":"Succeed"}}}],"ResultPath":"$.par",%s}`, i, i, i, i, next)
		case 5:
			fmt.Fprintf(&b, `{"Type":"Map","ItemsPath":"$.items","MaxConcurrency":5,"ItemSelector":{"v.$":"$$.Map.Item.Value"},"ItemProcessor":{"StartAt":"M%d","States":{"M%d":{"Type":"Pass","End":true}}},"ResultPath":"$.map",%s}`, i, i, next)
		}
	}
	b.WriteString(`,"Failed":{"Type":"Fail","Error":"Failed","Cause":"a task failed"}}}`)
	return []byte(b.String())
}

func BenchmarkParse100States(b *testing.B) {
	def := machine100()
	if _, err := Parse(def); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(def)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(def); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkChoiceEval(b *testing.B) {
	c := condition(b, `{"And":[{"Variable":"$.order.total","NumericGreaterThanEquals":100},{"Variable":"$.order.status","StringEquals":"paid"},{"Not":{"Variable":"$.order.flagged","BooleanEquals":true}},{"Variable":"$.order.sku","StringMatches":"VID-*-HD"}]}`)
	in := doc(b, `{"order":{"total":250,"status":"paid","flagged":false,"sku":"VID-0042-HD"}}`)
	b.ReportAllocs()
	for b.Loop() {
		ok, err := c.Eval(in, nil, nil)
		if err != nil || !ok {
			b.Fatal(ok, err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "evals/s")
}
