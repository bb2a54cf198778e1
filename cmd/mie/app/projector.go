package app

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"

	chconn "github.com/mie-kafka/mie/internal/clickhouse"
	"github.com/mie-kafka/mie/processors/projector/chsink"

	"github.com/mie-kafka/mie/internal/view"

	"github.com/twmb/franz-go/pkg/kadm"

	"github.com/mie-kafka/mie/api"
	"github.com/mie-kafka/mie/internal/broker"
	"github.com/mie-kafka/mie/internal/problem"
	"github.com/mie-kafka/mie/processors/projector"
	"github.com/mie-kafka/mie/projections"
	"github.com/mie-kafka/mie/projections/clickhouse"
	chsql "github.com/mie-kafka/mie/schemas/clickhouse"
)

// clickhouseState is the ClickHouse side of an App: set when --clickhouse
// names a server.
type clickhouseState struct {
	chConn   chconn.Conn
	chReader *clickhouse.Reader
}

// openClickHouse connects to --clickhouse and applies the migrations, once.
func (a *App) openClickHouse(ctx context.Context) error {
	if a.chConn != nil || a.cfg.ClickHouse == "" {
		return nil
	}
	conn, err := chconn.Open(ctx, a.cfg.ClickHouse)
	if err != nil {
		return err
	}
	ms, err := chsql.Migrations()
	if err == nil {
		_, err = chconn.Migrate(ctx, conn, ms, a.log)
	}
	if err != nil {
		conn.Close()
		return fmt.Errorf("clickhouse schema: %w", err)
	}
	a.chConn = conn
	a.chReader = clickhouse.NewReader(conn)
	a.chReader.Kafka, a.chReader.Catalog = kadm.NewClient(a.client), a.cat
	a.closers = append(a.closers, func() { conn.Close() })
	return nil
}

// startProjector runs one projector per projection (the projector role, and
// serve when --clickhouse is set).
func (a *App) startProjector(ctx, runCtx context.Context) error {
	if a.cfg.ClickHouse == "" {
		if a.roles.API {
			return nil // serve without ClickHouse: the memory projections serve
		}
		return errors.New("the projector role needs --clickhouse (or MIE_CLICKHOUSE)")
	}
	if err := a.openClickHouse(ctx); err != nil {
		return err
	}
	for _, d := range projector.Definitions() {
		sink := chsink.NewSink(a.chConn)
		p, err := projector.New(projector.Config{
			Definition: d, Kafka: a.kafka, Catalog: a.cat, Sink: sink, Generations: sink,
			FlushRows: a.cfg.ProjectorFlushRows, FlushInterval: a.cfg.ProjectorFlushInterval,
			SessionTimeout: a.cfg.SessionTimeout, Logger: a.log,
		})
		if err != nil {
			return err
		}
		a.run("projector "+d.Name, runCtx, p.Run)
	}
	return nil
}

// The readers the API serves from: ClickHouse when --clickhouse is set,
// the memory projections otherwise.

func (a *App) executionsReader() projections.Executions {
	if a.chReader != nil {
		return a.chReader
	}
	return a.Projection
}

func (a *App) assetsReader() projections.Assets {
	if a.chReader != nil {
		return a.chReader
	}
	return a.DataplaneProjection
}

func (a *App) segmentsReader(mem projections.Segments) projections.Segments {
	if a.chReader != nil {
		return a.chReader
	}
	return mem
}

// projectionStatus reports the projections the API reads.
type projectionStatus struct{ a *App }

var _ api.Projections = projectionStatus{}

// Status implements api.Projections: the ClickHouse projections' consumer
// groups as Kafka sees them, or the memory projection's position.
func (s projectionStatus) Status(ctx context.Context) ([]view.Status, error) {
	a := s.a
	if a.chConn != nil {
		st, err := clickhouseStatus(ctx, a.chConn, kadm.NewClient(a.client), a)
		if err != nil {
			return nil, fmt.Errorf("%w: projection status: %v", problem.ErrUnavailable, err)
		}
		return st, nil
	}
	var out []view.Status
	for _, m := range []struct {
		d   projector.Definition
		pos map[int32]int64
	}{
		{projector.Executions, a.Projection.Positions()},
		{projector.Dataplane, a.DataplaneProjection.Positions()},
		{projector.Segments, a.Segments.Positions()},
		{projector.Tables, a.Items.Positions()},
	} {
		topic := m.d.Topic(a.cat)
		ends, err := broker.StableEnds(ctx, a.client, topic)
		if err != nil {
			return nil, fmt.Errorf("%w: projection status: %v", problem.ErrUnavailable, err)
		}
		st := view.Status{Name: m.d.Name, Backend: "memory", Topic: topic}
		for _, part := range slices.Sorted(maps.Keys(ends)) {
			lag := max(ends[part]-m.pos[part], 0)
			st.Lag += lag
			st.Partitions = append(st.Partitions, view.PartitionStatus{Partition: part, Position: m.pos[part], End: ends[part], Lag: lag})
		}
		out = append(out, st)
	}
	return out, nil
}

func clickhouseStatus(ctx context.Context, conn chconn.Conn, adm *kadm.Client, a *App) ([]view.Status, error) {
	sink := chsink.NewSink(conn)
	var out []view.Status
	for _, d := range projector.Definitions() {
		gen, err := sink.Generation(ctx, d.Name)
		if err != nil {
			return nil, err
		}
		p, err := projector.GroupStatus(ctx, adm, d, a.cat, gen)
		if err != nil {
			return nil, err
		}
		out = append(out, statusOf(p, "clickhouse", d.Topic(a.cat)))
	}
	return out, nil
}

func statusOf(p projector.Progress, backend, topic string) view.Status {
	st := view.Status{Name: p.Projection, Backend: backend, Topic: topic, Group: p.Group, Generation: p.Generation, Lag: p.Lag}
	for _, pp := range p.Partitions {
		st.Partitions = append(st.Partitions, view.PartitionStatus(pp))
	}
	return st
}
