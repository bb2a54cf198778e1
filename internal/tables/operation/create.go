package operation

import (
	"encoding/json"
	"regexp"
	"sort"
	"strings"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/tables"
)

// Billing modes.
const (
	BillingProvisioned   = "PROVISIONED"
	BillingPayPerRequest = "PAY_PER_REQUEST"
)

var tableNamePattern = regexp.MustCompile(`^[a-zA-Z0-9_.-]+$`)

// CheckTableName checks a table name as DynamoDB does: 3 to 255 of
// a-z, A-Z, 0-9, '_', '-' and '.'.
func CheckTableName(name string) error {
	switch {
	case name == "":
		return required("tableName")
	case len(name) < 3:
		return tables.Errorf(tables.ValidationException,
			"1 validation error detected: Value '%s' at 'tableName' failed to satisfy constraint: Member must have length greater than or equal to 3", name)
	case len(name) > 255:
		return tables.Errorf(tables.ValidationException,
			"1 validation error detected: Value '%s' at 'tableName' failed to satisfy constraint: Member must have length less than or equal to 255", name)
	case !tableNamePattern.MatchString(name):
		return tables.Errorf(tables.ValidationException,
			"1 validation error detected: Value '%s' at 'tableName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+", name)
	}
	return nil
}

// DecodeCreateTable reads and checks a CreateTable request into a table
// definition; the caller names the incarnation (TableId, TableArn,
// Created).
func DecodeCreateTable(raw json.RawMessage) (events.Table, error) {
	var in struct {
		TableName              string                       `json:"TableName"`
		KeySchema              []events.KeySchemaElement    `json:"KeySchema"`
		AttributeDefinitions   []events.AttributeDefinition `json:"AttributeDefinitions"`
		BillingMode            string                       `json:"BillingMode"`
		ProvisionedThroughput  *events.Throughput           `json:"ProvisionedThroughput"`
		GlobalSecondaryIndexes []events.SecondaryIndex      `json:"GlobalSecondaryIndexes"`
		LocalSecondaryIndexes  []events.SecondaryIndex      `json:"LocalSecondaryIndexes"`
		Tags                   []events.Tag                 `json:"Tags"`
	}
	if err := decodeJSON(raw, &in); err != nil {
		return events.Table{}, err
	}
	t := events.Table{TableName: in.TableName, KeySchema: in.KeySchema, AttributeDefinitions: in.AttributeDefinitions,
		BillingMode: in.BillingMode, ProvisionedThroughput: in.ProvisionedThroughput,
		GlobalSecondaryIndexes: in.GlobalSecondaryIndexes, LocalSecondaryIndexes: in.LocalSecondaryIndexes, Tags: in.Tags}
	if err := CheckTableName(t.TableName); err != nil {
		return t, err
	}
	switch {
	case len(t.KeySchema) == 0:
		return t, required("keySchema")
	case len(t.AttributeDefinitions) == 0:
		return t, required("attributeDefinitions")
	}
	if err := checkBilling(&t); err != nil {
		return t, err
	}
	if err := checkDefinitionsUsed(t); err != nil {
		return t, err
	}
	s, err := tables.NewSchema(t)
	if err != nil {
		return t, err
	}
	if err := checkIndexes(t, s); err != nil {
		return t, err
	}
	return t, nil
}

func checkBilling(t *events.Table) error {
	if t.BillingMode == "" {
		t.BillingMode = BillingProvisioned
	}
	switch t.BillingMode {
	case BillingProvisioned:
		if t.ProvisionedThroughput == nil {
			return tables.Errorf(tables.ValidationException,
				"One or more parameter values were invalid: ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode is PROVISIONED")
		}
		for _, ix := range t.GlobalSecondaryIndexes {
			if ix.ProvisionedThroughput == nil {
				return tables.Errorf(tables.ValidationException,
					"One or more parameter values were invalid: ProvisionedThroughput must be specified for index: %s", ix.IndexName)
			}
		}
	case BillingPayPerRequest:
		if t.ProvisionedThroughput != nil {
			return tables.Errorf(tables.ValidationException,
				"One or more parameter values were invalid: Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST")
		}
	default:
		return enumError(t.BillingMode, "billingMode", "[PROVISIONED, PAY_PER_REQUEST]")
	}
	return nil
}

// checkDefinitionsUsed refuses AttributeDefinitions that no key uses, as
// DynamoDB does (only key attributes are declared).
func checkDefinitionsUsed(t events.Table) error {
	used := map[string]bool{}
	for _, k := range t.KeySchema {
		used[k.AttributeName] = true
	}
	for _, ix := range append(append([]events.SecondaryIndex{}, t.GlobalSecondaryIndexes...), t.LocalSecondaryIndexes...) {
		for _, k := range ix.KeySchema {
			used[k.AttributeName] = true
		}
	}
	var defined, keys []string
	unused := false
	for _, d := range t.AttributeDefinitions {
		defined = append(defined, d.AttributeName)
		unused = unused || !used[d.AttributeName]
	}
	if !unused {
		return nil
	}
	for k := range used {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return tables.Errorf(tables.ValidationException,
		"One or more parameter values were invalid: Some AttributeDefinitions are not used. AttributeDefinitions: [%s], keys used: [%s]",
		strings.Join(defined, ", "), strings.Join(keys, ", "))
}

func checkIndexes(t events.Table, s *tables.Schema) error {
	seen := map[string]bool{}
	check := func(ix events.SecondaryIndex, local bool) error {
		switch {
		case len(ix.IndexName) < 3 || len(ix.IndexName) > 255 || !tableNamePattern.MatchString(ix.IndexName):
			return tables.Errorf(tables.ValidationException, "1 validation error detected: Value '%s' at 'indexName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+ and have a length from 3 to 255", ix.IndexName)
		case seen[ix.IndexName]:
			return tables.Errorf(tables.ValidationException, "One or more parameter values were invalid: Duplicate index name: %s", ix.IndexName)
		}
		seen[ix.IndexName] = true
		switch ix.Projection.ProjectionType {
		case "ALL", "KEYS_ONLY", "INCLUDE":
		default:
			return enumError(ix.Projection.ProjectionType, "projectionType", "[ALL, KEYS_ONLY, INCLUDE]")
		}
		if local {
			k := s.Indexes[ix.IndexName].Key
			if s.Key.Range == "" || k.Hash != s.Key.Hash || k.Range == "" {
				return tables.Errorf(tables.ValidationException,
					"One or more parameter values were invalid: Table KeySchema does not have a range key, or the local secondary index %s does not have the table's hash key and a range key", ix.IndexName)
			}
		}
		return nil
	}
	for _, ix := range t.GlobalSecondaryIndexes {
		if err := check(ix, false); err != nil {
			return err
		}
	}
	for _, ix := range t.LocalSecondaryIndexes {
		if err := check(ix, true); err != nil {
			return err
		}
	}
	return nil
}
