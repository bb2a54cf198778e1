// Package operation applies DynamoDB's item operations (PutItem,
// UpdateItem, DeleteItem, GetItem) to one item, and runs Query and Scan
// over a table's items. Each is a pure function: a request is decoded and
// checked against the table's schema once (Decode), then applied to the
// item as it is (Request.Apply), which says what to write and what to
// answer. The tables processor applies them in log order per item, which
// is what makes a condition and its write atomic.
package operation

import (
	"bytes"
	"encoding/json"

	"github.com/mie-kafka/mie/internal/tables"
	"github.com/mie-kafka/mie/internal/tables/expr"
)

// Item operations, by DynamoDB's action names.
const (
	PutItem    = "PutItem"
	UpdateItem = "UpdateItem"
	DeleteItem = "DeleteItem"
	GetItem    = "GetItem"
)

// IsItemOperation reports whether op is one of the four.
func IsItemOperation(op string) bool {
	return op == PutItem || op == UpdateItem || op == DeleteItem || op == GetItem
}

// ReturnValues settings.
const (
	ReturnNone       = "NONE"
	ReturnAllOld     = "ALL_OLD"
	ReturnUpdatedOld = "UPDATED_OLD"
	ReturnAllNew     = "ALL_NEW"
	ReturnUpdatedNew = "UPDATED_NEW"
)

// Outcome is what applying an operation to an item yields.
type Outcome struct {
	// Write is set when the item changes: Item is its new image, or nil
	// when it is deleted.
	Write bool
	Item  tables.Item
	// Output is DynamoDB's response.
	Output Output
}

// Output is an item operation's response: Attributes (ReturnValues) for
// writes, Item for GetItem; members without a value are left out, as
// DynamoDB leaves them out.
type Output struct {
	Attributes tables.Item `json:"Attributes,omitempty"`
	Item       tables.Item `json:"Item,omitempty"`
}

// Request is an item operation decoded and checked against a schema.
type Request interface {
	// Key is the primary key of the item the operation acts on.
	Key() tables.Item
	// Apply applies the operation to the item as it is (nil: there is
	// none). A failed condition is a ConditionalCheckFailedException.
	Apply(cur tables.Item) (Outcome, error)
}

// common are the members every item operation may carry.
type common struct {
	TableName                           string            `json:"TableName"`
	ConditionExpression                 *string           `json:"ConditionExpression"`
	ExpressionAttributeNames            map[string]string `json:"ExpressionAttributeNames"`
	ExpressionAttributeValues           json.RawMessage   `json:"ExpressionAttributeValues"`
	ReturnValues                        string            `json:"ReturnValues"`
	ReturnValuesOnConditionCheckFailure string            `json:"ReturnValuesOnConditionCheckFailure"`
	ReturnConsumedCapacity              string            `json:"ReturnConsumedCapacity"`
	ReturnItemCollectionMetrics         string            `json:"ReturnItemCollectionMetrics"`
	// The legacy parameters, refused (see the package's Decode).
	Expected            json.RawMessage `json:"Expected"`
	ConditionalOperator json.RawMessage `json:"ConditionalOperator"`
	AttributeUpdates    json.RawMessage `json:"AttributeUpdates"`
}

// Decode reads and checks an item operation's request against the
// table's schema.
func Decode(op string, s *tables.Schema, raw json.RawMessage) (Request, error) {
	switch op {
	case PutItem:
		return decodePut(s, raw)
	case UpdateItem:
		return decodeUpdate(s, raw)
	case DeleteItem:
		return decodeDelete(s, raw)
	case GetItem:
		return decodeGet(s, raw)
	}
	return nil, tables.Errorf(tables.UnknownOperationException, "unknown item operation %q", op)
}

