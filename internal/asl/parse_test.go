package asl

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/mie-kafka/mie/internal/asl/dataflow"
)

// machine wraps states (the inside of "States") with StartAt A.
func machine(states string) string {
	return `{"StartAt":"A","States":{` + states + `}}`
}

// jsonataMachine is machine with QueryLanguage JSONata.
func jsonataMachine(states string) string {
	return `{"QueryLanguage":"JSONata","StartAt":"A","States":{` + states + `}}`
}

// problemsOf parses def and returns its problems as "CODE location".
func problemsOf(t *testing.T, def string) []string {
	t.Helper()
	_, err := Parse([]byte(def))
	if err == nil {
		return nil
	}
	var ve *ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("Parse error is %T, not *ValidationError: %v", err, err)
	}
	var out []string
	for _, p := range ve.Problems {
		if p.Severity == SeverityError {
			out = append(out, string(p.Code)+" "+p.Location)
		}
	}
	return out
}

func TestParseValid(t *testing.T) {
	tests := []struct {
		name string
		def  string
	}{
		{"pass", machine(`"A":{"Type":"Pass","Result":{"x":1},"ResultPath":"$.r","InputPath":"$.in","OutputPath":null,"Next":"B"},"B":{"Type":"Pass","Parameters":{"a.$":"$.x","b":[{"c.$":"$$.Execution.Id"}],"f.$":"States.Format('{}', $.x)"},"End":true}`)},
		{"pass jsonata", jsonataMachine(`"A":{"Type":"Pass","Output":{"a":"{% $states.input.x %}","lit":"text"},"Assign":{"v":"{% 1 + 2 %}"},"End":true}`)},
		{"task", machine(`"A":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:F","Parameters":{"k.$":"$.k"},"ResultSelector":{"r.$":"$.Payload"},"ResultPath":"$.out","TimeoutSeconds":300,"HeartbeatSeconds":60,"Credentials":{"RoleArn":"arn:aws:iam::123456789012:role/R"},"Retry":[{"ErrorEquals":["States.Timeout"],"IntervalSeconds":3,"MaxAttempts":2,"BackoffRate":1.5,"MaxDelaySeconds":10,"JitterStrategy":"FULL"},{"ErrorEquals":["States.ALL"]}],"Catch":[{"ErrorEquals":["States.ALL"],"Next":"F","ResultPath":"$.err"}],"End":true},"F":{"Type":"Fail","Error":"E","Cause":"C"}`)},
		{"array and plain Parameters", machine(`"A":{"Type":"Pass","Parameters":[{"a.$":"$.x"},2],"Next":"B"},"B":{"Type":"Task",` + lambda + `,"Parameters":"text","ResultSelector":[1],"End":true}`)},
		{"task paths", machine(`"A":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","TimeoutSecondsPath":"$.t","HeartbeatSecondsPath":"$.h","End":true}`)},
		{"task jsonata", jsonataMachine(`"A":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Arguments":{"FunctionName":"f","Payload":"{% $states.input %}"},"TimeoutSeconds":"{% $t %}","Output":"{% $states.result.Payload %}","Catch":[{"ErrorEquals":["States.ALL"],"Next":"B","Output":"{% $states.errorOutput %}","Assign":{"e":"{% $states.errorOutput.Error %}"}}],"End":true},"B":{"Type":"Succeed"}`)},
		{"choice", machine(`"A":{"Type":"Choice","Choices":[{"Variable":"$.n","NumericGreaterThan":1,"Next":"B"},{"And":[{"Variable":"$.s","StringMatches":"log-*.txt"},{"Not":{"Variable":"$.b","BooleanEquals":true}}],"Next":"B"},{"Or":[{"Variable":"$.t","TimestampLessThanPath":"$.u"},{"Variable":"$.x","IsPresent":false}],"Next":"B","Assign":{"seen":true}}],"Default":"B"},"B":{"Type":"Succeed"}`)},
		{"choice jsonata", jsonataMachine(`"A":{"Type":"Choice","Choices":[{"Condition":"{% $states.input.n > 1 %}","Next":"B","Output":{"big":true}}],"Default":"B"},"B":{"Type":"Succeed"}`)},
		{"choice variable", machine(`"A":{"Type":"Pass","Assign":{"limit":3,"from.$":"$.x"},"Next":"C"},"C":{"Type":"Choice","Choices":[{"Variable":"$limit","NumericEqualsPath":"$.n","Next":"B"}],"Default":"B"},"B":{"Type":"Succeed"}`)},
		{"wait seconds", machine(`"A":{"Type":"Wait","Seconds":0,"Next":"B"},"B":{"Type":"Wait","Timestamp":"2016-03-14T01:59:00.123+01:00","Next":"C"},"C":{"Type":"Wait","SecondsPath":"$.s","Next":"D"},"D":{"Type":"Wait","TimestampPath":"$.ts","End":true}`)},
		{"wait jsonata", jsonataMachine(`"A":{"Type":"Wait","Seconds":"{% $states.input.delay %}","Next":"B"},"B":{"Type":"Wait","Timestamp":"2016-03-14T01:59:00Z","End":true}`)},
		{"succeed", machine(`"A":{"Type":"Succeed","InputPath":"$.a","OutputPath":"$.b"}`)},
		{"fail", machine(`"A":{"Type":"Fail","ErrorPath":"$.e","CausePath":"States.Format('bad {}', $.x)"}`)},
		{"fail jsonata", jsonataMachine(`"A":{"Type":"Fail","Error":"{% $states.input.code %}","Cause":"literal"}`)},
		{"parallel", machine(`"A":{"Type":"Parallel","Branches":[{"StartAt":"X","States":{"X":{"Type":"Pass","End":true}}},{"StartAt":"Y","States":{"Y":{"Type":"Succeed"}}}],"ResultPath":"$.p","Retry":[{"ErrorEquals":["States.BranchFailed"]}],"Next":"B"},"B":{"Type":"Succeed"}`)},
		{"map inline", machine(`"A":{"Type":"Map","ItemsPath":"$.items","ItemSelector":{"i.$":"$$.Map.Item.Value"},"MaxConcurrency":9223372036854775807,"ItemProcessor":{"ProcessorConfig":{"Mode":"INLINE"},"StartAt":"X","States":{"X":{"Type":"Pass","End":true}}},"End":true}`)},
		{"map legacy", machine(`"A":{"Type":"Map","Parameters":{"i.$":"$$.Map.Item.Value"},"Iterator":{"StartAt":"X","States":{"X":{"Type":"Pass","End":true}}},"End":true}`)},
		{"map distributed", machine(`"A":{"Type":"Map","Label":"Files","ItemReader":{"Resource":"arn:aws:states:::s3:getObject","ReaderConfig":{"InputType":"CSV","CSVHeaderLocation":"GIVEN","CSVHeaders":["a","b"],"MaxItems":10},"Parameters":{"Bucket":"b","Key":"k"}},"ItemBatcher":{"MaxItemsPerBatch":5},"ResultWriter":{"Resource":"arn:aws:states:::s3:putObject","Parameters":{"Bucket":"out","Prefix":"p"}},"ToleratedFailurePercentage":5.5,"ToleratedFailureCountPath":"$.n","MaxConcurrencyPath":"$.c","ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"EXPRESS"},"StartAt":"X","States":{"X":{"Type":"Pass","End":true}}},"End":true}`)},
		{"map jsonata", jsonataMachine(`"A":{"Type":"Map","Items":"{% $states.input.list %}","ItemSelector":{"v":"{% $states.context.Map.Item.Value %}"},"MaxConcurrency":"{% $n %}","ItemProcessor":{"StartAt":"X","States":{"X":{"Type":"Pass","End":true}}},"End":true}`)},
		{"state overrides language", machine(`"A":{"Type":"Pass","QueryLanguage":"JSONata","Output":"{% 1 %}","Next":"B"},"B":{"Type":"Pass","InputPath":"$.x","End":true}`)},
		{"top level fields", `{"Comment":"c","Version":"1.0","TimeoutSeconds":60,"QueryLanguage":"JSONPath","StartAt":"A","States":{"A":{"Type":"Succeed","Comment":"x"}}}`},
		{"loop with exit", machine(`"A":{"Type":"Pass","Next":"C"},"C":{"Type":"Choice","Choices":[{"Variable":"$.done","BooleanEquals":false,"Next":"A"}],"Default":"D"},"D":{"Type":"Succeed"}`)},
		{"name of 80 characters", `{"StartAt":"` + strings.Repeat("é", 80) + `","States":{"` + strings.Repeat("é", 80) + `":{"Type":"Succeed"}}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := Parse([]byte(tt.def))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if len(m.Order) != len(m.States) || m.States[m.StartAt] == nil {
				t.Fatalf("Order %v, States %d, StartAt %q", m.Order, len(m.States), m.StartAt)
			}
		})
	}
}

func TestParseOrderAndTypes(t *testing.T) {
	m, err := Parse([]byte(machine(`"A":{"Type":"Pass","Next":"Z"},"Z":{"Type":"Wait","Seconds":1,"Next":"M"},"M":{"Type":"Succeed"}`)))
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"A", "Z", "M"}; !slices.Equal(m.Order, want) {
		t.Errorf("Order = %v, want %v", m.Order, want)
	}
	var got []string
	for _, n := range m.Order {
		s := m.State(n)
		got = append(got, fmt.Sprintf("%s:%s:%s", s.Name(), s.Type(), s.Common().Next))
	}
	if want := []string{"A:Pass:Z", "Z:Wait:M", "M:Succeed:"}; !slices.Equal(got, want) {
		t.Errorf("states = %v, want %v", got, want)
	}
	if w := m.State("Z").(*Wait); !w.Seconds.Set || w.Seconds.Value != 1 {
		t.Errorf("Wait.Seconds = %+v", w.Seconds)
	}
	if m.Version != "1.0" || m.QueryLanguage != JSONPath || string(m.Definition) == "" {
		t.Errorf("Version %q, QueryLanguage %v, Definition %d bytes", m.Version, m.QueryLanguage, len(m.Definition))
	}
}

func TestRetryDefaults(t *testing.T) {
	m, err := Parse([]byte(machine(`"A":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Retry":[{"ErrorEquals":["E"]}],"End":true}`)))
	if err != nil {
		t.Fatal(err)
	}
	r := m.State("A").(*Task).Retry[0]
	if r.IntervalSeconds != 1 || r.MaxAttempts != 3 || r.BackoffRate != 2.0 || r.MaxDelaySeconds != 0 || r.JitterStrategy != JitterNone {
		t.Errorf("defaults = %+v", r)
	}
}

func TestEffectiveQueryLanguage(t *testing.T) {
	def := `{"QueryLanguage":"JSONata","StartAt":"M","States":{"M":{"Type":"Map","ItemProcessor":{"StartAt":"X","States":{"X":{"Type":"Pass","End":true}}},"End":true}}}`
	m, err := Parse([]byte(def))
	if err != nil {
		t.Fatal(err)
	}
	inner := m.State("M").(*Map).ItemProcessor.State("X")
	if inner.Common().QueryLanguage != JSONata {
		t.Errorf("nested state language = %v, want JSONata", inner.Common().QueryLanguage)
	}
}

func TestWarnings(t *testing.T) {
	def := machine(`"A":{"Type":"Pass","Parameters":{"a":"$.x"},"Result":{"b.$":"$.y"},"Next":"F"},"F":{"Type":"Fail","Error":"$.code"}`)
	m, err := Parse([]byte(def))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range m.Warnings {
		got = append(got, fmt.Sprintf("%s %s %s", p.Severity, p.Code, p.Location))
	}
	want := []string{"WARNING NO_DOLLAR /States/A/Parameters/a", "WARNING PASS_RESULT_IS_STATIC /States/A/Result/b.$", "WARNING NO_PATH /States/F/Error"}
	if !slices.Equal(got, want) {
		t.Errorf("warnings = %q, want %q", got, want)
	}
}

func TestJSONPathIO(t *testing.T) {
	m, err := Parse([]byte(machine(`"A":{"Type":"Pass","InputPath":"$.in","Parameters":{"v.$":"$.x","k":1},"ResultPath":"$.out","OutputPath":"$.out","End":true}`)))
	if err != nil {
		t.Fatal(err)
	}
	io := m.State("A").Common().IO()
	scope := dataflow.Scope{Input: doc(t, `{"in":{"x":"hello"}}`)}
	in, err := io.Input(scope)
	if err != nil {
		t.Fatal(err)
	}
	out, err := io.Output(scope, in)
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(out); got != "map[k:1 v:hello]" {
		t.Errorf("output = %s", got)
	}
	jm, err := Parse([]byte(jsonataMachine(`"A":{"Type":"Pass","End":true}`)))
	if err != nil {
		t.Fatal(err)
	}
	if jm.State("A").Common().IO() != nil {
		t.Error("a JSONata state has a JSONPath IO")
	}
}
