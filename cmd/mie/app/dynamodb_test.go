package app

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"

	"github.com/mie-kafka/mie/events"
	chconn "github.com/mie-kafka/mie/internal/clickhouse"
)

// dynamoClient is aws-sdk-go-v2's DynamoDB client pointed at the engine.
func dynamoClient(a *App) *dynamodb.Client {
	return dynamodb.New(dynamodb.Options{
		Region:           "us-east-1",
		BaseEndpoint:     aws.String(a.URL()),
		Credentials:      credentials.NewStaticCredentialsProvider("mie", "mie", ""),
		RetryMaxAttempts: 1,
	})
}

func s(v string) types.AttributeValue { return &types.AttributeValueMemberS{Value: v} }
func n(v string) types.AttributeValue { return &types.AttributeValueMemberN{Value: v} }

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// createJobsTable creates the reference pipeline's job table as its
// aws dynamodb create-table does.
func createJobsTable(t *testing.T, ctx context.Context, db *dynamodb.Client, name string) {
	t.Helper()
	_, err := db.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName: aws.String(name),
		AttributeDefinitions: []types.AttributeDefinition{
			{AttributeName: aws.String("JobId"), AttributeType: types.ScalarAttributeTypeS},
			{AttributeName: aws.String("CreatedAt"), AttributeType: types.ScalarAttributeTypeS}},
		KeySchema: []types.KeySchemaElement{{AttributeName: aws.String("JobId"), KeyType: types.KeyTypeHash}},
		GlobalSecondaryIndexes: []types.GlobalSecondaryIndex{{
			IndexName:             aws.String("CreatedAtIndex"),
			KeySchema:             []types.KeySchemaElement{{AttributeName: aws.String("CreatedAt"), KeyType: types.KeyTypeHash}},
			Projection:            &types.Projection{ProjectionType: types.ProjectionTypeAll},
			ProvisionedThroughput: &types.ProvisionedThroughput{ReadCapacityUnits: aws.Int64(5), WriteCapacityUnits: aws.Int64(5)}}},
		ProvisionedThroughput: &types.ProvisionedThroughput{ReadCapacityUnits: aws.Int64(10), WriteCapacityUnits: aws.Int64(10)},
		Tags:                  []types.Tag{{Key: aws.String("Name"), Value: aws.String(name)}, {Key: aws.String("Environment"), Value: aws.String("Production")}},
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestDynamoDBTablesWithTheGoSDK(t *testing.T) {
	h := newHarness(t)
	a := h.start("a", Roles{API: true, Executor: true, Worker: true})
	db, ctx := dynamoClient(a), ctxT(t)
	createJobsTable(t, ctx, db, "video-workflow-jobs")

	var inUse *types.ResourceInUseException
	if _, err := db.CreateTable(ctx, &dynamodb.CreateTableInput{TableName: aws.String("video-workflow-jobs"),
		AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String("JobId"), AttributeType: types.ScalarAttributeTypeS}},
		KeySchema:            []types.KeySchemaElement{{AttributeName: aws.String("JobId"), KeyType: types.KeyTypeHash}},
		BillingMode:          types.BillingModePayPerRequest}); !errors.As(err, &inUse) {
		t.Errorf("creating it again: err = %v, want ResourceInUseException", err)
	}
	desc, err := db.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String("video-workflow-jobs")})
	if err != nil {
		t.Fatal(err)
	}
	if desc.Table.TableStatus != types.TableStatusActive || len(desc.Table.GlobalSecondaryIndexes) != 1 ||
		*desc.Table.ProvisionedThroughput.ReadCapacityUnits != 10 {
		t.Errorf("DescribeTable = %+v", desc.Table)
	}
	list, err := db.ListTables(ctx, &dynamodb.ListTablesInput{})
	if err != nil || len(list.TableNames) != 1 || list.TableNames[0] != "video-workflow-jobs" {
		t.Errorf("ListTables = %v, %v", list, err)
	}

	jobItemsWithTheGoSDK(t, ctx, db)
	if _, err := db.DeleteTable(ctx, &dynamodb.DeleteTableInput{TableName: aws.String("video-workflow-jobs")}); err != nil {
		t.Fatal(err)
	}
	var notFound *types.ResourceNotFoundException
	if _, err := db.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String("video-workflow-jobs")}); !errors.As(err, &notFound) {
		t.Errorf("a deleted table: err = %v", err)
	}
}

