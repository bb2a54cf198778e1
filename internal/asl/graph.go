package asl

// edge is a transition: where it goes and where it is written.
type edge struct {
	to string
	at loc
}

// edges returns the transitions of s, at is the state's location.
func edges(s State, at loc) []edge {
	var out []edge
	if b := s.Common(); b.Next != "" {
		out = append(out, edge{b.Next, at.key("Next")})
	}
	switch t := s.(type) {
	case *Choice:
		for i, r := range t.Choices {
			out = append(out, edge{r.Next, at.key("Choices").index(i).key("Next")})
		}
		if t.Default != "" {
			out = append(out, edge{t.Default, at.key("Default")})
		}
	case *Task:
		out = appendCatch(out, t.Catch, at)
	case *Parallel:
		out = appendCatch(out, t.Catch, at)
	case *Map:
		out = appendCatch(out, t.Catch, at)
	}
	return out
}

func appendCatch(out []edge, cs []Catcher, at loc) []edge {
	for i, c := range cs {
		out = append(out, edge{c.Next, at.key("Catch").index(i).key("Next")})
	}
	return out
}

func isTerminal(s State) bool {
	switch s.Type() {
	case TypeSucceed, TypeFail:
		return true
	}
	return s.Common().End
}

// checkGraph reports transitions to no state of this machine, a machine
// without a terminal state, and states nothing reaches. The last two need
// every state parsed (complete), as an unparsed state's transitions are
// unknown.
func (p *parser) checkGraph(m *Machine, at loc, states *object, complete bool) {
	for _, name := range m.Order {
		for _, e := range edges(m.States[name], at.key(name)) {
			if e.to == "" {
				continue // reported by the state's own checks
			}
			if _, ok := states.vals[e.to]; !ok {
				p.ps.add(e.at, CodeMissingTransitionTarget, "Missing 'Next' target: %s", e.to)
			}
		}
	}
	if !complete {
		return
	}
	hasTerminal := false
	for _, s := range m.States {
		if isTerminal(s) {
			hasTerminal = true
			break
		}
	}
	if !hasTerminal {
		mat := at[:len(at)-len("/States")]
		p.ps.add(mat, CodeMissingEndState, "Workflow has no terminal state")
		return
	}
	seen := map[string]bool{m.StartAt: true}
	queue := []string{m.StartAt}
	for len(queue) > 0 {
		s := m.States[queue[0]]
		queue = queue[1:]
		if s == nil {
			continue
		}
		for _, e := range edges(s, "") {
			if !seen[e.to] {
				seen[e.to] = true
				queue = append(queue, e.to)
			}
		}
	}
	for _, name := range m.Order {
		if !seen[name] {
			p.ps.add(at.key(name), CodeMissingTransitionTarget, "State \"%s\" is not reachable.", name)
		}
	}
}
