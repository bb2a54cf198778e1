package asl

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

// shapeFields is a vocabulary of fields, each with values valid or not,
// from which FuzzParseShapes builds states.
var shapeFields = map[string][]string{
	"Type":             {`"Pass"`, `"Task"`, `"Choice"`, `"Wait"`, `"Succeed"`, `"Fail"`, `"Parallel"`, `"Map"`, `"Nope"`, `1`},
	"Next":             {`"S0"`, `"S1"`, `"S2"`, `"X"`, `""`, `1`},
	"End":              {`true`, `false`, `"yes"`},
	"QueryLanguage":    {`"JSONata"`, `"JSONPath"`, `"x"`},
	"InputPath":        {`"$.a"`, `null`, `"a"`, `"$$.Execution"`},
	"OutputPath":       {`"$.b"`, `null`},
	"ResultPath":       {`"$.r"`, `null`, `"$$.x"`, `"$.a[*]"`},
	"Parameters":       {`{"a.$":"$.x","b":1}`, `{"a.$":1}`, `"p"`, `{"f.$":"States.Format('{}', $.x)"}`, `{"f.$":"States.Nope("}`},
	"ResultSelector":   {`{"r.$":"$.Payload"}`, `[]`},
	"Result":           {`{"x":1}`, `null`},
	"Resource":         {`"arn:aws:states:::lambda:invoke"`, `"bad"`, `1`},
	"Arguments":        {`{"a":"{% $states.input %}"}`, `"{% 1 + %}"`},
	"Output":           {`"{% $states.input %}"`, `{"x":"{% $states.result %}"}`, `"{% $states.errorOutput %}"`},
	"Assign":           {`{"v":1}`, `{"v.$":"$.x"}`, `{"1v":2}`, `{"v":"{% 1 %}"}`, `[]`},
	"TimeoutSeconds":   {`10`, `0`, `"{% 5 %}"`, `1.5`},
	"HeartbeatSeconds": {`5`, `20`},
	"Retry":            {`[{"ErrorEquals":["States.ALL"]}]`, `[{"ErrorEquals":["States.ALL","E"]}]`, `[{"ErrorEquals":[]}]`, `[{"MaxAttempts":-1,"ErrorEquals":["E"]}]`, `{}`},
	"Catch":            {`[{"ErrorEquals":["States.ALL"],"Next":"S0"}]`, `[{"ErrorEquals":["E"],"Next":"X"}]`, `[{"ErrorEquals":["E"]}]`, `[1]`},
	"Choices": {`[{"Variable":"$.a","IsNull":true,"Next":"S1"}]`, `[{"Condition":"{% true %}","Next":"S2"}]`, `[]`,
		`[{"And":[{"Variable":"$.a","NumericEqualsPath":"$.b"},{"Not":{"Variable":"$.c","StringMatches":"a*"}}],"Next":"S0"}]`,
		`[{"Variable":"$.a","Next":"S1"}]`, `[{"Not":{"Variable":"$.a","IsNull":true,"Next":"S1"},"Next":"S1"}]`, `[{"Or":[],"Next":"S1"}]`},
	"Default":                    {`"S0"`, `"X"`, `""`},
	"Seconds":                    {`1`, `-1`, `"{% 2 %}"`, `"2"`},
	"SecondsPath":                {`"$.s"`, `"s"`},
	"Timestamp":                  {`"2016-03-14T01:59:00Z"`, `"yesterday"`},
	"TimestampPath":              {`"$.t"`},
	"Error":                      {`"E"`, `"{% 'e' %}"`},
	"ErrorPath":                  {`"$.e"`, `"States.Format('x')"`, `"e"`},
	"Branches":                   {`[{"StartAt":"B","States":{"B":{"Type":"Succeed"}}}]`, `[]`, `[{"StartAt":"S0","States":{"B":{"Type":"Pass","Next":"S0"}}}]`, `[1]`},
	"ItemProcessor":              {`{"StartAt":"I","States":{"I":{"Type":"Pass","End":true}}}`, `{"ProcessorConfig":{"Mode":"DISTRIBUTED"},"StartAt":"I","States":{"I":{"Type":"Succeed"}}}`, `{"StartAt":"I"}`},
	"Iterator":                   {`{"StartAt":"J","States":{"J":{"Type":"Succeed"}}}`},
	"ItemsPath":                  {`"$.items"`, `"$.items[*]"`},
	"Items":                      {`[1,2]`, `"{% $states.input %}"`, `{}`},
	"ItemSelector":               {`{"v.$":"$$.Map.Item.Value"}`, `{"v":"{% $states.context.Map.Item.Value %}"}`},
	"MaxConcurrency":             {`2`, `-1`, `"{% 1 %}"`},
	"Label":                      {`"L"`, `"a b"`},
	"ToleratedFailurePercentage": {`5`, `101`},
	"Foo":                        {`1`},
}

var shapeNames = func() []string {
	var ns []string
	for k := range shapeFields {
		ns = append(ns, k)
	}
	slices.Sort(ns)
	return ns
}()

// FuzzParseShapes builds definitions from the bytes it is given, state by
// state and field by field out of shapeFields, so that most of them are
// near-valid: what Parse accepts must hold the interpreter's invariants.
func FuzzParseShapes(f *testing.F) {
	f.Add([]byte{3, 0, 0, 1, 1, 0, 9, 4})
	f.Add([]byte("\x02\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a"))
	f.Add([]byte("some longer seed to drive many choices of fields and values"))
	f.Fuzz(func(t *testing.T, src []byte) {
		def := buildShape(src)
		m, err := Parse([]byte(def))
		if err != nil {
			return
		}
		if err := checkInvariants(m); err != nil {
			t.Fatalf("accepted %s, which breaks an invariant: %v", def, err)
		}
	})
}

// buildShape turns src into a definition, one choice per byte.
func buildShape(src []byte) string {
	next := func(n int) int {
		if len(src) == 0 || n == 0 {
			return 0
		}
		b := src[0]
		src = src[1:]
		return int(b) % n
	}
	var b strings.Builder
	top := []string{"", `"QueryLanguage":"JSONata",`}[next(2)]
	b.WriteString(`{` + top + `"StartAt":"S0","States":{`)
	states := 1 + next(3)
	for i := 0; i < states; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`"S` + string(rune('0'+i)) + `":{`)
		keys := []string{"Type"}
		fields := map[string]string{"Type": shapeFields["Type"][next(8)]}
		for n := next(6); n > 0; n-- {
			k := shapeNames[next(len(shapeNames))]
			if _, dup := fields[k]; !dup {
				keys = append(keys, k)
			}
			fields[k] = shapeFields[k][next(len(shapeFields[k]))]
		}
		for j, k := range keys {
			if j > 0 {
				b.WriteByte(',')
			}
			kj, _ := json.Marshal(k)
			b.Write(kj)
			b.WriteString(":" + fields[k])
		}
		b.WriteByte('}')
	}
	b.WriteString(`}}`)
	return b.String()
}
