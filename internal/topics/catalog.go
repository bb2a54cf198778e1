// Package topics is the catalog of the engine's Kafka topics: their names,
// partition counts, cleanup policies and retention, created and checked at
// start with kadm (ensure.go).
package topics

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// DefaultPartitions is generous so that executors can scale out later
// without remapping keys (adding partitions remaps keys).
const DefaultPartitions = 24

// Delay tiers served by the relay (retry.<tier> topics).
var Tiers = []time.Duration{time.Second, 10 * time.Second, time.Minute, 15 * time.Minute}

// Spec is one topic's expected shape.
type Spec struct {
	Name       string
	Partitions int32
	Compact    bool
	// Retention; 0 means forever (-1).
	Retention time.Duration
}

// Catalog names every topic; Prefix lets several installations (or test
// runs) share one cluster.
type Catalog struct {
	Prefix     string
	Partitions int32
}

// New returns a catalog with defaults applied.
func New(prefix string, partitions int32) Catalog {
	if partitions <= 0 {
		partitions = DefaultPartitions
	}
	return Catalog{Prefix: prefix, Partitions: partitions}
}

func (c Catalog) name(s string) string { return c.Prefix + s }

func (c Catalog) Definitions() string    { return c.name("definitions") }
func (c Catalog) Commands() string       { return c.name("commands") }
func (c Catalog) Executions() string     { return c.name("executions") }
func (c Catalog) Results() string        { return c.name("results") }
func (c Catalog) Admission() string      { return c.name("admission") }
func (c Catalog) AdmissionState() string { return c.name("admission-state") }
func (c Catalog) DLQ() string            { return c.name("dlq") }
func (c Catalog) Dataplane() string      { return c.name("dataplane") }
func (c Catalog) Segments() string       { return c.name("segments") }

// Objects is the engine's S3 event notifications (events.ObjectCreated,
// keyed bucket/key): what the object-created triggers start from.
func (c Catalog) Objects() string { return c.name("objects") }

// ExecutorState holds the executors' checkpoints: where each partition of
// executions may be rebuilt from (compacted; the checkpoint of executions
// partition p is on partition p, under a key that hashes there).
func (c Catalog) ExecutorState() string { return c.name("executor-state") }

// Group returns the consumer group or transactional id name with the
// catalog's prefix. Installations (and test runs) that share a cluster
// through --topic-prefix must not share groups or transactional ids either:
// a shared group rebalances across installations, and a shared
// transactional id fences the other installation's producer.
func (c Catalog) Group(name string) string { return c.name(name) }

// Tier returns the retry topic for a delay tier, e.g. retry.10s.
func (c Catalog) Tier(d time.Duration) string { return c.name("retry." + TierName(d)) }

// TierName formats a tier: 1s, 10s, 1m, 15m.
func TierName(d time.Duration) string {
	switch {
	case d%time.Hour == 0:
		return strconv.Itoa(int(d/time.Hour)) + "h"
	case d%time.Minute == 0:
		return strconv.Itoa(int(d/time.Minute)) + "m"
	case d%time.Second == 0:
		return strconv.Itoa(int(d/time.Second)) + "s"
	default:
		return strconv.FormatInt(d.Milliseconds(), 10) + "ms"
	}
}

// Task returns the task topic of an operator implementation reference:
// builtin:<Name> -> tasks.builtin.<Name>, an http(s) URL -> tasks.http,
// worker:<topic> -> <topic> (prefixed).
func (c Catalog) Task(impl string) (string, error) {
	switch {
	case strings.HasPrefix(impl, "builtin:"):
		n := strings.TrimPrefix(impl, "builtin:")
		if !validName(n) {
			return "", fmt.Errorf("invalid builtin name %q", n)
		}
		return c.name("tasks.builtin." + n), nil
	case strings.HasPrefix(impl, "http://"), strings.HasPrefix(impl, "https://"):
		return c.name("tasks.http"), nil
	case strings.HasPrefix(impl, "worker:"):
		n := strings.TrimPrefix(impl, "worker:")
		if !validName(n) {
			return "", fmt.Errorf("invalid worker topic %q: use letters, digits, '.', '_' and '-'", n)
		}
		return c.name(n), nil
	}
	return "", fmt.Errorf("unknown implementation %q: want builtin:<Name>, an http(s) URL or worker:<topic>", impl)
}

func validName(s string) bool {
	if s == "" || len(s) > 200 || s == "." || s == ".." {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-') {
			return false
		}
	}
	return true
}

// Specs returns the engine's fixed topics, the service integrations'
// (ServiceSpecs) included. Commands, results and executions
// share a partition count and key so that one executor owns an execution end
// to end.
func (c Catalog) Specs() []Spec {
	days := func(n int) time.Duration { return time.Duration(n) * 24 * time.Hour }
	s := []Spec{
		{Name: c.Definitions(), Partitions: 1, Compact: true},
		{Name: c.Commands(), Partitions: c.Partitions, Retention: days(7)},
		{Name: c.Executions(), Partitions: c.Partitions},
		{Name: c.Results(), Partitions: c.Partitions, Retention: days(7)},
		{Name: c.Admission(), Partitions: 1, Retention: days(7)},
		{Name: c.AdmissionState(), Partitions: 1, Compact: true},
		{Name: c.ExecutorState(), Partitions: c.Partitions, Compact: true},
		{Name: c.DLQ(), Partitions: c.Partitions, Retention: days(90)},
		// The change stream and segment transitions are sources of truth,
		// kept forever like executions.
		{Name: c.Dataplane(), Partitions: c.Partitions},
		{Name: c.Segments(), Partitions: c.Partitions},
		{Name: c.Objects(), Partitions: c.Partitions, Retention: days(7)},
	}
	for _, t := range Tiers {
		s = append(s, Spec{Name: c.Tier(t), Partitions: c.Partitions, Retention: days(7)})
	}
	return append(s, c.ServiceSpecs()...)
}

// TaskSpec is the shape of an operator task topic.
func (c Catalog) TaskSpec(topic string) Spec {
	return Spec{Name: topic, Partitions: c.Partitions, Retention: 7 * 24 * time.Hour}
}

// ProjectionGroup is the consumer group of generation gen of projection
// name: mie-projection-<name> for the first, mie-projection-<name>-g<gen>
// after rebuilds, prefixed like every group, so installations sharing a
// cluster never share a projection's group.
func (c Catalog) ProjectionGroup(name string, gen uint32) string {
	if gen <= 1 {
		return c.Group("mie-projection-" + name)
	}
	return c.Group(fmt.Sprintf("mie-projection-%s-g%d", name, gen))
}
