package app

import (
	"context"
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	awssfn "github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// The Step Functions API through aws-sdk-go-v2's sfn client, as a team
// leaving AWS points it at mie: --endpoint-url (BaseEndpoint), dummy
// credentials (requests are SigV4-signed and not checked), any region.

// sfnApp starts the whole engine (every role, in-process broker) with a
// short GetActivityTask poll, and a client on its API.
func sfnApp(t *testing.T) (*App, *awssfn.Client) {
	t.Helper()
	h := newHarness(t)
	h.configure = func(c *Config) {
		c.Region, c.AccountID, c.MaxPayload = "us-east-1", "123456789012", 256<<10
		c.MaxHistory = 25000
		c.ActivityPoll = 2 * time.Second
	}
	a := h.start("sfn", Roles{API: true, Executor: true, Worker: true})
	return a, sfnClient(a.URL())
}

// sfnClient is an SDK client on url. StartSyncExecution and TestState
// are "sync-" host-prefixed endpoints on AWS; a local endpoint has no
// such host, so the client turns the prefix off (docs/stepfunctions.md).
func sfnClient(url string) *awssfn.Client {
	cfg := aws.Config{Region: "us-east-1", BaseEndpoint: aws.String(url), RetryMaxAttempts: 1,
		Credentials: credentials.NewStaticCredentialsProvider("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "")}
	return awssfn.NewFromConfig(cfg, func(o *awssfn.Options) { o.APIOptions = append(o.APIOptions, noHostPrefix) })
}

// noHostPrefix turns off the SDK's endpoint host prefix.
func noHostPrefix(stack *middleware.Stack) error {
	return stack.Initialize.Add(middleware.InitializeMiddlewareFunc("mieNoHostPrefix",
		func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
			return next.HandleInitialize(smithyhttp.DisableEndpointHostPrefix(ctx, true), in)
		}), middleware.Before)
}

const sfnRole = "arn:aws:iam::123456789012:role/StepFunctionsRole"

// createMachine creates a state machine and returns its ARN.
func createMachine(t *testing.T, c *awssfn.Client, name, def string, typ types.StateMachineType) string {
	t.Helper()
	out, err := c.CreateStateMachine(context.Background(), &awssfn.CreateStateMachineInput{Name: aws.String(name),
		Definition: aws.String(def), RoleArn: aws.String(sfnRole), Type: typ})
	if err != nil {
		t.Fatalf("CreateStateMachine %s: %v", name, err)
	}
	return aws.ToString(out.StateMachineArn)
}

// awaitStatus polls DescribeExecution until the execution has status, or
// fails the test at the deadline.
func awaitStatus(t *testing.T, c *awssfn.Client, arn string, want types.ExecutionStatus) *awssfn.DescribeExecutionOutput {
	t.Helper()
	var last *awssfn.DescribeExecutionOutput
	eventually(t, 30*time.Second, "execution "+arn+" "+string(want), func() bool {
		out, err := c.DescribeExecution(context.Background(), &awssfn.DescribeExecutionInput{ExecutionArn: aws.String(arn)})
		if err != nil {
			t.Fatalf("DescribeExecution: %v", err)
		}
		last = out
		return out.Status == want
	})
	return last
}

// historyTypes are the types of an execution's history events, oldest
// first.
func historyTypes(t *testing.T, c *awssfn.Client, arn string) []string {
	t.Helper()
	var out []string
	p := awssfn.NewGetExecutionHistoryPaginator(c, &awssfn.GetExecutionHistoryInput{ExecutionArn: aws.String(arn)})
	for p.HasMorePages() {
		page, err := p.NextPage(context.Background())
		if err != nil {
			t.Fatalf("GetExecutionHistory: %v", err)
		}
		for _, e := range page.Events {
			out = append(out, string(e.Type))
		}
	}
	return out
}

// sameJSON fails the test unless got and want are the same JSON value
// (the engine writes object members in its own order).
func sameJSON(t *testing.T, what, got, want string) {
	t.Helper()
	var g, w any
	if err := json.Unmarshal([]byte(got), &g); err != nil {
		t.Fatalf("%s: %q is not JSON: %v", what, got, err)
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(g, w) {
		t.Fatalf("%s = %s, want %s", what, got, want)
	}
}
