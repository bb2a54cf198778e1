package app

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awssfn "github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/mie-kafka/mie/internal/broker"
	"github.com/mie-kafka/mie/internal/cli"
)

// The Step Functions API's benchmarks, through the Go SDK against the
// whole engine on the in-process broker (or MIE_TEST_KAFKA_BROKERS):
//
//	go test ./cmd/mie/app/ -run '^$' -bench StepFunctions -benchtime 2000x

// benchApp starts every role for a benchmark and returns a client.
func benchApp(b *testing.B) *awssfn.Client {
	b.Helper()
	h := &harness{prefix: fmt.Sprintf("b%d.", time.Now().UnixNano()), dataDir: b.TempDir()}
	if env := os.Getenv(BrokersEnv); env != "" {
		h.brokers = cli.SplitList(env)
	} else {
		emb, err := broker.StartEmbedded(broker.EmbeddedConfig{Partitions: 4})
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(emb.Close)
		h.brokers = emb.Addrs()
	}
	cfg := h.baseConfig("bench")
	cfg.Region, cfg.AccountID, cfg.MaxPayload, cfg.MaxHistory = "us-east-1", "123456789012", 256<<10, 25000
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	a, err := Start(ctx, cfg, Roles{API: true, Executor: true, Worker: true}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		a.Shutdown(ctx)
	})
	return sfnClient(a.URL())
}

func benchMachine(b *testing.B, c *awssfn.Client, name, def string, typ types.StateMachineType) *string {
	b.Helper()
	out, err := c.CreateStateMachine(context.Background(), &awssfn.CreateStateMachineInput{Name: aws.String(name),
		Definition: aws.String(def), RoleArn: aws.String(sfnRole), Type: typ})
	if err != nil {
		b.Fatal(err)
	}
	return out.StateMachineArn
}

// reportLatencies adds p50 and p99 (milliseconds) and the rate per second.
func reportLatencies(b *testing.B, ds []time.Duration, elapsed time.Duration, unit string) {
	slices.Sort(ds)
	q := func(p float64) float64 { return float64(ds[int(p*float64(len(ds)-1))].Microseconds()) / 1000 }
	b.ReportMetric(q(0.5), "p50-ms")
	b.ReportMetric(q(0.99), "p99-ms")
	b.ReportMetric(float64(len(ds))/elapsed.Seconds(), unit)
}

// parallel runs do(i) for i < n on workers goroutines and returns each
// call's duration.
func parallel(b *testing.B, n, workers int, do func(i int) error) []time.Duration {
	b.Helper()
	ds := make([]time.Duration, n)
	next := make(chan int)
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for range workers {
		wg.Go(func() {
			for i := range next {
				t0 := time.Now()
				if err := do(i); err != nil {
					errs <- err
					return
				}
				ds[i] = time.Since(t0)
			}
		})
	}
	for i := range n {
		select {
		case next <- i:
		case err := <-errs:
			close(next)
			b.Fatal(err)
		}
	}
	close(next)
	wg.Wait()
	select {
	case err := <-errs:
		b.Fatal(err)
	default:
	}
	return ds
}

// untilDone polls DescribeExecution until the execution has ended.
func untilDone(ctx context.Context, c *awssfn.Client, arn *string) error {
	for wait := time.Millisecond; ; wait = min(2*wait, 20*time.Millisecond) {
		d, err := c.DescribeExecution(ctx, &awssfn.DescribeExecutionInput{ExecutionArn: arn, IncludedData: types.IncludedDataMetadataOnly})
		switch {
		case err != nil:
			return err
		case d.Status == types.ExecutionStatusSucceeded:
			return nil
		case d.Status != types.ExecutionStatusRunning:
			return fmt.Errorf("execution %s ended %s", aws.ToString(arn), d.Status)
		}
		time.Sleep(wait)
	}
}

// StartExecution to SUCCEEDED of a Pass-only machine, 64 at a time: each
// latency is from the call to the DescribeExecution that saw SUCCEEDED.
func BenchmarkStepFunctionsStartToSucceeded(b *testing.B) {
	c := benchApp(b)
	ctx := context.Background()
	sm := benchMachine(b, c, "Pass", `{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"B"},"B":{"Type":"Pass","End":true}}}`,
		types.StateMachineTypeStandard)
	b.ReportAllocs()
	b.ResetTimer()
	t0 := time.Now()
	ds := parallel(b, b.N, 64, func(int) error {
		x, err := c.StartExecution(ctx, &awssfn.StartExecutionInput{StateMachineArn: sm, Input: aws.String(`{"n":1}`)})
		if err != nil {
			return err
		}
		return untilDone(ctx, c, x.ExecutionArn)
	})
	reportLatencies(b, ds, time.Since(t0), "executions/s")
}

// StartSyncExecution of a 3-state EXPRESS machine, one at a time.
func BenchmarkStepFunctionsStartSyncExecution(b *testing.B) {
	c := benchApp(b)
	ctx := context.Background()
	sm := benchMachine(b, c, "Three", `{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"B"},"B":{"Type":"Pass","Next":"C"},"C":{"Type":"Succeed"}}}`,
		types.StateMachineTypeExpress)
	b.ReportAllocs()
	b.ResetTimer()
	t0 := time.Now()
	ds := parallel(b, b.N, 1, func(int) error {
		out, err := c.StartSyncExecution(ctx, &awssfn.StartSyncExecutionInput{StateMachineArn: sm, Input: aws.String(`{}`)})
		if err == nil && out.Status != types.SyncExecutionStatusSucceeded {
			err = fmt.Errorf("status %s", out.Status)
		}
		return err
	})
	reportLatencies(b, ds, time.Since(t0), "executions/s")
}

// GetActivityTask and SendTaskSuccess round trips: b.N executions wait on
// an activity; 16 workers long-poll and answer. A latency is one
// worker's GetActivityTask and SendTaskSuccess.
func BenchmarkStepFunctionsActivityRoundTrip(b *testing.B) {
	c := benchApp(b)
	ctx := context.Background()
	act, err := c.CreateActivity(ctx, &awssfn.CreateActivityInput{Name: aws.String("Bench")})
	if err != nil {
		b.Fatal(err)
	}
	sm := benchMachine(b, c, "Activity", `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"`+aws.ToString(act.ActivityArn)+`","End":true}}}`,
		types.StateMachineTypeStandard)
	for range b.N {
		if _, err := c.StartExecution(ctx, &awssfn.StartExecutionInput{StateMachineArn: sm}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	t0 := time.Now()
	ds := parallel(b, b.N, 16, func(int) error {
		for {
			task, err := c.GetActivityTask(ctx, &awssfn.GetActivityTaskInput{ActivityArn: act.ActivityArn})
			if err != nil {
				return err
			}
			if task.TaskToken == nil {
				continue
			}
			_, err = c.SendTaskSuccess(ctx, &awssfn.SendTaskSuccessInput{TaskToken: task.TaskToken, Output: aws.String(`{"ok":true}`)})
			return err
		}
	})
	reportLatencies(b, ds, time.Since(t0), "round-trips/s")
}
