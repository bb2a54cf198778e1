package operation_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/tables"
	"github.com/mie-kafka/mie/internal/tables/operation"
)

// jobsSchema is the reference pipeline's job table: JobId only.
func jobsSchema(t testing.TB) *tables.Schema {
	t.Helper()
	s, err := tables.NewSchema(events.Table{
		TableName: "Jobs", TableId: "t-1",
		KeySchema:            []events.KeySchemaElement{{AttributeName: "JobId", KeyType: "HASH"}},
		AttributeDefinitions: []events.AttributeDefinition{{AttributeName: "JobId", AttributeType: "S"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func apply(t *testing.T, s *tables.Schema, op, req string, cur tables.Item) (operation.Outcome, error) {
	t.Helper()
	r, err := operation.Decode(op, s, json.RawMessage(req))
	if err != nil {
		return operation.Outcome{}, err
	}
	return r.Apply(cur)
}

func output(t *testing.T, o operation.Outcome) string {
	t.Helper()
	b, err := json.Marshal(o.Output)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

const started = `{"JobId":{"S":"j-1"},"JobStatus":{"S":"STARTED"},"Count":{"N":"1"}}`

func TestItemOperations(t *testing.T) {
	s := jobsSchema(t)
	tests := []struct {
		name, op, req string
		cur           string // "" for no item
		write         bool
		item          string // the item after, "" for deleted or unchanged
		out           string
	}{
		{"put creates", operation.PutItem, `{"TableName":"Jobs","Item":` + started + `}`, "", true, started, `{}`},
		{"put returns the old item", operation.PutItem, `{"TableName":"Jobs","Item":{"JobId":{"S":"j-1"}},"ReturnValues":"ALL_OLD"}`, started, true,
			`{"JobId":{"S":"j-1"}}`, `{"Attributes":` + started + `}`},
		{"put ALL_OLD on a new item returns nothing", operation.PutItem, `{"TableName":"Jobs","Item":{"JobId":{"S":"j-1"}},"ReturnValues":"ALL_OLD"}`, "", true,
			`{"JobId":{"S":"j-1"}}`, `{}`},
		{"put if absent", operation.PutItem, `{"TableName":"Jobs","Item":{"JobId":{"S":"j-1"}},"ConditionExpression":"attribute_not_exists(JobId)"}`, "", true,
			`{"JobId":{"S":"j-1"}}`, `{}`},
		{"update upserts", operation.UpdateItem, `{"TableName":"Jobs","Key":{"JobId":{"S":"j-2"}},"UpdateExpression":"SET JobStatus = :s",
			"ExpressionAttributeValues":{":s":{"S":"FAILED_PROCESSING"}},"ReturnValues":"ALL_NEW"}`, "", true,
			`{"JobId":{"S":"j-2"},"JobStatus":{"S":"FAILED_PROCESSING"}}`, `{"Attributes":{"JobId":{"S":"j-2"},"JobStatus":{"S":"FAILED_PROCESSING"}}}`},
		{"update UPDATED_OLD", operation.UpdateItem, `{"TableName":"Jobs","Key":{"JobId":{"S":"j-1"}},"UpdateExpression":"SET JobStatus = :s ADD #c :one",
			"ExpressionAttributeNames":{"#c":"Count"},"ExpressionAttributeValues":{":s":{"S":"PUBLISHED"},":one":{"N":"1"}},"ReturnValues":"UPDATED_OLD"}`, started, true,
			`{"JobId":{"S":"j-1"},"JobStatus":{"S":"PUBLISHED"},"Count":{"N":"2"}}`, `{"Attributes":{"Count":{"N":"1"},"JobStatus":{"S":"STARTED"}}}`},
		{"update UPDATED_NEW", operation.UpdateItem, `{"TableName":"Jobs","Key":{"JobId":{"S":"j-1"}},"UpdateExpression":"REMOVE JobStatus SET Tries = :one",
			"ExpressionAttributeValues":{":one":{"N":"1"}},"ReturnValues":"UPDATED_NEW"}`, started, true,
			`{"JobId":{"S":"j-1"},"Count":{"N":"1"},"Tries":{"N":"1"}}`, `{"Attributes":{"Tries":{"N":"1"}}}`},
		{"update with only a key creates the item", operation.UpdateItem, `{"TableName":"Jobs","Key":{"JobId":{"S":"j-3"}}}`, "", true,
			`{"JobId":{"S":"j-3"}}`, `{}`},
		{"delete", operation.DeleteItem, `{"TableName":"Jobs","Key":{"JobId":{"S":"j-1"}},"ReturnValues":"ALL_OLD"}`, started, true, "",
			`{"Attributes":` + started + `}`},
		{"delete what is not there", operation.DeleteItem, `{"TableName":"Jobs","Key":{"JobId":{"S":"j-1"}}}`, "", false, "", `{}`},
		{"get", operation.GetItem, `{"TableName":"Jobs","Key":{"JobId":{"S":"j-1"}}}`, started, false, "", `{"Item":` + started + `}`},
		{"get projected", operation.GetItem, `{"TableName":"Jobs","Key":{"JobId":{"S":"j-1"}},"ProjectionExpression":"#s",
			"ExpressionAttributeNames":{"#s":"JobStatus"}}`, started, false, "", `{"Item":{"JobStatus":{"S":"STARTED"}}}`},
		{"get AttributesToGet", operation.GetItem, `{"TableName":"Jobs","Key":{"JobId":{"S":"j-1"}},"AttributesToGet":["Count"]}`, started, false, "",
			`{"Item":{"Count":{"N":"1"}}}`},
		{"get nothing", operation.GetItem, `{"TableName":"Jobs","Key":{"JobId":{"S":"j-1"}}}`, "", false, "", `{}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var cur tables.Item
			if tt.cur != "" {
				cur = tables.MustItem(tt.cur)
			}
			o, err := apply(t, s, tt.op, tt.req, cur)
			if err != nil {
				t.Fatal(err)
			}
			if o.Write != tt.write {
				t.Errorf("Write = %v, want %v", o.Write, tt.write)
			}
			if tt.item != "" && !o.Item.Equal(tables.MustItem(tt.item)) {
				t.Errorf("Item = %s, want %s", o.Item.Encode(), tt.item)
			}
			if tt.item == "" && o.Item != nil {
				t.Errorf("Item = %s, want none", o.Item.Encode())
			}
			var got, want any
			_ = json.Unmarshal([]byte(output(t, o)), &got)
			_ = json.Unmarshal([]byte(tt.out), &want)
			if g, w := mustJSON(got), mustJSON(want); g != w {
				t.Errorf("Output = %s, want %s", g, w)
			}
		})
	}
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func TestConditionFailures(t *testing.T) {
	s := jobsSchema(t)
	cur := tables.MustItem(started)
	_, err := apply(t, s, operation.PutItem, `{"TableName":"Jobs","Item":{"JobId":{"S":"j-1"}},"ConditionExpression":"attribute_not_exists(JobId)"}`, cur)
	var e *tables.Error
	if !tables.IsCode(err, tables.ConditionalCheckFailedException) {
		t.Fatalf("err = %v, want ConditionalCheckFailedException", err)
	}
	_, err = apply(t, s, operation.UpdateItem, `{"TableName":"Jobs","Key":{"JobId":{"S":"j-1"}},"UpdateExpression":"SET JobStatus = :s",
		"ConditionExpression":"JobStatus = :old","ExpressionAttributeValues":{":s":{"S":"X"},":old":{"S":"DONE"}},
		"ReturnValuesOnConditionCheckFailure":"ALL_OLD"}`, cur)
	if e = tables.AsError(err); e.Code != tables.ConditionalCheckFailedException || !e.Item.Equal(cur) {
		t.Errorf("err = %v with item %v, want ConditionalCheckFailedException with the old item", err, e.Item)
	}
	if e.Message != "The conditional request failed" {
		t.Errorf("message = %q", e.Message)
	}
	_, err = apply(t, s, operation.DeleteItem, `{"TableName":"Jobs","Key":{"JobId":{"S":"j-1"}},"ConditionExpression":"attribute_exists(JobId)"}`, nil)
	if !tables.IsCode(err, tables.ConditionalCheckFailedException) {
		t.Errorf("delete of a missing item with attribute_exists: err = %v", err)
	}
}

func TestRequestErrors(t *testing.T) {
	s := jobsSchema(t)
	tests := []struct{ op, req, want string }{
		{operation.PutItem, `{"TableName":"Jobs"}`, "Value null at 'item'"},
		{operation.PutItem, `{"TableName":"Jobs","Item":{"Other":{"S":"x"}}}`, "Missing the key JobId in the item"},
		{operation.PutItem, `{"TableName":"Jobs","Item":{"JobId":{"S":"j"}},"ReturnValues":"ALL_NEW"}`, "Return values set to invalid value"},
		{operation.PutItem, `{"TableName":"Jobs","Item":{"JobId":{"S":"j"}},"ReturnValues":"SOME"}`, "Member must satisfy enum value set"},
		{operation.PutItem, `{"TableName":"Jobs","Item":{"JobId":{"S":"j"}},"ExpressionAttributeValues":{":v":{"S":"x"}}}`, "can only be specified when using expressions"},
		{operation.PutItem, `{"TableName":"Jobs","Item":{"JobId":{"S":"j"}},"ConditionExpression":"a = :v","ExpressionAttributeValues":{":v":{"S":"x"},":w":{"S":"y"}}}`, "unused in expressions: keys: {:w}"},
		{operation.PutItem, `{"TableName":"Jobs","Item":{"JobId":{"S":"j"}},"Expected":{"a":{"Exists":false}}}`, "legacy parameters"},
		{operation.PutItem, `{"TableName":"Jobs","Item":{"JobId":{"S":"j"},"Big":{"S":"` + strings.Repeat("x", 410<<10) + `"}}}`, "Item size has exceeded"},
		{operation.PutItem, `{"TableName":"Jobs","Item":{"JobId":{"N":5}}}`, "N member"},
		{operation.PutItem, `[1]`, "not a valid JSON object"},
		{operation.UpdateItem, `{"TableName":"Jobs","Key":{"JobId":{"S":"j"}},"UpdateExpression":"SET JobId = :v","ExpressionAttributeValues":{":v":{"S":"x"}}}`,
			"Cannot update attribute JobId. This attribute is part of the key"},
		{operation.UpdateItem, `{"TableName":"Jobs","Key":{"JobId":{"S":"j"},"Extra":{"S":"x"}}}`, "The provided key element does not match the schema"},
		{operation.UpdateItem, `{"TableName":"Jobs","Key":{"JobId":{"S":"j"}},"UpdateExpression":"SET a = :v"}`, "attribute value: :v"},
		{operation.GetItem, `{"TableName":"Jobs"}`, "Value null at 'key'"},
		{operation.GetItem, `{"TableName":"Jobs","Key":{"JobId":{"S":"j"}},"ProjectionExpression":"a","AttributesToGet":["a"]}`, "Can not use both"},
		{operation.DeleteItem, `{"TableName":"Jobs","Key":{"JobId":{"S":"j"}},"ReturnValues":"ALL_NEW"}`, "Return values set to invalid value"},
	}
	for _, tt := range tests {
		t.Run(tt.op+" "+tt.want, func(t *testing.T) {
			_, err := operation.Decode(tt.op, s, json.RawMessage(tt.req))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want %q", err, tt.want)
			}
			if e := tables.AsError(err); e.Code != tables.ValidationException && e.Code != tables.SerializationException {
				t.Errorf("code = %s", e.Code)
			}
		})
	}
}
