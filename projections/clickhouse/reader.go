package clickhouse

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/mie-kafka/mie/internal/view"

	"github.com/twmb/franz-go/pkg/kadm"

	"github.com/mie-kafka/mie/events"
	chconn "github.com/mie-kafka/mie/internal/clickhouse"
	"github.com/mie-kafka/mie/internal/problem"
	"github.com/mie-kafka/mie/internal/topics"
	"github.com/mie-kafka/mie/projections"
)

// Reader serves the API's queries from the live tables. Every query of one
// execution, asset or segment filters on the table's primary key.
type Reader struct {
	conn chconn.Conn
	// Kafka and Catalog let WaitPosition follow the dataplane projector's
	// committed offsets; without them it fails.
	Kafka   *kadm.Client
	Catalog topics.Catalog
	// Poll is how often WaitExecution and WaitPosition look again; default
	// 100ms.
	Poll time.Duration
}

var (
	_ projections.Executions = (*Reader)(nil)
	_ projections.Assets     = (*Reader)(nil)
	_ projections.Segments   = (*Reader)(nil)
)

// NewReader reads through conn.
func NewReader(conn chconn.Conn) *Reader { return &Reader{conn: conn, Poll: 100 * time.Millisecond} }

func (r *Reader) query(ctx context.Context, what, q string, args []any, each func(chconn.Scanner) error) error {
	rows, err := r.conn.Query(ctx, q, args...)
	if err != nil {
		return r.unavailable(what, err)
	}
	defer rows.Close()
	for rows.Next() {
		if err := each(rows); err != nil {
			return fmt.Errorf("read %s: %w", what, err)
		}
	}
	if err := rows.Err(); err != nil {
		return r.unavailable(what, err)
	}
	return nil
}

// unavailable maps a failed query to a 503 when ClickHouse is unreachable
// or overloaded (the client may retry), or an internal error otherwise.
func (r *Reader) unavailable(what string, err error) error {
	if err := chconn.Classify(err); errors.Is(err, context.Canceled) || !problem.IsTransient(err) {
		return fmt.Errorf("read %s: %w", what, err)
	}
	return fmt.Errorf("%w: reading %s from ClickHouse: %v", problem.ErrUnavailable, what, err)
}

// Execution implements projections.Executions.
func (r *Reader) Execution(ctx context.Context, id string) (*view.Execution, error) {
	xs, err := r.executions(ctx, "WHERE execution_id = ? LIMIT 1", id)
	if err != nil {
		return nil, err
	}
	if len(xs) == 0 {
		return nil, view.NotFound(id)
	}
	return xs[0], nil
}

// Executions implements projections.Executions.
func (r *Reader) Executions(ctx context.Context, f view.Filter) ([]*view.Execution, error) {
	var where []string
	var args []any
	if f.Status != "" {
		where, args = append(where, "status = ?"), append(args, f.Status)
	}
	if f.AssetId != "" {
		where, args = append(where, "asset_id = ?"), append(args, f.AssetId)
	}
	if f.StateMachine != "" {
		where, args = append(where, "state_machine = ?"), append(args, f.StateMachine)
	}
	q := ""
	if len(where) > 0 {
		q = "WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY created DESC, execution_id DESC"
	if f.Limit > 0 {
		q, args = q+" LIMIT ?", append(args, f.Limit)
	}
	return r.executions(ctx, q, args...)
}

func (r *Reader) executions(ctx context.Context, tail string, args ...any) ([]*view.Execution, error) {
	var out []*view.Execution
	err := r.query(ctx, "executions", "SELECT state FROM executions FINAL "+tail, args, func(s chconn.Scanner) error {
		var state string
		if err := s.Scan(&state); err != nil {
			return err
		}
		x := &view.Execution{}
		if err := json.Unmarshal([]byte(state), x); err != nil {
			return err
		}
		if x.Nodes == nil {
			x.Nodes = map[string]*view.Node{}
		}
		out = append(out, x)
		return nil
	})
	return out, err
}

// History implements projections.Executions: the events as written, in
// log order.
func (r *Reader) History(ctx context.Context, id string) ([]events.Envelope, error) {
	var out []events.Envelope
	err := r.query(ctx, "execution history", "SELECT envelope FROM execution_events FINAL WHERE execution_id = ? ORDER BY offset",
		[]any{id}, func(s chconn.Scanner) error {
			var v string
			if err := s.Scan(&v); err != nil {
				return err
			}
			var env events.Envelope
			if err := json.Unmarshal([]byte(v), &env); err != nil {
				return err
			}
			out = append(out, env)
			return nil
		})
	if err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, view.NotFound(id)
	}
	return out, nil
}

