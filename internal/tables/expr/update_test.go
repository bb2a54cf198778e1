package expr_test

import (
	"strings"
	"testing"

	"github.com/mie-kafka/mie/internal/tables"
	"github.com/mie-kafka/mie/internal/tables/expr"
)

func TestUpdateApply(t *testing.T) {
	const before = `{"JobId": {"S": "j-1"}, "Count": {"N": "3"}, "Tags": {"SS": ["hls", "mp4"]},
		"Outputs": {"L": [{"S": "a"}, {"S": "b"}, {"S": "c"}, {"S": "d"}]},
		"Meta": {"M": {"width": {"N": "1920"}, "codec": {"S": "h264"}}}, "Old": {"S": "x"}}`
	values := `{":s": {"S": "PUBLISHED"}, ":one": {"N": "1"}, ":half": {"N": "0.5"}, ":tags": {"SS": ["dash", "hls"]},
		":drop": {"SS": ["hls", "mp4"]}, ":more": {"L": [{"S": "e"}]}, ":m": {"M": {"k": {"N": "7"}}}, ":z": {"N": "0"},
		":big": {"N": "99999999999999999999999999999999999999"}}`
	tests := []struct {
		name, expr string
		want       string // attributes that changed, as they are after the update
		gone       []string
	}{
		{"set", "SET JobStatus = :s", `{"JobStatus": {"S": "PUBLISHED"}}`, nil},
		{"set several", "SET JobStatus = :s, Meta.height = :one", `{"JobStatus": {"S": "PUBLISHED"},
			"Meta": {"M": {"width": {"N": "1920"}, "codec": {"S": "h264"}, "height": {"N": "1"}}}}`, nil},
		{"arithmetic", "SET Count = Count + :one", `{"Count": {"N": "4"}}`, nil},
		{"decimal arithmetic", "SET Count = Count - :half", `{"Count": {"N": "2.5"}}`, nil},
		{"if_not_exists keeps", "SET Count = if_not_exists(Count, :z) + :one", `{"Count": {"N": "4"}}`, nil},
		{"if_not_exists sets", "SET Visits = if_not_exists(Visits, :z) + :one", `{"Visits": {"N": "1"}}`, nil},
		{"list_append", "SET Outputs = list_append(Outputs, :more)", `{"Outputs": {"L": [{"S": "a"}, {"S": "b"}, {"S": "c"}, {"S": "d"}, {"S": "e"}]}}`, nil},
		{"list_append first", "SET Outputs = list_append(:more, Outputs)", `{"Outputs": {"L": [{"S": "e"}, {"S": "a"}, {"S": "b"}, {"S": "c"}, {"S": "d"}]}}`, nil},
		{"list index", "SET Outputs[1] = :s", `{"Outputs": {"L": [{"S": "a"}, {"S": "PUBLISHED"}, {"S": "c"}, {"S": "d"}]}}`, nil},
		{"list index past the end appends", "SET Outputs[10] = :s", `{"Outputs": {"L": [{"S": "a"}, {"S": "b"}, {"S": "c"}, {"S": "d"}, {"S": "PUBLISHED"}]}}`, nil},
		{"copy an attribute", "SET Copy = Meta.codec", `{"Copy": {"S": "h264"}}`, nil},
		{"values are read before any action", "SET Copy = Old REMOVE Old", `{"Copy": {"S": "x"}}`, []string{"Old"}},
		{"remove", "REMOVE Old, Meta.codec", `{"Meta": {"M": {"width": {"N": "1920"}}}}`, []string{"Old"}},
		{"remove list elements by their old indexes", "REMOVE Outputs[0], Outputs[2]", `{"Outputs": {"L": [{"S": "b"}, {"S": "d"}]}}`, nil},
		{"remove what is not there", "REMOVE Nope, Meta.nope, Outputs[9]", `{}`, nil},
		{"add to a number", "ADD Count :one", `{"Count": {"N": "4"}}`, nil},
		{"add a new number", "ADD Visits :one", `{"Visits": {"N": "1"}}`, nil},
		{"add to a set", "ADD Tags :tags", `{"Tags": {"SS": ["hls", "mp4", "dash"]}}`, nil},
		{"add a new set", "ADD NewTags :tags", `{"NewTags": {"SS": ["dash", "hls"]}}`, nil},
		{"delete from a set", "DELETE Tags :tags", `{"Tags": {"SS": ["mp4"]}}`, nil},
		{"delete every member", "DELETE Tags :drop", `{}`, []string{"Tags"}},
		{"delete from nothing", "DELETE Nope :drop", `{}`, nil},
		{"every clause", "SET JobStatus = :s REMOVE Old ADD Count :one DELETE Tags :tags",
			`{"JobStatus": {"S": "PUBLISHED"}, "Count": {"N": "4"}, "Tags": {"SS": ["mp4"]}}`, []string{"Old"}},
		{"clauses in any order, any case", "remove Old set JobStatus = :s", `{"JobStatus": {"S": "PUBLISHED"}}`, []string{"Old"}},
		{"a map value", "SET Meta.extra = :m", `{"Meta": {"M": {"width": {"N": "1920"}, "codec": {"S": "h264"}, "extra": {"M": {"k": {"N": "7"}}}}}}`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := attrs(t, nil, values)
			u, err := expr.ParseUpdate(tt.expr, a)
			if err != nil {
				t.Fatal(err)
			}
			orig := tables.MustItem(before)
			got, err := u.Apply(orig)
			if err != nil {
				t.Fatal(err)
			}
			want := tables.MustItem(before)
			for k, v := range tables.MustItem(tt.want) {
				want[k] = v
			}
			for _, k := range tt.gone {
				delete(want, k)
			}
			if !got.Equal(want) {
				t.Errorf("after %q:\n got %s\nwant %s", tt.expr, got.Encode(), want.Encode())
			}
			if !orig.Equal(tables.MustItem(before)) {
				t.Errorf("Apply modified its input: %s", orig.Encode())
			}
		})
	}
}

