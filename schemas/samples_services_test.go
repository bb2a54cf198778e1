package schemas_test

import (
	"encoding/json"
	"time"

	"github.com/mie-kafka/mie/events"
)

// jobsTable is the reference video pipeline's job table (docs/tables.md),
// with an index and tags so that the samples set every field.
func jobsTable() events.Table {
	return events.Table{
		TableName: "video-workflow-jobs", TableId: "0195f2c1-7a00-7d10-8e2b-3c4d5e6f7a8b",
		TableArn:  "arn:aws:dynamodb:us-east-1:000000000000:table/video-workflow-jobs",
		KeySchema: []events.KeySchemaElement{{AttributeName: "JobId", KeyType: "HASH"}},
		AttributeDefinitions: []events.AttributeDefinition{
			{AttributeName: "JobId", AttributeType: "S"}, {AttributeName: "CreatedAt", AttributeType: "S"}},
		BillingMode:           "PROVISIONED",
		ProvisionedThroughput: &events.Throughput{ReadCapacityUnits: 10, WriteCapacityUnits: 10},
		GlobalSecondaryIndexes: []events.SecondaryIndex{{
			IndexName:             "CreatedAtIndex",
			KeySchema:             []events.KeySchemaElement{{AttributeName: "CreatedAt", KeyType: "HASH"}},
			Projection:            events.IndexProjection{ProjectionType: "INCLUDE", NonKeyAttributes: []string{"JobStatus"}},
			ProvisionedThroughput: &events.Throughput{ReadCapacityUnits: 5, WriteCapacityUnits: 5},
		}},
		LocalSecondaryIndexes: []events.SecondaryIndex{{
			IndexName:  "ByStatus",
			KeySchema:  []events.KeySchemaElement{{AttributeName: "JobId", KeyType: "HASH"}, {AttributeName: "CreatedAt", KeyType: "RANGE"}},
			Projection: events.IndexProjection{ProjectionType: "KEYS_ONLY"},
		}},
		Tags:    []events.Tag{{Key: "Environment", Value: "Production"}},
		Created: time.Date(2026, 3, 14, 9, 0, 0, 0, time.UTC),
	}
}

// serviceSamples are the records of the AWS service integrations: tables.
func serviceSamples() []events.Payload {
	key := json.RawMessage(`{"JobId":{"S":"job-42"}}`)
	item := json.RawMessage(`{"CreatedAt":{"S":"2026-03-14T09:26:53Z"},"JobId":{"S":"job-42"},"JobStatus":{"S":"STARTED"},` +
		`"Outputs":{"L":[{"M":{"format":{"S":"mp4"}}}]},"Renditions":{"NS":["720","1080"]},"Archived":{"BOOL":false},"Notes":{"NULL":true}}`)
	const reqID = "0195f2c1-8b11-7e20-9f3c-4d5e6f7a8b9c"
	return []events.Payload{
		&events.TableCreated{Table: jobsTable()},
		&events.TableDeleted{TableName: "video-workflow-jobs", TableId: "0195f2c1-7a00-7d10-8e2b-3c4d5e6f7a8b"},
		&events.ItemWritten{TableName: "video-workflow-jobs", TableId: "0195f2c1-7a00-7d10-8e2b-3c4d5e6f7a8b",
			Key: key, Item: item, Operation: "PutItem", RequestId: reqID},
		&events.ItemDeleted{TableName: "video-workflow-jobs", TableId: "0195f2c1-7a00-7d10-8e2b-3c4d5e6f7a8b",
			Key: key, Operation: "DeleteItem", RequestId: reqID},
		&events.TableOperation{RequestId: reqID, Operation: "UpdateItem", TableName: "video-workflow-jobs",
			Request: json.RawMessage(`{"TableName":"video-workflow-jobs","Key":{"JobId":{"S":"job-42"}},` +
				`"UpdateExpression":"SET JobStatus = :status","ExpressionAttributeValues":{":status":{"S":"FAILED_PROCESSING"}}}`),
			Task: &events.TaskOrigin{WorkflowExecutionId: smID, Name: "arn:aws:states:::dynamodb:updateItem", StageName: "Main",
				Path: "HandleProcessingFailure", TaskId: "0195f2b8-1a22-7f60-9d4b-0c7e3f5a2b18", Attempt: 1,
				Phase: events.PhaseStart, Delivery: 1, Run: 9, Resource: "arn:aws:states:::dynamodb:updateItem"},
			ReplyTo: "api@host-1"},
		&events.TableOperationAnswered{RequestId: reqID, Output: json.RawMessage(`{"Attributes":` + string(item) + `}`),
			Error: "ConditionalCheckFailedException", Message: "The conditional request failed", Item: item},
	}
}
