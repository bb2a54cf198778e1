package app

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awssfn "github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
)

const failMachine = `{"StartAt":"Check","States":{"Check":{"Type":"Choice","Choices":[{"Variable":"$.ok","BooleanEquals":true,"Next":"Fine"}],` +
	`"Default":"Broken"},"Fine":{"Type":"Succeed"},"Broken":{"Type":"Fail","Error":"Broken","Cause":"ok was not true"}}}`

// ListExecutions filters by status, pages newest first; a failed
// execution can be redriven, a succeeded one cannot.
func TestStepFunctionsListAndRedrive(t *testing.T) {
	_, c := sfnApp(t)
	ctx := context.Background()
	smArn := createMachine(t, c, "Checks", failMachine, types.StateMachineTypeStandard)
	var arns []string
	for i, input := range []string{`{"ok":true}`, `{"ok":false}`, `{"ok":true}`} {
		x, err := c.StartExecution(ctx, &awssfn.StartExecutionInput{StateMachineArn: aws.String(smArn),
			Name: aws.String("run-" + string(rune('a'+i))), Input: aws.String(input)})
		if err != nil {
			t.Fatal(err)
		}
		arns = append(arns, aws.ToString(x.ExecutionArn))
	}
	awaitStatus(t, c, arns[0], types.ExecutionStatusSucceeded)
	failed := awaitStatus(t, c, arns[1], types.ExecutionStatusFailed)
	awaitStatus(t, c, arns[2], types.ExecutionStatusSucceeded)
	if aws.ToString(failed.Error) != "Broken" || aws.ToString(failed.Cause) != "ok was not true" || failed.RedriveStatus != types.ExecutionRedriveStatusRedrivable {
		t.Fatalf("failed execution = %+v", failed)
	}

	var listed []string
	p := awssfn.NewListExecutionsPaginator(c, &awssfn.ListExecutionsInput{StateMachineArn: aws.String(smArn), MaxResults: 1})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range page.Executions {
			listed = append(listed, aws.ToString(x.ExecutionArn))
		}
	}
	if !slices.Equal(listed, []string{arns[2], arns[1], arns[0]}) {
		t.Fatalf("ListExecutions = %v, want newest first %v", listed, arns)
	}
	f, err := c.ListExecutions(ctx, &awssfn.ListExecutionsInput{StateMachineArn: aws.String(smArn), StatusFilter: types.ExecutionStatusFailed})
	if err != nil || len(f.Executions) != 1 || aws.ToString(f.Executions[0].ExecutionArn) != arns[1] || f.Executions[0].StopDate == nil {
		t.Fatalf("ListExecutions FAILED = %+v, %v", f, err)
	}
	want := []string{"ExecutionStarted", "ChoiceStateEntered", "ChoiceStateExited", "FailStateEntered", "ExecutionFailed"}
	if got := historyTypes(t, c, arns[1]); !slices.Equal(got, want) {
		t.Fatalf("history = %v\nwant %v", got, want)
	}

	_, err = c.RedriveExecution(ctx, &awssfn.RedriveExecutionInput{ExecutionArn: aws.String(arns[0])})
	var notRedrivable *types.ExecutionNotRedrivable
	if !errors.As(err, &notRedrivable) {
		t.Fatalf("RedriveExecution of a SUCCEEDED execution = %v, want ExecutionNotRedrivable", err)
	}
	r, err := c.RedriveExecution(ctx, &awssfn.RedriveExecutionInput{ExecutionArn: aws.String(arns[1])})
	if err != nil || r.RedriveDate == nil {
		t.Fatalf("RedriveExecution = %+v, %v", r, err)
	}
	// The redrive runs the failed state again (which fails again), and
	// the execution counts it.
	redriven := []string{"ExecutionStarted", "ChoiceStateEntered", "ChoiceStateExited", "FailStateEntered", "ExecutionFailed",
		"ExecutionRedriven", "FailStateEntered", "ExecutionFailed"}
	eventually(t, 30*time.Second, "the redrive", func() bool { return slices.Equal(historyTypes(t, c, arns[1]), redriven) })
	d := awaitStatus(t, c, arns[1], types.ExecutionStatusFailed)
	if d.RedriveCount == nil || *d.RedriveCount != 1 || d.RedriveDate == nil {
		t.Fatalf("DescribeExecution after a redrive: redriveCount %v, redriveDate %v; want 1 and a date", d.RedriveCount, d.RedriveDate)
	}
	list, err := c.ListExecutions(ctx, &awssfn.ListExecutionsInput{StateMachineArn: aws.String(smArn), RedriveFilter: types.ExecutionRedriveFilterRedriven})
	if err != nil || len(list.Executions) != 1 || aws.ToString(list.Executions[0].ExecutionArn) != arns[1] {
		t.Fatalf("ListExecutions(REDRIVEN) = %+v, %v; want the redriven execution", list, err)
	}
}

