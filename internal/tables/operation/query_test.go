package operation_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/tables"
	"github.com/mie-kafka/mie/internal/tables/operation"
)

// renditions has a composite key (JobId, Step) and an index on Status.
func renditions(t testing.TB) (*tables.Schema, []tables.Item) {
	t.Helper()
	s, err := tables.NewSchema(events.Table{
		TableName: "Renditions",
		KeySchema: []events.KeySchemaElement{{AttributeName: "JobId", KeyType: "HASH"}, {AttributeName: "Step", KeyType: "RANGE"}},
		AttributeDefinitions: []events.AttributeDefinition{{AttributeName: "JobId", AttributeType: "S"},
			{AttributeName: "Step", AttributeType: "N"}, {AttributeName: "Status", AttributeType: "S"}},
		GlobalSecondaryIndexes: []events.SecondaryIndex{{IndexName: "ByStatus",
			KeySchema:  []events.KeySchemaElement{{AttributeName: "Status", KeyType: "HASH"}},
			Projection: events.IndexProjection{ProjectionType: "KEYS_ONLY"}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	var items []tables.Item
	for _, job := range []string{"a", "b"} {
		for step := 1; step <= 12; step++ {
			status := "DONE"
			if step%3 == 0 {
				status = "FAILED"
			}
			items = append(items, tables.MustItem(fmt.Sprintf(`{"JobId":{"S":%q},"Step":{"N":"%d"},"Status":{"S":%q},"Name":{"S":"r%02d"}}`,
				job, step, status, step)))
		}
	}
	items = append(items, tables.MustItem(`{"JobId":{"S":"a"},"Step":{"N":"100"}}`)) // not in ByStatus
	return s, items
}

func steps(p operation.Page) []string {
	var out []string
	for _, it := range *p.Items {
		out = append(out, it["JobId"].Str()+it["Step"].Str())
	}
	return out
}

func query(t *testing.T, s *tables.Schema, items []tables.Item, req string) operation.Page {
	t.Helper()
	q, err := operation.DecodeQuery(s, json.RawMessage(req))
	if err != nil {
		t.Fatal(err)
	}
	return q.Run(items)
}

func TestQuery(t *testing.T) {
	s, items := renditions(t)
	tests := []struct {
		name, req string
		want      string
		count     int
	}{
		{"sorted numerically by the sort key", `"KeyConditionExpression":"JobId = :j AND Step BETWEEN :lo AND :hi",
			"ExpressionAttributeValues":{":j":{"S":"a"},":lo":{"N":"2"},":hi":{"N":"4"}}`, "a2 a3 a4", 3},
		{"backwards", `"KeyConditionExpression":"JobId = :j AND Step <= :hi","ScanIndexForward":false,
			"ExpressionAttributeValues":{":j":{"S":"a"},":hi":{"N":"4"}}`, "a4 a3 a2 a1", 4},
		{"filtered after reading", `"KeyConditionExpression":"JobId = :j AND Step > :hi","FilterExpression":"#s = :st",
			"ExpressionAttributeNames":{"#s":"Status"},"ExpressionAttributeValues":{":j":{"S":"a"},":hi":{"N":"4"},":st":{"S":"FAILED"}}`,
			"a6 a9 a12", 3},
		{"an index, ordered by the table's key for equal index keys", `"IndexName":"ByStatus","KeyConditionExpression":"#s = :st",
			"ExpressionAttributeNames":{"#s":"Status"},"ExpressionAttributeValues":{":st":{"S":"FAILED"}}`,
			"a12 a3 a6 a9 b12 b3 b6 b9", 8},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := query(t, s, items, `{"TableName":"Renditions",`+tt.req+`}`)
			if got := strings.Join(steps(p), " "); got != tt.want || p.Count != tt.count {
				t.Errorf("got %s (Count %d), want %s (%d)", got, p.Count, tt.want, tt.count)
			}
		})
	}
}

func TestQueryPaging(t *testing.T) {
	s, items := renditions(t)
	var got []string
	var start tables.Item
	pages := 0
	for {
		req := map[string]any{"TableName": "Renditions", "KeyConditionExpression": "JobId = :j", "Limit": 5,
			"FilterExpression": "#s = :st", "ExpressionAttributeNames": map[string]string{"#s": "Status"},
			"ExpressionAttributeValues": map[string]any{":j": map[string]string{"S": "a"}, ":st": map[string]string{"S": "DONE"}}}
		if start != nil {
			req["ExclusiveStartKey"] = start
		}
		b, _ := json.Marshal(req)
		p := query(t, s, items, string(b))
		pages++
		got = append(got, steps(p)...)
		if p.ScannedCount > 5 {
			t.Fatalf("page %d read %d items, over the Limit", pages, p.ScannedCount)
		}
		if p.LastEvaluatedKey == nil {
			break
		}
		start = p.LastEvaluatedKey
		if pages > 10 {
			t.Fatal("paging does not end")
		}
	}
	if want := "a1 a2 a4 a5 a7 a8 a10 a11"; strings.Join(got, " ") != want {
		t.Errorf("pages gave %v, want %s", got, want)
	}
	if pages != 3 { // 13 items of "a", 5 a page
		t.Errorf("%d pages, want 3", pages)
	}
}

func TestQueryCountAndIndexProjection(t *testing.T) {
	s, items := renditions(t)
	p := query(t, s, items, `{"TableName":"Renditions","KeyConditionExpression":"JobId = :j","Select":"COUNT","ExpressionAttributeValues":{":j":{"S":"b"}}}`)
	if p.Items != nil || p.Count != 12 || p.ScannedCount != 12 {
		t.Errorf("COUNT page = %+v", p)
	}
	p = query(t, s, items, `{"TableName":"Renditions","IndexName":"ByStatus","KeyConditionExpression":"#s = :st","Limit":1,
		"ExpressionAttributeNames":{"#s":"Status"},"ExpressionAttributeValues":{":st":{"S":"FAILED"}}}`)
	it := (*p.Items)[0]
	if _, ok := it["Name"]; ok || len(it) != 3 {
		t.Errorf("a KEYS_ONLY index returned %s", it.Encode())
	}
	if k := p.LastEvaluatedKey; len(k) != 3 || k["Status"].Str() != "FAILED" {
		t.Errorf("LastEvaluatedKey of an index = %s, want the table's key and the index's", k.Encode())
	}
}

func TestQueryErrors(t *testing.T) {
	s, _ := renditions(t)
	tests := []struct{ req, want string }{
		{`{"TableName":"Renditions"}`, "KeyConditionExpression parameter must be specified"},
		{`{"TableName":"Renditions","KeyConditionExpression":"Step = :n","ExpressionAttributeValues":{":n":{"N":"1"}}}`, "Query condition missed key schema element: JobId"},
		{`{"TableName":"Renditions","KeyConditionExpression":"JobId = :n","ExpressionAttributeValues":{":n":{"N":"1"}}}`, "Condition parameter type does not match schema type"},
		{`{"TableName":"Renditions","KeyConditionExpression":"JobId < :j","ExpressionAttributeValues":{":j":{"S":"a"}}}`, "Query key condition not supported"},
		{`{"TableName":"Renditions","KeyConditionExpression":"JobId = :j AND Other = :j","ExpressionAttributeValues":{":j":{"S":"a"}}}`, "Query condition missed key schema element: Step"},
		{`{"TableName":"Renditions","KeyConditionExpression":"JobId = :j AND begins_with(Step, :j)","ExpressionAttributeValues":{":j":{"S":"a"}}}`, "does not match schema type"},
		{`{"TableName":"Renditions","IndexName":"Nope","KeyConditionExpression":"JobId = :j","ExpressionAttributeValues":{":j":{"S":"a"}}}`, "The table does not have the specified index: Nope"},
		{`{"TableName":"Renditions","KeyConditionExpression":"JobId = :j","Limit":0,"ExpressionAttributeValues":{":j":{"S":"a"}}}`, "Member must have value greater than or equal to 1"},
		{`{"TableName":"Renditions","KeyConditionExpression":"JobId = :j","ExclusiveStartKey":{"JobId":{"S":"a"}},"ExpressionAttributeValues":{":j":{"S":"a"}}}`, "The provided starting key is invalid"},
		{`{"TableName":"Renditions","KeyConditionExpression":"JobId = :j","ExclusiveStartKey":{"JobId":{"S":"b"},"Step":{"N":"1"}},"ExpressionAttributeValues":{":j":{"S":"a"}}}`, "The provided starting key is invalid"},
	}
	for _, tt := range tests {
		if _, err := operation.DecodeQuery(s, json.RawMessage(tt.req)); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err = %v, want %q", tt.req, err, tt.want)
		}
	}
}

func TestScan(t *testing.T) {
	s, items := renditions(t)
	seen := map[string]int{}
	var start tables.Item
	for pages := 0; ; pages++ {
		req := map[string]any{"TableName": "Renditions", "Limit": 7}
		if start != nil {
			req["ExclusiveStartKey"] = start
		}
		b, _ := json.Marshal(req)
		sc, err := operation.DecodeScan(s, b)
		if err != nil {
			t.Fatal(err)
		}
		p := sc.Run(items)
		for _, k := range steps(p) {
			seen[k]++
		}
		if p.LastEvaluatedKey == nil {
			break
		}
		start = p.LastEvaluatedKey
		if pages > 10 {
			t.Fatal("paging does not end")
		}
	}
	if len(seen) != len(items) {
		t.Errorf("scan saw %d items, want %d", len(seen), len(items))
	}
	for k, n := range seen {
		if n != 1 {
			t.Errorf("%s seen %d times", k, n)
		}
	}
	// Segments split the items between them.
	total := 0
	for seg := 0; seg < 3; seg++ {
		sc, err := operation.DecodeScan(s, json.RawMessage(fmt.Sprintf(`{"TableName":"Renditions","Segment":%d,"TotalSegments":3}`, seg)))
		if err != nil {
			t.Fatal(err)
		}
		total += sc.Run(items).Count
	}
	if total != len(items) {
		t.Errorf("segments hold %d items, want %d", total, len(items))
	}
	sc, err := operation.DecodeScan(s, json.RawMessage(`{"TableName":"Renditions","FilterExpression":"Step > :n","ExpressionAttributeValues":{":n":{"N":"11"}}}`))
	if err != nil {
		t.Fatal(err)
	}
	if p := sc.Run(items); p.Count != 3 || p.ScannedCount != len(items) {
		t.Errorf("filtered scan: Count %d ScannedCount %d", p.Count, p.ScannedCount)
	}
	if _, err := operation.DecodeScan(s, json.RawMessage(`{"TableName":"Renditions","Segment":3,"TotalSegments":3}`)); err == nil {
		t.Error("Segment 3 of 3 accepted")
	}
}

func TestCreateTable(t *testing.T) {
	ok := `{"TableName":"video-workflow-jobs","AttributeDefinitions":[{"AttributeName":"JobId","AttributeType":"S"},
		{"AttributeName":"CreatedAt","AttributeType":"S"}],"KeySchema":[{"AttributeName":"JobId","KeyType":"HASH"}],
		"GlobalSecondaryIndexes":[{"IndexName":"CreatedAtIndex","KeySchema":[{"AttributeName":"CreatedAt","KeyType":"HASH"}],
		"Projection":{"ProjectionType":"ALL"},"ProvisionedThroughput":{"ReadCapacityUnits":5,"WriteCapacityUnits":5}}],
		"ProvisionedThroughput":{"ReadCapacityUnits":10,"WriteCapacityUnits":10},"Tags":[{"Key":"Name","Value":"jobs"}]}`
	tb, err := operation.DecodeCreateTable(json.RawMessage(ok))
	if err != nil {
		t.Fatal(err)
	}
	if tb.BillingMode != operation.BillingProvisioned || len(tb.GlobalSecondaryIndexes) != 1 || len(tb.Tags) != 1 {
		t.Errorf("table = %+v", tb)
	}
	bad := []struct{ req, want string }{
		{`{"TableName":"ab","KeySchema":[{"AttributeName":"a","KeyType":"HASH"}],"AttributeDefinitions":[{"AttributeName":"a","AttributeType":"S"}],"BillingMode":"PAY_PER_REQUEST"}`, "Member must have length greater than or equal to 3"},
		{`{"TableName":"a b c","KeySchema":[{"AttributeName":"a","KeyType":"HASH"}],"AttributeDefinitions":[{"AttributeName":"a","AttributeType":"S"}],"BillingMode":"PAY_PER_REQUEST"}`, "regular expression pattern"},
		{`{"TableName":"abc","KeySchema":[{"AttributeName":"a","KeyType":"HASH"}],"AttributeDefinitions":[{"AttributeName":"a","AttributeType":"S"}]}`, "ReadCapacityUnits and WriteCapacityUnits must both be specified"},
		{`{"TableName":"abc","KeySchema":[{"AttributeName":"a","KeyType":"HASH"}],"AttributeDefinitions":[{"AttributeName":"a","AttributeType":"S"},{"AttributeName":"b","AttributeType":"S"}],"BillingMode":"PAY_PER_REQUEST"}`, "Some AttributeDefinitions are not used"},
		{`{"TableName":"abc","KeySchema":[{"AttributeName":"a","KeyType":"RANGE"}],"AttributeDefinitions":[{"AttributeName":"a","AttributeType":"S"}],"BillingMode":"PAY_PER_REQUEST"}`, "Invalid KeySchema"},
		{`{"TableName":"abc","KeySchema":[{"AttributeName":"a","KeyType":"HASH"}],"AttributeDefinitions":[{"AttributeName":"a","AttributeType":"X"}],"BillingMode":"PAY_PER_REQUEST"}`, "Invalid AttributeType"},
		{`{"TableName":"abc","AttributeDefinitions":[{"AttributeName":"a","AttributeType":"S"}],"BillingMode":"PAY_PER_REQUEST"}`, "Value null at 'keySchema'"},
	}
	for _, tt := range bad {
		if _, err := operation.DecodeCreateTable(json.RawMessage(tt.req)); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err = %v, want %q", tt.req, err, tt.want)
		}
	}
}
