// Package builtin holds the operators that ship with the engine. Each runs
// in a worker.Runtime on its task topic, Catalog.Task("builtin:" + Name).
package builtin

import (
	"maps"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/objectstore"
	"github.com/mie-kafka/mie/processors/worker"
)

// Operator types, as in an operator definition.
const (
	TypeSync  = "Sync"
	TypeAsync = "Async"
)

// Builtin is one built-in operator.
type Builtin struct {
	Name string
	// Type is TypeSync or TypeAsync; an Async Handler implements
	// worker.Monitor.
	Type    string
	Handler worker.Handler
}

// Wait is engine-native: no worker runs it and no timer is set. When the
// executor reaches a Wait operator it records the operator as waiting and
// puts the workflow in Waiting (see internal/execution/decide.go); the
// workflow stays there until PUT /workflow/execution/{Id} with
// {"WaitingStageName": <stage>} resumes it, which completes the stage's
// waiting operators and moves on. So Wait has a type (for definitions) but
// no Builtin entry.
const Wait = "Wait"

// Registry returns the built-in operators that run in workers, by name.
func Registry() map[string]Builtin {
	return map[string]Builtin{
		"Passthrough": {Name: "Passthrough", Type: TypeSync, Handler: Passthrough{}},
		"Sleep":       {Name: "Sleep", Type: TypeAsync, Handler: Sleep{}},
		"Fail":        {Name: "Fail", Type: TypeSync, Handler: Fail{}},
		"MediaInfo":   {Name: "MediaInfo", Type: TypeSync, Handler: MediaInfo{}},
	}
}

// Internal returns the built-ins the engine itself uses, by name: the map
// run worker (distributed Maps' item readers and result writers, over
// store), on Catalog.Task(events.MapRunImplementation). They are no
// operators: definitions cannot name them, and every worker role runs
// them whatever --operators says.
func Internal(store objectstore.Store) map[string]Builtin {
	name := events.MapRunImplementation[len("builtin:"):]
	return map[string]Builtin{name: {Name: name, Type: TypeSync, Handler: worker.MapRun{Store: store}}}
}

// Types returns the type (Sync or Async) of every built-in operator by
// name, including the engine-native Wait.
func Types() map[string]string {
	reg := Registry()
	out := make(map[string]string, len(reg)+1)
	for name, b := range maps.All(reg) {
		out[name] = b.Type
	}
	out[Wait] = TypeSync
	return out
}
