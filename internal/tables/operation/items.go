package operation

import (
	"encoding/json"

	"github.com/mie-kafka/mie/internal/tables"
	"github.com/mie-kafka/mie/internal/tables/expr"
)

type put struct {
	*conditional
	key, item tables.Item
}

func decodePut(s *tables.Schema, raw json.RawMessage) (Request, error) {
	var in struct {
		common
		Item json.RawMessage `json:"Item"`
	}
	if err := decodeJSON(raw, &in); err != nil {
		return nil, err
	}
	if len(in.Item) == 0 || string(in.Item) == "null" {
		return nil, required("item")
	}
	item, err := tables.DecodeItem(in.Item)
	if err != nil {
		return nil, err
	}
	key, err := s.KeyOf(item)
	if err != nil {
		return nil, err
	}
	if err := item.CheckSize(); err != nil {
		return nil, err
	}
	c, err := in.prepare([]string{ReturnNone, ReturnAllOld}, false, "ConditionExpression")
	if err != nil {
		return nil, err
	}
	if err := c.attrs.Unused(); err != nil {
		return nil, err
	}
	return &put{conditional: c, key: key, item: item}, nil
}

func (p *put) Key() tables.Item { return p.key }

func (p *put) Apply(cur tables.Item) (Outcome, error) {
	if err := p.check(orEmpty(cur)); err != nil {
		return Outcome{}, err
	}
	out := Outcome{Write: true, Item: p.item}
	if p.returnValue == ReturnAllOld {
		out.Output.Attributes = nonEmpty(cur)
	}
	return out, nil
}

type update struct {
	*conditional
	key    tables.Item
	update *expr.Update
}

func decodeUpdate(s *tables.Schema, raw json.RawMessage) (Request, error) {
	var in struct {
		common
		Key              json.RawMessage `json:"Key"`
		UpdateExpression *string         `json:"UpdateExpression"`
	}
	if err := decodeJSON(raw, &in); err != nil {
		return nil, err
	}
	key, err := decodeKey(s, in.Key)
	if err != nil {
		return nil, err
	}
	c, err := in.prepare([]string{ReturnNone, ReturnAllOld, ReturnUpdatedOld, ReturnAllNew, ReturnUpdatedNew},
		in.UpdateExpression != nil, "UpdateExpression and ConditionExpression")
	if err != nil {
		return nil, err
	}
	u := &update{conditional: c, key: key}
	if in.UpdateExpression != nil {
		if u.update, err = expr.ParseUpdate(*in.UpdateExpression, c.attrs); err != nil {
			return nil, err
		}
		for _, p := range u.update.Paths() {
			if s.Key.Has(p.Top()) {
				return nil, tables.Errorf(tables.ValidationException,
					"One or more parameter values were invalid: Cannot update attribute %s. This attribute is part of the key", p.Top())
			}
		}
	}
	if err := c.attrs.Unused(); err != nil {
		return nil, err
	}
	return u, nil
}

func decodeKey(s *tables.Schema, raw json.RawMessage) (tables.Item, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, required("key")
	}
	key, err := tables.DecodeItem(raw)
	if err != nil {
		return nil, err
	}
	return key, s.CheckKey(key)
}

func (u *update) Key() tables.Item { return u.key }

// Apply updates the item, or creates it from its key (UpdateItem is an
// upsert, as on DynamoDB).
func (u *update) Apply(cur tables.Item) (Outcome, error) {
	if err := u.check(orEmpty(cur)); err != nil {
		return Outcome{}, err
	}
	base := cur
	if base == nil {
		base = u.key.Clone()
	}
	next := base
	if u.update != nil {
		var err error
		if next, err = u.update.Apply(base); err != nil {
			return Outcome{}, err
		}
	}
	if err := next.CheckSize(); err != nil {
		return Outcome{}, err
	}
	out := Outcome{Write: true, Item: next}
	var paths []expr.Path
	if u.update != nil {
		paths = u.update.Paths()
	}
	switch u.returnValue {
	case ReturnAllOld:
		out.Output.Attributes = nonEmpty(cur)
	case ReturnAllNew:
		out.Output.Attributes = next
	case ReturnUpdatedOld:
		out.Output.Attributes = nonEmpty(expr.PathsProjection(paths).Apply(orEmpty(cur)))
	case ReturnUpdatedNew:
		out.Output.Attributes = nonEmpty(expr.PathsProjection(paths).Apply(next))
	}
	return out, nil
}

