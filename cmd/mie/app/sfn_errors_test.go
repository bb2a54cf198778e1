package app

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awssfn "github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
)

// rawCall posts body to the API as the AWS JSON 1.0 protocol does, with a
// SigV4 Authorization header (accepted, not checked).
func rawCall(t *testing.T, url, target, body string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest("POST", url+"/", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/x-amz-json-1.0")
	if target != "" {
		req.Header.Set("X-Amz-Target", target)
	}
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/us-east-1/states/aws4_request, SignedHeaders=host;x-amz-date;x-amz-target, Signature=0123")
	req.Header.Set("X-Amz-Date", "20260101T000000Z")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if ct := resp.Header.Get("Content-Type"); ct != "application/x-amz-json-1.0" {
		t.Fatalf("Content-Type = %q", ct)
	}
	var out map[string]any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatalf("answer %s: %v", b, err)
	}
	return resp.StatusCode, out
}

// Bad requests are 400s with AWS's {"__type", "message"}, never a 5xx.
func TestStepFunctionsProtocolErrors(t *testing.T) {
	a, _ := sfnApp(t)
	for _, tt := range []struct {
		name, target, body, want string
	}{
		{"unknown action", "AWSStepFunctions.Frobnicate", `{}`, "UnknownOperationException"},
		{"no target", "", `{}`, "UnknownOperationException"},
		{"malformed JSON", "AWSStepFunctions.ListStateMachines", `{"maxResults":`, "SerializationException"},
		{"wrong type", "AWSStepFunctions.ListStateMachines", `{"maxResults":"ten"}`, "SerializationException"},
		{"maxResults too big", "AWSStepFunctions.ListStateMachines", `{"maxResults":1001}`, "ValidationException"},
		{"bad nextToken", "AWSStepFunctions.ListStateMachines", `{"nextToken":"nope"}`, "InvalidToken"},
		{"bad ARN", "AWSStepFunctions.DescribeStateMachine", `{"stateMachineArn":"arn:aws:s3:::bucket"}`, "InvalidArn"},
		{"missing ARN", "AWSStepFunctions.DescribeExecution", `{}`, "ValidationException"},
		{"no such machine", "AWSStepFunctions.DescribeStateMachine", `{"stateMachineArn":"arn:aws:states:us-east-1:123456789012:stateMachine:Nope"}`, "StateMachineDoesNotExist"},
		{"another account", "AWSStepFunctions.DescribeStateMachine", `{"stateMachineArn":"arn:aws:states:us-east-1:999999999999:stateMachine:Nope"}`, "StateMachineDoesNotExist"},
		{"no such execution", "AWSStepFunctions.DescribeExecution", `{"executionArn":"arn:aws:states:us-east-1:123456789012:execution:Nope:x"}`, "ExecutionDoesNotExist"},
		{"labelled map ARN", "AWSStepFunctions.DescribeStateMachine", `{"stateMachineArn":"arn:aws:states:us-east-1:123456789012:stateMachine:M/label"}`, "ValidationException"},
		{"no such activity", "AWSStepFunctions.GetActivityTask", `{"activityArn":"arn:aws:states:us-east-1:123456789012:activity:Nope"}`, "ActivityDoesNotExist"},
		{"made-up token", "AWSStepFunctions.SendTaskHeartbeat", `{"taskToken":"abc"}`, "InvalidToken"},
		{"no map runs", "AWSStepFunctions.DescribeMapRun", `{"mapRunArn":"arn:aws:states:us-east-1:123456789012:mapRun:M/label:1234"}`, "ResourceNotFound"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			status, body := rawCall(t, a.URL(), tt.target, tt.body)
			if status != http.StatusBadRequest || body["__type"] != tt.want || body["message"] == "" {
				t.Fatalf("%d %v, want 400 %s with a message", status, body, tt.want)
			}
		})
	}
	status, body := rawCall(t, a.URL(), "AWSStepFunctions.ListStateMachines", ``)
	if status != http.StatusOK || body["stateMachines"] == nil {
		t.Fatalf("an empty body = %d %v, want 200 with stateMachines", status, body)
	}
}

// Inputs, names and tokens that AWS refuses, through the SDK's typed errors.
func TestStepFunctionsExecutionRefusals(t *testing.T) {
	_, c := sfnApp(t)
	ctx := context.Background()
	smArn := createMachine(t, c, "Hello", passMachine, types.StateMachineTypeStandard)
	for _, tt := range []struct {
		name string
		in   awssfn.StartExecutionInput
		want any
	}{
		{"not JSON", awssfn.StartExecutionInput{StateMachineArn: aws.String(smArn), Input: aws.String("{")}, new(*types.InvalidExecutionInput)},
		{"too large", awssfn.StartExecutionInput{StateMachineArn: aws.String(smArn), Input: aws.String(`"` + strings.Repeat("x", 256<<10) + `"`)}, new(*types.ValidationException)},
		{"bad name", awssfn.StartExecutionInput{StateMachineArn: aws.String(smArn), Name: aws.String("a:b")}, new(*types.InvalidName)},
		{"no machine", awssfn.StartExecutionInput{StateMachineArn: aws.String(smArn + "x")}, new(*types.StateMachineDoesNotExist)},
		{"no version", awssfn.StartExecutionInput{StateMachineArn: aws.String(smArn + ":7")}, new(*types.StateMachineDoesNotExist)},
		{"bad ARN", awssfn.StartExecutionInput{StateMachineArn: aws.String("arn:aws:states:us-east-1:123456789012:activity:x")}, new(*types.InvalidArn)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := c.StartExecution(ctx, &tt.in)
			if err == nil || !errors.As(err, tt.want) {
				t.Fatalf("StartExecution = %v, want %T", err, tt.want)
			}
		})
	}
	_, err := c.ListExecutions(ctx, &awssfn.ListExecutionsInput{})
	var invalid *types.ValidationException
	if !errors.As(err, &invalid) {
		t.Fatalf("ListExecutions without a machine = %v, want ValidationException", err)
	}
}

