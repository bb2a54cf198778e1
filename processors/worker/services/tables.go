package services

import (
	"context"
	"encoding/json"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/tables"
	"github.com/mie-kafka/mie/internal/tables/operation"
	"github.com/mie-kafka/mie/internal/topics"
	"github.com/mie-kafka/mie/processors/worker"
)

// TableDefinitions is where tables are defined: the resources projection.
type TableDefinitions interface {
	Table(name string) (*tables.Schema, bool)
	Sync(ctx context.Context) error
}

// Tables lets a function write items as a side effect, the way a Lambda
// calls UpdateItem: the write is checked here, then sent to the item's
// owner in the running task's transaction, so it is applied exactly once
// when (and only if) the task's result commits. Nobody waits for the
// answer: a write the owner refuses (a failed condition, a table deleted
// meanwhile) is logged there and dropped.
type Tables struct {
	Catalog     topics.Catalog
	Definitions TableDefinitions
}

// Write sends one item operation (PutItem, UpdateItem or DeleteItem) in
// DynamoDB's JSON.
func (t *Tables) Write(ctx context.Context, op string, request json.RawMessage) error {
	var head struct {
		TableName string `json:"TableName"`
	}
	if err := json.Unmarshal(request, &head); err != nil {
		return tables.Errorf(tables.SerializationException, "the request is not a JSON object: %v", err)
	}
	s, ok := t.Definitions.Table(head.TableName)
	if !ok {
		if err := t.Definitions.Sync(ctx); err == nil {
			s, ok = t.Definitions.Table(head.TableName)
		}
	}
	if !ok {
		return tables.Errorf(tables.ResourceNotFoundException, "Requested resource not found")
	}
	if op == operation.GetItem || !operation.IsItemOperation(op) {
		return tables.Errorf(tables.ValidationException, "Write takes PutItem, UpdateItem or DeleteItem, not %s", op)
	}
	req, err := operation.Decode(op, s, request)
	if err != nil {
		return err
	}
	return worker.Emit(ctx, t.Catalog.TableRequests(), s.ItemKey(req.Key()),
		&events.TableOperation{RequestId: events.NewID(), Operation: op, TableName: s.Table.TableName, Request: request})
}

// PlainUpdate is an UpdateItem with plain JSON values (strings, numbers,
// booleans, nil, lists, objects), as boto3's Table.update_item takes them
// and the reference pipeline's Lambdas write them.
type PlainUpdate struct {
	TableName                 string            `json:"TableName"`
	Key                       map[string]any    `json:"Key"`
	UpdateExpression          string            `json:"UpdateExpression"`
	ExpressionAttributeNames  map[string]string `json:"ExpressionAttributeNames,omitempty"`
	ExpressionAttributeValues map[string]any    `json:"ExpressionAttributeValues,omitempty"`
}

// UpdatePlain converts a plain update into DynamoDB's JSON (as
// tables.FromPlain does) and writes it.
func (t *Tables) UpdatePlain(ctx context.Context, u PlainUpdate) error {
	key, err := tables.ItemFromPlain(u.Key)
	if err != nil {
		return err
	}
	req := map[string]any{"TableName": u.TableName, "Key": key, "UpdateExpression": u.UpdateExpression}
	if len(u.ExpressionAttributeNames) > 0 {
		req["ExpressionAttributeNames"] = u.ExpressionAttributeNames
	}
	if len(u.ExpressionAttributeValues) > 0 {
		vals, err := tables.ItemFromPlain(u.ExpressionAttributeValues)
		if err != nil {
			return err
		}
		req["ExpressionAttributeValues"] = vals
	}
	body, err := json.Marshal(req)
	if err != nil {
		return err
	}
	return t.Write(ctx, operation.UpdateItem, body)
}
