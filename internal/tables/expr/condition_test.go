package expr_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/mie-kafka/mie/internal/tables"
	"github.com/mie-kafka/mie/internal/tables/expr"
)

// job is the item the condition tests evaluate against.
const job = `{
	"JobId": {"S": "j-1"},
	"JobStatus": {"S": "STARTED"},
	"Count": {"N": "3"},
	"Score": {"N": "0.85"},
	"Passed": {"BOOL": true},
	"Nothing": {"NULL": true},
	"Tags": {"SS": ["hls", "mp4"]},
	"Sizes": {"NS": ["720", "1080"]},
	"Blob": {"B": "aGVsbG8="},
	"Outputs": {"L": [{"S": "mp4"}, {"M": {"format": {"S": "hls"}}}]},
	"Meta": {"M": {"width": {"N": "1920"}, "codec": {"S": "h264"}}}
}`

func attrs(t testing.TB, names map[string]string, values string) *expr.Attributes {
	t.Helper()
	var raw json.RawMessage
	if values != "" {
		raw = json.RawMessage(values)
	}
	a, err := expr.NewAttributes(names, raw)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestConditionEval(t *testing.T) {
	item := tables.MustItem(job)
	values := `{":s": {"S": "STARTED"}, ":n": {"N": "3"}, ":lo": {"N": "1"}, ":hi": {"N": "5"},
		":pre": {"S": "STA"}, ":tag": {"S": "hls"}, ":size": {"N": "1080"}, ":t": {"S": "SS"},
		":three": {"N": "3.000"}, ":str3": {"S": "3"}, ":b": {"B": "aGVs"}, ":x": {"S": "nope"},
		":el": {"S": "mp4"}, ":w": {"N": "1000"}}`
	tests := []struct {
		expr string
		want bool
	}{
		{"JobStatus = :s", true},
		{"JobStatus <> :s", false},
		{"Missing <> :s", true}, // an absent attribute is not equal to anything
		{"Missing = :s", false},
		{"Count = :three", true}, // numbers compare numerically
		{"Count = :str3", false}, // types differ
		{"Count < :hi AND Count > :lo", true},
		{"Count <= :n AND Count >= :n", true},
		{"Count < :str3", false}, // mixed types never order
		{"Missing < :hi", false},
		{"Count BETWEEN :lo AND :hi", true},
		{"Score BETWEEN :lo AND :hi", false},
		{"Count IN (:lo, :n, :hi)", true},
		{"Count IN (:lo, :hi)", false},
		{"attribute_exists(JobId)", true},
		{"attribute_not_exists(JobId)", false},
		{"attribute_exists(Meta.width)", true},
		{"attribute_exists(Meta.height)", false},
		{"attribute_exists(Outputs[1].format)", true},
		{"attribute_exists(Outputs[2])", false},
		{"attribute_exists(Nothing)", true}, // NULL exists
		{"attribute_type(Tags, :t)", true},
		{"attribute_type(Count, :t)", false},
		{"begins_with(JobStatus, :pre)", true},
		{"begins_with(Count, :pre)", false},
		{"begins_with(Blob, :b)", true},
		{"contains(Tags, :tag)", true},
		{"contains(Sizes, :size)", true},
		{"contains(JobStatus, :pre)", true},
		{"contains(Outputs, :el)", true},
		{"contains(Tags, :x)", false},
		{"size(Tags) = :lo OR size(Tags) > :lo", true},
		{"size(JobStatus) = :size", false},
		{"size(Meta) < :hi", true},
		{"size(Missing) > :lo", false},
		{"Meta.width > :w", true},
		{"NOT JobStatus = :s", false},
		{"NOT (JobStatus = :s AND Count = :n)", false},
		{"JobStatus = :x OR Count = :n AND Passed = :x", false}, // AND binds tighter
		{"(JobStatus = :x OR Count = :n) AND NOT Passed = :x", true},
		{"jobstatus = :s", false},                             // names are case-sensitive
		{"JobStatus = :s and count = :n or Count = :n", true}, // keywords are not
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			a := attrs(t, nil, values)
			c, err := expr.ParseCondition(tt.expr, expr.WhatCondition, a)
			if err != nil {
				t.Fatal(err)
			}
			if got := c.Eval(item); got != tt.want {
				t.Errorf("Eval = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestConditionNames(t *testing.T) {
	item := tables.MustItem(job)
	a := attrs(t, map[string]string{"#s": "JobStatus", "#m": "Meta", "#w": "width"}, `{":s": {"S": "STARTED"}, ":w": {"N": "1920"}}`)
	c, err := expr.ParseCondition("#s = :s AND #m.#w = :w", expr.WhatCondition, a)
	if err != nil {
		t.Fatal(err)
	}
	if !c.Eval(item) {
		t.Error("Eval = false, want true")
	}
	if err := a.Unused(); err != nil {
		t.Errorf("Unused = %v, want nil", err)
	}
}

func TestConditionErrors(t *testing.T) {
	values := `{":s": {"S": "x"}, ":n": {"N": "1"}, ":m": {"M": {}}, ":big": {"N": "9"}, ":bad": {"S": "XX"}}`
	tests := []struct{ expr, want string }{
		{"", "The expression can not be empty"},
		{"   ", "The expression can not be empty"},
		{"a = ", `Syntax error; token: "<EOF>"`},
		{"a == :s", `Syntax error; token: "="`},
		{"a = :missing", "An expression attribute value used in expression is not defined; attribute value: :missing"},
		{"#missing = :s", "An expression attribute name used in the document path is not defined; attribute name: #missing"},
		{"a < :m", "Incorrect operand type for operator or function; operator or function: <, operand type: MAP"},
		{"a BETWEEN :big AND :n", "The BETWEEN operator requires upper bound to be greater than or equal to lower bound"},
		{"attribute_exists(:s)", "Operator or function requires a document path; operator or function: attribute_exists"},
		{"attribute_type(a, :bad)", "Invalid attribute type name found; type: XX"},
		{"attribute_type(a, :n)", "operator or function: attribute_type, operand type: NUMBER"},
		{"begins_with(a, :n)", "operator or function: begins_with, operand type: NUMBER"},
		{"ATTRIBUTE_EXISTS(a)", "Invalid function name; function: ATTRIBUTE_EXISTS"},
		{"if_not_exists(a, :s) = :s", "The function is not allowed in a condition expression; function: if_not_exists"},
		{"size(a)", `Syntax error; token: "<EOF>"`},
		{"a = size(:s)", "Operator or function requires a document path; operator or function: size"},
		{"attribute_exists(a) = :s", `Syntax error; token: "="`},
		{"(a = :s", `Syntax error; token: "<EOF>"`},
		{"a = :s)", `Syntax error; token: ")"`},
		{"a[x] = :s", `Syntax error; token: "x"`},
		{"1a = :s", `Syntax error; token: "1a"`},
		{"a = :s AND", `Syntax error; token: "<EOF>"`},
		{"and = :s", "Attribute name is a reserved keyword; reserved keyword: and"},
		{"a.b.c = :s $", `Syntax error; token: "$"`},
		{"a = #", `Syntax error; token: "#"`},
		{strings.Repeat("(", 150) + "a = :s" + strings.Repeat(")", 150), "too many nested levels"},
		{strings.Repeat("a = :s OR ", 400) + "a = :s", "too many operators"},
		{"a = :s" + strings.Repeat(" ", 5000), "Expression size has exceeded the maximum allowed size"},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			_, err := expr.ParseCondition(tt.expr, expr.WhatCondition, attrs(t, nil, values))
			if err == nil {
				t.Fatalf("parsed, want an error containing %q", tt.want)
			}
			if !tables.IsCode(err, tables.ValidationException) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want a ValidationException containing %q", err, tt.want)
			}
		})
	}
}

func TestUnusedAttributes(t *testing.T) {
	tests := []struct {
		names  map[string]string
		values string
		want   string
	}{
		{map[string]string{"#a": "a", "#b": "b"}, `{":s": {"S": "x"}}`, "ExpressionAttributeNames unused in expressions: keys: {#b}"},
		{map[string]string{"#a": "a"}, `{":s": {"S": "x"}, ":t": {"S": "y"}}`, "ExpressionAttributeValues unused in expressions: keys: {:t}"},
	}
	for _, tt := range tests {
		a := attrs(t, tt.names, tt.values)
		if _, err := expr.ParseCondition("#a = :s", expr.WhatCondition, a); err != nil {
			t.Fatal(err)
		}
		if err := a.Unused(); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Unused = %v, want %q", err, tt.want)
		}
	}
}

func TestAttributesRefuseBadMaps(t *testing.T) {
	tests := []struct {
		names  map[string]string
		values string
		want   string
	}{
		{map[string]string{}, "", "ExpressionAttributeNames must not be empty"},
		{nil, `{}`, "ExpressionAttributeValues must not be empty"},
		{map[string]string{"a": "a"}, "", "ExpressionAttributeNames contains invalid key"},
		{nil, `{"s": {"S": "x"}}`, "ExpressionAttributeValues contains invalid key"},
		{nil, `{":s": {"S": "x", "N": "1"}}`, "more than one datatypes"},
	}
	for _, tt := range tests {
		var raw json.RawMessage
		if tt.values != "" {
			raw = json.RawMessage(tt.values)
		}
		if _, err := expr.NewAttributes(tt.names, raw); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("NewAttributes(%v, %s) = %v, want %q", tt.names, tt.values, err, tt.want)
		}
	}
}