// jobItemsWithTheGoSDK does to the job table what the reference's Lambdas
// and states do, and what they must not.
func jobItemsWithTheGoSDK(t *testing.T, ctx context.Context, db *dynamodb.Client) {
	job := map[string]types.AttributeValue{"JobId": s("job-1"), "SourceBucket": s("src"), "SourceKey": s("talk.mp4"),
		"CreatedAt": s("2026-03-14T09:26:53Z"), "JobStatus": s("STARTED")}
	if _, err := db.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("video-workflow-jobs"), Item: job,
		ConditionExpression: aws.String("attribute_not_exists(JobId)")}); err != nil {
		t.Fatal(err)
	}
	var ccf *types.ConditionalCheckFailedException
	_, err := db.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("video-workflow-jobs"), Item: job,
		ConditionExpression:                 aws.String("attribute_not_exists(JobId)"),
		ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld})
	if !errors.As(err, &ccf) {
		t.Fatalf("second put: err = %v, want ConditionalCheckFailedException", err)
	}
	if ccf.Item["JobStatus"].(*types.AttributeValueMemberS).Value != "STARTED" {
		t.Errorf("the failed condition's Item = %v", ccf.Item)
	}
	up, err := db.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String("video-workflow-jobs"),
		Key:              map[string]types.AttributeValue{"JobId": s("job-1")},
		UpdateExpression: aws.String("SET VideoMetadata = :metadata, MetadataExtractedAt = :timestamp ADD Attempts :one"),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":metadata":  &types.AttributeValueMemberM{Value: map[string]types.AttributeValue{"duration": n("120.5"), "codec": s("h264")}},
			":timestamp": s("2026-03-14T09:27:00Z"), ":one": n("1")},
		ReturnValues: types.ReturnValueUpdatedNew})
	if err != nil {
		t.Fatal(err)
	}
	if len(up.Attributes) != 3 || up.Attributes["Attempts"].(*types.AttributeValueMemberN).Value != "1" {
		t.Errorf("UPDATED_NEW = %v", up.Attributes)
	}
	// Read-your-writes: the get right after the update sees it.
	got, err := db.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String("video-workflow-jobs"),
		Key: map[string]types.AttributeValue{"JobId": s("job-1")}, ProjectionExpression: aws.String("VideoMetadata.codec, #s"),
		ExpressionAttributeNames: map[string]string{"#s": "JobStatus"}})
	if err != nil {
		t.Fatal(err)
	}
	meta, _ := got.Item["VideoMetadata"].(*types.AttributeValueMemberM)
	if meta == nil || len(got.Item) != 2 || meta.Value["codec"].(*types.AttributeValueMemberS).Value != "h264" {
		t.Errorf("GetItem = %v", got.Item)
	}
	q, err := db.Query(ctx, &dynamodb.QueryInput{TableName: aws.String("video-workflow-jobs"), IndexName: aws.String("CreatedAtIndex"),
		KeyConditionExpression:    aws.String("CreatedAt = :c"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":c": s("2026-03-14T09:26:53Z")}})
	if err != nil || q.Count != 1 {
		t.Errorf("Query on the index = %v, %v", q, err)
	}

	var notFound *types.ResourceNotFoundException
	if _, err := db.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String("nope"),
		Key: map[string]types.AttributeValue{"JobId": s("x")}}); !errors.As(err, &notFound) {
		t.Errorf("unknown table: err = %v, want ResourceNotFoundException", err)
	}
	var api smithy.APIError
	if _, err := db.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String("video-workflow-jobs"),
		Key: map[string]types.AttributeValue{"JobId": s("job-1")}, UpdateExpression: aws.String("SET JobId = :v"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":v": s("x")}}); !errors.As(err, &api) || api.ErrorCode() != "ValidationException" ||
		!strings.Contains(api.ErrorMessage(), "part of the key") {
		t.Errorf("updating the key: err = %v, want a ValidationException", err)
	}
	del, err := db.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String("video-workflow-jobs"),
		Key: map[string]types.AttributeValue{"JobId": s("job-1")}, ReturnValues: types.ReturnValueAllOld})
	if err != nil || del.Attributes["SourceKey"].(*types.AttributeValueMemberS).Value != "talk.mp4" {
		t.Errorf("DeleteItem = %v, %v", del, err)
	}
}

