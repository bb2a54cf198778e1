package jsonpath

import (
	"sort"
	"strconv"

	"github.com/mie-kafka/mie/internal/asl/jsonvalue"
)

// Get evaluates the path against doc the way Step Functions does.
//
// A definite path returns the value it names, or a *NotFoundError when
// there is none. An indefinite path returns a []any of every match, in
// document order, possibly empty; it still fails with a *NotFoundError
// when its definite head does (Jayway: "$.a[*]" on a document without "a"
// is an error, on {"a": []} it is []). A path whose evaluation would
// visit more than 4M nodes (nested deep scans) fails with a *LimitError.
func (p *Path) Get(doc any) (any, error) {
	if p.simple {
		return p.getSimple(doc)
	}
	var steps int
	return p.get(doc, doc, &steps)
}

// get evaluates p at doc; root is the document "$" in filters refers to,
// steps the budget shared by everything one Get evaluates.
func (p *Path) get(doc, root any, steps *int) (any, error) {
	for i := range p.segs {
		if p.segs[i].kind == selFunc {
			return nil, &NotFoundError{Path: p.src, Reason: "functions such as " + p.segs[i].name + "() are not supported"}
		}
	}
	e := evaluator{root: root, path: p, steps: steps}
	if err := e.walk(doc, 0); err != nil {
		return nil, err
	}
	if *steps > maxSteps {
		return nil, &LimitError{Path: p.src}
	}
	if !p.definite {
		if e.out == nil {
			return []any{}, nil
		}
		return e.out, nil
	}
	if len(e.out) == 0 {
		return nil, p.noResults()
	}
	return e.out[0], nil
}

func (p *Path) noResults() error {
	return &NotFoundError{Path: p.src, Reason: "No results for path: " + p.canonical(len(p.segs))}
}

// getSimple walks .name and [n] segments without allocating.
func (p *Path) getSimple(doc any) (any, error) {
	cur := doc
	for i := range p.segs {
		s := &p.segs[i]
		leaf := i == len(p.segs)-1
		if s.kind == selName {
			m, ok := cur.(map[string]any)
			if !ok {
				return nil, p.notObject(i, cur)
			}
			v, ok := m[s.name]
			if !ok {
				if leaf {
					return nil, p.noResults()
				}
				return nil, p.missing(i)
			}
			cur = v
			continue
		}
		a, err := p.checkArray(i, cur)
		if err != nil {
			return nil, err
		}
		idx := s.index
		if idx < 0 {
			idx += len(a)
		}
		if idx < 0 || idx >= len(a) {
			return nil, p.noResults()
		}
		cur = a[idx]
	}
	return cur, nil
}

// lookup is getSimple without the error: filters only need to know
// whether the path names something.
func (p *Path) lookup(doc any) (any, bool) {
	cur := doc
	for i := range p.segs {
		s := &p.segs[i]
		switch c := cur.(type) {
		case map[string]any:
			if s.kind != selName {
				return nil, false
			}
			v, ok := c[s.name]
			if !ok {
				return nil, false
			}
			cur = v
		case []any:
			idx := s.index
			if s.kind != selIndex {
				return nil, false
			}
			if idx < 0 {
				idx += len(c)
			}
			if idx < 0 || idx >= len(c) {
				return nil, false
			}
			cur = c[idx]
		default:
			return nil, false
		}
	}
	return cur, true
}

func (p *Path) missing(i int) error {
	return &NotFoundError{Path: p.src, Reason: "Missing property in path " + p.canonical(i+1)}
}

func (p *Path) notObject(i int, v any) error {
	return &NotFoundError{Path: p.src, Reason: "Expected to find an object with property " +
		p.segs[i].fragment() + " in path " + p.canonical(i) + " but found '" + kindOf(v) + "'"}
}

func (p *Path) checkArray(i int, v any) ([]any, error) {
	switch a := v.(type) {
	case []any:
		return a, nil
	case nil:
		return nil, &NotFoundError{Path: p.src, Reason: "The path " + p.canonical(i) + " is null"}
	}
	return nil, &NotFoundError{Path: p.src, Reason: "Filter: " + p.segs[i].fragment() +
		" can only be applied to arrays. Current context is: " + jsonvalue.MustMarshal(v)}
}

