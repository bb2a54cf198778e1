package app

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awssfn "github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
)

const passMachine = `{"StartAt":"Hello","States":{"Hello":{"Type":"Pass","Result":{"greeting":"hi"},"ResultPath":"$.out","Next":"Done"},"Done":{"Type":"Succeed"}}}`

// A Pass machine from CreateStateMachine to its history, through the SDK.
func TestStepFunctionsStartDescribeHistory(t *testing.T) {
	_, c := sfnApp(t)
	ctx := context.Background()
	smArn := createMachine(t, c, "Hello", passMachine, types.StateMachineTypeStandard)
	if smArn != "arn:aws:states:us-east-1:123456789012:stateMachine:Hello" {
		t.Fatalf("stateMachineArn = %s", smArn)
	}
	start, err := c.StartExecution(ctx, &awssfn.StartExecutionInput{StateMachineArn: aws.String(smArn), Name: aws.String("first"),
		Input: aws.String(`{"who":"world"}`)})
	if err != nil {
		t.Fatal(err)
	}
	if got := aws.ToString(start.ExecutionArn); got != "arn:aws:states:us-east-1:123456789012:execution:Hello:first" {
		t.Fatalf("executionArn = %s", got)
	}
	d := awaitStatus(t, c, aws.ToString(start.ExecutionArn), types.ExecutionStatusSucceeded)
	sameJSON(t, "output", aws.ToString(d.Output), `{"who":"world","out":{"greeting":"hi"}}`)
	if aws.ToString(d.StateMachineArn) != smArn || aws.ToString(d.Name) != "first" || d.StopDate == nil {
		t.Fatalf("describe = %+v", d)
	}
	want := []string{"ExecutionStarted", "PassStateEntered", "PassStateExited", "SucceedStateEntered", "SucceedStateExited", "ExecutionSucceeded"}
	if got := historyTypes(t, c, aws.ToString(start.ExecutionArn)); !slices.Equal(got, want) {
		t.Fatalf("history = %v\nwant %v", got, want)
	}

	// The same name and input while it runs would be the same execution;
	// it has ended, so it already exists.
	_, err = c.StartExecution(ctx, &awssfn.StartExecutionInput{StateMachineArn: aws.String(smArn), Name: aws.String("first"),
		Input: aws.String(`{"who":"world"}`)})
	var exists *types.ExecutionAlreadyExists
	if !errors.As(err, &exists) {
		t.Fatalf("StartExecution of an ended name = %v, want ExecutionAlreadyExists", err)
	}
}
