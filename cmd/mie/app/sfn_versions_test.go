package app

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awssfn "github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
)

// passResult is a one-state machine whose output is result.
func passResult(result string) string {
	return `{"StartAt":"P","States":{"P":{"Type":"Pass","Result":"` + result + `","End":true}}}`
}

// Versions: publishing is idempotent per revision and checks the
// revision; they are listed newest first.
func TestStepFunctionsVersions(t *testing.T) {
	_, c := sfnApp(t)
	publishTwo(t, c)
}

// publishTwo creates a machine with two published versions, answering
// "one" and "two".
func publishTwo(t *testing.T, c *awssfn.Client) (smArn string, v1, v2 *awssfn.PublishStateMachineVersionOutput) {
	t.Helper()
	ctx := context.Background()
	smArn = createMachine(t, c, "Canary", passResult("one"), types.StateMachineTypeStandard)
	v1, err := c.PublishStateMachineVersion(ctx, &awssfn.PublishStateMachineVersionInput{StateMachineArn: aws.String(smArn),
		Description: aws.String("first")})
	if err != nil {
		t.Fatal(err)
	}
	// Publishing the same revision again answers the same version.
	same, err := c.PublishStateMachineVersion(ctx, &awssfn.PublishStateMachineVersionInput{StateMachineArn: aws.String(smArn)})
	if err != nil || aws.ToString(same.StateMachineVersionArn) != aws.ToString(v1.StateMachineVersionArn) {
		t.Fatalf("publish again = %+v, %v; want %s", same, err, aws.ToString(v1.StateMachineVersionArn))
	}
	up, err := c.UpdateStateMachine(ctx, &awssfn.UpdateStateMachineInput{StateMachineArn: aws.String(smArn), Definition: aws.String(passResult("two"))})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.PublishStateMachineVersion(ctx, &awssfn.PublishStateMachineVersionInput{StateMachineArn: aws.String(smArn),
		RevisionId: aws.String("not-the-revision")})
	var conflict *types.ConflictException
	if !errors.As(err, &conflict) {
		t.Fatalf("publish of another revision = %v, want ConflictException", err)
	}
	v2, err = c.PublishStateMachineVersion(ctx, &awssfn.PublishStateMachineVersionInput{StateMachineArn: aws.String(smArn), RevisionId: up.RevisionId})
	if err != nil || !strings.HasSuffix(aws.ToString(v2.StateMachineVersionArn), ":Canary:2") {
		t.Fatalf("publish = %+v, %v", v2, err)
	}
	versions, err := c.ListStateMachineVersions(ctx, &awssfn.ListStateMachineVersionsInput{StateMachineArn: aws.String(smArn)})
	if err != nil || len(versions.StateMachineVersions) != 2 ||
		aws.ToString(versions.StateMachineVersions[0].StateMachineVersionArn) != aws.ToString(v2.StateMachineVersionArn) {
		t.Fatalf("ListStateMachineVersions = %+v, %v (newest first)", versions, err)
	}
	return smArn, v1, v2
}

