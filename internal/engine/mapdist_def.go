package engine

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// A map run reads its Map state from a definition of its own, made from
// the parent's: a machine whose only state is the Map state, and, for its
// children, the Map's ItemProcessor as a machine. Both keep the parent's
// top-level QueryLanguage, which the nested states inherit. State names
// are unique in a whole definition, so a name finds the state.

// parentOnly are the fields of a Map state that the parent applies (its
// input, its result, its transitions, its errors): the map run's copy has
// none of them, so that it parses alone.
var parentOnly = []string{"Next", "End", "Retry", "Catch", "InputPath", "OutputPath", "ResultPath", "ResultSelector",
	"Assign", "Output"}

// mapDefinition is the map run's definition of Map state name of the
// parent definition def.
func mapDefinition(def json.RawMessage, name string) (json.RawMessage, error) {
	top, err := decodeObject(def)
	if err != nil {
		return nil, fmt.Errorf("the definition cannot be read: %w", err)
	}
	st := findState(top, name)
	if st == nil {
		return nil, fmt.Errorf("no state %q in the definition", name)
	}
	own := make(map[string]any, len(st))
	for k, v := range st {
		own[k] = v
	}
	for _, k := range parentOnly {
		delete(own, k)
	}
	own["End"] = true
	m := map[string]any{"StartAt": name, "States": map[string]any{name: own}}
	if ql, ok := top["QueryLanguage"]; ok {
		m["QueryLanguage"] = ql
	}
	return json.Marshal(m)
}

// processorDefinition is the definition the children of a map run's Map
// state name run: its ItemProcessor (or Iterator), without
// ProcessorConfig.
func processorDefinition(def json.RawMessage, name string) (json.RawMessage, error) {
	top, err := decodeObject(def)
	if err != nil {
		return nil, err
	}
	st := findState(top, name)
	if st == nil {
		return nil, fmt.Errorf("no state %q", name)
	}
	p, ok := st["ItemProcessor"].(map[string]any)
	if !ok {
		if p, ok = st["Iterator"].(map[string]any); !ok {
			return nil, fmt.Errorf("state %q has no ItemProcessor", name)
		}
	}
	out := make(map[string]any, len(p)+1)
	for k, v := range p {
		if k != "ProcessorConfig" {
			out[k] = v
		}
	}
	if ql, ok := top["QueryLanguage"]; ok {
		out["QueryLanguage"] = ql
	}
	return json.Marshal(out)
}

func decodeObject(raw json.RawMessage) (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		return nil, err
	}
	return m, nil
}

// findState finds state name in machine m or the machines nested in its
// states (Parallel branches, Map processors).
func findState(m map[string]any, name string) map[string]any {
	states, _ := m["States"].(map[string]any)
	if st, ok := states[name].(map[string]any); ok {
		return st
	}
	for _, v := range states {
		st, _ := v.(map[string]any)
		var nested []any
		if b, ok := st["Branches"].([]any); ok {
			nested = b
		}
		for _, k := range []string{"ItemProcessor", "Iterator"} {
			if p, ok := st[k]; ok {
				nested = append(nested, p)
			}
		}
		for _, n := range nested {
			if nm, ok := n.(map[string]any); ok {
				if found := findState(nm, name); found != nil {
					return found
				}
			}
		}
	}
	return nil
}
