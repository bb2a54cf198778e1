package graph

import (
	"fmt"
	"html"
	"strconv"
	"strings"

	"github.com/mie-kafka/mie/internal/asl"
)

// Ids of the pseudo-nodes that open and close the top-level machine.
const (
	startID = "start"
	endID   = "end"
)

// builder writes a machine as Graphviz DOT, numbering its states in
// definition order (depth first), so that one definition always gives the
// same DOT and so the same layout.
type builder struct {
	b     strings.Builder
	nodes []Node
	// ids maps a state name to its node id; state names are unique across
	// a definition, nested machines included.
	ids map[string]string
}

func buildDOT(m *asl.Machine) (string, []Node) {
	bd := &builder{ids: map[string]string{}}
	bd.number(m, "", 0)
	b := &bd.b
	b.WriteString("digraph machine {\n")
	b.WriteString("  graph [rankdir=TB, nodesep=0.3, ranksep=0.4, fontname=\"Helvetica\", fontsize=10, bgcolor=\"transparent\"];\n")
	b.WriteString("  node [shape=box, style=\"rounded,filled\", fillcolor=\"#ffffff\", color=\"#5f6b7a\", fontname=\"Helvetica\", fontsize=11, height=0.42, margin=\"0.14,0.04\"];\n")
	b.WriteString("  edge [fontname=\"Helvetica\", fontsize=9, arrowsize=0.6, color=\"#5f6b7a\", fontcolor=\"#3b4450\"];\n")
	fmt.Fprintf(b, "  %s [id=%q, class=\"terminal\", label=\"Start\", shape=oval, style=filled, fillcolor=\"#e8ecf1\", height=0.3];\n", startID, startID)
	fmt.Fprintf(b, "  %s [id=%q, class=\"terminal\", label=\"End\", shape=oval, style=filled, fillcolor=\"#e8ecf1\", height=0.3];\n", endID, endID)
	bd.machine(m, "  ", endID)
	fmt.Fprintf(b, "  %s -> %s;\n", startID, bd.ids[m.StartAt])
	b.WriteString("}\n")
	return b.String(), bd.nodes
}

// number gives every state of m, and of the machines inside its Parallel
// and Map states, a node id.
func (bd *builder) number(m *asl.Machine, container string, branch int) {
	for _, name := range m.Order {
		s := m.States[name]
		id := "s" + strconv.Itoa(len(bd.nodes))
		bd.ids[name] = id
		bd.nodes = append(bd.nodes, Node{ID: id, State: name, Type: s.Type().String(), Container: container, Branch: branch})
		for i, sub := range children(s) {
			bd.number(sub, name, i)
		}
	}
}

// children are the machines a Parallel (its branches) or a Map (its item
// processor) runs.
func children(s asl.State) []*asl.Machine {
	switch t := s.(type) {
	case *asl.Parallel:
		return t.Branches
	case *asl.Map:
		if t.ItemProcessor != nil {
			return []*asl.Machine{t.ItemProcessor}
		}
	}
	return nil
}

// machine writes the states of m and their edges; exit is the node that a
// terminal state of m leads to (End, or the join of the enclosing
// Parallel or Map).
func (bd *builder) machine(m *asl.Machine, indent, exit string) {
	b := &bd.b
	for _, name := range m.Order {
		s := m.States[name]
		id := bd.ids[name]
		fmt.Fprintf(b, "%s%s [id=%q, class=\"state\", label=<%s>%s];\n", indent, id, id, label(s), shapeOf(s))
		from := id
		if subs := children(s); len(subs) > 0 {
			from = bd.container(s, subs, indent)
		}
		for _, t := range asl.Transitions(s) {
			src := from
			if strings.HasPrefix(t.Pointer, "/Catch/") || strings.HasPrefix(t.Pointer, "/Choices/") || t.Pointer == "/Default" {
				src = id
			}
			to, ok := bd.ids[t.To]
			if !ok {
				continue // validation refuses this; nothing to draw
			}
			fmt.Fprintf(b, "%s%s -> %s%s;\n", indent, src, to, edgeStyle(s, t))
		}
		if terminal(s) {
			fmt.Fprintf(b, "%s%s -> %s;\n", indent, from, exit)
		}
	}
}

// container writes the clusters of a Parallel's branches or a Map's item
// processor, and returns the join node the state's Next leaves from.
func (bd *builder) container(s asl.State, subs []*asl.Machine, indent string) string {
	b := &bd.b
	id := bd.ids[s.Name()]
	join := id + "_join"
	fmt.Fprintf(b, "%s%s [id=%q, class=\"join\", shape=point, width=0.1, color=\"#5f6b7a\"];\n", indent, join, join)
	for i, sub := range subs {
		title := "Iteration"
		if s.Type() == asl.TypeParallel {
			title = "Branch " + strconv.Itoa(i+1)
		}
		fmt.Fprintf(b, "%ssubgraph cluster_%s_%d {\n", indent, id, i)
		fmt.Fprintf(b, "%s  graph [id=%q, class=\"scope\", label=%q, style=\"dashed,rounded\", color=\"#9aa5b1\", fontcolor=\"#5f6b7a\", labeljust=l];\n",
			indent, fmt.Sprintf("%s_b%d", id, i), title)
		bd.machine(sub, indent+"  ", join)
		fmt.Fprintf(b, "%s}\n", indent)
		fmt.Fprintf(b, "%s%s -> %s;\n", indent, id, bd.ids[sub.StartAt])
	}
	return join
}

func terminal(s asl.State) bool {
	switch s.Type() {
	case asl.TypeSucceed, asl.TypeFail:
		return true
	}
	return s.Common().End
}

// label is the node's HTML-like label: the state's name over its type.
func label(s asl.State) string {
	return fmt.Sprintf(`%s<BR/><FONT POINT-SIZE="8" COLOR="#5f6b7a">%s</FONT>`, html.EscapeString(s.Name()), s.Type())
}

func shapeOf(s asl.State) string {
	switch s.Type() {
	case asl.TypeChoice:
		return ", shape=box, style=\"filled,diagonals\""
	case asl.TypeSucceed, asl.TypeFail:
		return ", style=\"rounded,filled,bold\""
	}
	return ""
}

// edgeStyle labels a Choice's rules and Default, and dashes a Catch.
func edgeStyle(s asl.State, t asl.Transition) string {
	p := strings.Split(strings.TrimPrefix(t.Pointer, "/"), "/")
	switch {
	case t.Pointer == "/Default":
		return ` [label="Default", class="default"]`
	case len(p) == 3 && p[0] == "Choices":
		n, _ := strconv.Atoi(p[1])
		return fmt.Sprintf(` [label="Rule %d", class="choice"]`, n+1)
	case len(p) == 3 && p[0] == "Catch":
		n, _ := strconv.Atoi(p[1])
		return fmt.Sprintf(` [label=%q, class="catch", style=dashed, color="#b4474b", fontcolor="#b4474b"]`, "Catch "+catchErrors(s, n))
	}
	return ""
}

func catchErrors(s asl.State, i int) string {
	var cs []asl.Catcher
	switch t := s.(type) {
	case *asl.Task:
		cs = t.Catch
	case *asl.Parallel:
		cs = t.Catch
	case *asl.Map:
		cs = t.Catch
	}
	if i < 0 || i >= len(cs) {
		return ""
	}
	return strings.Join(cs[i].ErrorEquals, ", ")
}