// Aliases with weighted routing, and the executions started through them.
func TestStepFunctionsAliases(t *testing.T) {
	_, c := sfnApp(t)
	ctx := context.Background()
	smArn, v1, v2 := publishTwo(t, c)
	var conflict *types.ConflictException

	alias, err := c.CreateStateMachineAlias(ctx, &awssfn.CreateStateMachineAliasInput{Name: aws.String("PROD"),
		RoutingConfiguration: []types.RoutingConfigurationListItem{
			{StateMachineVersionArn: v1.StateMachineVersionArn, Weight: 50}, {StateMachineVersionArn: v2.StateMachineVersionArn, Weight: 50}}})
	if err != nil {
		t.Fatal(err)
	}
	if got := aws.ToString(alias.StateMachineAliasArn); got != smArn+":PROD" {
		t.Fatalf("alias ARN = %s", got)
	}
	_, err = c.CreateStateMachineAlias(ctx, &awssfn.CreateStateMachineAliasInput{Name: aws.String("PROD"),
		RoutingConfiguration: []types.RoutingConfigurationListItem{{StateMachineVersionArn: v1.StateMachineVersionArn, Weight: 100}}})
	if !errors.As(err, &conflict) {
		t.Fatalf("CreateStateMachineAlias of another routing = %v, want ConflictException", err)
	}
	_, err = c.CreateStateMachineAlias(ctx, &awssfn.CreateStateMachineAliasInput{Name: aws.String("BAD"),
		RoutingConfiguration: []types.RoutingConfigurationListItem{{StateMachineVersionArn: v1.StateMachineVersionArn, Weight: 60}}})
	var invalid *types.ValidationException
	if !errors.As(err, &invalid) || invalid.Reason != types.ValidationExceptionReasonInvalidRoutingConfiguration {
		t.Fatalf("weights summing to 60 = %v, want ValidationException INVALID_ROUTING_CONFIGURATION", err)
	}

	// Executions through the alias run one version or the other, by weight.
	results := map[string]int{}
	for range 20 {
		x, err := c.StartExecution(ctx, &awssfn.StartExecutionInput{StateMachineArn: alias.StateMachineAliasArn})
		if err != nil {
			t.Fatal(err)
		}
		d := awaitStatus(t, c, aws.ToString(x.ExecutionArn), types.ExecutionStatusSucceeded)
		if aws.ToString(d.StateMachineAliasArn) != aws.ToString(alias.StateMachineAliasArn) {
			t.Fatalf("stateMachineAliasArn = %q", aws.ToString(d.StateMachineAliasArn))
		}
		want := map[string]string{aws.ToString(v1.StateMachineVersionArn): `"one"`, aws.ToString(v2.StateMachineVersionArn): `"two"`}
		if want[aws.ToString(d.StateMachineVersionArn)] != aws.ToString(d.Output) {
			t.Fatalf("version %s answered %s", aws.ToString(d.StateMachineVersionArn), aws.ToString(d.Output))
		}
		results[aws.ToString(d.Output)]++
	}
	if results[`"one"`] == 0 || results[`"two"`] == 0 {
		t.Fatalf("20 executions at 50/50 went %v", results)
	}
	byAlias, err := c.ListExecutions(ctx, &awssfn.ListExecutionsInput{StateMachineArn: alias.StateMachineAliasArn})
	if err != nil || len(byAlias.Executions) != 20 {
		t.Fatalf("ListExecutions of the alias = %d, %v", len(byAlias.Executions), err)
	}
	byVersion, err := c.ListExecutions(ctx, &awssfn.ListExecutionsInput{StateMachineArn: v1.StateMachineVersionArn})
	if err != nil || len(byVersion.Executions) != results[`"one"`] {
		t.Fatalf("ListExecutions of version 1 = %d, want %d (%v)", len(byVersion.Executions), results[`"one"`], err)
	}

	// A version in use by an alias cannot go; once the alias routes
	// elsewhere it can.
	_, err = c.DeleteStateMachineVersion(ctx, &awssfn.DeleteStateMachineVersionInput{StateMachineVersionArn: v1.StateMachineVersionArn})
	if !errors.As(err, &conflict) {
		t.Fatalf("DeleteStateMachineVersion in use = %v, want ConflictException", err)
	}
	if _, err := c.UpdateStateMachineAlias(ctx, &awssfn.UpdateStateMachineAliasInput{StateMachineAliasArn: alias.StateMachineAliasArn,
		Description:          aws.String("all on two"),
		RoutingConfiguration: []types.RoutingConfigurationListItem{{StateMachineVersionArn: v2.StateMachineVersionArn, Weight: 100}}}); err != nil {
		t.Fatal(err)
	}
	d, err := c.DescribeStateMachineAlias(ctx, &awssfn.DescribeStateMachineAliasInput{StateMachineAliasArn: alias.StateMachineAliasArn})
	if err != nil || aws.ToString(d.Description) != "all on two" || len(d.RoutingConfiguration) != 1 || d.RoutingConfiguration[0].Weight != 100 {
		t.Fatalf("DescribeStateMachineAlias = %+v, %v", d, err)
	}
	if _, err := c.DeleteStateMachineVersion(ctx, &awssfn.DeleteStateMachineVersionInput{StateMachineVersionArn: v1.StateMachineVersionArn}); err != nil {
		t.Fatal(err)
	}
	aliases, err := c.ListStateMachineAliases(ctx, &awssfn.ListStateMachineAliasesInput{StateMachineArn: aws.String(smArn)})
	if err != nil || len(aliases.StateMachineAliases) != 1 {
		t.Fatalf("ListStateMachineAliases = %+v, %v", aliases, err)
	}
	if _, err := c.DeleteStateMachineAlias(ctx, &awssfn.DeleteStateMachineAliasInput{StateMachineAliasArn: alias.StateMachineAliasArn}); err != nil {
		t.Fatal(err)
	}
	_, err = c.DescribeStateMachineAlias(ctx, &awssfn.DescribeStateMachineAliasInput{StateMachineAliasArn: alias.StateMachineAliasArn})
	var notFound *types.ResourceNotFound
	if !errors.As(err, &notFound) {
		t.Fatalf("DescribeStateMachineAlias after delete = %v, want ResourceNotFound", err)
	}
}

