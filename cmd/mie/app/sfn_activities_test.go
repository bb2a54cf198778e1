package app

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awssfn "github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
)

// activityMachine runs one activity Task, with a Catch of its failure.
func activityMachine(activityArn string) string {
	return `{"StartAt":"Review","States":{"Review":{"Type":"Task","Resource":"` + activityArn + `","HeartbeatSeconds":60,` +
		`"ResultPath":"$.review","Catch":[{"ErrorEquals":["Rejected"],"ResultPath":"$.error","Next":"Rejected"}],"End":true},` +
		`"Rejected":{"Type":"Pass","End":true}}}`
}

// pollTask long-polls GetActivityTask until it hands out a task.
func pollTask(t *testing.T, c *awssfn.Client, activityArn string) *awssfn.GetActivityTaskOutput {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		out, err := c.GetActivityTask(context.Background(), &awssfn.GetActivityTaskInput{ActivityArn: aws.String(activityArn),
			WorkerName: aws.String("test-worker")})
		if err != nil {
			t.Fatalf("GetActivityTask: %v", err)
		}
		if out.TaskToken != nil {
			return out
		}
	}
	t.Fatalf("no task of %s within 60 s", activityArn)
	return nil
}

// An activity worker written against the SDK: it long-polls
// GetActivityTask, works, and answers SendTaskSuccess or SendTaskFailure.
func TestStepFunctionsActivityWorker(t *testing.T) {
	_, c := sfnApp(t)
	ctx := context.Background()
	act, err := c.CreateActivity(ctx, &awssfn.CreateActivityInput{Name: aws.String("Review")})
	if err != nil {
		t.Fatal(err)
	}
	again, err := c.CreateActivity(ctx, &awssfn.CreateActivityInput{Name: aws.String("Review")})
	if err != nil || aws.ToString(again.ActivityArn) != aws.ToString(act.ActivityArn) {
		t.Fatalf("CreateActivity again = %+v, %v (idempotent by name)", again, err)
	}
	if got := aws.ToString(act.ActivityArn); got != "arn:aws:states:us-east-1:123456789012:activity:Review" {
		t.Fatalf("activityArn = %s", got)
	}
	d, err := c.DescribeActivity(ctx, &awssfn.DescribeActivityInput{ActivityArn: act.ActivityArn})
	if err != nil || aws.ToString(d.Name) != "Review" {
		t.Fatalf("DescribeActivity = %+v, %v", d, err)
	}
	list, err := c.ListActivities(ctx, &awssfn.ListActivitiesInput{})
	if err != nil || len(list.Activities) != 1 || aws.ToString(list.Activities[0].ActivityArn) != aws.ToString(act.ActivityArn) {
		t.Fatalf("ListActivities = %+v, %v", list, err)
	}
	smArn := createMachine(t, c, "Reviews", activityMachine(aws.ToString(act.ActivityArn)), types.StateMachineTypeStandard)

	// Approved: the worker's output is the Task's result.
	ok, err := c.StartExecution(ctx, &awssfn.StartExecutionInput{StateMachineArn: aws.String(smArn), Input: aws.String(`{"order":7}`)})
	if err != nil {
		t.Fatal(err)
	}
	task := pollTask(t, c, aws.ToString(act.ActivityArn))
	sameJSON(t, "task input", aws.ToString(task.Input), `{"order":7}`)
	if _, err := c.SendTaskHeartbeat(ctx, &awssfn.SendTaskHeartbeatInput{TaskToken: task.TaskToken}); err != nil {
		t.Fatalf("SendTaskHeartbeat: %v", err)
	}
	if _, err := c.SendTaskSuccess(ctx, &awssfn.SendTaskSuccessInput{TaskToken: task.TaskToken, Output: aws.String(`{"approved":true}`)}); err != nil {
		t.Fatal(err)
	}
	done := awaitStatus(t, c, aws.ToString(ok.ExecutionArn), types.ExecutionStatusSucceeded)
	sameJSON(t, "output", aws.ToString(done.Output), `{"order":7,"review":{"approved":true}}`)
	want := []string{"ExecutionStarted", "TaskStateEntered", "ActivityScheduled", "ActivityStarted", "ActivitySucceeded",
		"TaskStateExited", "ExecutionSucceeded"}
	if got := historyTypes(t, c, aws.ToString(ok.ExecutionArn)); !slices.Equal(got, want) {
		t.Fatalf("history = %v\nwant %v", got, want)
	}
	// The task is over: a second answer is TaskTimedOut, as on AWS.
	_, err = c.SendTaskSuccess(ctx, &awssfn.SendTaskSuccessInput{TaskToken: task.TaskToken, Output: aws.String(`{}`)})
	var over *types.TaskTimedOut
	if !errors.As(err, &over) {
		t.Fatalf("a second SendTaskSuccess = %v, want TaskTimedOut", err)
	}

	// Rejected: SendTaskFailure's error is caught by the state's Catch.
	rej, err := c.StartExecution(ctx, &awssfn.StartExecutionInput{StateMachineArn: aws.String(smArn), Input: aws.String(`{"order":8}`)})
	if err != nil {
		t.Fatal(err)
	}
	task = pollTask(t, c, aws.ToString(act.ActivityArn))
	if _, err := c.SendTaskFailure(ctx, &awssfn.SendTaskFailureInput{TaskToken: task.TaskToken, Error: aws.String("Rejected"),
		Cause: aws.String("out of stock")}); err != nil {
		t.Fatal(err)
	}
	done = awaitStatus(t, c, aws.ToString(rej.ExecutionArn), types.ExecutionStatusSucceeded)
	sameJSON(t, "caught output", aws.ToString(done.Output), `{"order":8,"error":{"Error":"Rejected","Cause":"out of stock"}}`)
	if got := historyTypes(t, c, aws.ToString(rej.ExecutionArn)); !slices.Contains(got, "ActivityFailed") {
		t.Fatalf("history = %v, want an ActivityFailed", got)
	}

	// No task: the long poll answers an empty task after its timeout.
	empty, err := c.GetActivityTask(ctx, &awssfn.GetActivityTaskInput{ActivityArn: act.ActivityArn})
	if err != nil || empty.TaskToken != nil {
		t.Fatalf("GetActivityTask with no task = %+v, %v", empty, err)
	}
	if _, err := c.DeleteActivity(ctx, &awssfn.DeleteActivityInput{ActivityArn: act.ActivityArn}); err != nil {
		t.Fatal(err)
	}
	_, err = c.GetActivityTask(ctx, &awssfn.GetActivityTaskInput{ActivityArn: act.ActivityArn})
	var noActivity *types.ActivityDoesNotExist
	if !errors.As(err, &noActivity) {
		t.Fatalf("GetActivityTask of a deleted activity = %v, want ActivityDoesNotExist", err)
	}
}

