package app

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awssfn "github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
)

// TestNestedExecutions runs states:startExecution through the whole
// engine: .sync:2 waits for the child and returns its output as JSON,
// .sync as a JSON string; a failing child fails the Task, which a Catch
// takes; request-response returns at once with the child's ARN; a
// machine that does not exist is StepFunctions.StateMachineDoesNotExistException.
// Each child is an execution of its own, visible through the API.
func TestNestedExecutions(t *testing.T) {
	_, c := sfnApp(t)
	ctx := context.Background()
	double := createMachine(t, c, "Double", `{"StartAt":"D","States":{"D":{"Type":"Pass",
		"Parameters":{"doubled.$":"States.MathAdd($.n, $.n)"},"End":true}}}`, types.StateMachineTypeStandard)
	fails := createMachine(t, c, "Breaks", `{"StartAt":"F","States":{"F":{"Type":"Fail","Error":"Child.Broke","Cause":"on purpose"}}}`,
		types.StateMachineTypeStandard)
	parent := createMachine(t, c, "Parent", `{"StartAt":"Sync2","States":{
		"Sync2":{"Type":"Task","Resource":"arn:aws:states:::states:startExecution.sync:2",
			"Parameters":{"StateMachineArn":"`+double+`","Input":{"n.$":"$.n"}},"ResultSelector":{"out.$":"$.Output","arn.$":"$.ExecutionArn"},
			"ResultPath":"$.sync2","Next":"Sync"},
		"Sync":{"Type":"Task","Resource":"arn:aws:states:::states:startExecution.sync",
			"Parameters":{"StateMachineArn":"`+double+`","Input":"{\"n\": 5}"},"ResultSelector":{"out.$":"$.Output"},
			"ResultPath":"$.sync","Next":"Fire"},
		"Fire":{"Type":"Task","Resource":"arn:aws:states:::states:startExecution",
			"Parameters":{"StateMachineArn":"`+double+`","Input":{"n":1}},"ResultSelector":{"arn.$":"$.ExecutionArn"},
			"ResultPath":"$.fire","Next":"Broken"},
		"Broken":{"Type":"Task","Resource":"arn:aws:states:::states:startExecution.sync:2",
			"Parameters":{"StateMachineArn":"`+fails+`"},
			"Catch":[{"ErrorEquals":["States.TaskFailed"],"ResultPath":"$.broken","Next":"Missing"}],"End":true},
		"Missing":{"Type":"Task","Resource":"arn:aws:states:::states:startExecution.sync:2",
			"Parameters":{"StateMachineArn":"arn:aws:states:us-east-1:123456789012:stateMachine:Nope"},
			"Catch":[{"ErrorEquals":["StepFunctions.StateMachineDoesNotExistException"],"ResultPath":"$.missing","Next":"Done"}],"End":true},
		"Done":{"Type":"Succeed"}}}`, types.StateMachineTypeStandard)
	start, err := c.StartExecution(ctx, &awssfn.StartExecutionInput{StateMachineArn: aws.String(parent), Input: aws.String(`{"n":21}`)})
	if err != nil {
		t.Fatal(err)
	}
	out := awaitStatus(t, c, aws.ToString(start.ExecutionArn), types.ExecutionStatusSucceeded)
	var got map[string]any
	if err := json.Unmarshal([]byte(aws.ToString(out.Output)), &got); err != nil {
		t.Fatal(err)
	}
	sync2 := got["sync2"].(map[string]any)
	if o, _ := json.Marshal(sync2["out"]); string(o) != `{"doubled":42}` {
		t.Errorf(".sync:2 output %s, want {\"doubled\":42}", o)
	}
	if s, _ := got["sync"].(map[string]any)["out"].(string); s != `{"doubled":10}` {
		t.Errorf(".sync output %#v, want the JSON string {\"doubled\":10}", got["sync"])
	}
	if arn, _ := got["fire"].(map[string]any)["arn"].(string); !strings.Contains(arn, ":execution:Double:") {
		t.Errorf("request-response ExecutionArn %q", arn)
	}
	if cause, _ := got["broken"].(map[string]any)["Cause"].(string); !strings.Contains(cause, "Child.Broke") {
		t.Errorf("the failed child's cause %q does not name its error", cause)
	}
	if e, _ := got["missing"].(map[string]any)["Error"].(string); e != "StepFunctions.StateMachineDoesNotExistException" {
		t.Errorf("missing machine error %q", e)
	}
	// The children are executions of Double, visible and finished.
	child := sync2["arn"].(string)
	d := awaitStatus(t, c, child, types.ExecutionStatusSucceeded)
	sameJSON(t, "the child's output", aws.ToString(d.Output), `{"doubled":42}`)
	list, err := c.ListExecutions(ctx, &awssfn.ListExecutionsInput{StateMachineArn: aws.String(double)})
	if err != nil {
		t.Fatal(err)
	}
	if len(list.Executions) != 3 {
		t.Errorf("Double has %d executions, want 3 (sync:2, sync, request-response)", len(list.Executions))
	}
}