// The history of Parallel and Map states: AWS's event types, reverse
// order, without execution data, and in pages.
func TestStepFunctionsHistoryShapes(t *testing.T) {
	_, c := sfnApp(t)
	ctx := context.Background()
	def := `{"StartAt":"Both","States":{` +
		`"Both":{"Type":"Parallel","Branches":[` +
		`{"StartAt":"L","States":{"L":{"Type":"Pass","Result":1,"End":true}}},` +
		`{"StartAt":"R","States":{"R":{"Type":"Wait","Seconds":0,"End":true}}}],"ResultPath":"$.both","Next":"Each"},` +
		`"Each":{"Type":"Map","ItemsPath":"$.items","ItemProcessor":{"StartAt":"Double","States":{"Double":{"Type":"Pass","End":true}}},"End":true}}}`
	smArn := createMachine(t, c, "Shapes", def, types.StateMachineTypeStandard)
	x, err := c.StartExecution(ctx, &awssfn.StartExecutionInput{StateMachineArn: aws.String(smArn), Input: aws.String(`{"items":[1,2]}`)})
	if err != nil {
		t.Fatal(err)
	}
	awaitStatus(t, c, aws.ToString(x.ExecutionArn), types.ExecutionStatusSucceeded)
	got := historyTypes(t, c, aws.ToString(x.ExecutionArn))
	want := []string{"ExecutionStarted", "ParallelStateEntered", "ParallelStateStarted", "PassStateEntered", "WaitStateEntered",
		"PassStateExited", "WaitStateExited", "ParallelStateSucceeded", "ParallelStateExited", "MapStateEntered", "MapStateStarted",
		"MapIterationStarted", "PassStateEntered", "PassStateExited", "MapIterationSucceeded",
		"MapIterationStarted", "PassStateEntered", "PassStateExited", "MapIterationSucceeded",
		"MapStateSucceeded", "MapStateExited", "ExecutionSucceeded"}
	if !sameMultiset(got, want) || got[0] != want[0] || got[len(got)-1] != want[len(want)-1] {
		t.Fatalf("history = %v\nwant (in some interleaving) %v", got, want)
	}

	rev, err := c.GetExecutionHistory(ctx, &awssfn.GetExecutionHistoryInput{ExecutionArn: x.ExecutionArn, ReverseOrder: true,
		MaxResults: 2, IncludeExecutionData: aws.Bool(false)})
	if err != nil || len(rev.Events) != 2 || rev.Events[0].Type != types.HistoryEventTypeExecutionSucceeded || rev.NextToken == nil {
		t.Fatalf("reverse page = %+v, %v", rev, err)
	}
	if d := rev.Events[0].ExecutionSucceededEventDetails; d == nil || d.Output != nil {
		t.Fatalf("without execution data, ExecutionSucceeded's details = %+v", d)
	}
	if rev.Events[0].Id != int64(len(want)) || rev.Events[1].Id != int64(len(want)-1) || rev.Events[0].PreviousEventId != int64(len(want)-1) {
		t.Fatalf("ids = %d, %d (previous %d)", rev.Events[0].Id, rev.Events[1].Id, rev.Events[0].PreviousEventId)
	}
	next, err := c.GetExecutionHistory(ctx, &awssfn.GetExecutionHistoryInput{ExecutionArn: x.ExecutionArn, ReverseOrder: true,
		MaxResults: 2, NextToken: rev.NextToken})
	if err != nil || len(next.Events) != 2 || next.Events[0].Id != int64(len(want)-2) {
		t.Fatalf("second reverse page = %+v, %v", next, err)
	}
	full, err := c.GetExecutionHistory(ctx, &awssfn.GetExecutionHistoryInput{ExecutionArn: x.ExecutionArn})
	if err != nil {
		t.Fatal(err)
	}
	start := full.Events[0].ExecutionStartedEventDetails
	if start == nil || aws.ToString(start.Input) != `{"items":[1,2]}` || aws.ToString(start.RoleArn) != sfnRole {
		t.Fatalf("ExecutionStarted details = %+v", start)
	}
	for _, e := range full.Events {
		if e.Type == types.HistoryEventTypeMapIterationStarted && (e.MapIterationStartedEventDetails == nil ||
			aws.ToString(e.MapIterationStartedEventDetails.Name) != "Each") {
			t.Fatalf("MapIterationStarted details = %+v", e.MapIterationStartedEventDetails)
		}
		if e.Type == types.HistoryEventTypeMapStateStarted && e.MapStateStartedEventDetails.Length != 2 {
			t.Fatalf("MapStateStarted length = %d", e.MapStateStartedEventDetails.Length)
		}
	}
	_, err = c.GetExecutionHistory(ctx, &awssfn.GetExecutionHistoryInput{ExecutionArn: x.ExecutionArn, NextToken: rev.NextToken})
	var badToken *types.InvalidToken
	if !errors.As(err, &badToken) {
		t.Fatalf("a reverse token on a forward query = %v, want InvalidToken", err)
	}
}