type deleteItem struct {
	*conditional
	key tables.Item
}

func decodeDelete(s *tables.Schema, raw json.RawMessage) (Request, error) {
	var in struct {
		common
		Key json.RawMessage `json:"Key"`
	}
	if err := decodeJSON(raw, &in); err != nil {
		return nil, err
	}
	key, err := decodeKey(s, in.Key)
	if err != nil {
		return nil, err
	}
	c, err := in.prepare([]string{ReturnNone, ReturnAllOld}, false, "ConditionExpression")
	if err != nil {
		return nil, err
	}
	if err := c.attrs.Unused(); err != nil {
		return nil, err
	}
	return &deleteItem{conditional: c, key: key}, nil
}

func (d *deleteItem) Key() tables.Item { return d.key }

// Apply deletes the item; deleting an item that is not there writes
// nothing and succeeds, as on DynamoDB.
func (d *deleteItem) Apply(cur tables.Item) (Outcome, error) {
	if err := d.check(orEmpty(cur)); err != nil {
		return Outcome{}, err
	}
	out := Outcome{Write: cur != nil}
	if d.returnValue == ReturnAllOld {
		out.Output.Attributes = nonEmpty(cur)
	}
	return out, nil
}

type get struct {
	key        tables.Item
	projection *expr.Projection
}

func decodeGet(s *tables.Schema, raw json.RawMessage) (Request, error) {
	var in struct {
		TableName                string            `json:"TableName"`
		Key                      json.RawMessage   `json:"Key"`
		ProjectionExpression     *string           `json:"ProjectionExpression"`
		AttributesToGet          []string          `json:"AttributesToGet"`
		ExpressionAttributeNames map[string]string `json:"ExpressionAttributeNames"`
		ConsistentRead           bool              `json:"ConsistentRead"`
		ReturnConsumedCapacity   string            `json:"ReturnConsumedCapacity"`
	}
	if err := decodeJSON(raw, &in); err != nil {
		return nil, err
	}
	key, err := decodeKey(s, in.Key)
	if err != nil {
		return nil, err
	}
	pr, err := projection(in.ProjectionExpression, in.AttributesToGet, in.ExpressionAttributeNames)
	if err != nil {
		return nil, err
	}
	return &get{key: key, projection: pr}, nil
}

// projection reads ProjectionExpression or the legacy AttributesToGet
// (not both), with the names the expression may use.
func projection(pe *string, toGet []string, names map[string]string) (*expr.Projection, error) {
	attrs, err := expr.NewAttributes(names, nil)
	if err != nil {
		return nil, err
	}
	switch {
	case pe != nil && toGet != nil:
		return nil, tables.Errorf(tables.ValidationException,
			"Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {AttributesToGet} Expression parameters: {ProjectionExpression}")
	case pe == nil && !attrs.Empty():
		return nil, tables.Errorf(tables.ValidationException,
			"ExpressionAttributeNames can only be specified when using expressions")
	case toGet != nil:
		return expr.ProjectPaths(toGet), nil
	case pe == nil:
		return nil, nil
	}
	pr, err := expr.ParseProjection(*pe, attrs)
	if err != nil {
		return nil, err
	}
	return pr, attrs.Unused()
}

func (g *get) Key() tables.Item { return g.key }

func (g *get) Apply(cur tables.Item) (Outcome, error) {
	return Outcome{Output: Output{Item: nonEmpty(g.projection.Apply(cur))}}, nil
}
