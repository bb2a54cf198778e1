package tables

import (
	"bytes"
	"encoding/json"
	"maps"
	"sort"
)

// MaxItemSize is DynamoDB's item size limit, 400 KB.
const MaxItemSize = 400 << 10

// Item is an item (or a key): attribute name to value.
type Item map[string]Value

// DecodeItem reads an item in DynamoDB's JSON (an object of
// AttributeValues); null or absent is an empty item.
func DecodeItem(raw json.RawMessage) (Item, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return Item{}, nil
	}
	var members map[string]json.RawMessage
	if err := json.Unmarshal(raw, &members); err != nil {
		return nil, Errorf(SerializationException, "an item must be an object of AttributeValues, not %.60s", raw)
	}
	it := make(Item, len(members))
	for name, r := range members {
		v, err := decodeValue(r, 1)
		if err != nil {
			return nil, err
		}
		it[name] = v
	}
	return it, nil
}

// MustItem decodes an item known to be valid (tests and fixtures); it
// panics otherwise.
func MustItem(raw string) Item {
	it, err := DecodeItem(json.RawMessage(raw))
	if err != nil {
		panic(err)
	}
	return it
}

// Encode writes the item in DynamoDB's JSON, members in name order.
func (it Item) Encode() json.RawMessage {
	var buf bytes.Buffer
	if err := encodeMap(&buf, it); err != nil {
		// Items hold only values that exist; a zero Value is a bug.
		panic(err)
	}
	return buf.Bytes()
}

// MarshalJSON implements json.Marshaler.
func (it Item) MarshalJSON() ([]byte, error) {
	if it == nil {
		return []byte("{}"), nil
	}
	var buf bytes.Buffer
	if err := encodeMap(&buf, it); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// UnmarshalJSON implements json.Unmarshaler.
func (it *Item) UnmarshalJSON(data []byte) error {
	out, err := DecodeItem(data)
	if err != nil {
		return err
	}
	*it = out
	return nil
}

// Clone copies the item's top level (values are immutable).
func (it Item) Clone() Item {
	if it == nil {
		return nil
	}
	return maps.Clone(it)
}

// Size is the item's size as DynamoDB counts it: names and values.
func (it Item) Size() int {
	n := 0
	for k, v := range it {
		n += len(k) + v.Size()
	}
	return n
}

// CheckSize refuses an item over MaxItemSize.
func (it Item) CheckSize() error {
	if it.Size() > MaxItemSize {
		return invalid("Item size has exceeded the maximum allowed size")
	}
	return nil
}

// Names returns the attribute names, sorted.
func (it Item) Names() []string {
	names := make([]string, 0, len(it))
	for k := range it {
		names = append(names, k)
	}
	sort.Strings(names)
	return names
}

// Equal reports whether two items hold the same attributes and values.
func (it Item) Equal(o Item) bool {
	if len(it) != len(o) {
		return false
	}
	for k, v := range it {
		w, ok := o[k]
		if !ok || !v.Equal(w) {
			return false
		}
	}
	return true
}
