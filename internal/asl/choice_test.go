package asl

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/mie-kafka/mie/internal/asl/failure"
)

// condition parses one JSONPath choice rule (without Next).
func condition(t testing.TB, rule string) *Condition {
	t.Helper()
	def := machine(`"A":{"Type":"Choice","Choices":[` + strings.TrimSuffix(rule, "}") + `,"Next":"B"}],"Default":"B"},"B":{"Type":"Succeed"}`)
	m, err := Parse([]byte(def))
	if err != nil {
		t.Fatalf("Parse(%s): %v", rule, err)
	}
	return m.State("A").(*Choice).Choices[0].Condition
}

// doc decodes JSON into the package's value model.
func doc(t testing.TB, s string) any {
	t.Helper()
	d := json.NewDecoder(strings.NewReader(s))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

const input = `{"s":"banana","n":10,"f":1.5,"big":9007199254740993,"b":true,"nul":null,"t":"2016-03-14T01:59:00Z",
	"t2":"2016-03-14T02:59:00+01:00","tfrac":"2016-03-14T01:59:00.5Z","arr":[1,2],"obj":{"k":"v"},"star":"a*b","bs":"a\\b",
	"other":"banana","ten":10,"yes":true,"later":"2020-01-01T00:00:00Z","astral":"\ud83d\ude00","bmp":"\uffff","notts":"yesterday","exact":1.00000000000000000001}`

func TestChoiceOperators(t *testing.T) {
	in := doc(t, input)
	vars := map[string]any{"limit": json.Number("10"), "name": "banana", "cfg": map[string]any{"on": true}}
	lookupVar := func(n string) (any, bool) { v, ok := vars[n]; return v, ok }
	ctx := doc(t, `{"Execution":{"Name":"run-1"},"State":{"RetryCount":0}}`)
	tests := []struct {
		rule string
		want bool
	}{
		// Strings.
		{`{"Variable":"$.s","StringEquals":"banana"}`, true},
		{`{"Variable":"$.s","StringEquals":"apple"}`, false},
		{`{"Variable":"$.n","StringEquals":"10"}`, false}, // type mismatch is false
		{`{"Variable":"$.s","StringLessThan":"cherry"}`, true},
		{`{"Variable":"$.s","StringLessThan":"banana"}`, false},
		{`{"Variable":"$.s","StringGreaterThan":"apple"}`, true},
		{`{"Variable":"$.s","StringGreaterThan":"banana"}`, false},
		{`{"Variable":"$.s","StringLessThanEquals":"banana"}`, true},
		{`{"Variable":"$.s","StringLessThanEquals":"ban"}`, false},
		{`{"Variable":"$.s","StringGreaterThanEquals":"banana"}`, true},
		{`{"Variable":"$.s","StringGreaterThanEquals":"bananas"}`, false},
		{`{"Variable":"$.astral","StringGreaterThan":"\uffff"}`, false}, // UTF-16 order: a surrogate sorts below U+FFFF
		{`{"Variable":"$.bmp","StringGreaterThan":"\ud83d\ude00"}`, true},
		{`{"Variable":"$.s","StringEqualsPath":"$.other"}`, true},
		{`{"Variable":"$.s","StringEqualsPath":"$.n"}`, false},
		{`{"Variable":"$.s","StringLessThanPath":"$.other"}`, false},
		{`{"Variable":"$.s","StringGreaterThanPath":"$.star"}`, true},
		{`{"Variable":"$.s","StringLessThanEqualsPath":"$.other"}`, true},
		{`{"Variable":"$.s","StringGreaterThanEqualsPath":"$.other"}`, true},
		{`{"Variable":"$name","StringEquals":"banana"}`, true},
		{`{"Variable":"$$.Execution.Name","StringEquals":"run-1"}`, true},
		// StringMatches.
		{`{"Variable":"$.s","StringMatches":"b*a"}`, true},
		{`{"Variable":"$.s","StringMatches":"*nan*"}`, true},
		{`{"Variable":"$.s","StringMatches":"*"}`, true},
		{`{"Variable":"$.s","StringMatches":"b*x"}`, false},
		{`{"Variable":"$.s","StringMatches":"banana"}`, true},
		{`{"Variable":"$.s","StringMatches":"banan"}`, false},
		{`{"Variable":"$.s","StringMatches":"b**a*a"}`, true},
		{`{"Variable":"$.star","StringMatches":"a\\*b"}`, true},
		{`{"Variable":"$.s","StringMatches":"b\\*a"}`, false},
		{`{"Variable":"$.bs","StringMatches":"a\\\\b"}`, true},
		{`{"Variable":"$.bs","StringMatches":"a\\\\*"}`, true},
		{`{"Variable":"$.n","StringMatches":"*"}`, false},
		// Numbers.
		{`{"Variable":"$.n","NumericEquals":10}`, true},
		{`{"Variable":"$.n","NumericEquals":10.0}`, true},
		{`{"Variable":"$.n","NumericEquals":11}`, false},
		{`{"Variable":"$.s","NumericEquals":10}`, false},
		{`{"Variable":"$.big","NumericEquals":9007199254740992}`, false}, // exact for integers
		{`{"Variable":"$.f","NumericLessThan":2}`, true},
		{`{"Variable":"$.exact","NumericGreaterThan":1}`, true}, // exact as decimals: float64 would round to 1
		{`{"Variable":"$.exact","NumericEquals":1.00000000000000000001}`, true},
		{`{"Variable":"$.f","NumericLessThan":1.5}`, false},
		{`{"Variable":"$.n","NumericGreaterThan":9.99}`, true},
		{`{"Variable":"$.n","NumericGreaterThan":10}`, false},
		{`{"Variable":"$.n","NumericLessThanEquals":10}`, true},
		{`{"Variable":"$.n","NumericLessThanEquals":9}`, false},
		{`{"Variable":"$.n","NumericGreaterThanEquals":1e1}`, true},
		{`{"Variable":"$.n","NumericGreaterThanEquals":11}`, false},
		{`{"Variable":"$.n","NumericEqualsPath":"$.ten"}`, true},
		{`{"Variable":"$.n","NumericEqualsPath":"$.s"}`, false},
		{`{"Variable":"$.f","NumericLessThanPath":"$.n"}`, true},
		{`{"Variable":"$.n","NumericGreaterThanPath":"$.f"}`, true},
		{`{"Variable":"$.n","NumericLessThanEqualsPath":"$.ten"}`, true},
		{`{"Variable":"$.f","NumericGreaterThanEqualsPath":"$.n"}`, false},
		{`{"Variable":"$.n","NumericEqualsPath":"$limit"}`, true},
		{`{"Variable":"$$.State.RetryCount","NumericEquals":0}`, true},
		// Booleans.
		{`{"Variable":"$.b","BooleanEquals":true}`, true},
		{`{"Variable":"$.b","BooleanEquals":false}`, false},
		{`{"Variable":"$.s","BooleanEquals":true}`, false},
		{`{"Variable":"$.b","BooleanEqualsPath":"$.yes"}`, true},
		{`{"Variable":"$.b","BooleanEqualsPath":"$.s"}`, false},
		{`{"Variable":"$cfg.on","BooleanEquals":true}`, true},
		// Timestamps.
		{`{"Variable":"$.t","TimestampEquals":"2016-03-14T01:59:00Z"}`, true},
		{`{"Variable":"$.t2","TimestampEquals":"2016-03-14T01:59:00Z"}`, true}, // same instant
		{`{"Variable":"$.t","TimestampEquals":"2016-03-14T01:59:01Z"}`, false},
		{`{"Variable":"$.notts","TimestampEquals":"2016-03-14T01:59:00Z"}`, false},
		{`{"Variable":"$.n","TimestampEquals":"2016-03-14T01:59:00Z"}`, false},
		{`{"Variable":"$.t","TimestampLessThan":"2016-03-14T01:59:00.001Z"}`, true},
		{`{"Variable":"$.tfrac","TimestampLessThan":"2016-03-14T01:59:00Z"}`, false},
		{`{"Variable":"$.tfrac","TimestampGreaterThan":"2016-03-14T01:59:00Z"}`, true},
		{`{"Variable":"$.t","TimestampGreaterThan":"2016-03-14T01:59:00Z"}`, false},
		{`{"Variable":"$.t","TimestampLessThanEquals":"2016-03-14T01:59:00Z"}`, true},
		{`{"Variable":"$.later","TimestampLessThanEquals":"2016-03-14T01:59:00Z"}`, false},
		{`{"Variable":"$.t","TimestampGreaterThanEquals":"2016-03-14T01:59:00+00:00"}`, true},
		{`{"Variable":"$.t","TimestampGreaterThanEquals":"2017-01-01T00:00:00Z"}`, false},
		{`{"Variable":"$.t","TimestampEqualsPath":"$.t2"}`, true},
		{`{"Variable":"$.t","TimestampEqualsPath":"$.notts"}`, false},
		{`{"Variable":"$.t","TimestampLessThanPath":"$.later"}`, true},
		{`{"Variable":"$.later","TimestampGreaterThanPath":"$.t"}`, true},
		{`{"Variable":"$.t","TimestampLessThanEqualsPath":"$.t2"}`, true},
		{`{"Variable":"$.t","TimestampGreaterThanEqualsPath":"$.later"}`, false},
		// Type tests.
		{`{"Variable":"$.nul","IsNull":true}`, true},
		{`{"Variable":"$.s","IsNull":true}`, false},
		{`{"Variable":"$.s","IsNull":false}`, true},
		{`{"Variable":"$.s","IsPresent":true}`, true},
		{`{"Variable":"$.nul","IsPresent":true}`, true},
		{`{"Variable":"$.missing","IsPresent":true}`, false},
		{`{"Variable":"$.missing","IsPresent":false}`, true},
		{`{"Variable":"$.obj.none","IsPresent":false}`, true},
		{`{"Variable":"$.n","IsNumeric":true}`, true},
		{`{"Variable":"$.f","IsNumeric":true}`, true},
		{`{"Variable":"$.s","IsNumeric":true}`, false},
		{`{"Variable":"$.s","IsString":true}`, true},
		{`{"Variable":"$.n","IsString":true}`, false},
		{`{"Variable":"$.b","IsBoolean":true}`, true},
		{`{"Variable":"$.s","IsBoolean":false}`, true},
		{`{"Variable":"$.t","IsTimestamp":true}`, true},
		{`{"Variable":"$.notts","IsTimestamp":true}`, false},
		{`{"Variable":"$.n","IsTimestamp":false}`, true},
		// And, Or, Not, nested.
		{`{"And":[{"Variable":"$.b","BooleanEquals":true},{"Variable":"$.n","NumericEquals":10}]}`, true},
		{`{"And":[{"Variable":"$.b","BooleanEquals":true},{"Variable":"$.n","NumericEquals":9}]}`, false},
		{`{"Or":[{"Variable":"$.b","BooleanEquals":false},{"Variable":"$.n","NumericEquals":10}]}`, true},
		{`{"Or":[{"Variable":"$.b","BooleanEquals":false},{"Variable":"$.n","NumericEquals":9}]}`, false},
		{`{"Not":{"Variable":"$.s","StringEquals":"apple"}}`, true},
		{`{"Not":{"Not":{"Variable":"$.s","StringEquals":"apple"}}}`, false},
		{`{"And":[{"Or":[{"Variable":"$.missing","IsPresent":true},{"Variable":"$.s","StringMatches":"ban*"}]},{"Not":{"Variable":"$.nul","IsNull":false}}]}`, true},
		{`{"Or":[{"Variable":"$.s","IsString":true},{"Variable":"$.missing","StringEquals":"x"}]}`, true}, // short-circuits
	}
	for _, tt := range tests {
		t.Run(tt.rule, func(t *testing.T) {
			got, err := condition(t, tt.rule).Eval(in, lookupVar, ctx)
			if err != nil {
				t.Fatalf("Eval: %v", err)
			}
			if got != tt.want {
				t.Errorf("Eval = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestChoiceMissingPath(t *testing.T) {
	in := doc(t, input)
	tests := []struct {
		rule, path string
	}{
		{`{"Variable":"$.missing","StringEquals":"x"}`, "$.missing"},
		{`{"Variable":"$.missing","IsNull":true}`, "$.missing"},
		{`{"Variable":"$.missing","IsString":false}`, "$.missing"},
		{`{"Variable":"$.s","StringEqualsPath":"$.gone"}`, "$.gone"},
		{`{"Variable":"$.n","NumericLessThanPath":"$.gone"}`, "$.gone"},
		{`{"Variable":"$nope","NumericEquals":1}`, "$nope"},
		{`{"Variable":"$$.Nope","NumericEquals":1}`, "$$.Nope"},
		{`{"And":[{"Variable":"$.s","IsString":true},{"Variable":"$.missing","BooleanEquals":true}]}`, "$.missing"},
		{`{"Not":{"Variable":"$.missing","TimestampEquals":"2016-03-14T01:59:00Z"}}`, "$.missing"},
	}
	for _, tt := range tests {
		t.Run(tt.rule, func(t *testing.T) {
			_, err := condition(t, tt.rule).Eval(in, func(string) (any, bool) { return nil, false }, map[string]any{})
			var fe *failure.Error
			if !errors.As(err, &fe) || fe.Name != failure.Runtime || !strings.Contains(fe.Cause, "'"+tt.path+"'") {
				t.Errorf("Eval error = %v, want States.Runtime naming %s", err, tt.path)
			}
		})
	}
}

func TestChoiceAcceptsGoNumbers(t *testing.T) {
	c := condition(t, `{"Variable":"$.n","NumericGreaterThan":1}`)
	for _, v := range []any{2, int64(2), int32(2), 2.5, float32(2.5)} {
		if ok, err := c.Eval(map[string]any{"n": v}, nil, nil); err != nil || !ok {
			t.Errorf("%T %v: Eval = %v, %v", v, v, ok, err)
		}
	}
}

func TestParseTimestamp(t *testing.T) {
	for s, want := range map[string]bool{
		"2016-03-14T01:59:00Z":           true,
		"2016-03-14T01:59:00.123456Z":    true,
		"2016-03-14T01:59:00+05:30":      true,
		"2016-03-14T01:59:00-00:00":      true,
		"2016-03-14t01:59:00Z":           false,
		"2016-03-14T01:59:00z":           false,
		"2016-03-14 01:59:00Z":           false,
		"2016-03-14T01:59:00":            false,
		"2016-03-14":                     false,
		"2016-02-30T01:59:00Z":           false,
		"2016-03-14T25:59:00Z":           false,
		"2016-03-14T01:59:00+0530":       false,
		"":                               false,
		"2016-03-14T01:59:00.Z":          false,
		"x2016-03-14T01:59:00Z":          false,
		"2016-03-14T01:59:60Z":           false,
		"2016-03-14T01:59:00.000000001Z": true,
		"2016-03-14T01:59:00,5Z":         false,
		"2016-03-14T01:59:00+24:00":      false,
		"2016-03-14T01:59:00+23:59":      true,
		"2016-03-14T01:59:00.5+05:30":    true,
		"2016-03-14T1:59:00Z":            false,
		"2016-03-14T01:59:00Z ":          false,
		"2016-03-14T01:59:00+05:3":       false,
	} {
		if _, got := ParseTimestamp(s); got != want {
			t.Errorf("ParseTimestamp(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestOperatorNames(t *testing.T) {
	for o := OpAnd; o < opCount; o++ {
		b, err := o.MarshalText()
		if err != nil || string(b) != o.String() {
			t.Errorf("%d: %q, %v", o, b, err)
		}
		if f, ok := operatorByName[o.String()]; !ok || f.op != o || f.byPath {
			t.Errorf("operatorByName[%s] = %+v", o, f)
		}
	}
	if len(operatorByName) != int(opCount-1)+16 {
		t.Errorf("%d operator fields, want %d (26 operators, 16 Path forms)", len(operatorByName), int(opCount-1)+16)
	}
}
