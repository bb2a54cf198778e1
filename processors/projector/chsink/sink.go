// Package chsink is the projector's ClickHouse sink: it writes the rows the
// projections fold (processors/projector) with batched, idempotent inserts,
// and runs a rebuild into fresh tables and their swap. The reader the API
// queries is projections/clickhouse; what both share is internal/clickhouse.
package chsink

import (
	"context"
	"fmt"

	"github.com/mie-kafka/mie/events"
	"github.com/twmb/franz-go/pkg/kgo"

	ch "github.com/ClickHouse/clickhouse-go/v2"

	"github.com/mie-kafka/mie/internal/clickhouse"
	"github.com/mie-kafka/mie/processors/projector"
)

// Sink writes the projector's rows with clickhouse-go's native batch API
// (PrepareBatch, Append, Send): one INSERT per table per batch.
type Sink struct {
	conn clickhouse.Conn
	// suffix names the tables written: "" for the live ones, "__g<N>" for
	// a rebuild's.
	suffix string
}

var (
	_ projector.Sink        = (*Sink)(nil)
	_ projector.Generations = (*Sink)(nil)
)

// NewSink writes to the live tables.
func NewSink(conn clickhouse.Conn) *Sink { return &Sink{conn: conn} }

// NewRebuildSink writes to the tables of generation gen's rebuild.
func NewRebuildSink(conn clickhouse.Conn, gen uint32) *Sink {
	return &Sink{conn: conn, suffix: RebuildSuffix(gen)}
}

// RebuildSuffix is the suffix of the tables a rebuild to gen fills.
func RebuildSuffix(gen uint32) string { return fmt.Sprintf("__g%d", gen) }

func (s *Sink) table(name string) string { return name + s.suffix }

// Write implements projector.Sink. The current-state tables go last, and
// executions (which holds the state a restarted projector resumes from)
// after everything its rows summarize.
func (s *Sink) Write(ctx context.Context, r *clickhouse.Rows) error {
	steps := []struct {
		table, cols string
		n           int
		row         func(i int) []any
	}{
		{"execution_events", clickhouse.ColsEvents, len(r.Events), func(i int) []any {
			x := r.Events[i]
			return []any{x.ExecutionId, x.Partition, x.Offset, x.EventId, x.Type, x.Time, x.Path, x.Stage, x.Operator,
				string(x.Data), string(x.Envelope), x.Version}
		}},
		{"operator_runs", clickhouse.ColsOperatorRuns, len(r.OperatorRuns), func(i int) []any {
			x := r.OperatorRuns[i]
			return []any{x.Operator, x.ExecutionId, x.Path, x.Attempt, x.Workflow, x.Stage, x.TaskId, x.Status, x.Dispatched,
				x.Ended, x.Deliveries, x.Deferrals, x.BackoffMs, x.DeferredMs, x.QueueWaitMs, x.RunMs, x.Retried, x.Error, x.Cause,
				x.Partition, x.Offset, x.Version}
		}},
		{"state_runs", clickhouse.ColsStateRuns, len(r.StateRuns), func(i int) []any {
			x := r.StateRuns[i]
			return []any{x.ExecutionId, x.Run, x.Parent, x.Slot, x.StateMachine, x.State, x.Type, x.Visit, x.Status,
				x.Attempt, x.Retries, x.Error, x.Cause, x.Resource, x.InputBytes, x.OutputBytes, x.Entered, x.Ended,
				x.Partition, x.Offset, x.Version}
		}},
		{"asset_media", clickhouse.ColsMedia, len(r.Media), func(i int) []any {
			x := r.Media[i]
			return []any{x.AssetId, x.Offset, x.Partition, x.MediaType, x.S3Bucket, x.S3Key, x.Operator, x.WorkflowExecutionId,
				x.Added, x.Version}
		}},
		{"asset_metadata", clickhouse.ColsMetadata, len(r.Metadata), func(i int) []any {
			x := r.Metadata[i]
			return []any{x.AssetId, x.Operator, x.Page, x.WorkflowId, x.Final, x.Results, x.RefBucket, x.RefKey, x.RefSize,
				x.RefSHA256, x.Stored, x.Partition, x.Offset, x.Version}
		}},
		{"assets", clickhouse.ColsAssets, len(r.Assets), func(i int) []any {
			x := r.Assets[i]
			return []any{x.AssetId, x.MediaType, x.S3Bucket, x.S3Key, x.Created, x.Deleted, x.Partition, x.Offset, x.Version}
		}},
		{"segments", clickhouse.ColsSegments, len(r.Segments), func(i int) []any {
			x := r.Segments[i]
			return []any{x.SegmentId, x.SessionId, x.UserId, x.WindowIndex, x.FrameCount, x.Status, x.Previous, x.Reason,
				x.Deliveries, x.Redrives, x.WorkflowExecutionId, x.Transcript, x.Caption, x.Enriched, x.EntityCount, x.TripleCount,
				x.VisualStored, x.Created, x.Updated, x.Partition, x.Offset, x.Version}
		}},
		{"table_items", clickhouse.ColsTableItems, len(r.TableItems), func(i int) []any {
			x := r.TableItems[i]
			return []any{x.TableName, x.TableId, x.ItemKey, string(x.Key), string(x.Item), x.Deleted, x.Operation, x.RequestId,
				x.Updated, x.Partition, x.Offset, x.Version}
		}},
		{"executions", clickhouse.ColsExecutions, len(r.Executions), func(i int) []any {
			x := r.Executions[i]
			return []any{x.ExecutionId, x.AssetId, x.Workflow, x.Status, x.CurrentStage, x.TriggerSource, x.Created,
				x.Started, x.Ended, x.Updated, x.Error, x.Cause, x.Cancelled, x.EventCount, x.StateMachine, x.RunStatus,
				string(x.State), string(x.Runs),
				x.Partition, x.Offset, x.Version}
		}},
	}
	for _, st := range steps {
		if st.n == 0 {
			continue
		}
		if err := s.insert(ctx, st.table, st.cols, st.n, st.row); err != nil {
			return err
		}
	}
	return nil
}

