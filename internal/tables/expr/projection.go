package expr

import (
	"sort"

	"github.com/mie-kafka/mie/internal/tables"
)

// Projection is a parsed projection expression: the paths to keep.
type Projection struct{ paths []Path }

// ParseProjection parses a ProjectionExpression: document paths
// separated by commas.
func ParseProjection(src string, attrs *Attributes) (*Projection, error) {
	p, err := newParser(src, WhatProjection, attrs)
	if err != nil {
		return nil, err
	}
	out := &Projection{}
	for {
		path, err := p.path()
		if err != nil {
			return nil, err
		}
		out.paths = append(out.paths, path)
		t := p.advance()
		if t.kind == tEOF {
			break
		}
		if !t.is(",") {
			return nil, p.syntax(t)
		}
	}
	if err := checkOverlaps(out.paths, WhatProjection); err != nil {
		return nil, err
	}
	return out, nil
}

// ProjectPaths keeps only the given top-level attributes (the legacy
// AttributesToGet).
func ProjectPaths(names []string) *Projection {
	out := &Projection{}
	for _, n := range names {
		out.paths = append(out.paths, Path{{Name: n}})
	}
	return out
}

// PathsProjection projects an item on paths (UpdateItem's UPDATED_OLD and
// UPDATED_NEW use the update's own paths).
func PathsProjection(paths []Path) *Projection { return &Projection{paths: paths} }

func checkOverlaps(paths []Path, what string) error {
	for i, a := range paths {
		for _, b := range paths[i+1:] {
			one, two := a, b
			if len(b) < len(a) {
				one, two = b, a
			}
			if one.prefixOf(two) {
				return invalidf("Invalid %s: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: %s, path two: %s", what, one, two)
			}
		}
	}
	return nil
}

// node is one level of a projected item being built.
type node struct {
	leaf   *tables.Value
	fields map[string]*node
	elems  map[int]*node
}

// Apply returns the item's projected attributes: each path's value, with
// the maps and lists above it holding only what was projected (a list
// keeps its projected elements in index order). Paths that lead nowhere
// are left out; nil for a nil item.
func (pr *Projection) Apply(it tables.Item) tables.Item {
	if it == nil {
		return nil
	}
	if pr == nil {
		return it
	}
	root := &node{fields: map[string]*node{}}
	for _, p := range pr.paths {
		v := p.Get(it)
		if !v.Exists() {
			continue
		}
		n := root
		for _, s := range p {
			n = n.child(s)
		}
		n.leaf = &v
	}
	out := tables.Item{}
	for name, n := range root.fields {
		out[name] = n.value()
	}
	return out
}

func (n *node) child(s Step) *node {
	if s.IsIndex {
		if n.elems == nil {
			n.elems = map[int]*node{}
		}
		c := n.elems[s.Index]
		if c == nil {
			c = &node{}
			n.elems[s.Index] = c
		}
		return c
	}
	if n.fields == nil {
		n.fields = map[string]*node{}
	}
	c := n.fields[s.Name]
	if c == nil {
		c = &node{}
		n.fields[s.Name] = c
	}
	return c
}

func (n *node) value() tables.Value {
	if n.leaf != nil {
		return *n.leaf
	}
	if n.elems != nil {
		idx := make([]int, 0, len(n.elems))
		for i := range n.elems {
			idx = append(idx, i)
		}
		sort.Ints(idx)
		l := make([]tables.Value, len(idx))
		for j, i := range idx {
			l[j] = n.elems[i].value()
		}
		return tables.List(l)
	}
	m := make(map[string]tables.Value, len(n.fields))
	for k, c := range n.fields {
		m[k] = c.value()
	}
	return tables.Map(m)
}
