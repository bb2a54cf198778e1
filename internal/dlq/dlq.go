// Package dlq reads the dead-letter topic and re-drives dead letters to the
// topics they came from: what `mie dlq list` and `mie dlq replay` do.
//
// A replay writes, in one Kafka transaction, each chosen dead letter's
// original record (key, value and headers, plus mie-dlq-replay-of) to its
// source topic and partition, and a replay marker on the dlq topic naming
// the dead letter's position. Reading the topic back pairs markers with
// their dead letters, so a dead letter is replayed at most once: a second
// replay skips it. All replays share one transactional id per topic prefix
// and each fences any replay still running before it reads, so two replays
// at once cannot both re-drive the same dead letter.
package dlq

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/broker"
	"github.com/mie-kafka/mie/internal/deadletter"
	"github.com/mie-kafka/mie/internal/topics"
)

// Replay marker headers, on records of the dlq topic that are not dead
// letters.
const (
	// HeaderMarker marks a replay marker; its value is MarkerReplayed.
	HeaderMarker   = deadletter.HeaderPrefix + "marker"
	MarkerReplayed = "replayed"
	// HeaderReplayed is the position in the dlq topic of the dead letter
	// that was replayed, "<partition>@<offset>".
	HeaderReplayed = deadletter.HeaderPrefix + "replayed"
)

// TransactionalID is the base of the replay's transactional id; the
// catalog's prefix is put in front of it.
const TransactionalID = "mie-dlq-replay"

// Position is a record's place in one topic.
type Position struct {
	Partition int32 `json:"Partition"`
	Offset    int64 `json:"Offset"`
}

func (p Position) String() string { return fmt.Sprintf("%d@%d", p.Partition, p.Offset) }

// ParsePosition reads "partition:offset" (or "partition@offset").
func ParsePosition(s string) (Position, error) {
	a, b, ok := strings.Cut(strings.TrimSpace(s), ":")
	if !ok {
		a, b, ok = strings.Cut(strings.TrimSpace(s), "@")
	}
	p, perr := strconv.ParseInt(a, 10, 32)
	o, oerr := strconv.ParseInt(b, 10, 64)
	if !ok || perr != nil || oerr != nil || p < 0 || o < 0 {
		return Position{}, fmt.Errorf("position %q: want partition:offset, e.g. 3:1207", s)
	}
	return Position{Partition: int32(p), Offset: o}, nil
}

// Entry is one dead letter as read back.
type Entry struct {
	// Position is where the dead letter sits in the dlq topic: what
	// `mie dlq replay --offset` takes.
	Position        Position  `json:"Position"`
	Time            time.Time `json:"Time"`
	Reason          string    `json:"Reason"`
	Error           string    `json:"Error,omitempty"`
	Handler         string    `json:"Handler"`
	SourceTopic     string    `json:"SourceTopic"`
	SourcePartition int32     `json:"SourcePartition"`
	SourceOffset    int64     `json:"SourceOffset"`
	Key             string    `json:"Key"`
	// Type is the record's mie-type header, if it had one.
	Type string `json:"Type,omitempty"`
	// ReplayOf is set when this dead letter is a replayed record that
	// failed again: the position of the earlier dead letter.
	ReplayOf string `json:"ReplayOf,omitempty"`
	// Replayed is when a replay re-drove this dead letter; nil if never.
	Replayed *time.Time `json:"Replayed,omitempty"`

	letter deadletter.Letter
}

// Filter chooses dead letters; empty fields choose all.
type Filter struct {
	Reason      string
	SourceTopic string
	// Positions, when set, are the dead letters' positions in the dlq
	// topic.
	Positions []Position
}

func (f Filter) match(e *Entry) bool {
	return (f.Reason == "" || e.Reason == f.Reason) &&
		(f.SourceTopic == "" || e.SourceTopic == f.SourceTopic) &&
		(len(f.Positions) == 0 || slices.Contains(f.Positions, e.Position))
}

// List reads the dlq topic of cat up to its stable end and returns the dead
// letters that f chooses, oldest first, each with its replay, if any.
func List(ctx context.Context, kafka broker.Config, cat topics.Catalog, f Filter) ([]Entry, error) {
	all, err := read(ctx, kafka, cat.DLQ())
	if err != nil {
		return nil, err
	}
	var out []Entry
	for i := range all {
		if f.match(&all[i]) {
			out = append(out, all[i])
		}
	}
	return out, nil
}

