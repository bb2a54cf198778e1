package projector_test

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"sync"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/problem"
	"github.com/twmb/franz-go/pkg/kgo"

	chconn "github.com/mie-kafka/mie/internal/clickhouse"
)

func itoa(n int) string { return strconv.Itoa(n) }

// tables stands in for ClickHouse (a system outside ours) in the
// projector's tests: it keeps, per table and key, the row of the highest
// version, as a ReplacingMergeTree read with FINAL does (an equal version
// replaces, as the last insert wins a merge). It counts writes and can
// fail the next ones.
type tables struct {
	mu     sync.Mutex
	rows   map[string]map[string]versioned
	writes int
	// failNext fails that many Write calls with failErr (transient unless
	// permanent is set).
	failNext  int
	permanent bool
	inserted  int
}

type versioned struct {
	version uint64
	row     any
}

func newTables() *tables { return &tables{rows: map[string]map[string]versioned{}} }

func (s *tables) put(table, key string, version uint64, row any) {
	t := s.rows[table]
	if t == nil {
		t = map[string]versioned{}
		s.rows[table] = t
	}
	if old, ok := t[key]; ok && old.version > version {
		return
	}
	t[key] = versioned{version, row}
	s.inserted++
}

var errInjected = errors.New("injected ClickHouse failure")

// Write implements projector.Sink.
func (s *tables) Write(_ context.Context, r *chconn.Rows) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.failNext > 0 {
		s.failNext--
		if s.permanent {
			return errInjected
		}
		return problem.Transient(errInjected)
	}
	s.write(r)
	return nil
}

func (s *tables) write(r *chconn.Rows) {
	s.writes++
	for _, x := range r.Events {
		s.put("execution_events", fmt.Sprintf("%s/%d", x.ExecutionId, x.Offset), x.Version, x)
	}
	for _, x := range r.OperatorRuns {
		s.put("operator_runs", fmt.Sprintf("%s/%s/%s/%d", x.Operator, x.ExecutionId, x.Path, x.Attempt), x.Version, x)
	}
	for _, x := range r.Media {
		s.put("asset_media", fmt.Sprintf("%s/%d", x.AssetId, x.Offset), x.Version, x)
	}
	for _, x := range r.Metadata {
		s.put("asset_metadata", fmt.Sprintf("%s/%s/%d", x.AssetId, x.Operator, x.Page), x.Version, x)
	}
	for _, x := range r.Assets {
		s.put("assets", x.AssetId, x.Version, x)
	}
	for _, x := range r.Segments {
		s.put("segments", x.SegmentId, x.Version, x)
	}
	for _, x := range r.TableItems {
		s.put("table_items", x.TableName+"/"+x.ItemKey, x.Version, x)
	}
	for _, x := range r.Executions {
		s.put("executions", x.ExecutionId, x.Version, x)
	}
}

// LatestExecutions implements projector.StateSource.
func (s *tables) LatestExecutions(_ context.Context, ids []string) (map[string]chconn.ExecutionRow, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]chconn.ExecutionRow{}
	for _, id := range ids {
		if v, ok := s.rows["executions"][id]; ok {
			out[id] = v.row.(chconn.ExecutionRow)
		}
	}
	return out, nil
}

// ExecutionEvents implements projector.StateSource.
func (s *tables) ExecutionEvents(_ context.Context, id string, partition int32, offset int64) ([]events.Envelope, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var rows []chconn.EventRow
	for _, v := range s.rows["execution_events"] {
		if r := v.row.(chconn.EventRow); r.ExecutionId == id && r.Partition == partition && r.Offset <= offset {
			rows = append(rows, r)
		}
	}
	sort.Slice(rows, func(i, j int) bool { return rows[i].Offset < rows[j].Offset })
	out := make([]events.Envelope, 0, len(rows))
	for _, r := range rows {
		env, err := events.FromRecord(&kgo.Record{Value: r.Envelope})
		if err != nil {
			return nil, err
		}
		out = append(out, env)
	}
	return out, nil
}

// LatestSegments implements projector.StateSource.
func (s *tables) LatestSegments(_ context.Context, ids []string) (map[string]chconn.SegmentRow, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]chconn.SegmentRow{}
	for _, id := range ids {
		if v, ok := s.rows["segments"][id]; ok {
			out[id] = v.row.(chconn.SegmentRow)
		}
	}
	return out, nil
}

// final returns every table's rows by key, as FINAL reads them.
func (s *tables) final() map[string][]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string][]any{}
	for table, rows := range s.rows {
		keys := make([]string, 0, len(rows))
		for k := range rows {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			out[table] = append(out[table], rows[k].row)
		}
	}
	return out
}

// counters returns the writes so far and the injected failures left.
func (s *tables) counters() (writes, failuresLeft int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.writes, s.failNext
}

func (s *tables) count(table string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.rows[table])
}
