package operation

import (
	"encoding/json"
	"hash/fnv"
	"sort"

	"github.com/mie-kafka/mie/internal/tables"
	"github.com/mie-kafka/mie/internal/tables/expr"
)

// Select settings.
const (
	SelectAllAttributes       = "ALL_ATTRIBUTES"
	SelectAllProjected        = "ALL_PROJECTED_ATTRIBUTES"
	SelectSpecificAttributes  = "SPECIFIC_ATTRIBUTES"
	SelectCount               = "COUNT"
	maxPageBytes              = 1 << 20 // DynamoDB stops a page after 1 MB of items read
	defaultScanIndexForward   = true
	maxTotalSegments          = 1000000
	errStartKeyInvalidMessage = "The provided starting key is invalid: "
)

// Page is a Query's or Scan's response. Items is left out for Select
// COUNT and is [] when nothing matched.
type Page struct {
	Items            *[]tables.Item `json:"Items,omitempty"`
	Count            int            `json:"Count"`
	ScannedCount     int            `json:"ScannedCount"`
	LastEvaluatedKey tables.Item    `json:"LastEvaluatedKey,omitempty"`
}

// read is what Query and Scan share: the index read (or the table), the
// filter, the projection, paging.
type read struct {
	schema     *tables.Schema
	index      *tables.Index // nil: the table itself
	key        tables.KeySchema
	filter     *expr.Condition
	projection *expr.Projection
	limit      int
	start      tables.Item
	count      bool
}

type readInput struct {
	TableName                 string            `json:"TableName"`
	IndexName                 *string           `json:"IndexName"`
	FilterExpression          *string           `json:"FilterExpression"`
	ProjectionExpression      *string           `json:"ProjectionExpression"`
	AttributesToGet           []string          `json:"AttributesToGet"`
	ExpressionAttributeNames  map[string]string `json:"ExpressionAttributeNames"`
	ExpressionAttributeValues json.RawMessage   `json:"ExpressionAttributeValues"`
	Limit                     *int              `json:"Limit"`
	ExclusiveStartKey         json.RawMessage   `json:"ExclusiveStartKey"`
	Select                    string            `json:"Select"`
	ConsistentRead            bool              `json:"ConsistentRead"`
	ReturnConsumedCapacity    string            `json:"ReturnConsumedCapacity"`
	// Legacy, refused.
	ScanFilter          json.RawMessage `json:"ScanFilter"`
	QueryFilter         json.RawMessage `json:"QueryFilter"`
	KeyConditions       json.RawMessage `json:"KeyConditions"`
	ConditionalOperator json.RawMessage `json:"ConditionalOperator"`
}

// prepare decodes what Query and Scan share; attrs is returned for the
// key condition still to parse.
func (in *readInput) prepare(s *tables.Schema) (*read, *expr.Attributes, error) {
	if len(in.ScanFilter) > 0 || len(in.QueryFilter) > 0 || len(in.KeyConditions) > 0 || len(in.ConditionalOperator) > 0 {
		return nil, nil, tables.Errorf(tables.ValidationException,
			"the legacy parameters KeyConditions, QueryFilter, ScanFilter and ConditionalOperator are not supported here: use KeyConditionExpression and FilterExpression")
	}
	r := &read{schema: s, key: s.Key}
	if in.IndexName != nil {
		ix, ok := s.Indexes[*in.IndexName]
		if !ok {
			return nil, nil, tables.Errorf(tables.ValidationException,
				"The table does not have the specified index: %s", *in.IndexName)
		}
		r.index, r.key = ix, ix.Key
	}
	if in.Limit != nil {
		if *in.Limit < 1 {
			return nil, nil, tables.Errorf(tables.ValidationException,
				"1 validation error detected: Value '%d' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1", *in.Limit)
		}
		r.limit = *in.Limit
	}
	switch in.Select {
	case "", SelectAllAttributes, SelectAllProjected, SelectSpecificAttributes:
	case SelectCount:
		r.count = true
	default:
		return nil, nil, enumError(in.Select, "select", "[SPECIFIC_ATTRIBUTES, COUNT, ALL_ATTRIBUTES, ALL_PROJECTED_ATTRIBUTES]")
	}
	attrs, err := expr.NewAttributes(in.ExpressionAttributeNames, in.ExpressionAttributeValues)
	if err != nil {
		return nil, nil, err
	}
	if in.FilterExpression != nil {
		if r.filter, err = expr.ParseCondition(*in.FilterExpression, expr.WhatFilter, attrs); err != nil {
			return nil, nil, err
		}
	}
	if in.ProjectionExpression != nil && in.AttributesToGet != nil {
		return nil, nil, tables.Errorf(tables.ValidationException,
			"Can not use both expression and non-expression parameters in the same request")
	}
	if in.AttributesToGet != nil {
		r.projection = expr.ProjectPaths(in.AttributesToGet)
	} else if in.ProjectionExpression != nil {
		if r.projection, err = expr.ParseProjection(*in.ProjectionExpression, attrs); err != nil {
			return nil, nil, err
		}
	}
	if len(in.ExclusiveStartKey) > 0 && string(in.ExclusiveStartKey) != "null" {
		if r.start, err = r.startKey(in.ExclusiveStartKey); err != nil {
			return nil, nil, err
		}
	}
	return r, attrs, nil
}

