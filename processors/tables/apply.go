package tables

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/deadletter"
	"github.com/mie-kafka/mie/internal/tables"
	"github.com/mie-kafka/mie/internal/tables/operation"
	"github.com/mie-kafka/mie/internal/transact"
)

// applyRecord applies one TableOperation to the item this owner holds,
// and writes the item's change and the answer.
func (p *Processor) applyRecord(ctx context.Context, b *transact.Batch, r *kgo.Record) {
	st := p.part[r.Partition]
	if st == nil || !st.ready {
		return // not ours (revoked mid-poll): the session aborts this batch
	}
	env, payload, err := events.DecodeRecord(r)
	if err != nil {
		b.DeadLetter(r, deadletter.ReasonUndecodable, err)
		return
	}
	op, ok := payload.(*events.TableOperation)
	if !ok || (op.Task != nil && op.ReplyTo != "") {
		b.DeadLetter(r, deadletter.ReasonUnexpectedType, fmt.Errorf("%w: a %s, not a TableOperation with at most one of Task and ReplyTo", events.ErrMalformed, env.Type))
		return
	}
	key := string(r.Key)
	out, change, err := p.decide(ctx, st, key, op)
	var moved errMoved
	if errors.As(err, &moved) {
		// The table was created again with another key schema since the
		// operation was routed: it belongs to another item's owner.
		p.send(b, &env, r, moved.key, op)
		return
	}
	if change != nil {
		p.write(b, &env, r, st, key, op, change)
	}
	switch {
	case op.Task != nil:
		p.answerTask(b, &env, r, *op.Task, out, err)
	case op.ReplyTo != "":
		p.answerAPI(b, &env, r, op, out, err)
	case err != nil:
		// A function's write, which nobody waits for.
		p.log.Warn("table write refused", "table", op.TableName, "operation", op.Operation, "request", op.RequestId, "err", err)
	}
}

// errMoved says the operation's item has another record key now.
type errMoved struct{ key string }

func (errMoved) Error() string { return "the item's key moved" }

// itemChange is what an operation writes: the new image, or none for a
// deletion, under a table incarnation.
type itemChange struct {
	table *tables.Schema
	key   tables.Item
	item  tables.Item
}

// decide applies the operation to the item as it is: what to answer and
// what to write.
func (p *Processor) decide(ctx context.Context, st *partition, key string, op *events.TableOperation) (*operation.Output, *itemChange, error) {
	s, ok := p.table(ctx, op.TableName)
	if !ok {
		return nil, nil, tables.Errorf(tables.ResourceNotFoundException, "Requested resource not found")
	}
	req, err := operation.Decode(op.Operation, s, op.Request)
	if err != nil {
		return nil, nil, err
	}
	if k := s.ItemKey(req.Key()); k != key {
		return nil, nil, errMoved{key: k}
	}
	o, err := req.Apply(st.current(key, s.Table.TableId))
	if err != nil {
		return nil, nil, err
	}
	if !o.Write {
		return &o.Output, nil, nil
	}
	return &o.Output, &itemChange{table: s, key: req.Key(), item: o.Item}, nil
}

// write produces the item's new record and holds it as the item.
func (p *Processor) write(b *transact.Batch, cause *events.Envelope, r *kgo.Record, st *partition, key string,
	op *events.TableOperation, c *itemChange) {
	t := c.table.Table
	var payload events.Payload = &events.ItemDeleted{TableName: t.TableName, TableId: t.TableId,
		Key: c.key.Encode(), Operation: op.Operation, RequestId: op.RequestId}
	if c.item != nil {
		payload = &events.ItemWritten{TableName: t.TableName, TableId: t.TableId, Key: c.key.Encode(),
			Item: c.item.Encode(), Operation: op.Operation, RequestId: op.RequestId}
	}
	env, err := events.New(key, p.cfg.Producer, payload)
	if err != nil {
		b.Out.Fail(err)
		return
	}
	env.CausedBy(cause, events.PositionOf(r))
	rec, err := env.Record(p.cfg.Catalog.Tables())
	if err != nil {
		b.Out.Fail(err)
		return
	}
	b.Out.Produce(rec)
	if c.item == nil {
		delete(st.items, key)
	} else {
		st.items[key] = stored{tableID: t.TableId, item: c.item}
	}
}

// answerAPI writes the answer an API instance waits for.
func (p *Processor) answerAPI(b *transact.Batch, cause *events.Envelope, r *kgo.Record, op *events.TableOperation, out *operation.Output, err error) {
	ans := &events.TableOperationAnswered{RequestId: op.RequestId}
	if err != nil {
		e := tables.AsError(err)
		ans.Error, ans.Message = string(e.Code), e.Message
		if e.Item != nil {
			ans.Item = e.Item.Encode()
		}
	} else {
		body, merr := json.Marshal(out)
		if merr != nil {
			b.Out.Fail(merr)
			return
		}
		ans.Output = body
	}
	env, eerr := events.New(op.ReplyTo, p.cfg.Producer, ans)
	if eerr != nil {
		b.Out.Fail(eerr)
		return
	}
	env.CausedBy(cause, events.PositionOf(r))
	rec, eerr := env.Record(p.cfg.Catalog.TableReplies())
	if eerr != nil {
		b.Out.Fail(eerr)
		return
	}
	b.Out.Produce(rec)
}