func TestDynamoDBQueryScanAndBatchesWithTheGoSDK(t *testing.T) {
	h := newHarness(t)
	a := h.start("a", Roles{API: true, Worker: true})
	db, ctx := dynamoClient(a), ctxT(t)
	if _, err := db.CreateTable(ctx, &dynamodb.CreateTableInput{TableName: aws.String("renditions"),
		AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String("JobId"), AttributeType: types.ScalarAttributeTypeS},
			{AttributeName: aws.String("Height"), AttributeType: types.ScalarAttributeTypeN}},
		KeySchema: []types.KeySchemaElement{{AttributeName: aws.String("JobId"), KeyType: types.KeyTypeHash},
			{AttributeName: aws.String("Height"), KeyType: types.KeyTypeRange}},
		BillingMode: types.BillingModePayPerRequest}); err != nil {
		t.Fatal(err)
	}
	heights := []string{"144", "240", "360", "480", "720", "1080", "1440", "2160"}
	var writes []types.WriteRequest
	for _, job := range []string{"j-1", "j-2"} {
		for _, ht := range heights {
			writes = append(writes, types.WriteRequest{PutRequest: &types.PutRequest{Item: map[string]types.AttributeValue{
				"JobId": s(job), "Height": n(ht), "Format": s("mp4")}}})
		}
	}
	if _, err := db.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{RequestItems: map[string][]types.WriteRequest{"renditions": writes}}); err != nil {
		t.Fatal(err)
	}
	// A Query's pages, newest first, two items a page.
	var seen []string
	p := dynamodb.NewQueryPaginator(db, &dynamodb.QueryInput{TableName: aws.String("renditions"),
		KeyConditionExpression:    aws.String("JobId = :j AND Height BETWEEN :lo AND :hi"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":j": s("j-1"), ":lo": n("240"), ":hi": n("1440")},
		ScanIndexForward:          aws.Bool(false), Limit: aws.Int32(2)})
	pages := 0
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, it := range page.Items {
			seen = append(seen, it["Height"].(*types.AttributeValueMemberN).Value)
		}
	}
	if got := strings.Join(seen, " "); got != "1440 1080 720 480 360 240" || pages != 3 {
		t.Errorf("query pages = %q in %d pages", got, pages)
	}
	// A Scan with a filter, in pages.
	total := 0
	sp := dynamodb.NewScanPaginator(db, &dynamodb.ScanInput{TableName: aws.String("renditions"), Limit: aws.Int32(5),
		FilterExpression: aws.String("Height >= :hd"), ExpressionAttributeValues: map[string]types.AttributeValue{":hd": n("720")}})
	for sp.HasMorePages() {
		page, err := sp.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		total += int(page.Count)
	}
	if total != 8 {
		t.Errorf("scan found %d renditions of 720 and up, want 8", total)
	}
	got, err := db.BatchGetItem(ctx, &dynamodb.BatchGetItemInput{RequestItems: map[string]types.KeysAndAttributes{"renditions": {
		Keys: []map[string]types.AttributeValue{{"JobId": s("j-2"), "Height": n("1080")}, {"JobId": s("j-9"), "Height": n("1")}}}}})
	if err != nil || len(got.Responses["renditions"]) != 1 {
		t.Errorf("BatchGetItem = %v, %v", got, err)
	}
}