func kindOf(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case string:
		return "string"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	if jsonvalue.IsNumber(v) {
		return "number"
	}
	return "unknown"
}

// maxSteps bounds the nodes one Get may visit: nested deep scans grow
// with the power of their number ($..*..*..* on a deep document), and a
// state must not stall its partition.
const maxSteps = 1 << 22

// LimitError is a path whose evaluation would visit more than maxSteps
// nodes.
type LimitError struct{ Path string }

func (e *LimitError) Error() string {
	return "Invalid path '" + e.Path + "' : evaluating it visits more than " + strconv.Itoa(maxSteps) + " nodes"
}

// evaluator collects the matches of one Get.
type evaluator struct {
	root  any
	path  *Path
	out   []any
	steps *int // shared by the evaluators of one Get
}

func (e *evaluator) step() error {
	*e.steps++
	if *e.steps > maxSteps {
		return &LimitError{Path: e.path.src}
	}
	return nil
}

// strict reports whether a miss at segment i is an error rather than a
// skipped branch: Jayway raises only while everything upstream is definite.
func (e *evaluator) strict(i int) bool { return i <= e.path.firstIndefinite }

func (e *evaluator) walk(cur any, i int) error {
	if err := e.step(); err != nil {
		return err
	}
	segs := e.path.segs
	if i == len(segs) {
		e.out = append(e.out, cur)
		return nil
	}
	s := &segs[i]
	if s.scan {
		return e.scan(cur, i)
	}
	switch s.kind {
	case selName, selNames:
		return e.walkNames(cur, i)
	case selIndex, selIndexes, selSlice:
		return e.walkIndexes(cur, i)
	case selWildcard:
		return e.eachChild(cur, func(v any) error { return e.walk(v, i+1) })
	case selFilter:
		return e.walkFilter(cur, i)
	}
	return nil
}

func (e *evaluator) walkNames(cur any, i int) error {
	s := &e.path.segs[i]
	leaf := i == len(e.path.segs)-1
	m, ok := cur.(map[string]any)
	if !ok {
		if e.strict(i) {
			return e.path.notObject(i, cur)
		}
		return nil
	}
	if s.kind == selName {
		v, ok := m[s.name]
		if !ok {
			// Jayway: a missing name is an error only when it and
			// everything before it are definite and more follows.
			if !leaf && e.strict(i+1) {
				return e.path.missing(i)
			}
			return nil
		}
		return e.walk(v, i+1)
	}
	if leaf {
		// Jayway merges a leaf union of names into one object.
		merged := make(map[string]any, len(s.names))
		for _, n := range s.names {
			if v, ok := m[n]; ok {
				merged[n] = v
			}
		}
		e.out = append(e.out, merged)
		return nil
	}
	for _, n := range s.names {
		if v, ok := m[n]; ok {
			if err := e.walk(v, i+1); err != nil {
				return err
			}
		}
	}
	return nil
}

func (e *evaluator) walkIndexes(cur any, i int) error {
	s := &e.path.segs[i]
	a, ok := cur.([]any)
	if !ok {
		if e.strict(i) {
			_, err := e.path.checkArray(i, cur)
			return err
		}
		return nil
	}
	visit := func(idx int) error {
		if idx < 0 {
			idx += len(a)
		}
		if idx < 0 || idx >= len(a) {
			return nil
		}
		return e.walk(a[idx], i+1)
	}
	switch s.kind {
	case selIndex:
		return visit(s.index)
	case selIndexes:
		for _, idx := range s.indexes {
			if err := visit(idx); err != nil {
				return err
			}
		}
		return nil
	}
	from, to := sliceBounds(s, len(a))
	for idx := from; idx < to; idx++ {
		if err := e.walk(a[idx], i+1); err != nil {
			return err
		}
	}
	return nil
}

