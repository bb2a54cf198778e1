package tables_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/tables"
)

func TestNumbers(t *testing.T) {
	ok := []struct{ in, want string }{
		{"0", "0"}, {"-0", "0"}, {"007", "7"}, {"1.50", "1.5"}, {"+2", "2"}, {".5", "0.5"}, {"5.", "5"},
		{"1e3", "1000"}, {"1E+3", "1000"}, {"-12.5e-3", "-0.0125"}, {"100", "100"}, {"0.000", "0"},
		{"12345678901234567890123456789012345678", "12345678901234567890123456789012345678"},
		{"1E-130", "0." + strings.Repeat("0", 129) + "1"},
		{"9.9999999999999999999999999999999999999E+125", "99999999999999999999999999999999999999" + strings.Repeat("0", 88)},
		{"1" + strings.Repeat("0", 100), "1" + strings.Repeat("0", 100)},
	}
	for _, tt := range ok {
		v, err := tables.Number(tt.in)
		if err != nil || v.Str() != tt.want {
			t.Errorf("Number(%q) = %q, %v; want %q", tt.in, v.Str(), err, tt.want)
		}
	}
	bad := []struct{ in, want string }{
		{"", "cannot be converted"}, {"abc", "cannot be converted"}, {"1..2", "cannot be converted"}, {"1e", "cannot be converted"},
		{"NaN", "cannot be converted"}, {"Infinity", "cannot be converted"}, {"--1", "cannot be converted"}, {"1 ", "cannot be converted"},
		{"123456789012345678901234567890123456789", "more than 38 significant digits"},
		{"1E+126", "Number overflow"}, {"1E-131", "Number underflow"}, {"1e99999", "cannot be converted"},
	}
	for _, tt := range bad {
		if _, err := tables.Number(tt.in); !tables.IsCode(err, tables.ValidationException) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Number(%q) err = %v, want %q", tt.in, err, tt.want)
		}
	}
}

