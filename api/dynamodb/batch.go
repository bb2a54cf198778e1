package dynamodb

import (
	"context"
	"encoding/json"
	"sort"
	"sync"

	"github.com/mie-kafka/mie/internal/tables"
	"github.com/mie-kafka/mie/internal/tables/operation"
)

// DynamoDB's batch limits.
const (
	maxBatchWrite = 25
	maxBatchGet   = 100
)

// batchWrite is BatchWriteItem: every put and delete is sent to its
// item's owner at once; each is applied exactly once, but the batch is
// not atomic (as on DynamoDB). Nothing is ever left unprocessed.
func (s *Service) batchWrite(ctx context.Context, body json.RawMessage) (any, error) {
	var in struct {
		RequestItems map[string][]struct {
			PutRequest    *struct{ Item json.RawMessage } `json:"PutRequest"`
			DeleteRequest *struct{ Key json.RawMessage }  `json:"DeleteRequest"`
		} `json:"RequestItems"`
	}
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	type write struct {
		t    *tables.Schema
		op   string
		key  tables.Item
		body json.RawMessage
	}
	var writes []write
	for _, name := range sortedKeys(in.RequestItems) {
		t, err := s.table(ctx, name)
		if err != nil {
			return nil, err
		}
		seen := map[string]bool{}
		for _, w := range in.RequestItems[name] {
			var op string
			var req map[string]any
			switch {
			case w.PutRequest != nil && w.DeleteRequest == nil:
				op, req = operation.PutItem, map[string]any{"TableName": name, "Item": w.PutRequest.Item}
			case w.DeleteRequest != nil && w.PutRequest == nil:
				op, req = operation.DeleteItem, map[string]any{"TableName": name, "Key": w.DeleteRequest.Key}
			default:
				return nil, tables.Errorf(tables.ValidationException, "Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes: a WriteRequest holds a PutRequest or a DeleteRequest")
			}
			b, _ := json.Marshal(req)
			r, err := operation.Decode(op, t, b)
			if err != nil {
				return nil, err
			}
			if k := t.ItemKey(r.Key()); seen[k] {
				return nil, tables.Errorf(tables.ValidationException, "Provided list of item keys contains duplicates")
			} else {
				seen[k] = true
			}
			writes = append(writes, write{t: t, op: op, key: r.Key(), body: b})
		}
	}
	switch {
	case len(writes) == 0:
		return nil, tables.Errorf(tables.ValidationException, "1 validation error detected: Value null at 'requestItems' failed to satisfy constraint: Member must have length greater than or equal to 1")
	case len(writes) > maxBatchWrite:
		return nil, tables.Errorf(tables.ValidationException, "Too many items requested for the BatchWriteItem call")
	}
	errs := make([]error, len(writes))
	var wg sync.WaitGroup
	for i, w := range writes {
		wg.Go(func() { _, errs[i] = s.send(ctx, w.t, w.op, w.key, w.body) })
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return map[string]any{"UnprocessedItems": map[string]any{}}, nil
}

// batchGet is BatchGetItem, read from this instance's projection.
func (s *Service) batchGet(ctx context.Context, body json.RawMessage) (any, error) {
	var in struct {
		RequestItems map[string]json.RawMessage `json:"RequestItems"`
	}
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	responses := map[string][]tables.Item{}
	total := 0
	for _, name := range sortedKeys(in.RequestItems) {
		t, err := s.table(ctx, name)
		if err != nil {
			return nil, err
		}
		var keys struct {
			Keys                     []json.RawMessage `json:"Keys"`
			ProjectionExpression     *string           `json:"ProjectionExpression"`
			AttributesToGet          []string          `json:"AttributesToGet"`
			ExpressionAttributeNames map[string]string `json:"ExpressionAttributeNames"`
			ConsistentRead           bool              `json:"ConsistentRead"`
		}
		if err := decode(in.RequestItems[name], &keys); err != nil {
			return nil, err
		}
		if err := s.consistent(ctx, head{ConsistentRead: keys.ConsistentRead}); err != nil {
			return nil, err
		}
		total += len(keys.Keys)
		if total > maxBatchGet {
			return nil, tables.Errorf(tables.ValidationException, "Too many items requested for the BatchGetItem call")
		}
		seen := map[string]bool{}
		items := []tables.Item{}
		for _, k := range keys.Keys {
			req, _ := json.Marshal(map[string]any{"TableName": name, "Key": k, "ProjectionExpression": keys.ProjectionExpression,
				"AttributesToGet": keys.AttributesToGet, "ExpressionAttributeNames": keys.ExpressionAttributeNames})
			r, err := operation.Decode(operation.GetItem, t, req)
			if err != nil {
				return nil, err
			}
			if ik := t.ItemKey(r.Key()); seen[ik] {
				return nil, tables.Errorf(tables.ValidationException, "Provided list of item keys contains duplicates")
			} else {
				seen[ik] = true
			}
			o, _ := r.Apply(s.cfg.Items.Get(t, r.Key()))
			if o.Output.Item != nil {
				items = append(items, o.Output.Item)
			}
		}
		responses[name] = items
	}
	if total == 0 {
		return nil, tables.Errorf(tables.ValidationException, "1 validation error detected: Value null at 'requestItems' failed to satisfy constraint: Member must have length greater than or equal to 1")
	}
	return map[string]any{"Responses": responses, "UnprocessedKeys": map[string]any{}}, nil
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
