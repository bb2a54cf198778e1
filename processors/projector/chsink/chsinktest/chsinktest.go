// Package chsinktest runs the live projectors into a ClickHouse test
// database (internal/clickhouse/chtest), for the tests of the sink and of
// the reader.
package chsinktest

import (
	"context"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"

	"github.com/mie-kafka/mie/internal/broker"
	"github.com/mie-kafka/mie/internal/clickhouse"
	"github.com/mie-kafka/mie/internal/clickhouse/chtest"
	"github.com/mie-kafka/mie/internal/topics"
	"github.com/mie-kafka/mie/processors/projector"
	"github.com/mie-kafka/mie/processors/projector/chsink"
)

// StartProjectors runs one live projector per projection until the test
// ends.
func StartProjectors(t *testing.T, conn clickhouse.Conn, kafka broker.Config, cat topics.Catalog) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var done []chan error
	for _, d := range projector.Definitions() {
		sink := chsink.NewSink(conn)
		p, err := projector.New(projector.Config{Definition: d, Kafka: kafka, Catalog: cat, Sink: sink, Generations: sink,
			FlushInterval: 100 * time.Millisecond, SessionTimeout: 6 * time.Second, Logger: chtest.Logger(t)})
		if err != nil {
			t.Fatal(err)
		}
		ch := make(chan error, 1)
		done = append(done, ch)
		go func() { ch <- p.Run(ctx) }()
	}
	t.Cleanup(func() {
		cancel()
		for _, ch := range done {
			if err := <-ch; err != nil {
				t.Errorf("projector: %v", err)
			}
		}
	})
}

// CaughtUp waits until every live projection's group has committed the
// topics' stable ends.
func CaughtUp(ctx context.Context, conn clickhouse.Conn, adm *kadm.Client, cat topics.Catalog) error {
	sink := chsink.NewSink(conn)
	for {
		behind := false
		for _, d := range projector.Definitions() {
			gen, err := sink.Generation(ctx, d.Name)
			if err != nil {
				return err
			}
			st, err := projector.GroupStatus(ctx, adm, d, cat, gen)
			if err != nil || st.Lag > 0 {
				behind = true
			}
		}
		if !behind {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}
