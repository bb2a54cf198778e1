package tables

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/asl/failure"
	"github.com/mie-kafka/mie/internal/deadletter"
	"github.com/mie-kafka/mie/internal/functions"
	"github.com/mie-kafka/mie/internal/integrations"
	"github.com/mie-kafka/mie/internal/tables"
	"github.com/mie-kafka/mie/internal/tables/operation"
	"github.com/mie-kafka/mie/internal/transact"
	"github.com/mie-kafka/mie/processors/worker"
)

// actions maps a Task resource's action (optimized: putItem; SDK:
// putItem too, in the SDK integration's camel case) to the operation.
var actions = map[string]string{
	"putItem":    operation.PutItem,
	"getItem":    operation.GetItem,
	"updateItem": operation.UpdateItem,
	"deleteItem": operation.DeleteItem,
}

// route checks one Step Functions task and forwards it to its item's
// owner as a TableOperation, or answers it at once when it cannot be
// applied (an unknown table, an invalid request).
func (p *Processor) route(ctx context.Context, b *transact.Batch, r *kgo.Record) {
	env, payload, err := events.DecodeRecord(r)
	if err != nil {
		b.DeadLetter(r, deadletter.ReasonUndecodable, err)
		return
	}
	t, ok := payload.(*events.OperatorTaskRequest)
	if !ok || t.WorkflowExecutionId == "" {
		b.DeadLetter(r, deadletter.ReasonUnexpectedType, fmt.Errorf("%w: a %s, not a task with a WorkflowExecutionId", events.ErrMalformed, env.Type))
		return
	}
	origin := originOf(t)
	op, err := p.prepare(ctx, t)
	if err != nil {
		p.answerTask(b, &env, r, origin, nil, err)
		return
	}
	op.Task = &origin
	p.send(b, &env, r, op.key, op.TableOperation)
}

// prepared is a TableOperation with the record key of its item.
type prepared struct {
	*events.TableOperation
	key string
}

// prepare reads a task into a TableOperation: its action, its table and
// its item's key. The error is the Task's failure (a *failure.Error or a
// *tables.Error).
func (p *Processor) prepare(ctx context.Context, t *events.OperatorTaskRequest) (*prepared, error) {
	_, action, suffix, ok := functions.Service(t.Resource)
	op, known := actions[action]
	if !ok || !known || suffix != "" {
		return nil, failure.New(failure.Runtime, "the resource %s is not a DynamoDB integration this engine runs: it runs dynamodb:putItem, getItem, updateItem and deleteItem (optimized or aws-sdk, request-response)", t.Resource)
	}
	var head struct {
		TableName *string `json:"TableName"`
	}
	if err := json.Unmarshal(t.Payload, &head); err != nil {
		return nil, tables.Errorf(tables.SerializationException, "the task's parameters are not a JSON object: %v", err)
	}
	if head.TableName == nil {
		return nil, tables.Errorf(tables.ValidationException, "1 validation error detected: Value null at 'tableName' failed to satisfy constraint: Member must not be null")
	}
	if err := operation.CheckTableName(*head.TableName); err != nil {
		return nil, err
	}
	s, found := p.table(ctx, *head.TableName)
	if !found {
		return nil, tables.Errorf(tables.ResourceNotFoundException, "Requested resource not found")
	}
	req, err := operation.Decode(op, s, t.Payload)
	if err != nil {
		return nil, err
	}
	return &prepared{
		TableOperation: &events.TableOperation{RequestId: events.NewID(), Operation: op, TableName: s.Table.TableName, Request: t.Payload},
		key:            s.ItemKey(req.Key()),
	}, nil
}

// send produces a TableOperation to its item's partition of
// table-requests, caused by record r.
func (p *Processor) send(b *transact.Batch, cause *events.Envelope, r *kgo.Record, key string, op *events.TableOperation) {
	env, err := events.New(key, p.cfg.Producer, op)
	if err != nil {
		b.Out.Fail(err)
		return
	}
	env.CausedBy(cause, events.PositionOf(r))
	rec, err := env.Record(p.cfg.Catalog.TableRequests())
	if err != nil {
		b.Out.Fail(err)
		return
	}
	b.Out.Produce(rec)
}

func originOf(t *events.OperatorTaskRequest) events.TaskOrigin {
	return events.TaskOrigin{WorkflowExecutionId: t.WorkflowExecutionId, Name: t.Name, StageName: t.StageName, Path: t.Path,
		TaskId: t.TaskId, Attempt: t.Attempt, Phase: t.Phase, Delivery: t.Delivery, Run: t.Run, Resource: t.Resource}
}

func taskOf(o *events.TaskOrigin) *worker.Task {
	return &events.OperatorTaskRequest{WorkflowExecutionId: o.WorkflowExecutionId, Name: o.Name, StageName: o.StageName,
		Path: o.Path, TaskId: o.TaskId, Attempt: o.Attempt, Phase: o.Phase, Delivery: o.Delivery,
		Invocation: events.Invocation{Run: o.Run, Resource: o.Resource}}
}

// answerTask writes a task's OperatorResult: its output (out), or its
// failure err, as Step Functions names DynamoDB's errors.
func (p *Processor) answerTask(b *transact.Batch, cause *events.Envelope, r *kgo.Record, o events.TaskOrigin, out *operation.Output, err error) {
	t := taskOf(&o)
	var res worker.Result
	if err != nil {
		name, why := taskFailure(o.Resource, err, cause.ID)
		res = worker.Failed(name, why)
	} else {
		res = worker.Returned(taskOutput(o.Resource, out, cause.ID))
	}
	env, eerr := events.New(o.WorkflowExecutionId, p.cfg.Producer, worker.ResultEvent(t, res))
	if eerr != nil {
		b.Out.Fail(eerr)
		return
	}
	env.CausedBy(cause, events.PositionOf(r))
	env.CorrelationID = o.WorkflowExecutionId
	rec, eerr := env.Record(p.cfg.Catalog.Results())
	if eerr != nil {
		b.Out.Fail(eerr)
		return
	}
	b.Out.Produce(rec)
}

// taskFailure names a failure as Step Functions does: DynamoDB.<Error>
// (DynamoDb.<Error> for the SDK integration), or the States error as it
// is.
func taskFailure(resource string, err error, requestID string) (name, cause string) {
	var f *failure.Error
	if errors.As(err, &f) {
		return f.Name, f.Cause
	}
	e := tables.AsError(err)
	status := 400
	if !e.Code.Client() {
		status = 500
	}
	return integrations.DynamoDB.Failure(resource, string(e.Code), e.Message, status, requestID)
}

// taskOutput is the Task's result: DynamoDB's response, with Step
// Functions' metadata for the optimized integration.
func taskOutput(resource string, out *operation.Output, requestID string) map[string]any {
	m := map[string]any{}
	if out.Item != nil {
		m["Item"] = out.Item
	}
	if out.Attributes != nil {
		m["Attributes"] = out.Attributes
	}
	return integrations.WithMetadata(resource, m, "application/x-amz-json-1.0", requestID)
}
