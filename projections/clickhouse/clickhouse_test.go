package clickhouse_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	chconn "github.com/mie-kafka/mie/internal/clickhouse"

	"github.com/twmb/franz-go/pkg/kadm"

	"github.com/mie-kafka/mie/internal/broker"
	"github.com/mie-kafka/mie/internal/clickhouse/chtest"
	"github.com/mie-kafka/mie/internal/kafkatest"
	"github.com/mie-kafka/mie/internal/topics"
	"github.com/mie-kafka/mie/processors/projector/chsink/chsinktest"
	"github.com/mie-kafka/mie/projections/clickhouse"
	"github.com/mie-kafka/mie/projections/projectiontest"
	chsql "github.com/mie-kafka/mie/schemas/clickhouse"
)

// TestConformance runs the backends' conformance suite against the
// projector and ClickHouse: the projectors fold the topics into the
// tables, the Reader answers, and the reports run over the seeded data.
func TestConformance(t *testing.T) {
	chtest.Server(t) // skip before any Kafka work when there is no server
	projectiontest.Run(t, func(t *testing.T, kafka broker.Config, cat topics.Catalog) projectiontest.Backend {
		conn := chtest.Migrated(t)
		chsinktest.StartProjectors(t, conn, kafka, cat)
		adm := kadm.NewClient(kafkatest.Client(t, kafka))
		r := clickhouse.NewReader(conn)
		r.Kafka, r.Catalog, r.Poll = adm, cat, 20*time.Millisecond
		return projectiontest.Backend{
			Executions: r, Assets: r, Segments: r,
			Sync:   func(ctx context.Context) error { return chsinktest.CaughtUp(ctx, conn, adm, cat) },
			Report: func(ctx context.Context, name string) ([][]string, error) { return runReport(ctx, conn, name) },
		}
	})
}

// runReport runs a report file and formats its rows.
func runReport(ctx context.Context, conn chconn.Conn, name string) ([][]string, error) {
	rep, err := chsql.ReportNamed(name)
	if err != nil {
		return nil, err
	}
	rows, err := conn.Query(ctx, rep.SQL)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out [][]string
	types := rows.ColumnTypes()
	for rows.Next() {
		dest := make([]any, len(types))
		for i, ct := range types {
			dest[i] = reflect.New(ct.ScanType()).Interface()
		}
		if err := rows.Scan(dest...); err != nil {
			return nil, err
		}
		row := make([]string, len(dest))
		for i, d := range dest {
			row[i] = projectiontest.FormatValue(reflect.ValueOf(d).Elem().Interface())
		}
		out = append(out, row)
	}
	return out, rows.Err()
}

func TestMain(m *testing.M) { chtest.Main(m) }
