package tables_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/broker"
	"github.com/mie-kafka/mie/internal/kafkatest"
	"github.com/mie-kafka/mie/internal/tables"
	"github.com/mie-kafka/mie/internal/topics"
	"github.com/mie-kafka/mie/internal/transact"
	tablesproc "github.com/mie-kafka/mie/processors/tables"
	"github.com/mie-kafka/mie/projections/memory"
)

type env struct {
	t     *testing.T
	kafka broker.Config
	cat   topics.Catalog
	res   *memory.Resources
	task  string
}

func newEnv(t *testing.T) *env {
	kafka, cat := kafkatest.Start(t)
	task, err := cat.Task("builtin:aws.dynamodb")
	if err != nil {
		t.Fatal(err)
	}
	kafkatest.Ensure(t, kafka, cat.TaskSpec(task))
	e := &env{t: t, kafka: kafka, cat: cat, task: task}
	e.res, err = memory.NewResources(memory.ResourcesConfig{Kafka: kafka, Catalog: cat, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	e.run(e.res.Run)
	return e
}

// run runs fn until the test ends, and returns a func that stops it
// early and waits for it.
func (e *env) run(fn func(context.Context) error) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() {
		if err := fn(ctx); err != nil {
			e.t.Error(err)
		}
	})
	var once sync.Once
	stop = func() { once.Do(func() { cancel(); wg.Wait() }) }
	e.t.Cleanup(stop)
	return stop
}

