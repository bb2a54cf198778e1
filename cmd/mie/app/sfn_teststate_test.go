package app

import (
	"context"
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awssfn "github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
)

// TestState runs one state in the engine, with a mock for a Task's work,
// at the inspection levels AWS has.
func TestStepFunctionsTestState(t *testing.T) {
	_, c := sfnApp(t)
	ctx := context.Background()
	pass := `{"Type":"Pass","InputPath":"$.order","Parameters":{"id.$":"$.id"},"ResultPath":"$.copy","Next":"After"}`
	out, err := c.TestState(ctx, &awssfn.TestStateInput{Definition: aws.String(pass), Input: aws.String(`{"order":{"id":7}}`),
		InspectionLevel: types.InspectionLevelDebug, RoleArn: aws.String(sfnRole)})
	if err != nil {
		t.Fatal(err)
	}
	if out.Status != types.TestExecutionStatusSucceeded || aws.ToString(out.NextState) != "After" || out.InspectionData == nil {
		t.Fatalf("TestState of a Pass = %+v", out)
	}
	sameJSON(t, "output", aws.ToString(out.Output), `{"order":{"id":7},"copy":{"id":7}}`)
	sameJSON(t, "afterInputPath", aws.ToString(out.InspectionData.AfterInputPath), `{"id":7}`)
	sameJSON(t, "afterParameters", aws.ToString(out.InspectionData.AfterParameters), `{"id":7}`)

	info, err := c.TestState(ctx, &awssfn.TestStateInput{Definition: aws.String(pass), Input: aws.String(`{"order":{"id":7}}`)})
	if err != nil || info.InspectionData != nil || info.Status != types.TestExecutionStatusSucceeded {
		t.Fatalf("TestState at INFO = %+v, %v (no inspection data)", info, err)
	}

	task := `{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":{"FunctionName":"f","Payload.$":"$"},` +
		`"Retry":[{"ErrorEquals":["Busy"],"IntervalSeconds":3,"MaxAttempts":2}],"End":true}`
	ok, err := c.TestState(ctx, &awssfn.TestStateInput{Definition: aws.String(task), Input: aws.String(`{"n":1}`),
		Mock: &types.MockInput{Result: aws.String(`{"Payload":{"n":2}}`)}})
	if err != nil || ok.Status != types.TestExecutionStatusSucceeded {
		t.Fatalf("TestState of a mocked Task = %+v, %v", ok, err)
	}
	sameJSON(t, "task output", aws.ToString(ok.Output), `{"Payload":{"n":2}}`)
	retry, err := c.TestState(ctx, &awssfn.TestStateInput{Definition: aws.String(task), Input: aws.String(`{"n":1}`),
		InspectionLevel: types.InspectionLevelTrace,
		Mock:            &types.MockInput{ErrorOutput: &types.MockErrorOutput{Error: aws.String("Busy"), Cause: aws.String("try later")}}})
	if err != nil || retry.Status != types.TestExecutionStatusRetriable || aws.ToString(retry.Error) != "Busy" ||
		retry.InspectionData == nil || retry.InspectionData.ErrorDetails == nil || aws.ToInt32(retry.InspectionData.ErrorDetails.RetryBackoffIntervalSeconds) != 3 {
		t.Fatalf("TestState of a failing Task = %+v, %v", retry, err)
	}
	_, err = c.TestState(ctx, &awssfn.TestStateInput{Definition: aws.String(`{"Type":"Nope"}`)})
	var invalid *types.InvalidDefinition
	if !errors.As(err, &invalid) {
		t.Fatalf("TestState of a bad state = %v, want InvalidDefinition", err)
	}
}
