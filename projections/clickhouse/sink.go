package clickhouse

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	ch "github.com/ClickHouse/clickhouse-go/v2"

	"github.com/mie-kafka/mie/processors/projector"
)

// Sink writes the projector's rows with clickhouse-go's native batch API
// (PrepareBatch, Append, Send): one INSERT per table per batch.
type Sink struct {
	conn Conn
	// suffix names the tables written: "" for the live ones, "__g<N>" for
	// a rebuild's.
	suffix string
}

var (
	_ projector.Sink        = (*Sink)(nil)
	_ projector.Generations = (*Sink)(nil)
)

// NewSink writes to the live tables.
func NewSink(conn Conn) *Sink { return &Sink{conn: conn} }

// NewRebuildSink writes to the tables of generation gen's rebuild.
func NewRebuildSink(conn Conn, gen uint32) *Sink {
	return &Sink{conn: conn, suffix: RebuildSuffix(gen)}
}

// RebuildSuffix is the suffix of the tables a rebuild to gen fills.
func RebuildSuffix(gen uint32) string { return fmt.Sprintf("__g%d", gen) }

func (s *Sink) table(name string) string { return name + s.suffix }

// The columns each table is written with, in Append order.
const (
	colsExecutions = "execution_id, asset_id, workflow, status, current_stage, trigger_source, created, started, ended, updated, " +
		"error, cause, cancelled, event_count, state, runs, partition, offset, _version"
	colsEvents       = "execution_id, partition, offset, event_id, type, time, path, stage, operator, data, envelope, _version"
	colsOperatorRuns = "operator, execution_id, path, attempt, workflow, stage, task_id, status, dispatched, ended, deliveries, deferrals, " +
		"backoff_ms, deferred_ms, queue_wait_ms, run_ms, retried, error, cause, partition, offset, _version"
	colsAssets   = "asset_id, media_type, s3_bucket, s3_key, created, deleted, partition, offset, _version"
	colsMedia    = "asset_id, offset, partition, media_type, s3_bucket, s3_key, operator, workflow_execution_id, added, _version"
	colsMetadata = "asset_id, operator, page, workflow_id, final, results, ref_bucket, ref_key, ref_size, ref_sha256, stored, " +
		"partition, offset, _version"
	colsSegments = "segment_id, session_id, user_id, window_index, frame_count, status, previous, reason, deliveries, redrives, " +
		"workflow_execution_id, transcript, caption, enriched, entity_count, triple_count, visual_stored, created, updated, " +
		"partition, offset, _version"
)

