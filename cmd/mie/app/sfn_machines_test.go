package app

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awssfn "github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
)

// CreateStateMachine, DescribeStateMachine, UpdateStateMachine,
// ListStateMachines, ValidateStateMachineDefinition and
// DeleteStateMachine, with AWS's idempotency and errors.
func TestStepFunctionsStateMachineLifecycle(t *testing.T) {
	_, c := sfnApp(t)
	ctx := context.Background()
	in := &awssfn.CreateStateMachineInput{Name: aws.String("Orders"), Definition: aws.String(passMachine),
		RoleArn: aws.String(sfnRole), Tags: []types.Tag{{Key: aws.String("team"), Value: aws.String("orders")}},
		TracingConfiguration: &types.TracingConfiguration{Enabled: true},
		LoggingConfiguration: &types.LoggingConfiguration{Level: types.LogLevelError, IncludeExecutionData: true,
			Destinations: []types.LogDestination{{CloudWatchLogsLogGroup: &types.CloudWatchLogsLogGroup{
				LogGroupArn: aws.String("arn:aws:logs:us-east-1:123456789012:log-group:orders:*")}}}}}
	first, err := c.CreateStateMachine(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	// Idempotent: the same request (other tags are ignored) answers the same.
	in.Tags = nil
	again, err := c.CreateStateMachine(ctx, in)
	if err != nil || aws.ToString(again.StateMachineArn) != aws.ToString(first.StateMachineArn) || !again.CreationDate.Equal(*first.CreationDate) {
		t.Fatalf("repeated CreateStateMachine = %+v, %v; want %+v", again, err, first)
	}
	other := *in
	other.Definition = aws.String(strings.Replace(passMachine, `"hi"`, `"hello"`, 1))
	_, err = c.CreateStateMachine(ctx, &other)
	var exists *types.StateMachineAlreadyExists
	if !errors.As(err, &exists) {
		t.Fatalf("CreateStateMachine of another definition = %v, want StateMachineAlreadyExists", err)
	}

	d, err := c.DescribeStateMachine(ctx, &awssfn.DescribeStateMachineInput{StateMachineArn: first.StateMachineArn})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(d.Definition) != passMachine || d.Status != types.StateMachineStatusActive || d.Type != types.StateMachineTypeStandard ||
		aws.ToString(d.RoleArn) != sfnRole || d.LoggingConfiguration.Level != types.LogLevelError ||
		!d.TracingConfiguration.Enabled || aws.ToString(d.RevisionId) == "" {
		t.Fatalf("DescribeStateMachine = %+v", d)
	}

	up, err := c.UpdateStateMachine(ctx, &awssfn.UpdateStateMachineInput{StateMachineArn: first.StateMachineArn,
		Definition: other.Definition, Publish: true, VersionDescription: aws.String("hello")})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(up.RevisionId) == aws.ToString(d.RevisionId) || !strings.HasSuffix(aws.ToString(up.StateMachineVersionArn), ":Orders:1") {
		t.Fatalf("UpdateStateMachine = %+v (revision before %s)", up, aws.ToString(d.RevisionId))
	}
	v, err := c.DescribeStateMachine(ctx, &awssfn.DescribeStateMachineInput{StateMachineArn: up.StateMachineVersionArn})
	if err != nil || aws.ToString(v.Definition) != aws.ToString(other.Definition) || aws.ToString(v.Description) != "hello" {
		t.Fatalf("DescribeStateMachine of the version = %+v, %v", v, err)
	}
	_, err = c.UpdateStateMachine(ctx, &awssfn.UpdateStateMachineInput{StateMachineArn: first.StateMachineArn})
	var missing *types.MissingRequiredParameter
	if !errors.As(err, &missing) {
		t.Fatalf("UpdateStateMachine of nothing = %v, want MissingRequiredParameter", err)
	}

	if _, err := c.DeleteStateMachine(ctx, &awssfn.DeleteStateMachineInput{StateMachineArn: first.StateMachineArn}); err != nil {
		t.Fatal(err)
	}
	_, err = c.DescribeStateMachine(ctx, &awssfn.DescribeStateMachineInput{StateMachineArn: first.StateMachineArn})
	var gone *types.StateMachineDoesNotExist
	if !errors.As(err, &gone) {
		t.Fatalf("DescribeStateMachine after delete = %v, want StateMachineDoesNotExist", err)
	}
	_, err = c.DescribeStateMachine(ctx, &awssfn.DescribeStateMachineInput{StateMachineArn: up.StateMachineVersionArn})
	if !errors.As(err, &gone) {
		t.Fatalf("DescribeStateMachine of a deleted machine's version = %v, want StateMachineDoesNotExist", err)
	}
	// Deleting again is no error, as on AWS.
	if _, err := c.DeleteStateMachine(ctx, &awssfn.DeleteStateMachineInput{StateMachineArn: first.StateMachineArn}); err != nil {
		t.Fatalf("a second DeleteStateMachine = %v", err)
	}
}

// ListStateMachines pages the state machines and the MIE workflows by name.
func TestStepFunctionsListStateMachines(t *testing.T) {
	_, c := sfnApp(t)
	ctx := context.Background()
	createMachine(t, c, "Orders", passMachine, types.StateMachineTypeStandard)
	for _, name := range []string{"B", "C"} {
		createMachine(t, c, name, passMachine, types.StateMachineTypeExpress)
	}
	var names []string
	p := awssfn.NewListStateMachinesPaginator(c, &awssfn.ListStateMachinesInput{MaxResults: 2})
	pages := 0
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, sm := range page.StateMachines {
			names = append(names, aws.ToString(sm.Name)+"/"+string(sm.Type))
		}
	}
	// One catalogue: the engine's own MIE workflow IngestWindow is there.
	if strings.Join(names, ",") != "B/EXPRESS,C/EXPRESS,IngestWindow/STANDARD,Orders/STANDARD" || pages != 2 {
		t.Fatalf("ListStateMachines = %v in %d pages", names, pages)
	}

}