func (e *env) processor(instance string) (stop func()) {
	p, err := tablesproc.New(tablesproc.Config{
		Config: transact.Config{Kafka: e.kafka, Catalog: e.cat, TransactionalID: e.cat.Group("mie-tables-" + instance),
			SessionTimeout: 3 * time.Second, Logger: slog.New(slog.DiscardHandler)},
		Resources: e.res,
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return e.run(p.Run)
}

func (e *env) record(topic, key string, p events.Payload) *kgo.Record {
	env, err := events.New(key, "test", p)
	if err != nil {
		e.t.Fatal(err)
	}
	r, err := env.Record(topic)
	if err != nil {
		e.t.Fatal(err)
	}
	return r
}

// createJobs defines the job table: JobId only.
func (e *env) createJobs() *tables.Schema {
	tb := events.Table{TableName: "Jobs", TableId: events.NewID(), TableArn: "arn:aws:dynamodb:us-east-1:000000000000:table/Jobs",
		KeySchema:            []events.KeySchemaElement{{AttributeName: "JobId", KeyType: "HASH"}},
		AttributeDefinitions: []events.AttributeDefinition{{AttributeName: "JobId", AttributeType: "S"}},
		BillingMode:          "PAY_PER_REQUEST", Created: time.Now().UTC()}
	kafkatest.ProduceTxn(e.t, e.kafka, e.record(e.cat.Resources(), "table/Jobs", &events.TableCreated{Table: tb}))
	ctx, cancel := context.WithTimeout(context.Background(), kafkatest.Timeout)
	defer cancel()
	if err := e.res.Sync(ctx); err != nil {
		e.t.Fatal(err)
	}
	s, _ := e.res.Table("Jobs")
	return s
}

// ask sends an API operation and returns its request id.
func (e *env) ask(s *tables.Schema, op, jobID, req string) string {
	id := events.NewID()
	key := s.ItemKey(tables.Item{"JobId": tables.String(jobID)})
	kafkatest.Produce(e.t, e.kafka, e.record(e.cat.TableRequests(), key, &events.TableOperation{
		RequestId: id, Operation: op, TableName: "Jobs", Request: json.RawMessage(req), ReplyTo: "test"}))
	return id
}

func answers(t *testing.T, cl *kgo.Client, n int) map[string]*events.TableOperationAnswered {
	out := map[string]*events.TableOperationAnswered{}
	for _, r := range kafkatest.Collect(t, cl, n) {
		_, p, err := events.DecodeRecord(r)
		if err != nil {
			t.Fatal(err)
		}
		a := p.(*events.TableOperationAnswered)
		out[a.RequestId] = a
	}
	return out
}

// TestConditionalWritesNeverRace: twenty "create if absent" puts and
// twenty counter increments on one item, sent at once by many producers:
// exactly one put wins, every increment is applied once.
func TestConditionalWritesNeverRace(t *testing.T) {
	e := newEnv(t)
	s := e.createJobs()
	e.processor("a")
	replies := kafkatest.Client(t, e.kafka, e.cat.TableReplies())
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Go(func() {
			e.ask(s, "PutItem", "j-1", fmt.Sprintf(`{"TableName":"Jobs","Item":{"JobId":{"S":"j-1"},"Owner":{"N":"%d"},"Count":{"N":"0"}},
				"ConditionExpression":"attribute_not_exists(JobId)"}`, i))
		})
	}
	wg.Wait()
	got := answers(t, replies, 20)
	won := 0
	for _, a := range got {
		switch a.Error {
		case "":
			won++
		case "ConditionalCheckFailedException":
		default:
			t.Errorf("unexpected answer %+v", a)
		}
	}
	if won != 1 {
		t.Fatalf("%d puts won, want exactly 1", won)
	}
	for range 20 {
		wg.Go(func() {
			e.ask(s, "UpdateItem", "j-1", `{"TableName":"Jobs","Key":{"JobId":{"S":"j-1"}},"UpdateExpression":"ADD #c :one",
				"ConditionExpression":"attribute_exists(JobId)","ExpressionAttributeNames":{"#c":"Count"},
				"ExpressionAttributeValues":{":one":{"N":"1"}}}`)
		})
	}
	wg.Wait()
	for _, a := range answers(t, replies, 20) {
		if a.Error != "" {
			t.Errorf("increment failed: %+v", a)
		}
	}
	id := e.ask(s, "GetItem", "j-1", `{"TableName":"Jobs","Key":{"JobId":{"S":"j-1"}}}`)
	a := answers(t, replies, 1)[id]
	var out struct{ Item tables.Item }
	if err := json.Unmarshal(a.Output, &out); err != nil {
		t.Fatal(err)
	}
	if c := out.Item["Count"].Str(); c != "20" {
		t.Errorf("Count = %s after 20 increments, want 20 (%s)", c, a.Output)
	}
}

// TestOwnerRebuildsItsItems: a new owner (after the first stopped) folds
// the tables topic, so conditions see the items written before.
func TestOwnerRebuildsItsItems(t *testing.T) {
	e := newEnv(t)
	s := e.createJobs()
	stop := e.processor("a")
	replies := kafkatest.Client(t, e.kafka, e.cat.TableReplies())
	e.ask(s, "PutItem", "j-1", `{"TableName":"Jobs","Item":{"JobId":{"S":"j-1"},"JobStatus":{"S":"STARTED"}}}`)
	answers(t, replies, 1)
	stop()
	e.processor("b")
	id := e.ask(s, "UpdateItem", "j-1", `{"TableName":"Jobs","Key":{"JobId":{"S":"j-1"}},"UpdateExpression":"SET JobStatus = :s",
		"ConditionExpression":"JobStatus = :old","ExpressionAttributeValues":{":s":{"S":"PUBLISHED"},":old":{"S":"STARTED"}},"ReturnValues":"ALL_NEW"}`)
	a := answers(t, replies, 1)[id]
	if a.Error != "" || !strings.Contains(string(a.Output), "PUBLISHED") {
		t.Errorf("answer = %+v, want the update applied to the item as the first owner left it", a)
	}
	// The item's records on the tables topic are its images, in order.
	items := kafkatest.Client(t, e.kafka, e.cat.Tables())
	var images []string
	for _, r := range kafkatest.Collect(t, items, 2) {
		c, err := tables.ChangeOf(r)
		if err != nil {
			t.Fatal(err)
		}
		images = append(images, c.Item["JobStatus"].Str())
	}
	if strings.Join(images, ",") != "STARTED,PUBLISHED" {
		t.Errorf("images = %v", images)
	}
}

// TestTasksAreAnsweredAsStepFunctionsDoes: a dynamodb task is applied and
// answered with DynamoDB's response and Step Functions' metadata, or
// fails with DynamoDB.<Error>.
func TestTasksAreAnsweredAsStepFunctionsDoes(t *testing.T) {
	e := newEnv(t)
	e.createJobs()
	e.processor("a")
	results := kafkatest.Client(t, e.kafka, e.cat.Results())
	task := func(n int, resource, payload string) {
		kafkatest.Produce(t, e.kafka, e.record(e.task, "exec-1", &events.OperatorTaskRequest{
			Name: resource, WorkflowExecutionId: "exec-1", Path: "RecordJobStart", TaskId: fmt.Sprintf("task-%d", n),
			Attempt: 1, Delivery: 1, Phase: events.PhaseStart,
			Invocation: events.Invocation{Run: int32(n), Resource: resource, Payload: json.RawMessage(payload)}}))
	}
	task(1, "arn:aws:states:::dynamodb:putItem", `{"TableName":"Jobs","Item":{"JobId":{"S":"j-9"},"JobStatus":{"S":"STARTED"}}}`)
	task(2, "arn:aws:states:::dynamodb:putItem", `{"TableName":"Nope","Item":{"JobId":{"S":"j-9"}}}`)
	task(3, "arn:aws:states:::dynamodb:putItem", `{"TableName":"Jobs","Item":{"JobId":{"N":"9"}}}`)
	byTask := map[string]*events.OperatorResult{}
	for _, r := range kafkatest.Collect(t, results, 3) {
		_, p, _ := events.DecodeRecord(r)
		res := p.(*events.OperatorResult)
		byTask[res.TaskId] = res
	}
	if r := byTask["task-1"]; r.Status != events.ResultComplete || !strings.Contains(string(r.Output), `"HttpStatusCode":200`) || r.Run != 1 {
		t.Errorf("putItem = %+v", r)
	}
	if r := byTask["task-2"]; r.Error != "DynamoDB.ResourceNotFoundException" {
		t.Errorf("unknown table = %+v", r)
	}
	if r := byTask["task-3"]; r.Error != "DynamoDB.ValidationException" || !strings.Contains(r.Cause, "Type mismatch for key JobId") {
		t.Errorf("wrong key type = %+v", r)
	}
	task(4, "arn:aws:states:::aws-sdk:dynamodb:getItem", `{"TableName":"Jobs","Key":{"JobId":{"S":"j-9"}}}`)
	task(5, "arn:aws:states:::dynamodb:putItem", `{"TableName":"Jobs","Item":{"JobId":{"S":"j-9"}},"ConditionExpression":"attribute_not_exists(JobId)"}`)
	task(6, "arn:aws:states:::aws-sdk:dynamodb:deleteItem", `{"TableName":"Jobs","Key":{"JobId":{"S":"j-9"}},"ConditionExpression":"JobStatus = :s",
		"ExpressionAttributeValues":{":s":{"S":"DONE"}}}`)
	for _, r := range kafkatest.Collect(t, results, 3) {
		_, p, _ := events.DecodeRecord(r)
		res := p.(*events.OperatorResult)
		byTask[res.TaskId] = res
	}
	if r := byTask["task-4"]; r.Status != events.ResultComplete || string(r.Output) != `{"Item":{"JobId":{"S":"j-9"},"JobStatus":{"S":"STARTED"}}}` {
		t.Errorf("aws-sdk getItem = %s %s", r.Status, r.Output)
	}
	if r := byTask["task-5"]; r.Error != "DynamoDB.ConditionalCheckFailedException" || !strings.HasPrefix(r.Cause, "The conditional request failed (Service: AmazonDynamoDBv2") {
		t.Errorf("failed condition = %+v", r)
	}
	if r := byTask["task-6"]; r.Error != "DynamoDb.ConditionalCheckFailedException" {
		t.Errorf("aws-sdk failed condition = %+v", r)
	}
}
