package expr

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/mie-kafka/mie/internal/tables"
)

func invalidf(format string, args ...any) *tables.Error {
	return tables.Errorf(tables.ValidationException, format, args...)
}

// Attributes are a request's ExpressionAttributeNames and
// ExpressionAttributeValues; the expressions parsed with them record
// which they used, so that Unused can refuse the others, as DynamoDB
// does.
type Attributes struct {
	names      map[string]string
	values     map[string]tables.Value
	usedNames  map[string]bool
	usedValues map[string]bool
}

// NewAttributes decodes ExpressionAttributeNames and
// ExpressionAttributeValues (either may be nil). DynamoDB refuses an
// empty map, and a values map whose members are not AttributeValues.
func NewAttributes(names map[string]string, values json.RawMessage) (*Attributes, error) {
	a := &Attributes{names: names, usedNames: map[string]bool{}, usedValues: map[string]bool{}}
	if names != nil && len(names) == 0 {
		return nil, invalidf("ExpressionAttributeNames must not be empty")
	}
	for k := range names {
		if !strings.HasPrefix(k, "#") || len(k) < 2 {
			return nil, invalidf("ExpressionAttributeNames contains invalid key: Syntax error; key: %q", k)
		}
	}
	if len(values) > 0 && string(values) != "null" {
		it, err := tables.DecodeItem(values)
		if err != nil {
			return nil, err
		}
		if len(it) == 0 {
			return nil, invalidf("ExpressionAttributeValues must not be empty")
		}
		for k := range it {
			if !strings.HasPrefix(k, ":") || len(k) < 2 {
				return nil, invalidf("ExpressionAttributeValues contains invalid key: Syntax error; key: %q", k)
			}
		}
		a.values = it
	}
	return a, nil
}

// Empty reports whether neither names nor values were given.
func (a *Attributes) Empty() bool { return a == nil || (a.names == nil && a.values == nil) }

func (a *Attributes) name(ref, what string) (string, error) {
	n, ok := a.names[ref]
	if !ok {
		return "", invalidf("Invalid %s: An expression attribute name used in the document path is not defined; attribute name: %s", what, ref)
	}
	a.usedNames[ref] = true
	return n, nil
}

func (a *Attributes) value(ref, what string) (tables.Value, error) {
	v, ok := a.values[ref]
	if !ok {
		return tables.Value{}, invalidf("Invalid %s: An expression attribute value used in expression is not defined; attribute value: %s", what, ref)
	}
	a.usedValues[ref] = true
	return v, nil
}

// Unused refuses names and values that no expression used.
func (a *Attributes) Unused() error {
	if a == nil {
		return nil
	}
	unused := func(used map[string]bool, keys []string) []string {
		var out []string
		for _, k := range keys {
			if !used[k] {
				out = append(out, k)
			}
		}
		sort.Strings(out)
		return out
	}
	var nameKeys, valueKeys []string
	for k := range a.names {
		nameKeys = append(nameKeys, k)
	}
	for k := range a.values {
		valueKeys = append(valueKeys, k)
	}
	if u := unused(a.usedNames, nameKeys); len(u) > 0 {
		return invalidf("Value provided in ExpressionAttributeNames unused in expressions: keys: {%s}", strings.Join(u, ", "))
	}
	if u := unused(a.usedValues, valueKeys); len(u) > 0 {
		return invalidf("Value provided in ExpressionAttributeValues unused in expressions: keys: {%s}", strings.Join(u, ", "))
	}
	return nil
}

// Step is one element of a document path: a map member or a list index.
type Step struct {
	Name    string
	Index   int
	IsIndex bool
}

// Path is a document path: Title, Pictures.SideView, Reviews[0].Stars.
type Path []Step

// maxPathDepth is DynamoDB's limit on a document path's depth.
const maxPathDepth = 32

// String renders the path as DynamoDB's messages do: [a, b, [0]].
func (p Path) String() string {
	parts := make([]string, len(p))
	for i, s := range p {
		if s.IsIndex {
			parts[i] = fmt.Sprintf("[%d]", s.Index)
		} else {
			parts[i] = s.Name
		}
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

// Top is the path's top-level attribute.
func (p Path) Top() string { return p[0].Name }

// prefixOf reports whether p is o or a prefix of it.
func (p Path) prefixOf(o Path) bool {
	if len(p) > len(o) {
		return false
	}
	for i := range p {
		if p[i] != o[i] {
			return false
		}
	}
	return true
}

// Get resolves the path in an item; the zero Value if it leads nowhere.
func (p Path) Get(it tables.Item) tables.Value {
	v, ok := it[p[0].Name]
	if !ok {
		return tables.Value{}
	}
	for _, s := range p[1:] {
		switch {
		case s.IsIndex && v.Kind() == tables.L:
			l := v.ListValue()
			if s.Index >= len(l) {
				return tables.Value{}
			}
			v = l[s.Index]
		case !s.IsIndex && v.Kind() == tables.M:
			x, ok := v.MapValue()[s.Name]
			if !ok {
				return tables.Value{}
			}
			v = x
		default:
			return tables.Value{}
		}
	}
	return v
}
