package tables

import (
	"bytes"
	"strings"

	"github.com/mie-kafka/mie/events"
)

// Key types of a KeySchemaElement.
const (
	KeyHash  = "HASH"
	KeyRange = "RANGE"
)

// Key size limits.
const (
	maxHashKeyBytes  = 2048
	maxRangeKeyBytes = 1024
)

// KeySchema is a primary key (a table's or an index's): its partition
// key attribute and optional sort key attribute with their types.
type KeySchema struct {
	Hash, Range         string
	HashKind, RangeKind Kind
}

// Attributes returns the key's attribute names, partition key first.
func (k KeySchema) Attributes() []string {
	if k.Range == "" {
		return []string{k.Hash}
	}
	return []string{k.Hash, k.Range}
}

// Has reports whether name is one of the key's attributes.
func (k KeySchema) Has(name string) bool { return name == k.Hash || (k.Range != "" && name == k.Range) }

// Index is a secondary index's key schema and projection.
type Index struct {
	Name   string
	Global bool
	Key    KeySchema
	events.IndexProjection
}

// Schema is a table as operations need it.
type Schema struct {
	Table   events.Table
	Key     KeySchema
	Indexes map[string]*Index
}

// NewSchema reads a table definition that was valid when created (see
// ValidateCreate for the checks of a new one).
func NewSchema(t events.Table) (*Schema, error) {
	types := map[string]Kind{}
	for _, d := range t.AttributeDefinitions {
		k, ok := KindOf(d.AttributeType)
		if !ok || (k != S && k != N && k != B) {
			return nil, invalid("One or more parameter values were invalid: Invalid AttributeType %q for attribute %s: want S, N or B", d.AttributeType, d.AttributeName)
		}
		types[d.AttributeName] = k
	}
	key, err := keySchemaOf(t.KeySchema, types)
	if err != nil {
		return nil, err
	}
	s := &Schema{Table: t, Key: key, Indexes: map[string]*Index{}}
	add := func(ix []events.SecondaryIndex, global bool) error {
		for _, i := range ix {
			k, err := keySchemaOf(i.KeySchema, types)
			if err != nil {
				return err
			}
			s.Indexes[i.IndexName] = &Index{Name: i.IndexName, Global: global, Key: k, IndexProjection: i.Projection}
		}
		return nil
	}
	if err := add(t.GlobalSecondaryIndexes, true); err != nil {
		return nil, err
	}
	if err := add(t.LocalSecondaryIndexes, false); err != nil {
		return nil, err
	}
	return s, nil
}

func keySchemaOf(elems []events.KeySchemaElement, types map[string]Kind) (KeySchema, error) {
	var k KeySchema
	if len(elems) == 0 || len(elems) > 2 || elems[0].KeyType != KeyHash || (len(elems) == 2 && elems[1].KeyType != KeyRange) {
		return k, invalid("Invalid KeySchema: The first KeySchemaElement is not a HASH key type, or there are more than two elements")
	}
	for i, e := range elems {
		kind, ok := types[e.AttributeName]
		if !ok {
			return k, invalid("One or more parameter values were invalid: Some index key attributes are not defined in AttributeDefinitions. Keys: [%s], AttributeDefinitions: %s",
				e.AttributeName, definedNames(types))
		}
		if i == 0 {
			k.Hash, k.HashKind = e.AttributeName, kind
		} else {
			k.Range, k.RangeKind = e.AttributeName, kind
		}
	}
	if k.Hash == k.Range {
		return k, invalid("Invalid KeySchema: Both the Hash Key and the Range Key element in the KeySchema have the same name")
	}
	return k, nil
}

func definedNames(types map[string]Kind) string {
	var names []string
	for n := range types {
		names = append(names, n)
	}
	return "[" + strings.Join(names, ", ") + "]"
}

// KeyOf extracts the primary key from a whole item (PutItem's Item),
// checking that it has every key attribute with its declared type.
func (s *Schema) KeyOf(it Item) (Item, error) {
	key := Item{}
	for _, name := range s.Key.Attributes() {
		v, ok := it[name]
		if !ok {
			return nil, invalid("One or more parameter values were invalid: Missing the key %s in the item", name)
		}
		if err := s.checkKeyValue(name, v); err != nil {
			return nil, err
		}
		key[name] = v
	}
	return key, nil
}

// CheckKey checks a Key parameter (GetItem, UpdateItem, DeleteItem): it
// must hold exactly the key attributes, with their declared types.
func (s *Schema) CheckKey(key Item) error {
	if len(key) != len(s.Key.Attributes()) {
		return invalid("The provided key element does not match the schema")
	}
	for _, name := range s.Key.Attributes() {
		v, ok := key[name]
		if !ok {
			return invalid("The provided key element does not match the schema")
		}
		if err := s.checkKeyValue(name, v); err != nil {
			return err
		}
	}
	return nil
}

func (s *Schema) checkKeyValue(name string, v Value) error {
	want, limit := s.Key.HashKind, maxHashKeyBytes
	if name == s.Key.Range {
		want, limit = s.Key.RangeKind, maxRangeKeyBytes
	}
	if v.Kind() != want {
		return invalid("One or more parameter values were invalid: Type mismatch for key %s expected: %s actual: %s", name, want, v.Kind())
	}
	if (want == S || want == B) && v.Str() == "" {
		return invalid("One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty %s value. Key: %s",
			map[Kind]string{S: "string", B: "binary"}[want], name)
	}
	if len(v.Str()) > limit {
		if name == s.Key.Range {
			return invalid("One or more parameter values were invalid: Aggregated size of all range keys has exceeded the size limit of 1024 bytes")
		}
		return invalid("One or more parameter values were invalid: Size of hashkey has exceeded the maximum size limit of 2048 bytes")
	}
	return nil
}

// ItemKey is the record key of an item of table name with key: the
// table name, '/', and the key's attributes in DynamoDB's JSON, partition
// key first (table names cannot hold '/', so the first '/' splits).
// Numbers are canonical, so equal keys give equal record keys.
func ItemKey(table string, ks KeySchema, key Item) string {
	var buf bytes.Buffer
	buf.WriteString(table)
	buf.WriteString("/{")
	for i, name := range ks.Attributes() {
		if i > 0 {
			buf.WriteByte(',')
		}
		b, _ := Item{name: key[name]}.MarshalJSON()
		buf.Write(b[1 : len(b)-1])
	}
	buf.WriteByte('}')
	return buf.String()
}

// ItemKey is the record key of one of the table's items.
func (s *Schema) ItemKey(key Item) string { return ItemKey(s.Table.TableName, s.Key, key) }

// Project keeps only the key attributes of an item.
func (k KeySchema) Project(it Item) Item {
	out := Item{}
	for _, name := range k.Attributes() {
		if v, ok := it[name]; ok {
			out[name] = v
		}
	}
	return out
}