func sameMultiset(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

// StartSyncExecution answers an EXPRESS execution when it has ended.
func TestStepFunctionsStartSyncExecution(t *testing.T) {
	_, c := sfnApp(t)
	ctx := context.Background()
	three := `{"StartAt":"A","States":{"A":{"Type":"Pass","Result":1,"ResultPath":"$.a","Next":"B"},` +
		`"B":{"Type":"Pass","Result":2,"ResultPath":"$.b","Next":"C"},"C":{"Type":"Succeed"}}}`
	ex := createMachine(t, c, "Quick", three, types.StateMachineTypeExpress)
	out, err := c.StartSyncExecution(ctx, &awssfn.StartSyncExecutionInput{StateMachineArn: aws.String(ex), Input: aws.String(`{"x":0}`)})
	if err != nil {
		t.Fatal(err)
	}
	if out.Status != types.SyncExecutionStatusSucceeded || out.StopDate == nil || out.BillingDetails == nil ||
		!strings.HasPrefix(aws.ToString(out.ExecutionArn), "arn:aws:states:us-east-1:123456789012:express:Quick:") {
		t.Fatalf("StartSyncExecution = %+v", out)
	}
	sameJSON(t, "output", aws.ToString(out.Output), `{"x":0,"a":1,"b":2}`)
	bad := createMachine(t, c, "QuickFail", failMachine, types.StateMachineTypeExpress)
	out, err = c.StartSyncExecution(ctx, &awssfn.StartSyncExecutionInput{StateMachineArn: aws.String(bad), Input: aws.String(`{"ok":false}`)})
	if err != nil || out.Status != types.SyncExecutionStatusFailed || aws.ToString(out.Error) != "Broken" || out.Output != nil {
		t.Fatalf("StartSyncExecution of a failing machine = %+v, %v", out, err)
	}
	std := createMachine(t, c, "Slowly", three, types.StateMachineTypeStandard)
	_, err = c.StartSyncExecution(ctx, &awssfn.StartSyncExecutionInput{StateMachineArn: aws.String(std)})
	var notSupported *types.StateMachineTypeNotSupported
	if !errors.As(err, &notSupported) {
		t.Fatalf("StartSyncExecution of a STANDARD machine = %v, want StateMachineTypeNotSupported", err)
	}
	// An EXPRESS StartExecution is not idempotent: each start is another execution.
	a, err := c.StartExecution(ctx, &awssfn.StartExecutionInput{StateMachineArn: aws.String(ex), Name: aws.String("same")})
	if err != nil {
		t.Fatal(err)
	}
	b, err := c.StartExecution(ctx, &awssfn.StartExecutionInput{StateMachineArn: aws.String(ex), Name: aws.String("same")})
	if err != nil || aws.ToString(a.ExecutionArn) == aws.ToString(b.ExecutionArn) {
		t.Fatalf("two EXPRESS starts of one name = %s, %s (%v)", aws.ToString(a.ExecutionArn), aws.ToString(b.ExecutionArn), err)
	}
}

// A Distributed Map's map run, through DescribeMapRun, ListMapRuns,
// ListExecutions of its children and the parent's history.
func TestStepFunctionsDistributedMapRun(t *testing.T) {
	_, c := sfnApp(t)
	ctx := context.Background()
	def := `{"StartAt":"Each","States":{"Each":{"Type":"Map","MaxConcurrency":2,"ToleratedFailureCount":1,"ItemsPath":"$.xs","Label":"Each",` +
		`"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},"StartAt":"Double",` +
		`"States":{"Double":{"Type":"Pass","End":true}}},"End":true}}}`
	smArn := createMachine(t, c, "Fanout", def, types.StateMachineTypeStandard)
	x, err := c.StartExecution(ctx, &awssfn.StartExecutionInput{StateMachineArn: aws.String(smArn), Input: aws.String(`{"xs":[1,2,3]}`)})
	if err != nil {
		t.Fatal(err)
	}
	awaitStatus(t, c, aws.ToString(x.ExecutionArn), types.ExecutionStatusSucceeded)
	runs, err := c.ListMapRuns(ctx, &awssfn.ListMapRunsInput{ExecutionArn: x.ExecutionArn})
	if err != nil || len(runs.MapRuns) != 1 || runs.MapRuns[0].StopDate == nil ||
		!strings.HasPrefix(aws.ToString(runs.MapRuns[0].MapRunArn), "arn:aws:states:us-east-1:123456789012:mapRun:Fanout/Each:") {
		t.Fatalf("ListMapRuns = %+v, %v", runs, err)
	}
	mapRun := runs.MapRuns[0].MapRunArn
	d, err := c.DescribeMapRun(ctx, &awssfn.DescribeMapRunInput{MapRunArn: mapRun})
	if err != nil {
		t.Fatal(err)
	}
	if d.Status != types.MapRunStatusSucceeded || aws.ToString(d.ExecutionArn) != aws.ToString(x.ExecutionArn) ||
		d.ExecutionCounts.Total != 3 || d.ExecutionCounts.Succeeded != 3 || d.MaxConcurrency != 2 || d.ToleratedFailureCount != 1 {
		t.Fatalf("DescribeMapRun = %+v (counts %+v)", d, d.ExecutionCounts)
	}
	kids, err := c.ListExecutions(ctx, &awssfn.ListExecutionsInput{MapRunArn: mapRun})
	if err != nil || len(kids.Executions) != 3 {
		t.Fatalf("ListExecutions of the map run = %+v, %v", kids, err)
	}
	for _, k := range kids.Executions {
		if k.Status != types.ExecutionStatusSucceeded || aws.ToString(k.MapRunArn) != aws.ToString(mapRun) ||
			!strings.HasSuffix(aws.ToString(k.StateMachineArn), ":stateMachine:Fanout/Each") {
			t.Fatalf("child = %+v", k)
		}
		if _, err := c.DescribeExecution(ctx, &awssfn.DescribeExecutionInput{ExecutionArn: k.ExecutionArn}); err != nil {
			t.Fatalf("DescribeExecution of a child: %v", err)
		}
	}
	h := historyTypes(t, c, aws.ToString(x.ExecutionArn))
	want := []string{"ExecutionStarted", "MapStateEntered", "MapRunStarted", "MapRunSucceeded", "MapStateSucceeded", "MapStateExited", "ExecutionSucceeded"}
	if !slices.Equal(h, want) {
		t.Fatalf("history = %v\nwant %v", h, want)
	}
	_, err = c.UpdateMapRun(ctx, &awssfn.UpdateMapRunInput{MapRunArn: mapRun, MaxConcurrency: aws.Int32(4)})
	var invalid *types.ValidationException
	if !errors.As(err, &invalid) || invalid.Reason != types.ValidationExceptionReasonCannotUpdateCompletedMapRun {
		t.Fatalf("UpdateMapRun of an ended map run = %v, want CANNOT_UPDATE_COMPLETED_MAP_RUN", err)
	}
}