// decodeJSON reads a request body into v; a body that is not a JSON
// object of the right shape is a SerializationException.
func decodeJSON(raw json.RawMessage, v any) error {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		raw = []byte("{}")
	}
	if err := json.Unmarshal(raw, v); err != nil {
		if e := tables.AsError(err); e.Code != tables.InternalServerError {
			return e
		}
		return tables.Errorf(tables.SerializationException, "the request is not a valid JSON object of the operation's shape: %v", err)
	}
	return nil
}

// conditional is what every write decodes: its condition, attributes and
// ReturnValues.
type conditional struct {
	attrs       *expr.Attributes
	cond        *expr.Condition
	returnOld   bool // ReturnValuesOnConditionCheckFailure ALL_OLD
	returnValue string
}

// prepare decodes the common members. exprs tells whether the operation
// has other expressions (an UpdateExpression), for the check that
// attribute names and values are only given with expressions.
func (c *common) prepare(allowed []string, hasOther bool, what string) (*conditional, error) {
	if len(c.Expected) > 0 || len(c.ConditionalOperator) > 0 || len(c.AttributeUpdates) > 0 {
		return nil, tables.Errorf(tables.ValidationException,
			"the legacy parameters Expected, ConditionalOperator and AttributeUpdates are not supported here: use ConditionExpression and UpdateExpression")
	}
	rv, err := checkReturnValues(c.ReturnValues, allowed)
	if err != nil {
		return nil, err
	}
	switch c.ReturnValuesOnConditionCheckFailure {
	case "", ReturnNone, ReturnAllOld:
	default:
		return nil, enumError(c.ReturnValuesOnConditionCheckFailure, "returnValuesOnConditionCheckFailure", "[ALL_OLD, NONE]")
	}
	attrs, err := expr.NewAttributes(c.ExpressionAttributeNames, c.ExpressionAttributeValues)
	if err != nil {
		return nil, err
	}
	if c.ConditionExpression == nil && !hasOther && !attrs.Empty() {
		return nil, tables.Errorf(tables.ValidationException,
			"ExpressionAttributeNames and ExpressionAttributeValues can only be specified when using expressions: %s is null", what)
	}
	out := &conditional{attrs: attrs, returnOld: c.ReturnValuesOnConditionCheckFailure == ReturnAllOld, returnValue: rv}
	if c.ConditionExpression != nil {
		if out.cond, err = expr.ParseCondition(*c.ConditionExpression, expr.WhatCondition, attrs); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// check evaluates the condition on the item as it is.
func (c *conditional) check(cur tables.Item) error {
	if c.cond.Eval(cur) {
		return nil
	}
	e := tables.Errorf(tables.ConditionalCheckFailedException, "The conditional request failed")
	if c.returnOld && cur != nil {
		e.Item = cur
	}
	return e
}

func checkReturnValues(rv string, allowed []string) (string, error) {
	switch rv {
	case "":
		return ReturnNone, nil
	case ReturnNone, ReturnAllOld, ReturnUpdatedOld, ReturnAllNew, ReturnUpdatedNew:
	default:
		return "", enumError(rv, "returnValues", "[ALL_NEW, UPDATED_OLD, ALL_OLD, NONE, UPDATED_NEW]")
	}
	for _, a := range allowed {
		if rv == a {
			return rv, nil
		}
	}
	return "", tables.Errorf(tables.ValidationException, "Return values set to invalid value")
}

// enumError is DynamoDB's message for a member outside its enum.
func enumError(v, member, set string) error {
	return tables.Errorf(tables.ValidationException,
		"1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: Member must satisfy enum value set: %s", v, member, set)
}

// required is DynamoDB's message for a missing member.
func required(member string) error {
	return tables.Errorf(tables.ValidationException,
		"1 validation error detected: Value null at '%s' failed to satisfy constraint: Member must not be null", member)
}

// orEmpty is the item as conditions see it: an absent item is empty.
func orEmpty(it tables.Item) tables.Item {
	if it == nil {
		return tables.Item{}
	}
	return it
}

func nonEmpty(it tables.Item) tables.Item {
	if len(it) == 0 {
		return nil
	}
	return it
}
