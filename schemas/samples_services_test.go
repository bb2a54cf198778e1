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

// notificationSamples are the records of notifications and event buses.
func notificationSamples() []events.Payload {
	const arn = "arn:aws:sns:us-east-1:000000000000:video-workflow-notifications"
	at := time.Date(2026, 3, 14, 9, 30, 0, 0, time.UTC)
	return []events.Payload{
		&events.TopicCreated{Topic: events.NotificationTopic{Name: "video-workflow-notifications", TopicArn: arn,
			Attributes: map[string]string{"DisplayName": "Video jobs"}, Tags: []events.Tag{{Key: "team", Value: "media"}}, Created: at}},
		&events.TopicDeleted{TopicArn: arn},
		&events.SubscriptionCreated{Subscription: events.Subscription{SubscriptionArn: arn + ":0195f2c2-0000-7000-8000-000000000001",
			TopicArn: arn, Protocol: "https", Endpoint: "https://hooks.example.com/video",
			Attributes: map[string]string{"RawMessageDelivery": "false"}, Created: at}},
		&events.SubscriptionDeleted{SubscriptionArn: arn + ":0195f2c2-0000-7000-8000-000000000001"},
		&events.NotificationPublished{MessageId: "0195f2c2-1111-7000-8000-000000000002", TopicArn: arn,
			Message: `{"default":"Video processing completed successfully for job job-42"}`, Subject: "Video Processing Success",
			MessageStructure: "json",
			MessageAttributes: map[string]events.MessageAttribute{
				"JobId": {DataType: "String", StringValue: "job-42"}, "Thumb": {DataType: "Binary", BinaryValue: []byte{0x89, 'P', 'N', 'G'}}},
			MessageGroupId: "job-42", MessageDeduplicationId: "job-42-published", Timestamp: at},
		&events.BusEventPut{EventId: "0195f2c2-2222-7000-8000-000000000003", EventBusName: "default", Source: "mie.video",
			DetailType: "Job Published", Detail: json.RawMessage(`{"jobId":"job-42","status":"PUBLISHED"}`),
			Resources:   []string{"arn:aws:dynamodb:us-east-1:000000000000:table/video-workflow-jobs"},
			TraceHeader: "Root=1-5f84c7a1-2c5b8b3f5e1a9c2d", Account: "000000000000", Region: "us-east-1", Time: at},
	}
}