// read returns every dead letter of topic with its replay marker applied.
func read(ctx context.Context, kafka broker.Config, topic string) ([]Entry, error) {
	cl, err := kgo.NewClient(kafka.Opts()...)
	if err != nil {
		return nil, fmt.Errorf("dlq: %w", err)
	}
	ends, err := broker.StableEnds(ctx, cl, topic)
	cl.Close()
	if err != nil {
		return nil, fmt.Errorf("dlq: %w", err)
	}
	var entries []Entry
	replayed := map[Position]time.Time{}
	err = kafka.ReadCommitted(ctx, topic, ends, func(r *kgo.Record) error {
		if marker(r) {
			if p, err := ParsePosition(header(r, HeaderReplayed)); err == nil {
				replayed[p] = r.Timestamp
			}
			return nil
		}
		l, ok := deadletter.Parse(r)
		if !ok {
			l.Reason = "(no reason header)"
		}
		entries = append(entries, Entry{
			Position: Position{Partition: r.Partition, Offset: r.Offset}, Time: r.Timestamp,
			Reason: l.Reason, Error: l.Error, Handler: l.Handler, SourceTopic: l.SourceTopic,
			SourcePartition: l.SourcePartition, SourceOffset: l.SourceOffset, Key: string(l.Key),
			Type: header(r, events.HeaderType), ReplayOf: l.ReplayOf, letter: l,
		})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("dlq: read %s: %w", topic, err)
	}
	for i := range entries {
		if t, ok := replayed[entries[i].Position]; ok {
			entries[i].Replayed = &t
		}
	}
	slices.SortStableFunc(entries, func(a, b Entry) int { return a.Time.Compare(b.Time) })
	return entries, nil
}

func marker(r *kgo.Record) bool { return header(r, HeaderMarker) != "" }

func header(r *kgo.Record, key string) string {
	for _, h := range r.Headers {
		if h.Key == key {
			return string(h.Value)
		}
	}
	return ""
}

// ReplayConfig says what to replay.
type ReplayConfig struct {
	Kafka   broker.Config
	Catalog topics.Catalog
	Filter  Filter
	// DryRun reports what would be replayed and writes nothing.
	DryRun bool
	// TransactionTimeout bounds the replay's transaction; default 60s.
	TransactionTimeout time.Duration
}

// ReplayResult says what a replay did.
type ReplayResult struct {
	// Replayed are the dead letters re-driven now (or that would be, in a
	// dry run); Skipped those chosen but replayed before; Unreplayable
	// those chosen that name no source topic and partition.
	Replayed, Skipped, Unreplayable []Entry
}

// Replay re-drives the dead letters cfg.Filter chooses and that were never
// replayed to their source topic and partition, in one transaction with
// their replay markers.
func Replay(ctx context.Context, cfg ReplayConfig) (ReplayResult, error) {
	if cfg.TransactionTimeout == 0 {
		cfg.TransactionTimeout = time.Minute
	}
	var cl *kgo.Client
	if !cfg.DryRun {
		var err error
		cl, err = kgo.NewClient(cfg.Kafka.Opts(
			kgo.TransactionalID(cfg.Catalog.Prefix+TransactionalID),
			kgo.TransactionTimeout(cfg.TransactionTimeout),
			kgo.RecordPartitioner(kgo.ManualPartitioner()),
			kgo.ProducerLinger(0),
		)...)
		if err != nil {
			return ReplayResult{}, fmt.Errorf("dlq replay: %w", err)
		}
		defer cl.Close()
		// Taking the producer id fences a replay still running under the
		// same id (its transaction aborts), before we read what was
		// replayed.
		if _, _, err := cl.ProducerID(ctx); err != nil {
			return ReplayResult{}, fmt.Errorf("dlq replay: init transactions: %w", err)
		}
	}
	entries, err := List(ctx, cfg.Kafka, cfg.Catalog, cfg.Filter)
	if err != nil {
		return ReplayResult{}, err
	}
	var res ReplayResult
	for _, e := range entries {
		switch {
		case e.Replayed != nil:
			res.Skipped = append(res.Skipped, e)
		case e.SourceTopic == "" || e.SourcePartition < 0:
			res.Unreplayable = append(res.Unreplayable, e)
		default:
			res.Replayed = append(res.Replayed, e)
		}
	}
	if cfg.DryRun || len(res.Replayed) == 0 {
		return res, nil
	}
	if err := cl.BeginTransaction(); err != nil {
		return ReplayResult{}, fmt.Errorf("dlq replay: begin: %w", err)
	}
	now := time.Now().UTC()
	var recs []*kgo.Record
	for _, e := range res.Replayed {
		recs = append(recs, redrive(cfg.Catalog.DLQ(), e), replayMarker(cfg.Catalog.DLQ(), e, now))
	}
	perr := cl.ProduceSync(ctx, recs...).FirstErr()
	commit := kgo.TryCommit
	if perr != nil {
		commit = kgo.TryAbort
	}
	if err := cl.EndTransaction(ctx, commit); err != nil {
		return ReplayResult{}, fmt.Errorf("dlq replay: end transaction (another replay may have started): %w", errors.Join(perr, err))
	}
	if perr != nil {
		return ReplayResult{}, fmt.Errorf("dlq replay: nothing replayed: %w", perr)
	}
	return res, nil
}

// redrive is the dead letter's original record, back on its source topic
// and partition, naming the dead letter it came from.
func redrive(dlqTopic string, e Entry) *kgo.Record {
	h := append(slices.Clone(e.letter.Headers), kgo.RecordHeader{
		Key: deadletter.HeaderReplayOf, Value: []byte(dlqTopic + "/" + e.Position.String())})
	return &kgo.Record{Topic: e.SourceTopic, Partition: e.SourcePartition, Key: e.letter.Key, Value: e.letter.Value, Headers: h}
}

// replayMarker records on the dlq topic, beside the dead letter, that it
// was replayed.
func replayMarker(dlqTopic string, e Entry, at time.Time) *kgo.Record {
	v, _ := json.Marshal(map[string]any{
		"Replayed": e.Position, "To": fmt.Sprintf("%s/%d", e.SourceTopic, e.SourcePartition), "Time": at,
	})
	return &kgo.Record{
		Topic: dlqTopic, Partition: e.Position.Partition, Key: []byte(e.Position.String()), Value: v,
		Headers: []kgo.RecordHeader{
			{Key: HeaderMarker, Value: []byte(MarkerReplayed)},
			{Key: HeaderReplayed, Value: []byte(e.Position.String())},
		},
	}
}
