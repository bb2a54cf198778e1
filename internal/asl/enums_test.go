package asl

import (
	"encoding/json"
	"testing"
)

func TestEnumsJSON(t *testing.T) {
	for st := TypePass; st <= TypeMap; st++ {
		b, err := json.Marshal(st)
		if err != nil {
			t.Fatal(err)
		}
		var back StateType
		if err := json.Unmarshal(b, &back); err != nil || back != st {
			t.Errorf("%s: %s -> %v, %v", st, b, back, err)
		}
	}
	if _, err := json.Marshal(TypeInvalid); err == nil {
		t.Error("TypeInvalid marshals")
	}
	var st StateType
	if err := json.Unmarshal([]byte(`"task"`), &st); err == nil {
		t.Error(`"task" unmarshals: state types are case-sensitive`)
	}
	for _, q := range []QueryLanguage{JSONPath, JSONata} {
		b, _ := json.Marshal(q)
		var back QueryLanguage
		if err := json.Unmarshal(b, &back); err != nil || back != q {
			t.Errorf("%s: %s -> %v, %v", q, b, back, err)
		}
	}
	p := Problem{Location: "/States/A/Next", Code: CodeMissingTransitionTarget, Severity: SeverityWarning, Message: "m"}
	b, _ := json.Marshal(p)
	if string(b) != `{"location":"/States/A/Next","code":"MISSING_TRANSITION_TARGET","severity":"WARNING","message":"m"}` {
		t.Errorf("Problem JSON = %s", b)
	}
	for _, s := range []interface{ String() string }{JitterFull, ModeDistributed, ExecutionExpress, InputJSONL, HeaderGiven, OpStringMatches} {
		if s.String() == "" {
			t.Errorf("%#v has no name", s)
		}
	}
}
