package asl

// Transition is one way out of a state: the state it goes to, and the
// JSON Pointer, relative to the state, of the field that names it
// ("/Next", "/Default", "/Choices/0/Next", "/Catch/1/Next").
type Transition struct {
	To      string
	Pointer string
}

// Transitions lists the ways out of s in the order its definition gives
// them: what the validator checks and what a graph of the machine draws.
func Transitions(s State) []Transition {
	es := edges(s, "")
	out := make([]Transition, 0, len(es))
	for _, e := range es {
		out = append(out, Transition{To: e.to, Pointer: string(e.at)})
	}
	return out
}
