// Package projector folds the engine's topics into ClickHouse tables. Each
// projection (executions, dataplane, segments) is a Definition: the topic it
// reads, the tables it writes, and a Folder that turns records into rows.
// Folding is pure and needs no server (the golden tests run it); the
// Projector runs a Definition against Kafka and a Sink, which is where
// ClickHouse comes in (projections/clickhouse).
package projector

import (
	"context"
	"fmt"
	"slices"
	"strings"

	chconn "github.com/mie-kafka/mie/internal/clickhouse"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/deadletter"
	"github.com/mie-kafka/mie/internal/topics"
)

// Definition is one projection.
type Definition struct {
	// Name is the projection's stable name: it names the consumer group
	// (mie-projection-<Name>) and the rebuild command's argument.
	Name string
	// Topic picks the topic the projection folds.
	Topic func(topics.Catalog) string
	// Tables are the ClickHouse tables the projection writes.
	Tables []string
	// New returns an empty folder.
	New func() Folder
}

// Definitions are every projection, in the order status lists them.
func Definitions() []Definition { return []Definition{Executions, Dataplane, Segments, Tables} }

// Lookup returns the projection named name.
func Lookup(name string) (Definition, error) {
	var names []string
	for _, d := range Definitions() {
		if d.Name == name {
			return d, nil
		}
		names = append(names, d.Name)
	}
	return Definition{}, fmt.Errorf("no projection %q; known: %s", name, strings.Join(names, ", "))
}

// Group is the consumer group of generation gen of the projection
// (topics.Catalog.ProjectionGroup).
func Group(cat topics.Catalog, name string, gen uint32) string { return cat.ProjectionGroup(name, gen) }

// Record is one decoded input record and its place in the log.
type Record struct {
	Partition int32
	Offset    int64
	Env       events.Envelope
	Payload   events.Payload
	// Value is the record value as written.
	Value []byte
}

// Bad is a record that cannot be folded; it goes to the dead-letter topic
// with Reason (a deadletter.Reason*) and the records behind it go on.
type Bad struct {
	Record Record
	Raw    *kgo.Record
	Reason string
	Err    error
}

// StateSource returns the latest rows of keys, for folders that need the
// state a key had before this process saw it.
type StateSource interface {
	LatestExecutions(ctx context.Context, ids []string) (map[string]chconn.ExecutionRow, error)
	// ExecutionEvents returns an execution's events up to (partition,
	// offset), in log order: a States Language run's state is folded from
	// them again.
	ExecutionEvents(ctx context.Context, id string, partition int32, offset int64) ([]events.Envelope, error)
	LatestSegments(ctx context.Context, ids []string) (map[string]chconn.SegmentRow, error)
}

// Folder turns one projection's records into rows, keeping whatever state
// per key it needs between batches.
type Folder interface {
	// Load fetches from src the state of the keys of recs that the folder
	// does not hold.
	Load(ctx context.Context, src StateSource, recs []Record) error
	// Fold appends the rows of recs, in order, to out, rows of generation
	// gen. Records that cannot be folded are returned; the others are
	// folded.
	Fold(recs []Record, gen uint32, out *chconn.Rows) []Bad
	// Reset drops every state held (after a rebalance, a failed batch or
	// a generation switch); Load brings them back.
	Reset()
}

// Decode turns a Kafka record into a Record, or a Bad one.
func Decode(r *kgo.Record) (Record, *Bad) {
	rec := Record{Partition: r.Partition, Offset: r.Offset, Value: r.Value}
	env, p, err := events.DecodeRecord(r)
	rec.Env = env
	if err != nil {
		return rec, &Bad{Record: rec, Raw: r, Reason: deadletter.ReasonUndecodable, Err: err}
	}
	if env.Kind != events.KindEvent {
		return rec, &Bad{Record: rec, Raw: r, Reason: deadletter.ReasonUnexpectedType,
			Err: fmt.Errorf("%s is a %s, not an event", env.Type, env.Kind)}
	}
	if env.Key == "" && len(r.Key) > 0 {
		rec.Env.Key = string(r.Key)
	}
	rec.Payload = p
	return rec, nil
}

// FoldAll folds recs with a fresh folder of d and no prior state: what a
// replay from the start of the topic produces. Tests and golden files use
// it.
func FoldAll(d Definition, recs []Record, gen uint32) (chconn.Rows, []Bad) {
	f := d.New()
	var out chconn.Rows
	bad := f.Fold(recs, gen, &out)
	return out, slices.Clip(bad)
}
