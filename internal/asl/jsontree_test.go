package asl

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// stdDecode decodes as encoding/json does with UseNumber, rejecting
// what json.Unmarshal rejects (trailing data included).
func stdDecode(b []byte) (any, error) {
	if !json.Valid(b) {
		return nil, errors.New("invalid JSON")
	}
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var v any
	err := d.Decode(&v)
	return v, err
}

// FuzzDecodeTree holds decodeTree to encoding/json: the same inputs
// accepted, the same values decoded.
func FuzzDecodeTree(f *testing.F) {
	for _, s := range []string{`{"a":[1,-2.5e+3,true,false,null,"x\u00e9\ud83d\ude00"]}`, `"\ud800\u0041"`, `"\ud800"`, "\"\xff\"",
		`{"a":1,"a":2}`, `[]`, `{}`, `0`, `-0.0e-0`, `01`, `1.`, `"\x"`, ` [1 , {"b" : {}} ] `, `{"a" 1}`, `[1,]`, "\"a\tb\""} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		got, err := decodeTree(b)
		want, stdErr := stdDecode(b)
		if (err == nil) != (stdErr == nil) {
			t.Fatalf("decodeTree error %v, encoding/json error %v", err, stdErr)
		}
		if err == nil && !reflect.DeepEqual(plain(got), want) {
			t.Fatalf("decodeTree = %#v, encoding/json = %#v", plain(got), want)
		}
	})
}

func TestDecodeTreeOrderAndDuplicates(t *testing.T) {
	v, err := decodeTree([]byte(`{"z":1,"a":{"y":2,"b":3},"z":4}`))
	if err != nil {
		t.Fatal(err)
	}
	o := v.(*object)
	if !slices.Equal(o.keys, []string{"z", "a"}) || !slices.Equal(o.dups, []string{"z"}) || o.vals["z"] != json.Number("4") {
		t.Errorf("keys %v dups %v z %v", o.keys, o.dups, o.vals["z"])
	}
	if inner := o.vals["a"].(*object); !slices.Equal(inner.keys, []string{"y", "b"}) {
		t.Errorf("inner keys %v", inner.keys)
	}
}

func TestDecodeTreeErrorPosition(t *testing.T) {
	tests := []struct{ in, want string }{
		{"{\n  \"a\": 1,\n}", "line 3, column 1"},
		{`{"a":tru}`, "line 1, column 9"},
		{`[1 2]`, "line 1, column 4"},
		{`{"a":1`, "line 1, column 7"},
		{`{} x`, "line 1, column 4"},
	}
	for _, tt := range tests {
		_, err := decodeTree([]byte(tt.in))
		if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
			t.Errorf("decodeTree(%q) = %v, want %s", tt.in, err, tt.want)
		}
	}
	deep := strings.Repeat("[", maxJSONDepth+2) + strings.Repeat("]", maxJSONDepth+2)
	if _, err := decodeTree([]byte(deep)); err == nil {
		t.Error("no error past the depth limit")
	}
}