// Requests AWS refuses are refused with AWS's error types.
func TestStepFunctionsCreateRefusals(t *testing.T) {
	_, c := sfnApp(t)
	ctx := context.Background()
	for _, tt := range []struct {
		name string
		in   awssfn.CreateStateMachineInput
		want any
	}{
		{"bad name", awssfn.CreateStateMachineInput{Name: aws.String("a b"), Definition: aws.String(passMachine), RoleArn: aws.String(sfnRole)}, new(*types.InvalidName)},
		{"long name", awssfn.CreateStateMachineInput{Name: aws.String(strings.Repeat("n", 81)), Definition: aws.String(passMachine), RoleArn: aws.String(sfnRole)}, new(*types.InvalidName)},
		{"bad definition", awssfn.CreateStateMachineInput{Name: aws.String("x"), Definition: aws.String(`{"StartAt":"Nope","States":{}}`), RoleArn: aws.String(sfnRole)}, new(*types.InvalidDefinition)},
		{"not JSON", awssfn.CreateStateMachineInput{Name: aws.String("x"), Definition: aws.String(`{`), RoleArn: aws.String(sfnRole)}, new(*types.InvalidDefinition)},
		{"bad role", awssfn.CreateStateMachineInput{Name: aws.String("x"), Definition: aws.String(passMachine), RoleArn: aws.String("role")}, new(*types.InvalidArn)},
		{"logging without destination", awssfn.CreateStateMachineInput{Name: aws.String("x"), Definition: aws.String(passMachine), RoleArn: aws.String(sfnRole),
			LoggingConfiguration: &types.LoggingConfiguration{Level: types.LogLevelAll}}, new(*types.InvalidLoggingConfiguration)},
		{"express callback", awssfn.CreateStateMachineInput{Name: aws.String("x"), RoleArn: aws.String(sfnRole), Type: types.StateMachineTypeExpress,
			Definition: aws.String(`{"StartAt":"A","States":{"A":{"Type":"Task","Resource":"arn:aws:states:us-east-1:123456789012:activity:Review","End":true}}}`)}, new(*types.InvalidDefinition)},
		{"description without publish", awssfn.CreateStateMachineInput{Name: aws.String("x"), Definition: aws.String(passMachine), RoleArn: aws.String(sfnRole),
			VersionDescription: aws.String("v")}, new(*types.ValidationException)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := c.CreateStateMachine(ctx, &tt.in)
			if err == nil || !errors.As(err, tt.want) {
				t.Fatalf("CreateStateMachine = %v, want %T", err, tt.want)
			}
		})
	}
}

// ValidateStateMachineDefinition answers AWS's diagnostics.
func TestStepFunctionsValidateDefinition(t *testing.T) {
	_, c := sfnApp(t)
	ctx := context.Background()
	ok, err := c.ValidateStateMachineDefinition(ctx, &awssfn.ValidateStateMachineDefinitionInput{Definition: aws.String(passMachine)})
	if err != nil || ok.Result != types.ValidateStateMachineDefinitionResultCodeOk || len(ok.Diagnostics) != 0 {
		t.Fatalf("a valid definition = %+v, %v", ok, err)
	}
	bad, err := c.ValidateStateMachineDefinition(ctx, &awssfn.ValidateStateMachineDefinitionInput{
		Definition: aws.String(`{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"Nowhere"}}}`)})
	if err != nil || bad.Result != types.ValidateStateMachineDefinitionResultCodeFail || len(bad.Diagnostics) == 0 {
		t.Fatalf("an invalid definition = %+v, %v", bad, err)
	}
	if d := bad.Diagnostics[0]; d.Severity != types.ValidateStateMachineDefinitionSeverityError ||
		aws.ToString(d.Code) != "MISSING_TRANSITION_TARGET" || aws.ToString(d.Location) != "/States/A/Next" {
		t.Fatalf("diagnostic = %+v", d)
	}
	noDollar := `{"StartAt":"A","States":{"A":{"Type":"Pass","Parameters":{"x":"$.y"},"End":true}}}`
	warn, err := c.ValidateStateMachineDefinition(ctx, &awssfn.ValidateStateMachineDefinitionInput{Definition: aws.String(noDollar),
		Severity: types.ValidateStateMachineDefinitionSeverityWarning})
	if err != nil || warn.Result != types.ValidateStateMachineDefinitionResultCodeOk || len(warn.Diagnostics) == 0 ||
		warn.Diagnostics[0].Severity != types.ValidateStateMachineDefinitionSeverityWarning || aws.ToString(warn.Diagnostics[0].Code) != "NO_DOLLAR" {
		t.Fatalf("warnings of a valid definition = %+v, %v", warn, err)
	}
}
