package expr

import (
	"maps"
	"slices"
	"sort"

	"github.com/mie-kafka/mie/internal/tables"
)

// Runtime errors of update expressions, as DynamoDB words them.
func errMissing() error {
	return invalidf("The provided expression refers to an attribute that does not exist in the item")
}

func errOperandType() error {
	return invalidf("An operand in the update expression has an incorrect data type")
}

func errBadPath() error {
	return invalidf("The document path provided in the update expression is invalid for update")
}

type constant struct{ v tables.Value }

func (c constant) eval(tables.Item) (tables.Value, error) { return c.v, nil }

type attribute struct{ p Path }

func (a attribute) eval(it tables.Item) (tables.Value, error) {
	v := a.p.Get(it)
	if !v.Exists() {
		return v, errMissing()
	}
	return v, nil
}

type ifNotExists struct {
	path Path
	def  valueExpr
}

func (f ifNotExists) eval(it tables.Item) (tables.Value, error) {
	if v := f.path.Get(it); v.Exists() {
		return v, nil
	}
	return f.def.eval(it)
}

type listAppend struct{ a, b valueExpr }

func (f listAppend) eval(it tables.Item) (tables.Value, error) {
	a, err := f.a.eval(it)
	if err != nil {
		return a, err
	}
	b, err := f.b.eval(it)
	if err != nil {
		return b, err
	}
	if a.Kind() != tables.L || b.Kind() != tables.L {
		return tables.Value{}, errOperandType()
	}
	return tables.List(slices.Concat(a.ListValue(), b.ListValue())), nil
}

type arithmetic struct {
	op   string
	a, b valueExpr
}

func (f arithmetic) eval(it tables.Item) (tables.Value, error) {
	a, err := f.a.eval(it)
	if err != nil {
		return a, err
	}
	b, err := f.b.eval(it)
	if err != nil {
		return b, err
	}
	if a.Kind() != tables.N || b.Kind() != tables.N {
		return tables.Value{}, errOperandType()
	}
	sign := 1
	if f.op == "-" {
		sign = -1
	}
	return tables.AddNumbers(a, b, sign)
}