// TagResource, UntagResource and ListTagsForResource on state machines
// and activities.
func TestStepFunctionsTags(t *testing.T) {
	_, c := sfnApp(t)
	ctx := context.Background()
	smArn := createMachine(t, c, "Tagged", passMachine, types.StateMachineTypeStandard)
	act, err := c.CreateActivity(ctx, &awssfn.CreateActivityInput{Name: aws.String("Tagged"),
		Tags: []types.Tag{{Key: aws.String("a"), Value: aws.String("1")}}})
	if err != nil {
		t.Fatal(err)
	}
	for _, arn := range []string{smArn, aws.ToString(act.ActivityArn)} {
		if _, err := c.TagResource(ctx, &awssfn.TagResourceInput{ResourceArn: aws.String(arn), Tags: []types.Tag{
			{Key: aws.String("a"), Value: aws.String("2")}, {Key: aws.String("b"), Value: aws.String("3")}}}); err != nil {
			t.Fatal(err)
		}
		if _, err := c.UntagResource(ctx, &awssfn.UntagResourceInput{ResourceArn: aws.String(arn), TagKeys: []string{"b"}}); err != nil {
			t.Fatal(err)
		}
		out, err := c.ListTagsForResource(ctx, &awssfn.ListTagsForResourceInput{ResourceArn: aws.String(arn)})
		if err != nil || len(out.Tags) != 1 || aws.ToString(out.Tags[0].Key) != "a" || aws.ToString(out.Tags[0].Value) != "2" {
			t.Fatalf("ListTagsForResource(%s) = %+v, %v", arn, out, err)
		}
	}
	many := make([]types.Tag, 51)
	for i := range many {
		many[i] = types.Tag{Key: aws.String(strings.Repeat("k", i+1)), Value: aws.String("v")}
	}
	_, err = c.TagResource(ctx, &awssfn.TagResourceInput{ResourceArn: aws.String(smArn), Tags: many})
	var tooMany *types.TooManyTags
	if !errors.As(err, &tooMany) {
		t.Fatalf("51 tags = %v, want TooManyTags", err)
	}
	_, err = c.ListTagsForResource(ctx, &awssfn.ListTagsForResourceInput{ResourceArn: aws.String(smArn + "x")})
	var notFound *types.ResourceNotFound
	if !errors.As(err, &notFound) {
		t.Fatalf("tags of a missing machine = %v, want ResourceNotFound", err)
	}
}

// Map runs that do not exist: an execution without a Distributed Map has
// none, and a made-up map run ARN names nothing.
func TestStepFunctionsMapRuns(t *testing.T) {
	_, c := sfnApp(t)
	ctx := context.Background()
	smArn := createMachine(t, c, "Hello", passMachine, types.StateMachineTypeStandard)
	x, err := c.StartExecution(ctx, &awssfn.StartExecutionInput{StateMachineArn: aws.String(smArn)})
	if err != nil {
		t.Fatal(err)
	}
	runs, err := c.ListMapRuns(ctx, &awssfn.ListMapRunsInput{ExecutionArn: x.ExecutionArn})
	if err != nil || runs.MapRuns == nil || len(runs.MapRuns) != 0 {
		t.Fatalf("ListMapRuns = %+v, %v", runs, err)
	}
	mapRun := aws.String("arn:aws:states:us-east-1:123456789012:mapRun:Hello/Each:0c1f7c8e-2b8c-4c3b-9b59-3d3f2a1b0c9d")
	_, err = c.DescribeMapRun(ctx, &awssfn.DescribeMapRunInput{MapRunArn: mapRun})
	var notFound *types.ResourceNotFound
	if !errors.As(err, &notFound) {
		t.Fatalf("DescribeMapRun = %v, want ResourceNotFound", err)
	}
	_, err = c.UpdateMapRun(ctx, &awssfn.UpdateMapRunInput{MapRunArn: mapRun, MaxConcurrency: aws.Int32(4)})
	if !errors.As(err, &notFound) {
		t.Fatalf("UpdateMapRun = %v, want ResourceNotFound", err)
	}
	_, err = c.ListExecutions(ctx, &awssfn.ListExecutionsInput{MapRunArn: mapRun})
	if !errors.As(err, &notFound) {
		t.Fatalf("ListExecutions of a map run = %v, want ResourceNotFound", err)
	}
}

// A body over the API's limit is refused in AWS's shape, never read whole.
func TestStepFunctionsBodyLimit(t *testing.T) {
	a, _ := sfnApp(t)
	status, body := rawCall(t, a.URL(), "AWSStepFunctions.StartExecution",
		`{"stateMachineArn":"arn:aws:states:us-east-1:123456789012:stateMachine:M","input":"`+strings.Repeat("x", 17<<20)+`"}`)
	if status != http.StatusRequestEntityTooLarge || body["__type"] != "RequestEntityTooLargeException" {
		t.Fatalf("a 17 MiB body = %d %v", status, body)
	}
}
