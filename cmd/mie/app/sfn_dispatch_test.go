package app

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awssfn "github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/mie-kafka/mie/api/sfn"
)

// Two API instances share the activity dispatcher's group: every task is
// handed to one poller of one instance, and each execution ends once.
func TestStepFunctionsActivityTasksAcrossInstances(t *testing.T) {
	h := newHarness(t)
	h.configure = func(c *Config) {
		c.Region, c.AccountID, c.MaxPayload, c.MaxHistory = "us-east-1", "123456789012", 256<<10, 25000
		c.ActivityPoll = time.Second
	}
	a := h.start("sfn-a", Roles{API: true, Executor: true, Worker: true})
	b := h.start("sfn-b", Roles{API: true})
	ca, cb := sfnClient(a.URL()), sfnClient(b.URL())
	ctx := context.Background()
	act, err := ca.CreateActivity(ctx, &awssfn.CreateActivityInput{Name: aws.String("Shared")})
	if err != nil {
		t.Fatal(err)
	}
	awaitDispatchers(t, a, 2)
	smArn := createMachine(t, ca, "Shared", activityMachine(aws.ToString(act.ActivityArn)), types.StateMachineTypeStandard)

	const n = 20
	var mu sync.Mutex
	handed := map[string]int{}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for _, c := range []*awssfn.Client{ca, ca, cb, cb} {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				task, err := c.GetActivityTask(ctx, &awssfn.GetActivityTaskInput{ActivityArn: act.ActivityArn})
				if err != nil || task.TaskToken == nil {
					continue
				}
				mu.Lock()
				handed[aws.ToString(task.TaskToken)]++
				mu.Unlock()
				_, err = c.SendTaskSuccess(ctx, &awssfn.SendTaskSuccessInput{TaskToken: task.TaskToken, Output: aws.String(`{"ok":true}`)})
				var over *types.TaskTimedOut
				if err != nil && !errors.As(err, &over) {
					t.Errorf("SendTaskSuccess: %v", err)
				}
			}
		})
	}
	var arns []string
	for range n {
		x, err := ca.StartExecution(ctx, &awssfn.StartExecutionInput{StateMachineArn: aws.String(smArn)})
		if err != nil {
			t.Fatal(err)
		}
		arns = append(arns, aws.ToString(x.ExecutionArn))
	}
	for _, arn := range arns {
		awaitStatus(t, ca, arn, types.ExecutionStatusSucceeded)
	}
	close(stop)
	wg.Wait()
	if len(handed) != n {
		t.Fatalf("%d distinct tasks handed out, want %d", len(handed), n)
	}
	for token, times := range handed {
		if times != 1 {
			t.Fatalf("task %s… handed out %d times", token[:12], times)
		}
	}
}

// awaitDispatchers waits until the activity dispatchers' group is stable
// with members members, the activity topics assigned among them.
func awaitDispatchers(t *testing.T, a *App, members int) {
	t.Helper()
	cl, err := kgo.NewClient(a.kafka.Opts()...)
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	adm := kadm.NewClient(cl)
	group := a.Catalog().Group(sfn.DispatcherName)
	eventually(t, 60*time.Second, "the activity dispatchers' group to settle", func() bool {
		ds, err := adm.DescribeGroups(context.Background(), group)
		if err != nil {
			return false
		}
		d := ds[group]
		assigned := 0
		for _, m := range d.Members {
			if c, ok := m.Assigned.AsConsumer(); ok && len(c.Topics) > 0 {
				assigned++
			}
		}
		return d.State == "Stable" && len(d.Members) == members && assigned > 0
	})
}