// WaitExecution implements projections.Executions by polling: the
// projector writes about once a second.
func (r *Reader) WaitExecution(ctx context.Context, id string) error {
	return r.poll(ctx, fmt.Sprintf("execution %s to be projected", id), func() (bool, error) {
		var n uint64
		err := r.conn.QueryRow(ctx, "SELECT count() FROM executions WHERE execution_id = ?", id).Scan(&n)
		return n > 0, err
	})
}

func (r *Reader) poll(ctx context.Context, what string, cond func() (bool, error)) error {
	t := time.NewTicker(r.Poll)
	defer t.Stop()
	for {
		ok, err := cond()
		if err != nil && ctx.Err() == nil {
			if problem.IsTransient(chconn.Classify(err)) {
				ok = false // try again
			} else {
				return fmt.Errorf("waiting for %s: %w", what, err)
			}
		}
		if ok {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("waiting for %s: %w", what, ctx.Err())
		case <-t.C:
		}
	}
}

// ActiveExecution implements projections.Executions: the oldest execution
// of the asset that has not ended.
func (r *Reader) ActiveExecution(ctx context.Context, assetId string) (string, bool, error) {
	var id string
	err := r.query(ctx, "executions",
		"SELECT execution_id FROM executions FINAL WHERE asset_id = ? AND status NOT IN ('Complete', 'Error') ORDER BY created, execution_id LIMIT 1",
		[]any{assetId}, func(s chconn.Scanner) error { return s.Scan(&id) })
	return id, id != "", err
}

// Segment implements projections.Segments.
func (r *Reader) Segment(ctx context.Context, id string) (*view.Segment, error) {
	segs, err := r.segments(ctx, "WHERE segment_id = ?", id)
	if err != nil {
		return nil, err
	}
	if len(segs) == 0 {
		return nil, problem.NotFound("segment", id)
	}
	return &segs[0], nil
}

// Segments implements projections.Segments.
func (r *Reader) Segments(ctx context.Context, f view.SegmentFilter) ([]view.Segment, error) {
	var where []string
	var args []any
	if f.SessionId != "" {
		where, args = append(where, "session_id = ?"), append(args, f.SessionId)
	}
	if f.Status != "" {
		where, args = append(where, "status = ?"), append(args, f.Status)
	}
	if !f.UpdatedBefore.IsZero() {
		where, args = append(where, "updated < fromUnixTimestamp64Nano(?)"), append(args, f.UpdatedBefore.UnixNano())
	}
	q := ""
	if len(where) > 0 {
		q = "WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY session_id, window_index, segment_id"
	if f.Limit > 0 {
		q, args = q+" LIMIT ?", append(args, f.Limit)
	}
	return r.segments(ctx, q, args...)
}

func (r *Reader) segments(ctx context.Context, tail string, args ...any) ([]view.Segment, error) {
	var out []view.Segment
	err := r.query(ctx, "segments", "SELECT "+chconn.ColsSegments+" FROM segments FINAL "+tail, args, func(s chconn.Scanner) error {
		x, err := chconn.ScanSegment(s)
		if err != nil {
			return err
		}
		out = append(out, x.Segment())
		return nil
	})
	return out, err
}
