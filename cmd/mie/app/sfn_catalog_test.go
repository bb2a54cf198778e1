package app

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awssfn "github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/mie-kafka/mie/api"
)

// One catalogue: an MIE workflow is a read-only STANDARD state machine of
// the Step Functions API, and executions of either API show in both.
func TestStepFunctionsSeesMIEWorkflows(t *testing.T) {
	a, c := sfnApp(t)
	ctx := context.Background()
	defineOperator(t, a, "Echo", "builtin:Passthrough", "Sync", nil)
	defineWorkflow(t, a, "EchoFlow", "_Echo")
	mie := startExecution(t, a, "EchoFlow", "clip.mp4")
	waitStatus(t, a, mie.Id, 20*time.Second, "Complete")

	wfArn := "arn:aws:states:us-east-1:123456789012:stateMachine:EchoFlow"
	d, err := c.DescribeStateMachine(ctx, &awssfn.DescribeStateMachineInput{StateMachineArn: aws.String(wfArn)})
	if err != nil {
		t.Fatal(err)
	}
	if d.Type != types.StateMachineTypeStandard || !strings.Contains(aws.ToString(d.Definition), `"Type":"Parallel"`) {
		t.Fatalf("DescribeStateMachine of a workflow = %+v", d)
	}
	if _, err := c.ValidateStateMachineDefinition(ctx, &awssfn.ValidateStateMachineDefinitionInput{Definition: d.Definition}); err != nil {
		t.Fatal(err)
	}
	_, err = c.UpdateStateMachine(ctx, &awssfn.UpdateStateMachineInput{StateMachineArn: aws.String(wfArn), RoleArn: aws.String(sfnRole)})
	var invalid *types.ValidationException
	if !errors.As(err, &invalid) {
		t.Fatalf("UpdateStateMachine of a workflow = %v, want ValidationException (read-only)", err)
	}
	_, err = c.CreateStateMachine(ctx, &awssfn.CreateStateMachineInput{Name: aws.String("EchoFlow"), Definition: aws.String(passMachine),
		RoleArn: aws.String(sfnRole)})
	var exists *types.StateMachineAlreadyExists
	if !errors.As(err, &exists) {
		t.Fatalf("CreateStateMachine of a workflow's name = %v, want StateMachineAlreadyExists", err)
	}

	list, err := c.ListExecutions(ctx, &awssfn.ListExecutionsInput{StateMachineArn: aws.String(wfArn)})
	if err != nil || len(list.Executions) != 1 || aws.ToString(list.Executions[0].Name) != mie.Id ||
		list.Executions[0].Status != types.ExecutionStatusSucceeded {
		t.Fatalf("ListExecutions of the workflow = %+v, %v", list, err)
	}
	arn := aws.ToString(list.Executions[0].ExecutionArn)
	if arn != "arn:aws:states:us-east-1:123456789012:execution:EchoFlow:"+mie.Id {
		t.Fatalf("executionArn = %s", arn)
	}
	x := awaitStatus(t, c, arn, types.ExecutionStatusSucceeded)
	if aws.ToString(x.StateMachineArn) != wfArn || !strings.Contains(aws.ToString(x.Output), `"Media"`) {
		t.Fatalf("DescribeExecution of an MIE execution = %+v", x)
	}
	if h := historyTypes(t, c, arn); h[0] != "ExecutionStarted" || h[1] != "ParallelStateEntered" || h[len(h)-1] != "ExecutionSucceeded" {
		t.Fatalf("history of an MIE execution = %v", h)
	}

	// And the other way round: a state machine's execution in the MIE API.
	smArn := createMachine(t, c, "Hello", passMachine, types.StateMachineTypeStandard)
	sx, err := c.StartExecution(ctx, &awssfn.StartExecutionInput{StateMachineArn: aws.String(smArn)})
	if err != nil {
		t.Fatal(err)
	}
	awaitStatus(t, c, aws.ToString(sx.ExecutionArn), types.ExecutionStatusSucceeded)
	var all []api.ExecutionView
	must(t, a, http.StatusOK, "GET", "/workflow/execution", nil, &all)
	ids := map[string]string{}
	for _, v := range all {
		ids[v.Id] = v.Status
	}
	if len(all) != 2 || ids[mie.Id] != "Complete" {
		t.Fatalf("GET /workflow/execution = %+v, want the MIE execution and the state machine's, Complete", all)
	}
	for id, st := range ids {
		if st != "Complete" {
			t.Fatalf("execution %s is %s in the MIE API, want Complete", id, st)
		}
	}
	_, err = c.StartExecution(ctx, &awssfn.StartExecutionInput{StateMachineArn: aws.String(wfArn)})
	if !errors.As(err, &invalid) {
		t.Fatalf("StartExecution of a workflow = %v, want ValidationException (start it through the MIE API)", err)
	}
}
