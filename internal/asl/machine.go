package asl

import (
	"bytes"
	"errors"
	"unicode/utf8"
)

// Machine is a parsed state machine: the top-level definition, a Parallel
// branch, or a Map's ItemProcessor (or legacy Iterator).
type Machine struct {
	Comment string
	StartAt string
	// States by name; Order lists the names as the definition does.
	States map[string]State
	Order  []string
	// TimeoutSeconds is the execution timeout, 0 when none (top level only).
	TimeoutSeconds int64
	// Version is the top-level "Version", "1.0" when absent.
	Version string
	// QueryLanguage is the top-level language, which every state without
	// its own "QueryLanguage" uses, nested machines' states included.
	QueryLanguage QueryLanguage
	// Definition is the definition as given to Parse (top level only).
	Definition []byte
	// Warnings are the WARNING-severity problems of a definition that
	// passed validation (top level only).
	Warnings []Problem
}

// State returns the state named name, or nil.
func (m *Machine) State(name string) State { return m.States[name] }

// Limits AWS sets on definitions.
const (
	// MaxDefinitionSize is the largest definition, in bytes (AWS's 1 MB).
	MaxDefinitionSize = 1 << 20
	// MaxStateNameLength is the longest state name, in characters.
	MaxStateNameLength = 80
)

var (
	topFields       = fieldSet{"Comment": langBoth, "StartAt": langBoth, "States": langBoth, "TimeoutSeconds": langBoth, "Version": langBoth, "QueryLanguage": langBoth}
	branchFields    = fieldSet{"Comment": langBoth, "StartAt": langBoth, "States": langBoth}
	processorFields = branchFields.with(fieldSet{"ProcessorConfig": langBoth})
)

// parser holds what a parse shares across nested machines.
type parser struct {
	ps      problems
	top     QueryLanguage
	names   map[string]bool // every state name of the definition
	labels  map[string]bool // every Map Label of the definition
	allSeen bool            // a retrier or catcher on States.ALL came before
	opts    Options
}

// Parse parses and validates a state machine definition. On failure the
// error is a *ValidationError listing every problem found.
func Parse(def []byte) (*Machine, error) { return ParseWith(def, Options{}) }

// Options relax the States Language for programs mie compiles itself (an
// MIE workflow), never for a user's state machine.
type Options struct {
	// Compiled allows what MIE workflows need and AWS's States Language
	// does not have: fractional IntervalSeconds (MIE's retry policies take
	// sub-second intervals) and state names up to MaxCompiledNameLength
	// characters (stage and operator names are up to 128 each).
	Compiled bool
}

// MaxCompiledNameLength is the longest state name of a compiled program.
const MaxCompiledNameLength = 400

// ParseWith is Parse with options.
func ParseWith(def []byte, o Options) (*Machine, error) {
	p := &parser{names: map[string]bool{}, labels: map[string]bool{}, opts: o}
	m := p.parseDefinition(def)
	if p.ps.hasErrors() {
		return nil, &ValidationError{Problems: p.ps.list}
	}
	if m == nil {
		return nil, errors.New("asl: internal error: no machine and no problem")
	}
	m.Definition = bytes.Clone(def)
	m.Warnings = p.ps.list
	return m, nil
}

func (p *parser) parseDefinition(def []byte) *Machine {
	if len(bytes.TrimSpace(def)) == 0 {
		p.ps.add("", CodeMissingDescription, "The definition is empty")
		return nil
	}
	if len(def) > MaxDefinitionSize {
		p.ps.schema("", "The definition is %d bytes, over the limit of %d", len(def), MaxDefinitionSize)
		return nil
	}
	v, err := decodeTree(def)
	if err != nil {
		p.ps.add("", CodeInvalidJSON, "Invalid JSON at %v", err)
		return nil
	}
	o, ok := v.(*object)
	if !ok {
		p.ps.schema("", "The definition must be a JSON object, not %s", jsonKind(v))
		return nil
	}
	if q, ok := o.get("QueryLanguage"); ok {
		p.top, _ = p.languageValue(q, "/QueryLanguage")
	}
	r := newReader(o, "", &p.ps, p.top)
	r.bad["QueryLanguage"] = true // read above
	m := p.parseMachine(r, topFields)
	m.Version = "1.0"
	if v, ok := r.str("Version"); ok {
		m.Version = v
	}
	m.TimeoutSeconds, _ = r.integer("TimeoutSeconds", 1, maxSeconds)
	return m
}

// parseMachine reads StartAt, States and Comment of r's object, then
// checks its transitions.
func (p *parser) parseMachine(r *reader, fields fieldSet) *Machine {
	r.check(fields)
	r.require("StartAt", "States")
	m := &Machine{States: map[string]State{}, QueryLanguage: p.top}
	m.Comment, _ = r.str("Comment")
	startAt, hasStart := r.str("StartAt")
	m.StartAt = startAt
	states, ok := r.obj("States")
	if !ok {
		return m
	}
	at := r.field("States")
	if len(states.keys) == 0 {
		p.ps.schema(at, "Field 'States' must have at least one state")
	}
	for _, d := range states.dups {
		p.ps.add(at.key(d), CodeDuplicateStateName, "Duplicate State name: %s", d)
	}
	complete := true
	for _, name := range states.keys {
		sat := at.key(name)
		p.checkName(name, sat)
		s := p.parseState(name, states.vals[name], sat)
		if s == nil {
			complete = false
			continue
		}
		m.States[name] = s
		m.Order = append(m.Order, name)
	}
	if hasStart {
		if _, ok := states.vals[startAt]; !ok {
			p.ps.add(r.field("StartAt"), CodeMissingTransitionTarget, "Missing 'Next' target: %s", startAt)
			hasStart = false
		}
	}
	p.checkGraph(m, at, states, complete && hasStart)
	return m
}

// checkName applies AWS's limits on state names, and uniqueness across
// the whole definition, nested machines included.
func (p *parser) checkName(name string, at loc) {
	switch n := utf8.RuneCountInString(name); {
	case n == 0:
		p.ps.add(at, CodeInvalidStateName, "State name must not be empty")
	case n > MaxStateNameLength && !(p.opts.Compiled && n <= MaxCompiledNameLength):
		p.ps.add(at, CodeInvalidStateName, "State name is %d characters, longer than %d", n, MaxStateNameLength)
	}
	for _, c := range name {
		if c < 0x20 || (c >= 0x7f && c <= 0x9f) {
			p.ps.add(at, CodeInvalidStateName, "State name must not contain control characters")
			break
		}
	}
	if p.names[name] {
		p.ps.add(at, CodeDuplicateStateName, "Duplicate State name: %s", name)
	}
	p.names[name] = true
}