func TestNumberArithmeticAndOrder(t *testing.T) {
	n := func(s string) tables.Value {
		v, err := tables.Number(s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	tests := []struct {
		a, b string
		sign int
		want string
	}{
		{"1", "2", 1, "3"}, {"0.1", "0.2", 1, "0.3"}, {"1", "1.5", -1, "-0.5"}, {"1e10", "1", 1, "10000000001"}, {"-3", "-3", -1, "0"},
	}
	for _, tt := range tests {
		got, err := tables.AddNumbers(n(tt.a), n(tt.b), tt.sign)
		if err != nil || got.Str() != tt.want {
			t.Errorf("%s %+d·%s = %s, %v; want %s", tt.a, tt.sign, tt.b, got.Str(), err, tt.want)
		}
	}
	if c, ok := n("10").Compare(n("9.99")); !ok || c <= 0 {
		t.Errorf("10 vs 9.99 = %d, %v", c, ok)
	}
	if c, ok := n("-1").Compare(n("-0.5")); !ok || c >= 0 {
		t.Errorf("-1 vs -0.5 = %d, %v", c, ok)
	}
	if _, ok := n("1").Compare(tables.String("1")); ok {
		t.Error("N and S compared")
	}
}

func TestValueJSON(t *testing.T) {
	// Each input decodes and encodes back to the canonical form.
	tests := []struct{ in, want string }{
		{`{"S":"x"}`, `{"S":"x"}`},
		{`{"N":"01.10"}`, `{"N":"1.1"}`},
		{`{"B":"aGk="}`, `{"B":"aGk="}`},
		{`{"BOOL":false}`, `{"BOOL":false}`},
		{`{"NULL":true}`, `{"NULL":true}`},
		{`{"M":{"b":{"N":"1"},"a":{"S":""}}}`, `{"M":{"a":{"S":""},"b":{"N":"1"}}}`},
		{`{"L":[{"S":"x"},{"L":[]}]}`, `{"L":[{"S":"x"},{"L":[]}]}`},
		{`{"SS":["b","a"]}`, `{"SS":["b","a"]}`},
		{`{"NS":["1.0","2"]}`, `{"NS":["1","2"]}`},
		{`{"BS":["aGk="]}`, `{"BS":["aGk="]}`},
		{`{"S":"x","Unknown":1}`, `{"S":"x"}`},
		{`{"S":"x","N":null}`, `{"S":"x"}`},
	}
	for _, tt := range tests {
		var v tables.Value
		if err := json.Unmarshal([]byte(tt.in), &v); err != nil {
			t.Errorf("%s: %v", tt.in, err)
			continue
		}
		if got, _ := json.Marshal(v); string(got) != tt.want {
			t.Errorf("%s encodes as %s, want %s", tt.in, got, tt.want)
		}
	}
	bad := []struct {
		in   string
		code tables.Code
		want string
	}{
		{`{}`, tables.ValidationException, "Supplied AttributeValue is empty"},
		{`{"S":"x","N":"1"}`, tables.ValidationException, "more than one datatypes"},
		{`{"N":1}`, tables.SerializationException, "N member"},
		{`{"N":"x"}`, tables.ValidationException, "cannot be converted"},
		{`{"NULL":false}`, tables.ValidationException, "Null attribute value types must have the value of true"},
		{`{"SS":[]}`, tables.ValidationException, "may not be empty"},
		{`{"SS":["a","a"]}`, tables.ValidationException, "contains duplicates"},
		{`{"NS":["1","1.0"]}`, tables.ValidationException, "contains duplicates"},
		{`{"B":"not base64!"}`, tables.SerializationException, "base64"},
		{`"S"`, tables.SerializationException, "must be an object"},
		{`{"L":{}}`, tables.SerializationException, "must be a list"},
		{strings.Repeat(`{"L":[`, 40) + `{"S":"x"}` + strings.Repeat(`]}`, 40), tables.ValidationException, "Nesting Levels"},
	}
	for _, tt := range bad {
		var v tables.Value
		err := json.Unmarshal([]byte(tt.in), &v)
		if !tables.IsCode(err, tt.code) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%.40s: err = %v, want %s %q", tt.in, err, tt.code, tt.want)
		}
	}
}

func TestSetsCompareAsSets(t *testing.T) {
	a, _ := tables.StringSet("a", "b")
	b, _ := tables.StringSet("b", "a")
	c, _ := tables.StringSet("a")
	if !a.Equal(b) || a.Equal(c) {
		t.Errorf("set equality: a=b %v, a=c %v", a.Equal(b), a.Equal(c))
	}
}

func jobsTable() events.Table {
	return events.Table{
		TableName: "Jobs", TableId: "t-1",
		KeySchema: []events.KeySchemaElement{{AttributeName: "JobId", KeyType: "HASH"}, {AttributeName: "Step", KeyType: "RANGE"}},
		AttributeDefinitions: []events.AttributeDefinition{
			{AttributeName: "JobId", AttributeType: "S"}, {AttributeName: "Step", AttributeType: "N"}},
	}
}

func TestSchemaKeys(t *testing.T) {
	s, err := tables.NewSchema(jobsTable())
	if err != nil {
		t.Fatal(err)
	}
	key, err := s.KeyOf(tables.MustItem(`{"JobId":{"S":"j-1"},"Step":{"N":"2.0"},"Other":{"S":"x"}}`))
	if err != nil {
		t.Fatal(err)
	}
	if got := s.ItemKey(key); got != `Jobs/{"JobId":{"S":"j-1"},"Step":{"N":"2"}}` {
		t.Errorf("ItemKey = %s", got)
	}
	bad := []struct{ item, want string }{
		{`{"JobId":{"S":"j-1"}}`, "Missing the key Step in the item"},
		{`{"JobId":{"N":"1"},"Step":{"N":"1"}}`, "Type mismatch for key JobId expected: S actual: N"},
		{`{"JobId":{"S":""},"Step":{"N":"1"}}`, "cannot contain an empty string value. Key: JobId"},
		{`{"JobId":{"S":"` + strings.Repeat("x", 2049) + `"},"Step":{"N":"1"}}`, "Size of hashkey has exceeded"},
	}
	for _, tt := range bad {
		if _, err := s.KeyOf(tables.MustItem(tt.item)); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("KeyOf(%.50s) = %v, want %q", tt.item, err, tt.want)
		}
	}
	for _, k := range []string{`{"JobId":{"S":"j-1"}}`, `{"JobId":{"S":"j-1"},"Step":{"N":"1"},"X":{"S":"x"}}`, `{"JobId":{"S":"j-1"},"Other":{"N":"1"}}`} {
		if err := s.CheckKey(tables.MustItem(k)); err == nil || !strings.Contains(err.Error(), "The provided key element does not match the schema") {
			t.Errorf("CheckKey(%s) = %v", k, err)
		}
	}
}