// startKey checks ExclusiveStartKey: the table's key, plus the index's
// key attributes when reading an index.
func (r *read) startKey(raw json.RawMessage) (tables.Item, error) {
	k, err := tables.DecodeItem(raw)
	if err != nil {
		return nil, err
	}
	tableKey := r.schema.Key.Project(k)
	if err := r.schema.CheckKey(tableKey); err != nil {
		return nil, tables.Errorf(tables.ValidationException, errStartKeyInvalidMessage+"The provided key element does not match the schema")
	}
	for name := range k {
		if !r.schema.Key.Has(name) && !r.key.Has(name) {
			return nil, tables.Errorf(tables.ValidationException, errStartKeyInvalidMessage+"The provided key element does not match the schema")
		}
	}
	return k, nil
}

// lastKey is the LastEvaluatedKey of an item: the table's key, plus the
// index's key attributes for an index.
func (r *read) lastKey(it tables.Item) tables.Item {
	k := r.schema.Key.Project(it)
	if r.index != nil {
		for name, v := range r.key.Project(it) {
			k[name] = v
		}
	}
	return k
}

// inIndex reports whether an item is in the index read: a sparse index
// holds only the items that have its key attributes, with their types.
func (r *read) inIndex(it tables.Item) bool {
	if r.index == nil {
		return true
	}
	if v := it[r.key.Hash]; v.Kind() != r.key.HashKind {
		return false
	}
	if r.key.Range != "" {
		if v := it[r.key.Range]; v.Kind() != r.key.RangeKind {
			return false
		}
	}
	return true
}

// page reads ordered items into a page: after the start key, up to the
// limit and 1 MB, filtered and projected. An index's projection limits
// the attributes returned.
func (r *read) page(ordered []tables.Item, after func(tables.Item) bool) Page {
	items := []tables.Item{}
	var p Page
	bytes := 0
	for i, it := range ordered {
		if r.start != nil && !after(it) {
			continue
		}
		p.ScannedCount++
		bytes += it.Size()
		if r.filter.Eval(it) {
			p.Count++
			if !r.count {
				items = append(items, r.project(it))
			}
		}
		full := (r.limit > 0 && p.ScannedCount >= r.limit) || bytes >= maxPageBytes
		if full && i < len(ordered)-1 {
			p.LastEvaluatedKey = r.lastKey(it)
			break
		}
	}
	if !r.count {
		p.Items = &items
	}
	return p
}

func (r *read) project(it tables.Item) tables.Item {
	if r.index != nil {
		it = r.indexProjection(it)
	}
	if r.projection != nil {
		return r.projection.Apply(it)
	}
	return it
}

// indexProjection keeps what an index holds: its keys and the table's,
// plus NonKeyAttributes (INCLUDE) or everything (ALL).
func (r *read) indexProjection(it tables.Item) tables.Item {
	switch r.index.ProjectionType {
	case "", "ALL":
		return it
	}
	keep := map[string]bool{}
	for _, n := range append(r.schema.Key.Attributes(), r.key.Attributes()...) {
		keep[n] = true
	}
	for _, n := range r.index.NonKeyAttributes {
		keep[n] = true
	}
	out := tables.Item{}
	for n, v := range it {
		if keep[n] {
			out[n] = v
		}
	}
	return out
}

// Scan is a decoded Scan request.
type Scan struct {
	*read
	segment, total int
}

// DecodeScan reads and checks a Scan request.
func DecodeScan(s *tables.Schema, raw json.RawMessage) (*Scan, error) {
	var in struct {
		readInput
		Segment       *int `json:"Segment"`
		TotalSegments *int `json:"TotalSegments"`
	}
	if err := decodeJSON(raw, &in); err != nil {
		return nil, err
	}
	r, attrs, err := in.prepare(s)
	if err != nil {
		return nil, err
	}
	if err := attrs.Unused(); err != nil {
		return nil, err
	}
	sc := &Scan{read: r}
	switch {
	case (in.Segment == nil) != (in.TotalSegments == nil):
		return nil, tables.Errorf(tables.ValidationException,
			"The TotalSegments parameter is required but was not present in the request when Segment parameter is present")
	case in.TotalSegments != nil:
		if *in.TotalSegments < 1 || *in.TotalSegments > maxTotalSegments || *in.Segment < 0 || *in.Segment >= *in.TotalSegments {
			return nil, tables.Errorf(tables.ValidationException,
				"The Segment parameter is zero-based and must be less than parameter TotalSegments: Segment: %d is out of bounds for TotalSegments: %d", *in.Segment, *in.TotalSegments)
		}
		sc.segment, sc.total = *in.Segment, *in.TotalSegments
	}
	return sc, nil
}

// Run scans the table's items (in any order; they are sorted here by
// their record keys, which is the order pages follow).
func (sc *Scan) Run(items []tables.Item) Page {
	type keyed struct {
		key string
		it  tables.Item
	}
	var ks []keyed
	for _, it := range items {
		if !sc.inIndex(it) {
			continue
		}
		k := sc.schema.ItemKey(sc.schema.Key.Project(it))
		if sc.total > 0 && segmentOf(k, sc.total) != sc.segment {
			continue
		}
		ks = append(ks, keyed{k, it})
	}
	sort.Slice(ks, func(i, j int) bool { return ks[i].key < ks[j].key })
	ordered := make([]tables.Item, len(ks))
	for i, k := range ks {
		ordered[i] = k.it
	}
	var startKey string
	if sc.start != nil {
		startKey = sc.schema.ItemKey(sc.schema.Key.Project(sc.start))
	}
	return sc.page(ordered, func(it tables.Item) bool {
		return sc.schema.ItemKey(sc.schema.Key.Project(it)) > startKey
	})
}

func segmentOf(key string, total int) int {
	h := fnv.New32a()
	h.Write([]byte(key))
	return int(h.Sum32() % uint32(total))
}