func TestUpdateErrors(t *testing.T) {
	const before = `{"Count": {"N": "3"}, "Name": {"S": "x"}, "Tags": {"SS": ["a"]}, "List": {"L": []},
		"Huge": {"N": "9E+125"}}`
	values := `{":s": {"S": "x"}, ":n": {"N": "1"}, ":l": {"L": []}, ":ss": {"SS": ["a"]}, ":ns": {"NS": ["1"]}}`
	parseErrors := []struct{ expr, want string }{
		{"SET", `Syntax error; token: "<EOF>"`},
		{"SET a", `Syntax error; token: "<EOF>"`},
		{"SET a = :s SET b = :s", `The "SET" section can only be used once`},
		{"SET a = :s, a = :n", "Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a]"},
		{"SET a = :s REMOVE a.b", "Two document paths overlap"},
		{"SET a = :s + :n", "Incorrect operand type for operator or function; operator: +, operand type: STRING"},
		{"SET a = b + c + d", `Syntax error; token: "+"`},
		{"SET a = list_append(:s, b)", "operator or function: list_append, operand type: STRING"},
		{"SET a = if_not_exists(:s, b)", "Operator or function requires a document path; operator or function: if_not_exists"},
		{"SET a = size(b)", "The function is not allowed in an update expression; function: size"},
		{"SET a = attribute_exists(b)", "The function is not allowed in an update expression; function: attribute_exists"},
		{"ADD a :s", "Incorrect operand type for operator or function; operator: ADD, operand type: STRING"},
		{"DELETE a :n", "operator: DELETE, operand type: NUMBER"},
		{"ADD a b", `Syntax error; token: "b"`},
		{"UPDATE a = :s", `Syntax error; token: "UPDATE"`},
	}
	for _, tt := range parseErrors {
		t.Run(tt.expr, func(t *testing.T) {
			_, err := expr.ParseUpdate(tt.expr, attrs(t, nil, values))
			if !tables.IsCode(err, tables.ValidationException) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want a ValidationException containing %q", err, tt.want)
			}
		})
	}
	applyErrors := []struct{ expr, want string }{
		{"SET a = Missing", "The provided expression refers to an attribute that does not exist in the item"},
		{"SET a = Missing + :n", "The provided expression refers to an attribute that does not exist in the item"},
		{"SET a = Name + :n", "An operand in the update expression has an incorrect data type"},
		{"SET a = list_append(Name, :l)", "An operand in the update expression has an incorrect data type"},
		{"SET Missing.b = :s", "The document path provided in the update expression is invalid for update"},
		{"SET Name.b = :s", "The document path provided in the update expression is invalid for update"},
		{"SET Name[0] = :s", "The document path provided in the update expression is invalid for update"},
		{"SET List[3].x = :s", "The document path provided in the update expression is invalid for update"},
		{"ADD Name :n", "An operand in the update expression has an incorrect data type"},
		{"ADD Tags :ns", "An operand in the update expression has an incorrect data type"},
		{"DELETE Tags :ns", "An operand in the update expression has an incorrect data type"},
		{"SET Count = Huge + Huge", "Number overflow"},
	}
	for _, tt := range applyErrors {
		t.Run(tt.expr, func(t *testing.T) {
			u, err := expr.ParseUpdate(tt.expr, attrs(t, nil, values))
			if err != nil {
				t.Fatal(err)
			}
			_, err = u.Apply(tables.MustItem(before))
			if !tables.IsCode(err, tables.ValidationException) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want a ValidationException containing %q", err, tt.want)
			}
		})
	}
}