// An execution keeps the definition it started with: an update does not
// change it, and a delete waits in DELETING until it has ended.
func TestStepFunctionsRunsArePinned(t *testing.T) {
	_, c := sfnApp(t)
	ctx := context.Background()
	act, err := c.CreateActivity(ctx, &awssfn.CreateActivityInput{Name: aws.String("Gate")})
	if err != nil {
		t.Fatal(err)
	}
	def := `{"StartAt":"Gate","States":{"Gate":{"Type":"Task","Resource":"` + aws.ToString(act.ActivityArn) + `","Next":"Tag"},` +
		`"Tag":{"Type":"Pass","Result":"old","End":true}}}`
	smArn := createMachine(t, c, "Pinned", def, types.StateMachineTypeStandard)
	x, err := c.StartExecution(ctx, &awssfn.StartExecutionInput{StateMachineArn: aws.String(smArn), Name: aws.String("pinned")})
	if err != nil {
		t.Fatal(err)
	}
	// The same name and input while it runs: the same execution.
	again, err := c.StartExecution(ctx, &awssfn.StartExecutionInput{StateMachineArn: aws.String(smArn), Name: aws.String("pinned")})
	if err != nil || aws.ToString(again.ExecutionArn) != aws.ToString(x.ExecutionArn) || !again.StartDate.Equal(*x.StartDate) {
		t.Fatalf("StartExecution again = %+v, %v; want %+v", again, err, x)
	}
	_, err = c.StartExecution(ctx, &awssfn.StartExecutionInput{StateMachineArn: aws.String(smArn), Name: aws.String("pinned"),
		Input: aws.String(`{"other":true}`)})
	var exists *types.ExecutionAlreadyExists
	if !errors.As(err, &exists) {
		t.Fatalf("StartExecution of the name with another input = %v, want ExecutionAlreadyExists", err)
	}
	task := pollTask(t, c, aws.ToString(act.ActivityArn))
	if _, err := c.UpdateStateMachine(ctx, &awssfn.UpdateStateMachineInput{StateMachineArn: aws.String(smArn),
		Definition: aws.String(strings.Replace(def, `"old"`, `"new"`, 1))}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DeleteStateMachine(ctx, &awssfn.DeleteStateMachineInput{StateMachineArn: aws.String(smArn)}); err != nil {
		t.Fatal(err)
	}
	d, err := c.DescribeStateMachine(ctx, &awssfn.DescribeStateMachineInput{StateMachineArn: aws.String(smArn)})
	if err != nil || d.Status != types.StateMachineStatusDeleting {
		t.Fatalf("DescribeStateMachine while its execution runs = %+v, %v; want DELETING", d, err)
	}
	_, err = c.StartExecution(ctx, &awssfn.StartExecutionInput{StateMachineArn: aws.String(smArn)})
	var deleting *types.StateMachineDeleting
	if !errors.As(err, &deleting) {
		t.Fatalf("StartExecution of a DELETING machine = %v, want StateMachineDeleting", err)
	}
	forExec, err := c.DescribeStateMachineForExecution(ctx, &awssfn.DescribeStateMachineForExecutionInput{ExecutionArn: x.ExecutionArn})
	if err != nil || aws.ToString(forExec.Definition) != def {
		t.Fatalf("DescribeStateMachineForExecution = %+v, %v; want the definition it started with", forExec, err)
	}
	if _, err := c.SendTaskSuccess(ctx, &awssfn.SendTaskSuccessInput{TaskToken: task.TaskToken, Output: aws.String(`{}`)}); err != nil {
		t.Fatal(err)
	}
	out := awaitStatus(t, c, aws.ToString(x.ExecutionArn), types.ExecutionStatusSucceeded)
	if aws.ToString(out.Output) != `"old"` {
		t.Fatalf("output = %s, want the definition it started with", aws.ToString(out.Output))
	}
	eventually(t, 30*time.Second, "the DELETING machine to go", func() bool {
		_, err := c.DescribeStateMachine(ctx, &awssfn.DescribeStateMachineInput{StateMachineArn: aws.String(smArn)})
		var gone *types.StateMachineDoesNotExist
		return errors.As(err, &gone)
	})
	// Its executions stay readable.
	if _, err := c.DescribeExecution(ctx, &awssfn.DescribeExecutionInput{ExecutionArn: x.ExecutionArn}); err != nil {
		t.Fatalf("DescribeExecution after the machine went: %v", err)
	}
}
