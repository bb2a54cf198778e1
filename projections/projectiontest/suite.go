package projectiontest

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/broker"
	"github.com/mie-kafka/mie/internal/kafkatest"
	"github.com/mie-kafka/mie/internal/topics"
	"github.com/mie-kafka/mie/projections"
)

// Backend is one projection backend under test. A nil reader skips its
// subtests with the reason given.
type Backend struct {
	Executions projections.Executions
	Assets     projections.Assets
	Segments   projections.Segments
	// Sync blocks until the backend has applied everything committed to
	// its topics when it was called.
	Sync func(ctx context.Context) error
	// Report runs the report of schemas/clickhouse/reports named name and
	// returns its rows, each value formatted by FormatValue.
	Report func(ctx context.Context, name string) ([][]string, error)
	// Why* say why a nil reader is nil.
	WhyNoAssets, WhyNoSegments, WhyNoReports string
}

// Factory starts a backend over the topics of cat; the streams are in the
// topics already. It stops the backend when the test ends.
type Factory func(t *testing.T, kafka broker.Config, cat topics.Catalog) Backend

// Produce writes the events of s to its topic, keyed, in order.
func Produce(t *testing.T, kafka broker.Config, cat topics.Catalog, name string, first int, topic string, evs []Event) {
	t.Helper()
	var recs []*kgo.Record
	for i, e := range evs {
		env := e.Envelope(name, first+i)
		rec, err := env.Record(topic)
		if err != nil {
			t.Fatal(err)
		}
		recs = append(recs, rec)
	}
	kafkatest.Produce(t, kafka, recs...)
}

// Run is the conformance suite: it writes the streams (Executions,
// Dataplane, Segments), starts the backend, checks every query of
// projections.Executions, Assets and Segments against what the streams
// mean, writes more events and checks that the backend followed them, and
// runs the reports against the seeded data.
func Run(t *testing.T, newBackend Factory) {
	kafka, cat := kafkatest.Start(t)
	ex, dp, sg := Executions(), Dataplane(), Segments()
	for _, s := range []Stream{ex, dp, sg} {
		Produce(t, kafka, cat, s.Name, 0, s.Topic(cat), s.Events)
	}
	b := newBackend(t, kafka, cat)
	sync := func(t *testing.T) {
		t.Helper()
		ctx, cancel := context.WithTimeout(t.Context(), kafkatest.Timeout)
		defer cancel()
		if err := b.Sync(ctx); err != nil {
			t.Fatalf("backend did not catch up: %v", err)
		}
	}
	sync(t)

	t.Run("Executions", func(t *testing.T) { executionsSuite(t, b.Executions, ex) })
	t.Run("Assets", func(t *testing.T) {
		if b.Assets == nil {
			t.Skip(b.WhyNoAssets)
		}
		assetsSuite(t, b.Assets, dp)
	})
	t.Run("Segments", func(t *testing.T) {
		if b.Segments == nil {
			t.Skip(b.WhyNoSegments)
		}
		segmentsSuite(t, b.Segments, sg)
	})

	// The backend follows what is written after it started.
	ex2, dp2, sg2 := FollowUps(t, ex, dp, sg)
	Produce(t, kafka, cat, "executions", len(ex.Events), ex.Topic(cat), ex2.Events)
	Produce(t, kafka, cat, "dataplane", len(dp.Events), dp.Topic(cat), dp2.Events)
	Produce(t, kafka, cat, "segments", len(sg.Events), sg.Topic(cat), sg2.Events)
	sync(t)
	t.Run("Follow", func(t *testing.T) {
		t.Run("Executions", func(t *testing.T) { followExecutions(t, b.Executions, ex, ex2) })
		t.Run("Assets", func(t *testing.T) {
			if b.Assets == nil {
				t.Skip(b.WhyNoAssets)
			}
			followAssets(t, b.Assets, dp, dp2)
		})
		t.Run("Segments", func(t *testing.T) {
			if b.Segments == nil {
				t.Skip(b.WhyNoSegments)
			}
			followSegments(t, b.Segments, sg, sg2)
		})
	})
	t.Run("Reports", func(t *testing.T) {
		if b.Report == nil {
			t.Skip(b.WhyNoReports)
		}
		reportsSuite(t, b.Report, false)
	})

	// States Language executions, after the reports over the MIE streams.
	ms := Machines()
	Produce(t, kafka, cat, ms.Name, 0, ms.Topic(cat), ms.Events)
	sync(t)
	t.Run("Machines", func(t *testing.T) { machinesSuite(t, b.Executions) })
	t.Run("StateReports", func(t *testing.T) {
		if b.Report == nil {
			t.Skip(b.WhyNoReports)
		}
		reportsSuite(t, b.Report, true)
	})
}

// FormatValue renders one report value for comparison: times as UTC
// "2006-01-02 15:04:05.000", floats with 4 decimals, the rest with %v.
func FormatValue(v any) string {
	switch x := v.(type) {
	case time.Time:
		return x.UTC().Format("2006-01-02 15:04:05.000")
	case *time.Time:
		if x == nil {
			return "NULL"
		}
		return FormatValue(*x)
	case float64:
		return jsonNumber(x)
	case float32:
		return jsonNumber(float64(x))
	}
	b, err := json.Marshal(v)
	if err != nil {
		return "?"
	}
	var s string
	if json.Unmarshal(b, &s) == nil {
		return s
	}
	return string(b)
}

func jsonNumber(f float64) string {
	b, _ := json.Marshal(float64(int64(f*10000+0.5*sign(f))) / 10000)
	return string(b)
}

func sign(f float64) float64 {
	if f < 0 {
		return -1
	}
	return 1
}

// byKey returns the events of stream s whose key is key, as envelopes
// numbered as Produce numbered them.
func byKey(s Stream, first int, key string) []events.Envelope {
	var out []events.Envelope
	for i, e := range s.Events {
		if e.Key == key {
			out = append(out, e.Envelope(s.Name, first+i))
		}
	}
	return out
}
