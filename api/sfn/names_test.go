package sfn

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestCheckName(t *testing.T) {
	for _, tt := range []struct {
		name string
		ok   bool
	}{
		{"Hello", true}, {"hello-world_1.0", true}, {"Ünïcode", true}, {strings.Repeat("n", 80), true},
		{"", false}, {strings.Repeat("n", 81), false}, {"a b", false}, {"a:b", false}, {"a/b", false},
		{"a*b", false}, {"a{b", false}, {"a\x01b", false}, {"a\u0085b", false}, {"a$b", false},
	} {
		err := checkName("name", tt.name)
		var f *Fault
		if (err == nil) != tt.ok || err != nil && (!errors.As(err, &f) || f.Code != InvalidName) {
			t.Errorf("checkName(%q) = %v, want ok %v", tt.name, err, tt.ok)
		}
	}
	for _, tt := range []struct {
		name string
		ok   bool
	}{{"PROD", true}, {"v1.2", true}, {"12", false}, {"a b", false}, {"", false}} {
		if err := checkAliasName(tt.name); (err == nil) != tt.ok {
			t.Errorf("checkAliasName(%q) = %v, want ok %v", tt.name, err, tt.ok)
		}
	}
}

func TestParseMachineArn(t *testing.T) {
	s := &Service{cfg: Config{Region: "us-east-1", Account: "123456789012"}}
	for _, tt := range []struct {
		arn  string
		want machineRef
		ours bool
		code *Code
	}{
		{arn: "arn:aws:states:us-east-1:123456789012:stateMachine:M", want: machineRef{Name: "M"}, ours: true},
		{arn: "arn:aws:states:us-east-1:123456789012:stateMachine:M:3", want: machineRef{Name: "M", Version: 3}, ours: true},
		{arn: "arn:aws:states:us-east-1:123456789012:stateMachine:M:PROD", want: machineRef{Name: "M", Alias: "PROD"}, ours: true},
		{arn: "arn:aws:states:eu-west-1:123456789012:stateMachine:M", want: machineRef{Name: "M"}},
		{arn: "arn:aws:states:us-east-1:123456789012:stateMachine:M:0", code: InvalidArn},
		{arn: "arn:aws:states:us-east-1:123456789012:stateMachine:M/label", code: ValidationException},
		{arn: "arn:aws:states:us-east-1:123456789012:activity:M", code: InvalidArn},
		{arn: "arn:aws:lambda:us-east-1:123456789012:function:M", code: InvalidArn},
		{arn: "stateMachine:M", code: InvalidArn},
		{arn: "arn:aws:states:us-east-1:123456789012:stateMachine:", code: InvalidArn},
	} {
		ref, ours, err := s.parseMachineArn("stateMachineArn", tt.arn)
		var f *Fault
		switch {
		case tt.code != nil:
			if !errors.As(err, &f) || f.Code != tt.code {
				t.Errorf("parseMachineArn(%s) = %v, want %s", tt.arn, err, tt.code.Name)
			}
		case err != nil || ref != tt.want || ours != tt.ours:
			t.Errorf("parseMachineArn(%s) = %+v, %v, %v; want %+v, %v", tt.arn, ref, ours, err, tt.want, tt.ours)
		}
	}
}

func TestPageTokens(t *testing.T) {
	items := []string{"a", "b", "c", "d", "e"}
	var got []string
	token := ""
	for i := 0; ; i++ {
		list, next, err := page(items, items, "q", token, 2)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, list...)
		if next == "" {
			break
		}
		if i > 5 {
			t.Fatal("paging does not end")
		}
		token = next
	}
	if strings.Join(got, "") != "abcde" {
		t.Fatalf("pages = %v", got)
	}
	_, next, _ := page(items, items, "q", "", 2)
	// An item added before the next page does not shift it.
	grown := []string{"a", "aa", "b", "c", "d", "e"}
	list, _, err := page(grown, grown, "q", next, 2)
	if err != nil || strings.Join(list, ",") != "c,d" {
		t.Fatalf("after an insert = %v, %v", list, err)
	}
	var f *Fault
	if _, _, err := page(items, items, "other", next, 2); !errors.As(err, &f) || f.Code != InvalidToken {
		t.Fatalf("a token of another query = %v, want InvalidToken", err)
	}
	if _, _, err := page(items, items, "q", "!!", 2); !errors.As(err, &f) || f.Code != InvalidToken {
		t.Fatalf("a made-up token = %v, want InvalidToken", err)
	}
	if _, err := pageSize(1001, maxPage); !errors.As(err, &f) || f.Code != ValidationException {
		t.Fatalf("maxResults 1001 = %v, want ValidationException", err)
	}
	if n, err := pageSize(0, maxPage); err != nil || n != 100 {
		t.Fatalf("maxResults 0 = %d, %v; want the default 100", n, err)
	}
	if newestFirst(time.Unix(2, 0), "a") >= newestFirst(time.Unix(1, 0), "a") {
		t.Fatal("newestFirst does not sort later times first")
	}
}

func TestEpoch(t *testing.T) {
	at := time.Date(2026, 12, 2, 15, 4, 5, 678_900_000, time.UTC)
	b, err := Epoch(at).MarshalJSON()
	if err != nil || string(b) != "1796223845.678" {
		t.Fatalf("Epoch = %s, %v", b, err)
	}
	var back Epoch
	if err := back.UnmarshalJSON(b); err != nil || !time.Time(back).Equal(at.Truncate(time.Millisecond)) {
		t.Fatalf("UnmarshalJSON = %v, %v", time.Time(back), err)
	}
}

func TestPickVersion(t *testing.T) {
	a := aliasOf(routeOf(1, 90), routeOf(2, 10))
	counts := map[int]int{}
	for n := range 100 {
		counts[pickVersion(a, func() int { return n })]++
	}
	if counts[1] != 90 || counts[2] != 10 {
		t.Fatalf("routing over 0..99 = %v, want 90 and 10", counts)
	}
	if v := pickVersion(aliasOf(routeOf(3, 0), routeOf(4, 100)), func() int { return 0 }); v != 4 {
		t.Fatalf("a weight of 0 got the execution (version %d)", v)
	}
}

// Every action of the Step Functions API (its 2016-11-23 model) is served.
func TestEveryActionServed(t *testing.T) {
	model := strings.Fields(`CreateActivity CreateStateMachine CreateStateMachineAlias DeleteActivity DeleteStateMachine
		DeleteStateMachineAlias DeleteStateMachineVersion DescribeActivity DescribeExecution DescribeMapRun DescribeStateMachine
		DescribeStateMachineAlias DescribeStateMachineForExecution GetActivityTask GetExecutionHistory ListActivities
		ListExecutions ListMapRuns ListStateMachineAliases ListStateMachineVersions ListStateMachines ListTagsForResource
		PublishStateMachineVersion RedriveExecution SendTaskFailure SendTaskHeartbeat SendTaskSuccess StartExecution
		StartSyncExecution StopExecution TagResource TestState UntagResource UpdateMapRun UpdateStateMachine
		UpdateStateMachineAlias ValidateStateMachineDefinition`)
	served := Actions()
	slices.Sort(served)
	if !slices.Equal(served, model) {
		t.Fatalf("served %v\nwant %v", served, model)
	}
}