// Write implements projector.Sink. The current-state tables go last, and
// executions (which holds the state a restarted projector resumes from)
// after everything its rows summarize.
func (s *Sink) Write(ctx context.Context, r *projector.Rows) error {
	steps := []struct {
		table, cols string
		n           int
		row         func(i int) []any
	}{
		{"execution_events", colsEvents, len(r.Events), func(i int) []any {
			x := r.Events[i]
			return []any{x.ExecutionId, x.Partition, x.Offset, x.EventId, x.Type, x.Time, x.Path, x.Stage, x.Operator,
				string(x.Data), string(x.Envelope), x.Version}
		}},
		{"operator_runs", colsOperatorRuns, len(r.OperatorRuns), func(i int) []any {
			x := r.OperatorRuns[i]
			return []any{x.Operator, x.ExecutionId, x.Path, x.Attempt, x.Workflow, x.Stage, x.TaskId, x.Status, x.Dispatched,
				x.Ended, x.Deliveries, x.Deferrals, x.BackoffMs, x.DeferredMs, x.QueueWaitMs, x.RunMs, x.Retried, x.Error, x.Cause,
				x.Partition, x.Offset, x.Version}
		}},
		{"asset_media", colsMedia, len(r.Media), func(i int) []any {
			x := r.Media[i]
			return []any{x.AssetId, x.Offset, x.Partition, x.MediaType, x.S3Bucket, x.S3Key, x.Operator, x.WorkflowExecutionId,
				x.Added, x.Version}
		}},
		{"asset_metadata", colsMetadata, len(r.Metadata), func(i int) []any {
			x := r.Metadata[i]
			return []any{x.AssetId, x.Operator, x.Page, x.WorkflowId, x.Final, x.Results, x.RefBucket, x.RefKey, x.RefSize,
				x.RefSHA256, x.Stored, x.Partition, x.Offset, x.Version}
		}},
		{"assets", colsAssets, len(r.Assets), func(i int) []any {
			x := r.Assets[i]
			return []any{x.AssetId, x.MediaType, x.S3Bucket, x.S3Key, x.Created, x.Deleted, x.Partition, x.Offset, x.Version}
		}},
		{"segments", colsSegments, len(r.Segments), func(i int) []any {
			x := r.Segments[i]
			return []any{x.SegmentId, x.SessionId, x.UserId, x.WindowIndex, x.FrameCount, x.Status, x.Previous, x.Reason,
				x.Deliveries, x.Redrives, x.WorkflowExecutionId, x.Transcript, x.Caption, x.Enriched, x.EntityCount, x.TripleCount,
				x.VisualStored, x.Created, x.Updated, x.Partition, x.Offset, x.Version}
		}},
		{"executions", colsExecutions, len(r.Executions), func(i int) []any {
			x := r.Executions[i]
			return []any{x.ExecutionId, x.AssetId, x.Workflow, x.Status, x.CurrentStage, x.TriggerSource, x.Created,
				x.Started, x.Ended, x.Updated, x.Error, x.Cause, x.Cancelled, x.EventCount, string(x.State), string(x.Runs),
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
		return classify(fmt.Errorf("insert into %s: %w", s.table(table), err))
	}
	defer b.Close()
	for i := range n {
		if err := b.Append(row(i)...); err != nil {
			// A value the column cannot take is a bug, not a bad record.
			return fmt.Errorf("insert into %s: row %d: %w", s.table(table), i, err)
		}
	}
	if err := b.Send(); err != nil {
		return classify(fmt.Errorf("insert %d rows into %s: %w", n, s.table(table), err))
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
func (s *Sink) LatestExecutions(ctx context.Context, ids []string) (map[string]projector.ExecutionRow, error) {
	out := map[string]projector.ExecutionRow{}
	err := chunks(ids, func(set []any) error {
		rows, err := s.conn.Query(ctx, "SELECT execution_id, state, runs, partition, offset, _version FROM "+s.table("executions")+
			" FINAL WHERE execution_id IN ?", ch.GroupSet{Value: set})
		if err != nil {
			return classify(fmt.Errorf("read executions: %w", err))
		}
		defer rows.Close()
		for rows.Next() {
			var x projector.ExecutionRow
			var state, runs string
			if err := rows.Scan(&x.ExecutionId, &state, &runs, &x.Partition, &x.Offset, &x.Version); err != nil {
				return fmt.Errorf("read executions: %w", err)
			}
			x.State, x.Runs = []byte(state), []byte(runs)
			out[x.ExecutionId] = x
		}
		return classify(rows.Err())
	})
	return out, err
}

// LatestSegments implements projector.StateSource.
func (s *Sink) LatestSegments(ctx context.Context, ids []string) (map[string]projector.SegmentRow, error) {
	out := map[string]projector.SegmentRow{}
	err := chunks(ids, func(set []any) error {
		q := "SELECT " + colsSegments + " FROM " + s.table("segments") + " FINAL WHERE segment_id IN ?"
		rows, err := s.conn.Query(ctx, q, ch.GroupSet{Value: set})
		if err != nil {
			return classify(fmt.Errorf("read segments: %w", err))
		}
		defer rows.Close()
		for rows.Next() {
			x, err := scanSegment(rows)
			if err != nil {
				return err
			}
			out[x.SegmentId] = x
		}
		return classify(rows.Err())
	})
	return out, err
}

type scanner interface{ Scan(dest ...any) error }

func scanSegment(r scanner) (projector.SegmentRow, error) {
	var x projector.SegmentRow
	err := r.Scan(&x.SegmentId, &x.SessionId, &x.UserId, &x.WindowIndex, &x.FrameCount, &x.Status, &x.Previous, &x.Reason,
		&x.Deliveries, &x.Redrives, &x.WorkflowExecutionId, &x.Transcript, &x.Caption, &x.Enriched, &x.EntityCount, &x.TripleCount,
		&x.VisualStored, &x.Created, &x.Updated, &x.Partition, &x.Offset, &x.Version)
	if err != nil {
		return x, fmt.Errorf("read segments: %w", err)
	}
	x.Created, x.Updated = x.Created.UTC(), x.Updated.UTC()
	return x, nil
}

// Generation implements projector.Generations: the live generation of a
// projection (1 until a rebuild swaps another in).
func (s *Sink) Generation(ctx context.Context, projection string) (uint32, error) {
	return liveGeneration(ctx, s.conn, projection)
}

func liveGeneration(ctx context.Context, conn Conn, projection string) (uint32, error) {
	var gen uint32
	err := conn.QueryRow(ctx, "SELECT generation FROM projection_versions FINAL WHERE name = ?", projection).Scan(&gen)
	if err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return 1, nil
		}
		return 0, classify(fmt.Errorf("read projection_versions: %w", err))
	}
	return max(gen, 1), nil
}