// sliceBounds follows Jayway's ArraySliceOperation: [a:] and [:b] count
// negative bounds from the end, [a:b] takes them as written.
func sliceBounds(s *segment, n int) (from, to int) {
	switch {
	case s.hasFrom && !s.hasTo:
		from, to = s.from, n
		if from < 0 {
			from += n
		}
	case !s.hasFrom && s.hasTo:
		from, to = 0, s.to
		if to < 0 {
			to += n
		}
	default:
		from, to = s.from, s.to
	}
	from = max(from, 0)
	to = min(to, n)
	if from > to {
		from = to
	}
	return from, to
}

func (e *evaluator) walkFilter(cur any, i int) error {
	s := &e.path.segs[i]
	switch c := cur.(type) {
	case map[string]any:
		if s.filter.test(e, c) {
			return e.walk(c, i+1)
		}
		return nil
	case []any:
		for _, v := range c {
			// Step Functions' filters match objects only, never scalars.
			if m, ok := v.(map[string]any); ok && s.filter.test(e, m) {
				if err := e.walk(m, i+1); err != nil {
					return err
				}
			}
		}
		return nil
	}
	if e.strict(i) {
		return &NotFoundError{Path: e.path.src, Reason: "Filter: [?] can not be applied to primitives. Current context is: " +
			jsonvalue.MustMarshal(cur)}
	}
	return nil
}

// eachChild calls f with every member of an object (sorted by key, since
// a Go map has no order) or element of an array.
func (e *evaluator) eachChild(cur any, f func(any) error) error {
	switch c := cur.(type) {
	case map[string]any:
		for _, k := range sortedKeys(c) {
			if err := f(c[k]); err != nil {
				return err
			}
		}
	case []any:
		for _, v := range c {
			if err := f(v); err != nil {
				return err
			}
		}
	}
	return nil
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// scan is Jayway's deep scan ("..x"): it visits every object and array
// under cur, cur included, in document order, and where x can match
// applies x and the rest of the path. Below a scan nothing is strict:
// misses are skipped.
func (e *evaluator) scan(cur any, i int) error {
	rest := &Path{src: e.path.src, segs: append([]segment{e.path.segs[i]}, e.path.segs[i+1:]...)}
	rest.segs[0].scan = false
	rest.finish()
	rest.firstIndefinite = -1
	sub := &evaluator{root: e.root, path: rest, steps: e.steps}
	if err := sub.scanWalk(cur); err != nil {
		return err
	}
	e.out = append(e.out, sub.out...)
	return nil
}

// scanWalk runs on the evaluator of the path that follows the scan.
func (e *evaluator) scanWalk(cur any) error {
	if err := e.step(); err != nil {
		return err
	}
	s := &e.path.segs[0]
	leaf := len(e.path.segs) == 1
	switch c := cur.(type) {
	case map[string]any:
		if scanMatches(e, s, c, leaf) {
			if err := e.walk(c, 0); err != nil {
				return err
			}
		}
		for _, k := range sortedKeys(c) {
			if err := e.scanWalk(c[k]); err != nil {
				return err
			}
		}
	case []any:
		if scanMatches(e, s, c, leaf) {
			if err := e.walk(c, 0); err != nil {
				return err
			}
		}
		for _, v := range c {
			if err := e.scanWalk(v); err != nil {
				return err
			}
		}
	}
	return nil
}

// scanMatches is Jayway's scan predicate for the token after "..".
func scanMatches(e *evaluator, s *segment, cur any, leaf bool) bool {
	switch s.kind {
	case selName, selNames:
		m, ok := cur.(map[string]any)
		if !ok {
			return false
		}
		if s.kind == selName {
			_, ok := m[s.name]
			return ok
		}
		if !leaf {
			return true // an iterated union skips missing names itself
		}
		for _, n := range s.names {
			if _, ok := m[n]; !ok {
				return false
			}
		}
		return true
	case selIndex, selIndexes, selSlice:
		_, ok := cur.([]any)
		return ok
	case selWildcard:
		return true
	case selFilter:
		return s.filter.test(e, cur)
	}
	return false
}
