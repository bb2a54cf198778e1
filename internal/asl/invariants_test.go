package asl

import (
	"fmt"
)

// checkInvariants verifies what the interpreter relies on for a machine
// that passed validation: every transition names a state of its own
// machine, and every state has what its type needs to run.
func checkInvariants(m *Machine) error {
	if m.States[m.StartAt] == nil {
		return fmt.Errorf("StartAt %q is no state", m.StartAt)
	}
	if len(m.Order) != len(m.States) {
		return fmt.Errorf("Order has %d names, States %d", len(m.Order), len(m.States))
	}
	for _, name := range m.Order {
		s := m.States[name]
		if s == nil || s.Name() != name {
			return fmt.Errorf("state %q missing or misnamed", name)
		}
		for _, e := range edges(s, "") {
			if m.States[e.to] == nil {
				return fmt.Errorf("state %q: transition to %q, no such state", name, e.to)
			}
		}
		if err := checkState(s); err != nil {
			return fmt.Errorf("state %q: %w", name, err)
		}
	}
	return nil
}

func checkState(s State) error {
	b := s.Common()
	switch s.Type() {
	case TypePass, TypeTask, TypeWait, TypeParallel, TypeMap:
		if (b.Next == "") == !b.End {
			return fmt.Errorf("Next %q and End %v", b.Next, b.End)
		}
	default:
		if b.Next != "" || b.End {
			return fmt.Errorf("a %s with Next %q or End", s.Type(), b.Next)
		}
	}
	switch t := s.(type) {
	case *Task:
		if t.Resource == "" {
			return fmt.Errorf("no Resource")
		}
	case *Choice:
		if len(t.Choices) == 0 {
			return fmt.Errorf("no Choices")
		}
		for i, r := range t.Choices {
			if (r.Condition == nil) == (r.Expr == nil) || r.Next == "" {
				return fmt.Errorf("rule %d incomplete", i)
			}
			if r.Condition != nil {
				if err := checkCondition(r.Condition); err != nil {
					return fmt.Errorf("rule %d: %w", i, err)
				}
			}
		}
	case *Wait:
		n := 0
		for _, set := range []bool{t.Seconds.IsSet(), t.Timestamp.IsSet()} {
			if set {
				n++
			}
		}
		if n != 1 {
			return fmt.Errorf("%d wait forms", n)
		}
	case *Parallel:
		if len(t.Branches) == 0 {
			return fmt.Errorf("no Branches")
		}
		for i, br := range t.Branches {
			if err := checkInvariants(br); err != nil {
				return fmt.Errorf("branch %d: %w", i, err)
			}
		}
	case *Map:
		if t.ItemProcessor == nil {
			return fmt.Errorf("no ItemProcessor")
		}
		return checkInvariants(t.ItemProcessor)
	}
	return nil
}

func checkCondition(c *Condition) error {
	switch c.Op {
	case OpAnd, OpOr, OpNot:
		if len(c.Children) == 0 || (c.Op == OpNot && len(c.Children) != 1) {
			return fmt.Errorf("%s with %d rules", c.Op, len(c.Children))
		}
		for _, ch := range c.Children {
			if ch == nil {
				return fmt.Errorf("nil rule in %s", c.Op)
			}
			if err := checkCondition(ch); err != nil {
				return err
			}
		}
		return nil
	}
	if c.Variable == nil || (c.ByPath && c.OperandPath == nil) {
		return fmt.Errorf("%s without its paths", c.Op)
	}
	if c.Op == OpStringMatches && len(c.pattern) == 0 {
		return fmt.Errorf("StringMatches without a pattern")
	}
	return nil
}
