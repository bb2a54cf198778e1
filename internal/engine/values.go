package engine

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"strconv"
	"sync"

	"github.com/mie-kafka/mie/internal/asl"
)

// decode reads a recorded JSON value in the value model of internal/asl
// (numbers as json.Number); nil for none. Recorded values were encoded by
// the engine, so they are valid.
func decode(raw json.RawMessage) any {
	if len(raw) == 0 {
		return nil
	}
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil
	}
	return v
}

// encode writes a value for an event.
func encode(v any) (json.RawMessage, error) { return json.Marshal(v) }

// machines caches parsed definitions by their SHA-256: every execution of
// one state machine version shares one immutable *asl.Machine.
var machines sync.Map // [32]byte -> *asl.Machine

// machineCacheMax bounds the cache; past it, definitions are parsed per
// execution.
const machineCacheMax = 4096

var machineCount struct {
	sync.Mutex
	n int
}

// machineOf parses a definition, once per distinct definition; compiled
// ones (MIE workflows) with asl's Compiled options.
func machineOf(def json.RawMessage, compiled bool) (*asl.Machine, error) {
	key := sha256.Sum256(def)
	if compiled {
		key[0] ^= 0xff // a distinct entry: the same bytes may parse differently
	}
	if m, ok := machines.Load(key); ok {
		return m.(*asl.Machine), nil
	}
	m, err := asl.ParseWith(def, asl.Options{Compiled: compiled})
	if err != nil {
		return nil, err
	}
	machineCount.Lock()
	defer machineCount.Unlock()
	if machineCount.n < machineCacheMax {
		if _, loaded := machines.LoadOrStore(key, m); !loaded {
			machineCount.n++
		}
	}
	return m, nil
}

func itoa(n int) string { return strconv.Itoa(n) }

// Validate parses a definition as an execution would, through the same
// cache: an execution of a definition that validates never fails for a
// structural reason.
func Validate(def json.RawMessage) error {
	_, err := machineOf(def, false)
	return err
}

// Object is data v (decoded, or the JSON of a Raw execution) as a JSON
// object, or nil when it is not one.
func Object(v any) map[string]any {
	if raw, ok := v.(json.RawMessage); ok {
		v = decode(raw)
	}
	m, _ := v.(map[string]any)
	return m
}