func (s *Sink) insert(ctx context.Context, table, cols string, n int, row func(int) []any) error {
	b, err := s.conn.PrepareBatch(ctx, fmt.Sprintf("INSERT INTO %s (%s)", s.table(table), cols))
	if err != nil {
		return clickhouse.Classify(fmt.Errorf("insert into %s: %w", s.table(table), err))
	}
	defer b.Close()
	for i := range n {
		if err := b.Append(row(i)...); err != nil {
			// A value the column cannot take is a bug, not a bad record.
			return fmt.Errorf("insert into %s: row %d: %w", s.table(table), i, err)
		}
	}
	if err := b.Send(); err != nil {
		return clickhouse.Classify(fmt.Errorf("insert %d rows into %s: %w", n, s.table(table), err))
	}
	return nil
}

// idChunk bounds the ids of one IN list.
const idChunk = 1000

func chunks(ids []string, f func([]any) error) error {
	for lo := 0; lo < len(ids); lo += idChunk {
		part := ids[lo:min(lo+idChunk, len(ids))]
		set := make([]any, len(part))
		for i, id := range part {
			set[i] = id
		}
		if err := f(set); err != nil {
			return err
		}
	}
	return nil
}

// LatestExecutions implements projector.StateSource: the latest row of
// each id, by the primary key.
func (s *Sink) LatestExecutions(ctx context.Context, ids []string) (map[string]clickhouse.ExecutionRow, error) {
	out := map[string]clickhouse.ExecutionRow{}
	err := chunks(ids, func(set []any) error {
		rows, err := s.conn.Query(ctx, "SELECT execution_id, state, runs, partition, offset, _version FROM "+s.table("executions")+
			" FINAL WHERE execution_id IN ?", ch.GroupSet{Value: set})
		if err != nil {
			return clickhouse.Classify(fmt.Errorf("read executions: %w", err))
		}
		defer rows.Close()
		for rows.Next() {
			var x clickhouse.ExecutionRow
			var state, runs string
			if err := rows.Scan(&x.ExecutionId, &state, &runs, &x.Partition, &x.Offset, &x.Version); err != nil {
				return fmt.Errorf("read executions: %w", err)
			}
			x.State, x.Runs = []byte(state), []byte(runs)
			out[x.ExecutionId] = x
		}
		return clickhouse.Classify(rows.Err())
	})
	return out, err
}

// ExecutionEvents implements projector.StateSource: the envelopes of an
// execution's events in execution_events up to (partition, offset), in
// log order.
func (s *Sink) ExecutionEvents(ctx context.Context, id string, partition int32, offset int64) ([]events.Envelope, error) {
	rows, err := s.conn.Query(ctx, "SELECT envelope FROM "+s.table("execution_events")+
		" FINAL WHERE execution_id = ? AND partition = ? AND offset <= ? ORDER BY offset", id, partition, offset)
	if err != nil {
		return nil, clickhouse.Classify(fmt.Errorf("read execution_events of %s: %w", id, err))
	}
	defer rows.Close()
	var out []events.Envelope
	for rows.Next() {
		var raw string
		if err := rows.Scan(&raw); err != nil {
			return nil, fmt.Errorf("read execution_events of %s: %w", id, err)
		}
		env, err := events.FromRecord(&kgo.Record{Value: []byte(raw)})
		if err != nil {
			return nil, fmt.Errorf("execution_events of %s: %w", id, err)
		}
		out = append(out, env)
	}
	return out, clickhouse.Classify(rows.Err())
}

// LatestSegments implements projector.StateSource.
func (s *Sink) LatestSegments(ctx context.Context, ids []string) (map[string]clickhouse.SegmentRow, error) {
	out := map[string]clickhouse.SegmentRow{}
	err := chunks(ids, func(set []any) error {
		q := "SELECT " + clickhouse.ColsSegments + " FROM " + s.table("segments") + " FINAL WHERE segment_id IN ?"
		rows, err := s.conn.Query(ctx, q, ch.GroupSet{Value: set})
		if err != nil {
			return clickhouse.Classify(fmt.Errorf("read segments: %w", err))
		}
		defer rows.Close()
		for rows.Next() {
			x, err := clickhouse.ScanSegment(rows)
			if err != nil {
				return err
			}
			out[x.SegmentId] = x
		}
		return clickhouse.Classify(rows.Err())
	})
	return out, err
}

// Generation implements projector.Generations: the live generation of a
// projection (1 until a rebuild swaps another in).
func (s *Sink) Generation(ctx context.Context, projection string) (uint32, error) {
	return clickhouse.LiveGeneration(ctx, s.conn, projection)
}