// TestDynamoDBMalformedRequests: what an SDK never sends still gets
// DynamoDB's error shape and a 4xx.
func TestDynamoDBMalformedRequests(t *testing.T) {
	h := newHarness(t)
	a := h.start("a", Roles{API: true})
	tests := []struct {
		target, body string
		want         string
	}{
		{"DynamoDB_20120810.PutItem", `{"TableName":`, "com.amazon.coral.service#SerializationException"},
		{"DynamoDB_20120810.PutItem", `[]`, "SerializationException"},
		{"DynamoDB_20120810.GetItem", `{"TableName":5}`, "SerializationException"},
		{"DynamoDB_20120810.Frobnicate", `{}`, "com.amazon.coral.service#UnknownOperationException"},
		{"DynamoDB_20120810.PutItem", `{}`, "com.amazon.coral.validate#ValidationException"},
		{"DynamoDB_20120810.CreateTable", `{"TableName":"x"}`, "ValidationException"},
		{"DynamoDB_20120810.GetItem", `{"TableName":"nope","Key":{}}`, "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException"},
		{"Nope_2020.Action", `{}`, "UnknownOperationException"},
	}
	for _, tt := range tests {
		req, _ := http.NewRequest(http.MethodPost, a.URL()+"/", strings.NewReader(tt.body))
		req.Header.Set("X-Amz-Target", tt.target)
		req.Header.Set("Content-Type", "application/x-amz-json-1.0")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(b), `"__type":"`) || !strings.Contains(string(b), tt.want) {
			t.Errorf("%s %s = %d %s, want 400 with %s", tt.target, tt.body, resp.StatusCode, b, tt.want)
		}
	}
}

// TestClickHouseTableItems: with ClickHouse, the items written through
// DynamoDB's API reach table_items, where SQL reads their attributes.
func TestClickHouseTableItems(t *testing.T) {
	dsn := os.Getenv("MIE_TEST_CLICKHOUSE")
	if dsn == "" {
		t.Skip("set MIE_TEST_CLICKHOUSE to a ClickHouse DSN (25.8+) to project the tables into ClickHouse")
	}
	admin, err := chconn.Open(t.Context(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Close() })
	id := events.NewID()
	dbName := "mie_items_" + strings.ReplaceAll(id[len(id)-12:], "-", "")
	if err := admin.Exec(t.Context(), "CREATE DATABASE "+dbName); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_ = admin.Exec(ctx, "DROP DATABASE IF EXISTS "+dbName+" SYNC")
	})
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + dbName
	h := newHarness(t)
	h.configure = func(c *Config) { c.ClickHouse, c.ProjectorFlushInterval = u.String(), 100*time.Millisecond }
	a := h.start("a", Roles{API: true, Worker: true, Projector: true})
	db, ctx := dynamoClient(a), ctxT(t)
	createJobsTable(t, ctx, db, "jobs")
	for _, job := range []string{"job-1", "job-2"} {
		if _, err := db.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("jobs"),
			Item: map[string]types.AttributeValue{"JobId": s(job), "JobStatus": s("STARTED")}}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String("jobs"),
		Key: map[string]types.AttributeValue{"JobId": s("job-2")}}); err != nil {
		t.Fatal(err)
	}
	var live []string
	eventually(t, 30*time.Second, "the items in ClickHouse", func() bool {
		rows, err := a.chConn.Query(ctx, "SELECT JSONExtractString(item, 'JobId', 'S') FROM "+dbName+".table_items FINAL "+
			"WHERE table_name = 'jobs' AND NOT deleted AND JSONExtractString(item, 'JobStatus', 'S') = 'STARTED'")
		if err != nil {
			return false
		}
		defer rows.Close()
		live = live[:0]
		for rows.Next() {
			var job string
			if rows.Scan(&job) == nil {
				live = append(live, job)
			}
		}
		return len(live) == 1
	})
	if live[0] != "job-1" {
		t.Errorf("live items = %v", live)
	}
}
