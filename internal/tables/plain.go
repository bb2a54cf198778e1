package tables

import (
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strconv"
)

// FromPlain converts a plain JSON value (as encoding/json decodes one)
// into an AttributeValue, as boto3's resource layer and the SDKs'
// marshalers do: a string is S, a number N, a bool BOOL, nil NULL, a list
// L, an object M, a []byte B. Functions that write items from plain
// values (a Lambda's boto3 Table.update_item) convert with it.
func FromPlain(v any) (Value, error) {
	switch x := v.(type) {
	case nil:
		return Null(), nil
	case string:
		return String(x), nil
	case bool:
		return Bool(x), nil
	case []byte:
		return Binary(x), nil
	case json.Number:
		return Number(x.String())
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return Value{}, invalid("The parameter cannot be converted to a numeric value: %v", x)
		}
		return Number(strconv.FormatFloat(x, 'f', -1, 64))
	case int:
		return Number(strconv.Itoa(x))
	case int64:
		return Number(strconv.FormatInt(x, 10))
	case []any:
		l := make([]Value, len(x))
		for i, e := range x {
			ev, err := FromPlain(e)
			if err != nil {
				return Value{}, err
			}
			l[i] = ev
		}
		return List(l), nil
	case map[string]any:
		m, err := ItemFromPlain(x)
		if err != nil {
			return Value{}, err
		}
		return Map(m), nil
	}
	return Value{}, invalid("a %T cannot be stored as an AttributeValue", v)
}

// ItemFromPlain converts an object of plain JSON values into an item.
func ItemFromPlain(m map[string]any) (Item, error) {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys) // the first bad member is always the same one
	out := make(Item, len(m))
	for _, k := range keys {
		v, err := FromPlain(m[k])
		if err != nil {
			return nil, fmt.Errorf("%s: %w", k, err)
		}
		out[k] = v
	}
	return out, nil
}