// Task tokens: one the engine never made is InvalidToken; one of a
// stopped execution is TaskTimedOut.
func TestStepFunctionsTaskTokens(t *testing.T) {
	_, c := sfnApp(t)
	ctx := context.Background()
	_, err := c.SendTaskSuccess(ctx, &awssfn.SendTaskSuccessInput{TaskToken: aws.String("not-a-token"), Output: aws.String(`{}`)})
	var invalid *types.InvalidToken
	if !errors.As(err, &invalid) {
		t.Fatalf("SendTaskSuccess of a made-up token = %v, want InvalidToken", err)
	}
	act, err := c.CreateActivity(ctx, &awssfn.CreateActivityInput{Name: aws.String("Slow")})
	if err != nil {
		t.Fatal(err)
	}
	smArn := createMachine(t, c, "Slow", activityMachine(aws.ToString(act.ActivityArn)), types.StateMachineTypeStandard)
	x, err := c.StartExecution(ctx, &awssfn.StartExecutionInput{StateMachineArn: aws.String(smArn)})
	if err != nil {
		t.Fatal(err)
	}
	task := pollTask(t, c, aws.ToString(act.ActivityArn))
	_, err = c.SendTaskSuccess(ctx, &awssfn.SendTaskSuccessInput{TaskToken: task.TaskToken, Output: aws.String(`{not json`)})
	var badOutput *types.InvalidOutput
	if !errors.As(err, &badOutput) {
		t.Fatalf("SendTaskSuccess of bad JSON = %v, want InvalidOutput", err)
	}
	stop, err := c.StopExecution(ctx, &awssfn.StopExecutionInput{ExecutionArn: x.ExecutionArn, Error: aws.String("Cancelled"),
		Cause: aws.String("by the test")})
	if err != nil || stop.StopDate == nil {
		t.Fatalf("StopExecution = %+v, %v", stop, err)
	}
	d := awaitStatus(t, c, aws.ToString(x.ExecutionArn), types.ExecutionStatusAborted)
	if aws.ToString(d.Error) != "Cancelled" || aws.ToString(d.Cause) != "by the test" {
		t.Fatalf("stopped execution = error %q cause %q", aws.ToString(d.Error), aws.ToString(d.Cause))
	}
	_, err = c.SendTaskSuccess(ctx, &awssfn.SendTaskSuccessInput{TaskToken: task.TaskToken, Output: aws.String(`{}`)})
	var over *types.TaskTimedOut
	if !errors.As(err, &over) {
		t.Fatalf("SendTaskSuccess after StopExecution = %v, want TaskTimedOut", err)
	}
	h := historyTypes(t, c, aws.ToString(x.ExecutionArn))
	if h[len(h)-1] != "ExecutionAborted" {
		t.Fatalf("history = %v, want it to end ExecutionAborted", h)
	}
	// Stopping it again answers its stop, unchanged.
	if again, err := c.StopExecution(ctx, &awssfn.StopExecutionInput{ExecutionArn: x.ExecutionArn}); err != nil ||
		!again.StopDate.Equal(*d.StopDate) {
		t.Fatalf("StopExecution again = %+v, %v; stopped at %s", again, err, d.StopDate)
	}
}
