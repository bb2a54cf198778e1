package events

import (
	"encoding/json"
	"time"
)

// Tables (DynamoDB's model, kept as events; docs/tables.md).
//
// A table's definition is a TableCreated on the resources topic, keyed
// "table/<name>"; TableDeleted ends it. Items live on the compacted
// tables topic, one key per item ("<table>/<key>", see
// internal/tables.ItemKey): each record is the item's whole new image
// (ItemWritten) or its deletion (ItemDeleted), so the latest record of a
// key is the item. Writes are asked for with TableOperation on
// table-requests, keyed like the item, and answered with
// TableOperationAnswered on table-replies (a DynamoDB API request) or an
// OperatorResult on results (a Step Functions task).

// Table is a table's definition, in DynamoDB's names (CreateTable's and
// DescribeTable's). TableId names this incarnation: a table deleted and
// created again under the same name has a new one, and items written
// under an older one are not its items.
type Table struct {
	TableName              string                `json:"TableName"`
	TableId                string                `json:"TableId"`
	TableArn               string                `json:"TableArn"`
	KeySchema              []KeySchemaElement    `json:"KeySchema"`
	AttributeDefinitions   []AttributeDefinition `json:"AttributeDefinitions"`
	BillingMode            string                `json:"BillingMode,omitempty"`
	ProvisionedThroughput  *Throughput           `json:"ProvisionedThroughput,omitempty"`
	GlobalSecondaryIndexes []SecondaryIndex      `json:"GlobalSecondaryIndexes,omitempty"`
	LocalSecondaryIndexes  []SecondaryIndex      `json:"LocalSecondaryIndexes,omitempty"`
	Tags                   []Tag                 `json:"Tags,omitempty"`
	Created                time.Time             `json:"Created"`
}

// KeySchemaElement is one key attribute: KeyType HASH (the partition key)
// or RANGE (the sort key).
type KeySchemaElement struct {
	AttributeName string `json:"AttributeName"`
	KeyType       string `json:"KeyType"`
}

// AttributeDefinition declares a key attribute's type: S, N or B.
type AttributeDefinition struct {
	AttributeName string `json:"AttributeName"`
	AttributeType string `json:"AttributeType"`
}

// Throughput is a provisioned capacity, kept and reported, never enforced.
type Throughput struct {
	ReadCapacityUnits  int64 `json:"ReadCapacityUnits"`
	WriteCapacityUnits int64 `json:"WriteCapacityUnits"`
}

// SecondaryIndex is a global or local secondary index.
type SecondaryIndex struct {
	IndexName             string             `json:"IndexName"`
	KeySchema             []KeySchemaElement `json:"KeySchema"`
	Projection            IndexProjection    `json:"Projection"`
	ProvisionedThroughput *Throughput        `json:"ProvisionedThroughput,omitempty"`
}

// IndexProjection says which attributes an index holds: KEYS_ONLY,
// INCLUDE (with NonKeyAttributes) or ALL.
type IndexProjection struct {
	ProjectionType   string   `json:"ProjectionType"`
	NonKeyAttributes []string `json:"NonKeyAttributes,omitempty"`
}

// TableCreated defines a table (resources topic, key "table/<name>"). Of
// two creations of one name with no deletion between, the first in the
// log wins and the second is void: every reader folds the same order, so
// all agree.
type TableCreated struct {
	Table Table `json:"Table"`
}

// TableDeleted ends the table incarnation TableId (a deletion naming
// another incarnation is void).
type TableDeleted struct {
	TableName string `json:"TableName"`
	TableId   string `json:"TableId"`
}

// ItemWritten is an item's new image after a PutItem or UpdateItem (tables
// topic, keyed by the item). Key and Item are in DynamoDB's JSON (maps of
// AttributeValues); RequestId is the TableOperation that wrote it.
type ItemWritten struct {
	TableName string          `json:"TableName"`
	TableId   string          `json:"TableId"`
	Key       json.RawMessage `json:"Key"`
	Item      json.RawMessage `json:"Item"`
	Operation string          `json:"Operation"`
	RequestId string          `json:"RequestId"`
}

// ItemDeleted is an item's deletion by DeleteItem.
type ItemDeleted struct {
	TableName string          `json:"TableName"`
	TableId   string          `json:"TableId"`
	Key       json.RawMessage `json:"Key"`
	Operation string          `json:"Operation"`
	RequestId string          `json:"RequestId"`
}

// TableOperation asks the tables processor to apply one item operation
// (table-requests topic, keyed by the item, so one owner applies every
// operation on an item, in order). Operation is DynamoDB's action
// (PutItem, UpdateItem, DeleteItem, GetItem) and Request its request, in
// DynamoDB's JSON. Task or ReplyTo says where the answer goes: the Step
// Functions task that asked (an OperatorResult on results) or the API
// instance that waits for it (a TableOperationAnswered on table-replies);
// neither for a function's write, which nobody waits for.
type TableOperation struct {
	RequestId string          `json:"RequestId"`
	Operation string          `json:"Operation"`
	TableName string          `json:"TableName"`
	Request   json.RawMessage `json:"Request"`
	Task      *TaskOrigin     `json:"Task,omitempty"`
	ReplyTo   string          `json:"ReplyTo,omitempty"`
}

// TaskOrigin is the task a TableOperation answers: the fields that tie
// its OperatorResult to the dispatch, and the Task state's Resource
// (whose form decides the result's shape and the errors' prefix).
type TaskOrigin struct {
	WorkflowExecutionId string `json:"WorkflowExecutionId"`
	Name                string `json:"Name"`
	StageName           string `json:"StageName,omitempty"`
	Path                string `json:"Path"`
	TaskId              string `json:"TaskId"`
	Attempt             int    `json:"Attempt"`
	Phase               string `json:"Phase"`
	Delivery            int    `json:"Delivery,omitempty"`
	Run                 int32  `json:"Run,omitempty"`
	Resource            string `json:"Resource"`
}

// TableOperationAnswered is the answer to a TableOperation asked by an
// API instance (table-replies topic, keyed by ReplyTo). Output is
// DynamoDB's response; on failure Error is DynamoDB's error name,
// Message its message and Item the item as it was (a failed condition
// asked for ReturnValuesOnConditionCheckFailure ALL_OLD).
type TableOperationAnswered struct {
	RequestId string          `json:"RequestId"`
	Output    json.RawMessage `json:"Output,omitempty"`
	Error     string          `json:"Error,omitempty"`
	Message   string          `json:"Message,omitempty"`
	Item      json.RawMessage `json:"Item,omitempty"`
}

func (*TableCreated) EventType() string           { return "TableCreated" }
func (*TableDeleted) EventType() string           { return "TableDeleted" }
func (*ItemWritten) EventType() string            { return "ItemWritten" }
func (*ItemDeleted) EventType() string            { return "ItemDeleted" }
func (*TableOperation) EventType() string         { return "TableOperation" }
func (*TableOperationAnswered) EventType() string { return "TableOperationAnswered" }

func init() {
	register(KindEvent, 1, func() Payload { return &TableCreated{} })
	register(KindEvent, 1, func() Payload { return &TableDeleted{} })
	register(KindEvent, 1, func() Payload { return &ItemWritten{} })
	register(KindEvent, 1, func() Payload { return &ItemDeleted{} })
	register(KindCommand, 1, func() Payload { return &TableOperation{} })
	register(KindEvent, 1, func() Payload { return &TableOperationAnswered{} })
}