func TestProjection(t *testing.T) {
	item := tables.MustItem(job)
	tests := []struct{ expr, want string }{
		{"JobId", `{"JobId": {"S": "j-1"}}`},
		{"JobId, Missing, Count", `{"JobId": {"S": "j-1"}, "Count": {"N": "3"}}`},
		{"Meta.codec", `{"Meta": {"M": {"codec": {"S": "h264"}}}}`},
		{"Outputs[1].format, Outputs[0]", `{"Outputs": {"L": [{"S": "mp4"}, {"M": {"format": {"S": "hls"}}}]}}`},
		{"Outputs[1]", `{"Outputs": {"L": [{"M": {"format": {"S": "hls"}}}]}}`},
		{"#s", `{"JobStatus": {"S": "STARTED"}}`},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			var names map[string]string
			if strings.Contains(tt.expr, "#") {
				names = map[string]string{"#s": "JobStatus"}
			}
			p, err := expr.ParseProjection(tt.expr, attrs(t, names, ""))
			if err != nil {
				t.Fatal(err)
			}
			if got, want := p.Apply(item), tables.MustItem(tt.want); !got.Equal(want) {
				t.Errorf("got %s, want %s", got.Encode(), want.Encode())
			}
		})
	}
	if _, err := expr.ParseProjection("a, a.b", attrs(t, nil, "")); err == nil || !strings.Contains(err.Error(), "overlap") {
		t.Errorf("overlapping projection: err = %v", err)
	}
	if _, err := expr.ParseProjection("a,", attrs(t, nil, "")); err == nil {
		t.Error("a trailing comma parsed")
	}
}

func TestKeyCondition(t *testing.T) {
	values := `{":id": {"S": "j-1"}, ":lo": {"N": "1"}, ":hi": {"N": "5"}, ":pre": {"S": "2026-"}, ":n": {"N": "3"}}`
	ok := []struct {
		expr  string
		parts int
		match string // the sort key value that the sort key part must match
	}{
		{"JobId = :id", 1, ""},
		{"JobId = :id AND Step BETWEEN :lo AND :hi", 2, `{"N": "5"}`},
		{"(JobId = :id) AND (begins_with(Created, :pre))", 2, `{"S": "2026-01-02"}`},
		{"Step > :lo AND JobId = :id", 2, `{"N": "2"}`},
		{"JobId = :id and Step <= :n", 2, `{"N": "3"}`},
		{"(JobId = :id AND Step >= :lo)", 2, `{"N": "1"}`}, // as boto3 writes them
		{"((JobId = :id)) AND Step < :hi", 2, `{"N": "4"}`},
	}
	for _, tt := range ok {
		t.Run(tt.expr, func(t *testing.T) {
			kc, err := expr.ParseKeyCondition(tt.expr, attrs(t, nil, values))
			if err != nil {
				t.Fatal(err)
			}
			if len(kc.Parts) != tt.parts {
				t.Fatalf("parts = %+v", kc.Parts)
			}
			if tt.match == "" {
				return
			}
			var v tables.Value
			if err := v.UnmarshalJSON([]byte(tt.match)); err != nil {
				t.Fatal(err)
			}
			for _, p := range kc.Parts {
				if p.Name != "JobId" && !p.Match(v) {
					t.Errorf("%s %s does not match %s", p.Name, p.Op, v)
				}
			}
		})
	}
	bad := []struct{ expr, want string }{
		{"JobId = :id OR Step = :n", "Invalid operator used in KeyConditionExpression: OR"},
		{"JobId <> :id", "Invalid operator used in KeyConditionExpression: <>"},
		{"JobId IN (:id)", "Invalid operator used in KeyConditionExpression: IN"},
		{"NOT JobId = :id", "Invalid operator used in KeyConditionExpression: NOT"},
		{"contains(JobId, :id)", "Invalid operator used in KeyConditionExpression: contains"},
		{"JobId = :id AND JobId = :id", "KeyConditionExpressions must only contain one condition per key"},
		{"JobId = :id AND a = :n AND b = :n", "Conditions can be of length 1 or 2 only"},
		{"JobId = Other", "not with Other"},
		{"begins_with(JobId, :n)", "operator or function: begins_with, operand type: NUMBER"},
		{"(JobId = :id AND Step = :n", `Syntax error; token: "<EOF>"`},
		{"(JobId = :id OR Step = :n)", "Invalid operator used in KeyConditionExpression: OR"},
	}
	for _, tt := range bad {
		t.Run(tt.expr, func(t *testing.T) {
			_, err := expr.ParseKeyCondition(tt.expr, attrs(t, nil, values))
			if !tables.IsCode(err, tables.ValidationException) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want %q", err, tt.want)
			}
		})
	}
}
