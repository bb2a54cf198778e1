package memory_test

import (
	"context"
	"errors"
	"log/slog"
	"testing"

	"github.com/mie-kafka/mie/internal/broker"
	"github.com/mie-kafka/mie/internal/kafkatest"
	"github.com/mie-kafka/mie/internal/topics"
	"github.com/mie-kafka/mie/projections/memory"
	"github.com/mie-kafka/mie/projections/projectiontest"
)

// TestConformance runs the projection backends' conformance suite against
// the memory projections.
func TestConformance(t *testing.T) {
	projectiontest.Run(t, func(t *testing.T, kafka broker.Config, cat topics.Catalog) projectiontest.Backend {
		log := slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
		ex, err := memory.New(memory.Config{Kafka: kafka, Catalog: cat, Logger: log})
		if err != nil {
			t.Fatal(err)
		}
		dp, err := memory.NewDataplane(memory.DataplaneConfig{Kafka: kafka, Catalog: cat, Logger: log})
		if err != nil {
			t.Fatal(err)
		}
		sg, err := memory.NewSegments(memory.SegmentsConfig{Kafka: kafka, Catalog: cat, Logger: log})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		runs := []func(context.Context) error{ex.Run, dp.Run, sg.Run}
		done := make(chan error, len(runs))
		for _, run := range runs {
			go func() { done <- run(ctx) }()
		}
		t.Cleanup(func() {
			cancel()
			for range runs {
				if err := <-done; err != nil {
					t.Errorf("Run: %v", err)
				}
			}
		})
		cl := kafkatest.Client(t, kafka)
		return projectiontest.Backend{
			Executions: ex, Assets: dp, Segments: sg,
			Sync: func(ctx context.Context) error {
				ends, err := broker.StableEnds(ctx, cl, cat.Dataplane())
				if err != nil {
					return err
				}
				for part, end := range ends {
					if end > 0 {
						if err := dp.WaitPosition(ctx, part, end-1); err != nil {
							return err
						}
					}
				}
				return errors.Join(ex.Sync(ctx), sg.Sync(ctx))
			},
			WhyNoReports: "the reports are ClickHouse SQL (schemas/clickhouse/reports); the memory backend has no SQL",
		}
	})
}
