package dynamodb

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/tables"
	"github.com/mie-kafka/mie/internal/tables/operation"
)

// createTable defines a table. Two creations of one name racing through
// different instances are ordered by the resources topic: the first
// wins, and the other's caller gets ResourceInUseException, as on AWS.
func (s *Service) createTable(ctx context.Context, body json.RawMessage) (any, error) {
	t, err := operation.DecodeCreateTable(body)
	if err != nil {
		return nil, err
	}
	if _, ok := s.cfg.Resources.Table(t.TableName); ok {
		return nil, tables.Errorf(tables.ResourceInUseException, "Table already exists: %s", t.TableName)
	}
	t.TableId = events.NewID()
	t.TableArn = "arn:aws:dynamodb:" + s.cfg.Region + ":" + s.cfg.Account + ":table/" + t.TableName
	t.Created = time.Now().UTC().Truncate(time.Millisecond)
	if err := s.writeResource(ctx, "table/"+t.TableName, &events.TableCreated{Table: t}); err != nil {
		return nil, err
	}
	live, ok := s.cfg.Resources.Table(t.TableName)
	if !ok || live.Table.TableId != t.TableId {
		return nil, tables.Errorf(tables.ResourceInUseException, "Table already exists: %s", t.TableName)
	}
	return map[string]any{"TableDescription": s.describe(live, "ACTIVE")}, nil
}

// writeResource writes a resources record and waits until this
// instance's projection has applied it.
func (s *Service) writeResource(ctx context.Context, key string, p events.Payload) error {
	env, err := events.New(key, Producer, p)
	if err != nil {
		return err
	}
	rec, err := env.Record(s.cfg.Catalog.Resources())
	if err != nil {
		return err
	}
	if err := s.cfg.Client.ProduceSync(ctx, rec).FirstErr(); err != nil {
		return tables.Errorf(tables.ServiceUnavailable, "the table definition could not be written: %v", err)
	}
	if err := s.cfg.Resources.Sync(ctx); err != nil {
		return tables.Errorf(tables.ServiceUnavailable, "the table definition was written but not read back: %v", err)
	}
	return nil
}

func (s *Service) describeTable(ctx context.Context, body json.RawMessage) (any, error) {
	var in struct {
		TableName string `json:"TableName"`
	}
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	t, err := s.table(ctx, in.TableName)
	if err != nil {
		if tables.IsCode(err, tables.ResourceNotFoundException) {
			return nil, tables.Errorf(tables.ResourceNotFoundException, "Requested resource not found: Table: %s not found", in.TableName)
		}
		return nil, err
	}
	return map[string]any{"Table": s.describe(t, "ACTIVE")}, nil
}

func (s *Service) deleteTable(ctx context.Context, body json.RawMessage) (any, error) {
	var in struct {
		TableName string `json:"TableName"`
	}
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	t, err := s.table(ctx, in.TableName)
	if err != nil {
		if tables.IsCode(err, tables.ResourceNotFoundException) {
			return nil, tables.Errorf(tables.ResourceNotFoundException, "Requested resource not found: Table: %s not found", in.TableName)
		}
		return nil, err
	}
	desc := s.describe(t, "DELETING")
	if err := s.writeResource(ctx, "table/"+t.Table.TableName, &events.TableDeleted{TableName: t.Table.TableName, TableId: t.Table.TableId}); err != nil {
		return nil, err
	}
	s.cfg.Items.Forget(t.Table.TableId)
	return map[string]any{"TableDescription": desc}, nil
}

