package dynamodb

import (
	"context"
	"encoding/json"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/tables"
	"github.com/mie-kafka/mie/internal/tables/operation"
)

// head is what every item action names: its table, and whether it asks
// for consumed capacity.
type head struct {
	TableName              string `json:"TableName"`
	ReturnConsumedCapacity string `json:"ReturnConsumedCapacity"`
	ConsistentRead         bool   `json:"ConsistentRead"`
}

func (s *Service) putItem(ctx context.Context, body json.RawMessage) (any, error) {
	return s.write(ctx, operation.PutItem, body)
}

func (s *Service) updateItem(ctx context.Context, body json.RawMessage) (any, error) {
	return s.write(ctx, operation.UpdateItem, body)
}

func (s *Service) deleteItem(ctx context.Context, body json.RawMessage) (any, error) {
	return s.write(ctx, operation.DeleteItem, body)
}

// write checks an item write here (so that a bad request costs no round
// trip), sends it to the item's owner and waits for the answer; then it
// waits until this instance's projection shows the write, so that a read
// after it sees it.
func (s *Service) write(ctx context.Context, op string, body json.RawMessage) (any, error) {
	var h head
	if err := decode(body, &h); err != nil {
		return nil, err
	}
	t, err := s.table(ctx, h.TableName)
	if err != nil {
		return nil, err
	}
	req, err := operation.Decode(op, t, body)
	if err != nil {
		return nil, err
	}
	out, err := s.send(ctx, t, op, req.Key(), body)
	if err != nil {
		return nil, err
	}
	return withCapacity(out, h, t, 1), nil
}

// send asks the owner of the item to apply an operation and returns its
// response, after this instance's projection has caught up with the
// item's partition.
func (s *Service) send(ctx context.Context, t *tables.Schema, op string, key tables.Item, body json.RawMessage) (map[string]any, error) {
	a, part, err := s.req.do(ctx, t.ItemKey(key), &events.TableOperation{
		RequestId: events.NewID(), Operation: op, TableName: t.Table.TableName, Request: body})
	if err != nil {
		return nil, err
	}
	if a.Error != "" {
		e := &tables.Error{Code: tables.Code(a.Error), Message: a.Message}
		if len(a.Item) > 0 {
			e.Item, _ = tables.DecodeItem(a.Item)
		}
		return nil, e
	}
	if err := s.cfg.Items.SyncPartition(ctx, part); err != nil {
		return nil, tables.Errorf(tables.ServiceUnavailable, "the write was applied but is not yet readable here: %v", err)
	}
	out := map[string]any{}
	if err := json.Unmarshal(a.Output, &out); err != nil {
		return nil, err
	}
	return out, nil
}

// withCapacity adds ConsumedCapacity when it is asked for: one unit per
// item touched, as an estimate (mie provisions nothing).
func withCapacity(out map[string]any, h head, t *tables.Schema, units float64) map[string]any {
	switch h.ReturnConsumedCapacity {
	case "TOTAL", "INDEXES":
		out["ConsumedCapacity"] = map[string]any{"TableName": t.Table.TableName, "CapacityUnits": units}
	}
	return out
}

// getItem reads the item from this instance's projection: it shows every
// write made through this instance; ConsistentRead also waits for every
// write committed anywhere before the read.
func (s *Service) getItem(ctx context.Context, body json.RawMessage) (any, error) {
	var h head
	if err := decode(body, &h); err != nil {
		return nil, err
	}
	t, err := s.table(ctx, h.TableName)
	if err != nil {
		return nil, err
	}
	req, err := operation.Decode(operation.GetItem, t, body)
	if err != nil {
		return nil, err
	}
	if h.ConsistentRead {
		if err := s.cfg.Items.SyncPartition(ctx, PartitionOf(t.ItemKey(req.Key()), s.cfg.Catalog.Partitions)); err != nil {
			return nil, tables.Errorf(tables.ServiceUnavailable, "the items cannot be read: %v", err)
		}
	}
	o, err := req.Apply(s.cfg.Items.Get(t, req.Key()))
	if err != nil {
		return nil, err
	}
	out := map[string]any{}
	if o.Output.Item != nil {
		out["Item"] = o.Output.Item
	}
	return withCapacity(out, h, t, 0.5), nil
}

func (s *Service) query(ctx context.Context, body json.RawMessage) (any, error) {
	var h head
	if err := decode(body, &h); err != nil {
		return nil, err
	}
	t, err := s.table(ctx, h.TableName)
	if err != nil {
		return nil, err
	}
	q, err := operation.DecodeQuery(t, body)
	if err != nil {
		return nil, err
	}
	if err := s.consistent(ctx, h); err != nil {
		return nil, err
	}
	var candidates []tables.Item
	if q.Index() == "" {
		candidates = s.cfg.Items.WithHash(t, q.Hash)
	} else {
		candidates = s.cfg.Items.All(t)
	}
	return q.Run(candidates), nil
}

func (s *Service) scan(ctx context.Context, body json.RawMessage) (any, error) {
	var h head
	if err := decode(body, &h); err != nil {
		return nil, err
	}
	t, err := s.table(ctx, h.TableName)
	if err != nil {
		return nil, err
	}
	sc, err := operation.DecodeScan(t, body)
	if err != nil {
		return nil, err
	}
	if err := s.consistent(ctx, h); err != nil {
		return nil, err
	}
	return sc.Run(s.cfg.Items.All(t)), nil
}

// consistent waits, for a ConsistentRead, until every write committed
// before the read is in the projection.
func (s *Service) consistent(ctx context.Context, h head) error {
	if !h.ConsistentRead {
		return nil
	}
	if err := s.cfg.Items.Sync(ctx); err != nil {
		return tables.Errorf(tables.ServiceUnavailable, "the items cannot be read: %v", err)
	}
	return nil
}
