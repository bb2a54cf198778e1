package jsonvalue_test

import (
	"encoding/json"
	"math"
	"testing"

	"github.com/mie-kafka/mie/internal/asl/jsonvalue"
)

func TestCompareNumbers(t *testing.T) {
	tests := []struct {
		a, b any
		want int
		ok   bool
	}{
		{json.Number("1"), json.Number("1.0"), 0, true},
		{json.Number("9007199254740993"), json.Number("9007199254740992"), 1, true}, // beyond float64
		{json.Number("0.1"), 0.1, -1, true},                                         // the float64 nearest 0.1 is a little above it
		{json.Number("1e2"), 100, 0, true},
		{int64(-3), json.Number("-2.5"), -1, true},
		{json.Number("1"), "1", 0, false},
		{true, json.Number("1"), 0, false},
		{math.NaN(), 1.0, 0, false},
	}
	for _, tt := range tests {
		got, ok := jsonvalue.CompareNumbers(tt.a, tt.b)
		if ok != tt.ok || (ok && got != tt.want) {
			t.Errorf("CompareNumbers(%v, %v) = %d, %v; want %d, %v", tt.a, tt.b, got, ok, tt.want, tt.ok)
		}
	}
}

func TestEqual(t *testing.T) {
	a := map[string]any{"x": []any{json.Number("1"), "s", nil, true}, "y": map[string]any{}}
	b := map[string]any{"y": map[string]any{}, "x": []any{1.0, "s", nil, true}}
	if !jsonvalue.Equal(a, b) {
		t.Error("equal documents are not Equal")
	}
	for _, c := range [][2]any{{json.Number("1"), "1"}, {nil, false}, {[]any{1}, []any{1, 2}},
		{map[string]any{"a": nil}, map[string]any{"b": nil}}, {"a", "b"}} {
		if jsonvalue.Equal(c[0], c[1]) {
			t.Errorf("Equal(%v, %v)", c[0], c[1])
		}
	}
}

func TestInt(t *testing.T) {
	for v, want := range map[any]int64{json.Number("3"): 3, json.Number("3.0"): 3, json.Number("3e2"): 300, 4.0: 4, 7: 7} {
		if got, ok := jsonvalue.Int(v); !ok || got != want {
			t.Errorf("Int(%v) = %d, %v", v, got, ok)
		}
	}
	for _, v := range []any{json.Number("3.5"), "3", nil, 1e300} {
		if _, ok := jsonvalue.Int(v); ok {
			t.Errorf("Int(%v) accepted", v)
		}
	}
}

func TestMarshal(t *testing.T) {
	got, err := jsonvalue.Marshal(map[string]any{"b": "<&>", "a": []any{json.Number("1.50"), 2.5, nil}})
	if err != nil || got != `{"a":[1.50,2.5,null],"b":"<&>"}` {
		t.Errorf("Marshal = %s, %v", got, err)
	}
	if s := jsonvalue.MustMarshal(func() {}); s != "<not JSON>" {
		t.Errorf("MustMarshal of a func = %s", s)
	}
	for f, want := range map[float64]string{3: "3", -2.5: "-2.5", 1e20: "1e+20"} {
		if got := jsonvalue.FromFloat(f); string(got) != want {
			t.Errorf("FromFloat(%v) = %s, want %s", f, got, want)
		}
	}
}
