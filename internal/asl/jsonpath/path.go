package jsonpath

import (
	"fmt"
	"strconv"
	"strings"
)

// Root is what a path starts from.
type Root int

const (
	// RootInput is "$": the state's input (or whatever document the caller
	// evaluates the path against).
	RootInput Root = iota
	// RootContext is "$$": the context object.
	RootContext
	// RootVariable is "$name": an ASL variable (JSONPath mode).
	RootVariable
)

func (r Root) String() string {
	switch r {
	case RootInput:
		return "input"
	case RootContext:
		return "context"
	case RootVariable:
		return "variable"
	}
	return "Root(" + strconv.Itoa(int(r)) + ")"
}

// Path is a compiled JSONPath. It is immutable and safe for concurrent use.
type Path struct {
	src      string
	root     Root
	variable string
	segs     []segment
	// simple: every segment is a single name or index, so Get walks the
	// document without allocating.
	simple bool
	// definite: the path names at most one value (Jayway's isDefinite).
	definite bool
	// reference: only .name, ['name'] and [n] (a States Language
	// Reference Path).
	reference bool
	// firstIndefinite is the index of the first indefinite segment
	// (len(segs) when there is none). Jayway raises "not found" errors for
	// a segment only while every segment before it is definite.
	firstIndefinite int
}

type selKind uint8

const (
	selName     selKind = iota // .name, ['name']
	selIndex                   // [n]
	selNames                   // ['a','b']
	selIndexes                 // [0,1]
	selWildcard                // .*, [*]
	selSlice                   // [a:b], [a:], [:b]
	selFilter                  // [?(...)]
	selFunc                    // .length(): parsed, never matches (AWS has no functions)
)

type segment struct {
	pos     int // offset of the segment in the path, for messages
	kind    selKind
	scan    bool // reached through "..", the deep scan
	name    string
	index   int
	names   []string
	indexes []int
	// slice bounds; hasFrom/hasTo say which were written
	from, to       int
	hasFrom, hasTo bool
	filter         filterExpr
}

// Parse compiles an ASL Path: any JSONPath the way Step Functions
// (Jayway JsonPath) reads it, rooted at "$", "$$" or "$name".
func Parse(s string) (*Path, error) {
	p := &parser{src: s}
	path, err := p.parsePath()
	if err != nil {
		return nil, err
	}
	return path, nil
}

// ParseReference compiles an ASL Reference Path: a Path made only of
// .name, ['name'] and [n] segments, which names a single node.
func ParseReference(s string) (*Path, error) {
	p, err := Parse(s)
	if err != nil {
		return nil, err
	}
	if !p.reference {
		return nil, &SyntaxError{Path: s, Pos: p.firstNonReference(),
			Msg: "a reference path allows only .name, ['name'] and [n] (no wildcard, filter, slice, union, '..' or function)"}
	}
	return p, nil
}

// MustParse is Parse for paths known to be valid; it panics otherwise.
func MustParse(s string) *Path {
	p, err := Parse(s)
	if err != nil {
		panic(err)
	}
	return p
}

// String returns the path as it was written.
func (p *Path) String() string { return p.src }

// Root says what the path starts from.
func (p *Path) Root() Root { return p.root }

// Variable is the variable's name when Root() is RootVariable.
func (p *Path) Variable() string { return p.variable }

// Definite reports whether the path names a single value: Get returns it
// (or a NotFoundError) rather than an array of matches.
func (p *Path) Definite() bool { return p.definite }

// Reference reports whether the path is a Reference Path (see
// ParseReference).
func (p *Path) Reference() bool { return p.reference }

// IsRoot reports whether the path is its root alone ("$", "$$", "$name").
func (p *Path) IsRoot() bool { return len(p.segs) == 0 }

func (p *Path) firstNonReference() int {
	for _, s := range p.segs {
		if s.scan || (s.kind != selName && s.kind != selIndex) {
			return s.pos
		}
	}
	return 0
}

// SyntaxError is a path that does not parse. Pos is the 0-based byte
// offset in Path where the problem is.
type SyntaxError struct {
	Path string
	Pos  int
	Msg  string
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("invalid JSONPath %q at position %d: %s", e.Path, e.Pos, e.Msg)
}

// NotFoundError is a path that matches nothing in the document, or whose
// definite part reaches a value of the wrong kind. Reason says what Jayway
// JsonPath (which Step Functions runs) would say.
type NotFoundError struct {
	Path   string
	Reason string
}

func (e *NotFoundError) Error() string {
	return "Invalid path '" + e.Path + "' : " + e.Reason
}

// canonical renders segs[:n] the way Jayway prints paths in its messages:
// $['a']['b'][0].
func (p *Path) canonical(n int) string {
	var b strings.Builder
	switch p.root {
	case RootContext:
		b.WriteString("$$")
	case RootVariable:
		b.WriteString("$" + p.variable)
	default:
		b.WriteString("$")
	}
	for _, s := range p.segs[:n] {
		if s.scan {
			b.WriteString("..")
		}
		b.WriteString(s.fragment())
	}
	return b.String()
}

func (s *segment) fragment() string {
	switch s.kind {
	case selName:
		return "['" + escapeName(s.name) + "']"
	case selIndex:
		return "[" + strconv.Itoa(s.index) + "]"
	case selNames:
		q := make([]string, len(s.names))
		for i, n := range s.names {
			q[i] = "'" + escapeName(n) + "'"
		}
		return "[" + strings.Join(q, ",") + "]"
	case selIndexes:
		q := make([]string, len(s.indexes))
		for i, n := range s.indexes {
			q[i] = strconv.Itoa(n)
		}
		return "[" + strings.Join(q, ",") + "]"
	case selWildcard:
		return "[*]"
	case selSlice:
		var b strings.Builder
		b.WriteString("[")
		if s.hasFrom {
			b.WriteString(strconv.Itoa(s.from))
		}
		b.WriteString(":")
		if s.hasTo {
			b.WriteString(strconv.Itoa(s.to))
		}
		b.WriteString("]")
		return b.String()
	case selFilter:
		return "[?]"
	case selFunc:
		return "." + s.name + "()"
	}
	return "[?]"
}

func escapeName(n string) string {
	return strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(n)
}

// finish computes the derived flags once the segments are known.
func (p *Path) finish() {
	p.simple, p.reference, p.definite = true, true, true
	p.firstIndefinite = len(p.segs)
	for i := range p.segs {
		s := &p.segs[i]
		leaf := i == len(p.segs)-1
		ref := !s.scan && (s.kind == selName || s.kind == selIndex)
		if !ref {
			p.simple, p.reference = false, false
		}
		// A leaf union of names merges into one object (Jayway), and a
		// function never matches: both count as definite.
		def := ref || (!s.scan && s.kind == selNames && leaf) || (!s.scan && s.kind == selFunc)
		if !def {
			p.definite = false
			if p.firstIndefinite == len(p.segs) {
				p.firstIndefinite = i
			}
		}
	}
}
