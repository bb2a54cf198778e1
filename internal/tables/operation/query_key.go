package operation

import (
	"encoding/json"
	"sort"

	"github.com/mie-kafka/mie/internal/tables"
	"github.com/mie-kafka/mie/internal/tables/expr"
)

// Query is a decoded Query request.
type Query struct {
	*read
	// Hash is the partition key value every item read has.
	Hash    tables.Value
	rng     *expr.KeyPart
	forward bool
}

// DecodeQuery reads and checks a Query request.
func DecodeQuery(s *tables.Schema, raw json.RawMessage) (*Query, error) {
	var in struct {
		readInput
		KeyConditionExpression *string `json:"KeyConditionExpression"`
		ScanIndexForward       *bool   `json:"ScanIndexForward"`
	}
	if err := decodeJSON(raw, &in); err != nil {
		return nil, err
	}
	r, attrs, err := in.prepare(s)
	if err != nil {
		return nil, err
	}
	if in.KeyConditionExpression == nil {
		return nil, tables.Errorf(tables.ValidationException,
			"Either the KeyConditions or KeyConditionExpression parameter must be specified in the request.")
	}
	kc, err := expr.ParseKeyCondition(*in.KeyConditionExpression, attrs)
	if err != nil {
		return nil, err
	}
	if err := attrs.Unused(); err != nil {
		return nil, err
	}
	q := &Query{read: r, forward: defaultScanIndexForward}
	if in.ScanIndexForward != nil {
		q.forward = *in.ScanIndexForward
	}
	if err := q.keyParts(kc); err != nil {
		return nil, err
	}
	return q, nil
}

// keyParts matches the key condition's parts to the key read: an
// equality on the partition key, at most one condition on the sort key.
func (q *Query) keyParts(kc *expr.KeyCondition) error {
	var hash *expr.KeyPart
	for i := range kc.Parts {
		p := &kc.Parts[i]
		switch {
		case p.Name == q.key.Hash:
			if p.Op != "=" {
				return tables.Errorf(tables.ValidationException, "Query key condition not supported")
			}
			hash = p
		case q.key.Range != "" && p.Name == q.key.Range:
			q.rng = p
		default:
			return tables.Errorf(tables.ValidationException, "Query condition missed key schema element: %s", q.missing(kc))
		}
	}
	if hash == nil {
		return tables.Errorf(tables.ValidationException, "Query condition missed key schema element: %s", q.key.Hash)
	}
	if hash.Lo.Kind() != q.key.HashKind || (q.rng != nil && q.rng.Lo.Kind() != q.key.RangeKind) ||
		(q.rng != nil && q.rng.Op == "BETWEEN" && q.rng.Hi.Kind() != q.key.RangeKind) {
		return tables.Errorf(tables.ValidationException,
			"One or more parameter values were invalid: Condition parameter type does not match schema type")
	}
	if q.rng != nil && q.rng.Op == expr.OpBeginsWith && q.key.RangeKind == tables.N {
		return tables.Errorf(tables.ValidationException,
			"Invalid KeyConditionExpression: Incorrect operand type for operator or function; operator or function: begins_with, operand type: NUMBER")
	}
	q.Hash = hash.Lo
	if q.start != nil {
		if v := q.start[q.key.Hash]; !v.Equal(q.Hash) {
			return tables.Errorf(tables.ValidationException, errStartKeyInvalidMessage+"The query can return only items with the partition key value given in the key condition")
		}
	}
	return nil
}

// missing names the key attribute a condition does not cover.
func (q *Query) missing(kc *expr.KeyCondition) string {
	for _, name := range q.key.Attributes() {
		found := false
		for _, p := range kc.Parts {
			found = found || p.Name == name
		}
		if !found {
			return name
		}
	}
	return q.key.Hash
}

// Index is the index the query reads, "" for the table.
func (q *Query) Index() string {
	if q.index == nil {
		return ""
	}
	return q.index.Name
}

// HashName is the partition key attribute of what the query reads.
func (q *Query) HashName() string { return q.key.Hash }

// Run reads the page from candidates: items of the table (any order;
// those without the partition key value are skipped), ordered by the
// sort key (then by the table's key, for an index's equal sort keys),
// ascending unless ScanIndexForward is false.
func (q *Query) Run(candidates []tables.Item) Page {
	var items []tables.Item
	for _, it := range candidates {
		if !q.inIndex(it) || !it[q.key.Hash].Equal(q.Hash) {
			continue
		}
		if q.rng != nil && !q.rng.Match(it[q.key.Range]) {
			continue
		}
		items = append(items, it)
	}
	sort.SliceStable(items, func(i, j int) bool { return q.less(items[i], items[j]) })
	return q.page(items, func(it tables.Item) bool { return q.less(q.start, it) })
}

// less orders two items as the query reads them.
func (q *Query) less(a, b tables.Item) bool {
	c := 0
	if q.key.Range != "" {
		c, _ = a[q.key.Range].Compare(b[q.key.Range])
	}
	if c == 0 && q.index != nil {
		ka, kb := q.schema.ItemKey(q.schema.Key.Project(a)), q.schema.ItemKey(q.schema.Key.Project(b))
		switch {
		case ka < kb:
			c = -1
		case ka > kb:
			c = 1
		}
	}
	if q.forward {
		return c < 0
	}
	return c > 0
}