func (s *Service) listTables(ctx context.Context, body json.RawMessage) (any, error) {
	var in struct {
		ExclusiveStartTableName string `json:"ExclusiveStartTableName"`
		Limit                   *int   `json:"Limit"`
	}
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	limit := 100
	if in.Limit != nil {
		if *in.Limit < 1 || *in.Limit > 100 {
			return nil, tables.Errorf(tables.ValidationException,
				"1 validation error detected: Value '%d' at 'limit' failed to satisfy constraint: Member must have value between 1 and 100", *in.Limit)
		}
		limit = *in.Limit
	}
	names := []string{}
	all := s.cfg.Resources.Tables()
	for i, t := range all {
		if in.ExclusiveStartTableName != "" && t.TableName <= in.ExclusiveStartTableName {
			continue
		}
		names = append(names, t.TableName)
		if len(names) == limit && i < len(all)-1 {
			return map[string]any{"TableNames": names, "LastEvaluatedTableName": t.TableName}, nil
		}
	}
	return map[string]any{"TableNames": names}, nil
}

func (s *Service) describeTimeToLive(ctx context.Context, body json.RawMessage) (any, error) {
	var in struct {
		TableName string `json:"TableName"`
	}
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if _, err := s.table(ctx, in.TableName); err != nil {
		return nil, err
	}
	return map[string]any{"TimeToLiveDescription": map[string]string{"TimeToLiveStatus": "DISABLED"}}, nil
}

func (s *Service) listTags(ctx context.Context, body json.RawMessage) (any, error) {
	var in struct {
		ResourceArn string `json:"ResourceArn"`
	}
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	name := in.ResourceArn[strings.LastIndex(in.ResourceArn, "/")+1:]
	t, err := s.table(ctx, name)
	if err != nil || t.Table.TableArn != in.ResourceArn {
		return nil, tables.Errorf(tables.ResourceNotFoundException, "Requested resource not found: ResourcArn: %s not found", in.ResourceArn)
	}
	tags := t.Table.Tags
	if tags == nil {
		tags = []events.Tag{}
	}
	return map[string]any{"Tags": tags}, nil
}

// describe renders a TableDescription, DynamoDB's shape.
func (s *Service) describe(t *tables.Schema, status string) map[string]any {
	count, size := s.cfg.Items.Stats(t)
	tb := t.Table
	throughput := func(p *events.Throughput) map[string]any {
		out := map[string]any{"NumberOfDecreasesToday": 0, "ReadCapacityUnits": 0, "WriteCapacityUnits": 0}
		if p != nil {
			out["ReadCapacityUnits"], out["WriteCapacityUnits"] = p.ReadCapacityUnits, p.WriteCapacityUnits
		}
		return out
	}
	d := map[string]any{
		"TableName": tb.TableName, "TableId": tb.TableId, "TableArn": tb.TableArn, "TableStatus": status,
		"KeySchema": tb.KeySchema, "AttributeDefinitions": tb.AttributeDefinitions,
		"CreationDateTime":          float64(tb.Created.UnixMilli()) / 1000,
		"ProvisionedThroughput":     throughput(tb.ProvisionedThroughput),
		"BillingModeSummary":        map[string]any{"BillingMode": tb.BillingMode},
		"ItemCount":                 count,
		"TableSizeBytes":            size,
		"DeletionProtectionEnabled": false,
	}
	index := func(ix events.SecondaryIndex, global bool) map[string]any {
		out := map[string]any{"IndexName": ix.IndexName, "KeySchema": ix.KeySchema, "Projection": ix.Projection,
			"IndexArn": tb.TableArn + "/index/" + ix.IndexName, "IndexSizeBytes": size, "ItemCount": count}
		if global {
			out["IndexStatus"] = "ACTIVE"
			out["ProvisionedThroughput"] = throughput(ix.ProvisionedThroughput)
		}
		return out
	}
	if len(tb.GlobalSecondaryIndexes) > 0 {
		var gs []map[string]any
		for _, ix := range tb.GlobalSecondaryIndexes {
			gs = append(gs, index(ix, true))
		}
		d["GlobalSecondaryIndexes"] = gs
	}
	if len(tb.LocalSecondaryIndexes) > 0 {
		var ls []map[string]any
		for _, ix := range tb.LocalSecondaryIndexes {
			ls = append(ls, index(ix, false))
		}
		d["LocalSecondaryIndexes"] = ls
	}
	return d
}
