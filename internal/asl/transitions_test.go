package asl

import (
	"reflect"
	"testing"
)

func TestTransitions(t *testing.T) {
	m, err := Parse([]byte(`{"StartAt":"C","States":{
		"C":{"Type":"Choice","Choices":[{"Variable":"$.a","IsPresent":true,"Next":"T"}],"Default":"F"},
		"T":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:f",
			"Catch":[{"ErrorEquals":["States.ALL"],"Next":"F"}],"Next":"S"},
		"S":{"Type":"Succeed"},"F":{"Type":"Fail"}}}`))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		state string
		want  []Transition
	}{
		{"C", []Transition{{"T", "/Choices/0/Next"}, {"F", "/Default"}}},
		{"T", []Transition{{"S", "/Next"}, {"F", "/Catch/0/Next"}}},
		{"S", []Transition{}},
	} {
		t.Run(tc.state, func(t *testing.T) {
			if got := Transitions(m.State(tc.state)); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("Transitions(%s) = %v, want %v", tc.state, got, tc.want)
			}
		})
	}
}
