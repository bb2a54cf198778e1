// Package graph draws a States Language definition as a graph: Graphviz's
// dot lays it out (github.com/goccy/go-graphviz runs Graphviz compiled to
// WebAssembly, in process, without cgo) and renders SVG, in which every
// state's node carries data-state (its name) and data-status, and every
// edge of a Choice or a Catch is labelled. One definition always gives the
// same drawing: states are numbered in definition order and dot is
// deterministic for a given input.
package graph

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"sync"

	"github.com/goccy/go-graphviz"

	"github.com/mie-kafka/mie/internal/asl"
)

// Node is one state's node.
type Node struct {
	// ID is the node's id in the SVG.
	ID    string `json:"Id"`
	State string `json:"State"`
	Type  string `json:"Type"`
	// Container is the Parallel or Map state whose branch or iteration
	// the state belongs to ("" at the top level), and Branch the index of
	// the Parallel's branch (0 in a Map).
	Container string `json:"Container,omitempty"`
	Branch    int    `json:"Branch"`
}

// Graph is a laid-out definition.
type Graph struct {
	Nodes []Node `json:"Nodes"`
	// SVG is an <svg> element, without an XML prolog, to inline in HTML.
	SVG string `json:"Svg"`
}

// StatusNotStarted is every node's data-status in a fresh drawing.
const StatusNotStarted = "not-started"

// Layouter lays out definitions, one at a time (a Graphviz instance is not
// safe for concurrent use), and keeps the last ones it drew.
type Layouter struct {
	mu    sync.Mutex
	gv    *graphviz.Graphviz
	cache map[[32]byte]*Graph
	order [][32]byte
	// Keep bounds the drawings kept; default 256.
	Keep int
}

// New starts Graphviz.
func New(ctx context.Context) (*Layouter, error) {
	gv, err := graphviz.New(ctx)
	if err != nil {
		return nil, fmt.Errorf("graph: start graphviz: %w", err)
	}
	return &Layouter{gv: gv, cache: map[[32]byte]*Graph{}, Keep: 256}, nil
}

// Close stops Graphviz.
func (l *Layouter) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.gv.Close()
}

// ErrInvalid wraps a definition that does not parse.
var ErrInvalid = errors.New("graph: invalid definition")

// Layout draws def, or returns the drawing it made of the same bytes
// before. The Graph is shared: do not modify it.
func (l *Layouter) Layout(ctx context.Context, def []byte) (*Graph, error) {
	key := sha256.Sum256(def)
	l.mu.Lock()
	defer l.mu.Unlock()
	if g, ok := l.cache[key]; ok {
		return g, nil
	}
	g, err := l.layout(ctx, def)
	if err != nil {
		return nil, err
	}
	if len(l.order) >= max(l.Keep, 1) {
		delete(l.cache, l.order[0])
		l.order = l.order[1:]
	}
	l.cache[key] = g
	l.order = append(l.order, key)
	return g, nil
}

// layout draws def without the cache; l.mu is held.
func (l *Layouter) layout(ctx context.Context, def []byte) (*Graph, error) {
	// Compiled: MIE workflows compile to names and intervals that a
	// user's machine may not have; drawing needs no more than parsing.
	m, err := asl.ParseWith(def, asl.Options{Compiled: true})
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	dot, nodes := buildDOT(m)
	gr, err := graphviz.ParseBytes([]byte(dot))
	if err != nil {
		return nil, fmt.Errorf("graph: parse dot: %w", err)
	}
	defer gr.Close()
	var buf bytes.Buffer
	if err := l.gv.Render(ctx, gr, graphviz.SVG, &buf); err != nil {
		return nil, fmt.Errorf("graph: render: %w", err)
	}
	svg, err := annotate(buf.String(), nodes)
	if err != nil {
		return nil, err
	}
	return &Graph{Nodes: nodes, SVG: svg}, nil
}