// Apply returns the item the update makes of it (it is not modified).
// Every value is computed from the item as it was, as DynamoDB does; then
// SETs apply, then REMOVEs (a list's higher indexes first, so that every
// index names an element of the list as it was), then ADDs and DELETEs.
func (u *Update) Apply(it tables.Item) (tables.Item, error) {
	vals := make([]tables.Value, len(u.sets))
	for i, a := range u.sets {
		v, err := a.val.eval(it)
		if err != nil {
			return nil, err
		}
		vals[i] = v
	}
	out := it.Clone()
	if out == nil {
		out = tables.Item{}
	}
	for i, a := range u.sets {
		if err := setPath(out, a.path, vals[i]); err != nil {
			return nil, err
		}
	}
	removes := slices.Clone(u.removes)
	sort.Slice(removes, func(i, j int) bool { return pathAfter(removes[i], removes[j]) })
	for _, p := range removes {
		removePath(out, p)
	}
	for _, a := range u.adds {
		if err := add(out, it, a); err != nil {
			return nil, err
		}
	}
	for _, a := range u.deletes {
		if err := deleteMembers(out, it, a); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// pathAfter orders paths so that, within one list, a higher index comes
// first.
func pathAfter(a, b Path) bool {
	for i := 0; i < len(a) && i < len(b); i++ {
		x, y := a[i], b[i]
		if x == y {
			continue
		}
		if x.IsIndex && y.IsIndex {
			return x.Index > y.Index
		}
		return x.Name > y.Name
	}
	return len(a) > len(b)
}

// setPath sets the value at p in the item, copying what it changes. The
// path's parent must exist; a list index past the end appends.
func setPath(it tables.Item, p Path, v tables.Value) error {
	name := p.Top()
	if len(p) == 1 {
		it[name] = v
		return nil
	}
	nv, err := setIn(it[name], p[1:], v)
	if err != nil {
		return err
	}
	it[name] = nv
	return nil
}

func setIn(parent tables.Value, rest Path, v tables.Value) (tables.Value, error) {
	step := rest[0]
	if step.IsIndex {
		if parent.Kind() != tables.L {
			return tables.Value{}, errBadPath()
		}
		l := slices.Clone(parent.ListValue())
		switch {
		case len(rest) == 1 && step.Index >= len(l):
			l = append(l, v)
		case len(rest) == 1:
			l[step.Index] = v
		case step.Index >= len(l):
			return tables.Value{}, errBadPath()
		default:
			x, err := setIn(l[step.Index], rest[1:], v)
			if err != nil {
				return tables.Value{}, err
			}
			l[step.Index] = x
		}
		return tables.List(l), nil
	}
	if parent.Kind() != tables.M {
		return tables.Value{}, errBadPath()
	}
	m := maps.Clone(parent.MapValue())
	if len(rest) == 1 {
		m[step.Name] = v
		return tables.Map(m), nil
	}
	child, ok := m[step.Name]
	if !ok {
		return tables.Value{}, errBadPath()
	}
	x, err := setIn(child, rest[1:], v)
	if err != nil {
		return tables.Value{}, err
	}
	m[step.Name] = x
	return tables.Map(m), nil
}

// removePath removes the value at p; a path that leads nowhere is left
// as it is.
func removePath(it tables.Item, p Path) {
	name := p.Top()
	if len(p) == 1 {
		delete(it, name)
		return
	}
	if nv, ok := removeIn(it[name], p[1:]); ok {
		it[name] = nv
	}
}

func removeIn(parent tables.Value, rest Path) (tables.Value, bool) {
	step := rest[0]
	if step.IsIndex {
		if parent.Kind() != tables.L || step.Index >= len(parent.ListValue()) {
			return parent, false
		}
		l := slices.Clone(parent.ListValue())
		if len(rest) == 1 {
			return tables.List(slices.Delete(l, step.Index, step.Index+1)), true
		}
		x, ok := removeIn(l[step.Index], rest[1:])
		l[step.Index] = x
		return tables.List(l), ok
	}
	if parent.Kind() != tables.M {
		return parent, false
	}
	child, ok := parent.MapValue()[step.Name]
	if !ok {
		return parent, false
	}
	m := maps.Clone(parent.MapValue())
	if len(rest) == 1 {
		delete(m, step.Name)
		return tables.Map(m), true
	}
	x, ok := removeIn(child, rest[1:])
	m[step.Name] = x
	return tables.Map(m), ok
}

// add is ADD: a number is added to (or becomes) the attribute; a set's
// members join the attribute's set (or become it).
func add(out, orig tables.Item, a setAction) error {
	v, _ := a.val.eval(orig)
	cur := a.path.Get(orig)
	switch {
	case !cur.Exists():
		return setPath(out, a.path, v)
	case cur.Kind() == tables.N && v.Kind() == tables.N:
		sum, err := tables.AddNumbers(cur, v, 1)
		if err != nil {
			return err
		}
		return setPath(out, a.path, sum)
	case cur.Kind() == v.Kind() && v.Kind().IsSet():
		return setPath(out, a.path, tables.Union(cur, v))
	}
	return errOperandType()
}

// deleteMembers is DELETE: the set's members leave the attribute's set;
// an emptied set is removed.
func deleteMembers(out, orig tables.Item, a setAction) error {
	v, _ := a.val.eval(orig)
	cur := a.path.Get(orig)
	switch {
	case !cur.Exists():
		return nil
	case cur.Kind() != v.Kind():
		return errOperandType()
	}
	rest, ok := tables.Difference(cur, v)
	if !ok {
		removePath(out, a.path)
		return nil
	}
	return setPath(out, a.path, rest)
}
