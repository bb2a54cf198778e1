package events

import (
	"sort"
	"sync"
)

// Info describes a registered payload type.
type Info struct {
	Type    string
	Kind    Kind
	Version int
	New     func() Payload
}

var (
	registryMu sync.RWMutex
	registry   = map[string]Info{}
)

// register adds a payload type; it panics on a duplicate, which is a
// programming error caught by any test.
func register(kind Kind, version int, newFn func() Payload) {
	t := newFn().EventType()
	registryMu.Lock()
	defer registryMu.Unlock()
	if _, dup := registry[t]; dup {
		panic("events: duplicate type " + t)
	}
	registry[t] = Info{Type: t, Kind: kind, Version: version, New: newFn}
}

// Lookup returns the registration of a type.
func Lookup(t string) (Info, bool) {
	registryMu.RLock()
	defer registryMu.RUnlock()
	i, ok := registry[t]
	return i, ok
}

// Types returns every registered type, sorted by name.
func Types() []Info {
	registryMu.RLock()
	defer registryMu.RUnlock()
	out := make([]Info, 0, len(registry))
	for _, i := range registry {
		out = append(out, i)
	}
	sort.Slice(out, func(a, b int) bool { return out[a].Type < out[b].Type })
	return out
}
