package projector

import (
	chconn "github.com/mie-kafka/mie/internal/clickhouse"
	"github.com/mie-kafka/mie/internal/view"

	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"time"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/deadletter"
	"github.com/mie-kafka/mie/internal/execution"
	"github.com/mie-kafka/mie/internal/topics"
)

// Executions is the projection of the executions topic into executions,
// execution_events, operator_runs and state_runs.
var Executions = Definition{
	Name:   chconn.ProjectionExecutions,
	Topic:  topics.Catalog.Executions,
	Tables: []string{"executions", "execution_events", "operator_runs", "state_runs"},
	New:    func() Folder { return newExecutionFolder() },
}

// execState is what the projector keeps per execution: the state folded
// with view.Folder (the engines' Apply, as the executor and the memory
// projection fold), the operator attempts still open, and the position of
// the last event applied.
type execState struct {
	fold      view.Folder
	runs      map[string]*chconn.OperatorRunRow
	partition int32
	offset    int64
}

// maxCachedExecutions bounds the states kept between batches; ended
// executions are dropped at once, and a miss reloads from the sink.
const maxCachedExecutions = 100_000

type executionFolder struct {
	states map[string]*execState
}

func newExecutionFolder() *executionFolder {
	return &executionFolder{states: map[string]*execState{}}
}

func (f *executionFolder) Reset() { f.states = map[string]*execState{} }

// Load fetches from the sink the state of every execution in recs that
// the folder does not hold.
func (f *executionFolder) Load(ctx context.Context, s StateSource, recs []Record) error {
	var missing []string
	seen := map[string]bool{}
	for _, r := range recs {
		id := r.Env.Key
		if _, ok := f.states[id]; !ok && !seen[id] {
			seen[id] = true
			missing = append(missing, id)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	sort.Strings(missing)
	rows, err := s.LatestExecutions(ctx, missing)
	if err != nil {
		return err
	}
	for id, row := range rows {
		st, err := stateFromRow(ctx, s, row)
		if err != nil {
			return fmt.Errorf("load execution %s: %w", id, err)
		}
		f.states[id] = st
	}
	return nil
}

// stateFromRow restores an execution's state from its last row: a
// version-1 execution from the stored state itself, a States Language run
// by folding its events again (execution_events holds every one).
func stateFromRow(ctx context.Context, s StateSource, row chconn.ExecutionRow) (*execState, error) {
	st := &execState{runs: map[string]*chconn.OperatorRunRow{}, partition: row.Partition, offset: row.Offset}
	if len(row.Runs) > 0 {
		if err := json.Unmarshal(row.Runs, &st.runs); err != nil {
			return nil, err
		}
	}
	var probe struct {
		Run json.RawMessage `json:"Run"`
	}
	if err := json.Unmarshal(row.State, &probe); err != nil {
		return nil, err
	}
	if len(probe.Run) == 0 || string(probe.Run) == "null" {
		x := &execution.Execution{}
		if err := json.Unmarshal(row.State, x); err != nil {
			return nil, err
		}
		if x.Nodes == nil {
			x.Nodes = map[string]*execution.Node{}
		}
		st.fold.ResumeLegacy(x)
		return st, nil
	}
	envs, err := s.ExecutionEvents(ctx, row.ExecutionId, row.Partition, row.Offset)
	if err != nil {
		return nil, err
	}
	for i := range envs {
		p, err := envs[i].Decode()
		if err != nil {
			return nil, err
		}
		if err := st.fold.Apply(envs[i].Time, p); err != nil {
			return nil, err
		}
	}
	return st, nil
}

// Fold implements Folder.
func (f *executionFolder) Fold(recs []Record, gen uint32, out *chconn.Rows) []Bad {
	var bad []Bad
	execIdx := map[string]int{}
	runIdx := map[string]int{}
	for _, r := range recs {
		if err := f.fold(r, gen, out, execIdx, runIdx); err != nil {
			bad = append(bad, Bad{Record: r, Reason: reasonOf(err), Err: err})
		}
	}
	for id, st := range f.states {
		if st.fold.Terminal() || len(f.states) > maxCachedExecutions {
			delete(f.states, id)
		}
	}
	return bad
}

// errBeforeQueued is a record for an execution that has no ExecutionQueued.
var errBeforeQueued = errors.New("event before the execution's ExecutionQueued")

func (f *executionFolder) fold(r Record, gen uint32, out *chconn.Rows, execIdx, runIdx map[string]int) error {
	id := r.Env.Key
	st := f.states[id]
	if st != nil && r.Offset <= st.offset && r.Partition == st.partition {
		// Already folded (a redelivery after a failed commit): its rows
		// were written with the state, and are written again unchanged.
		out.Events = append(out.Events, eventRow(r, gen))
		return nil
	}
	q, queued := r.Payload.(*events.ExecutionQueued)
	if queued && q.ExecutionId != id {
		return fmt.Errorf("%w: key %q, execution %q", errKeyMismatch, id, q.ExecutionId)
	}
	if st == nil {
		if events.IsMapRunEvent(r.Payload) {
			return nil // a map run's own history: no execution of its own
		}
		if !queued {
			return fmt.Errorf("%w: %s %s", errBeforeQueued, r.Env.Type, id)
		}
		st = &execState{}
	}
	// Apply rejects a type it does not fold before changing anything.
	if err := st.fold.Apply(r.Env.Time, r.Payload); err != nil {
		return fmt.Errorf("%w: %v", errNotExecutionEvent, err)
	}
	if queued {
		st.runs = map[string]*chconn.OperatorRunRow{}
	}
	st.partition, st.offset = r.Partition, r.Offset
	f.states[id] = st
	out.Events = append(out.Events, eventRow(r, gen))
	if st.fold.Run() != nil {
		f.stateRuns(st, r, gen, out)
	}
	for _, run := range st.trackRun(r) {
		run.Partition, run.Offset, run.Version = r.Partition, r.Offset, chconn.Version(gen, r.Offset)
		k := id + "\x00" + runKey(run.Path, int(run.Attempt))
		if i, ok := runIdx[k]; ok {
			out.OperatorRuns[i] = *run
		} else {
			runIdx[k] = len(out.OperatorRuns)
			out.OperatorRuns = append(out.OperatorRuns, *run)
		}
	}
	row, err := st.row(gen)
	if err != nil {
		return err
	}
	if i, ok := execIdx[id]; ok {
		out.Executions[i] = row
	} else {
		execIdx[id] = len(out.Executions)
		out.Executions = append(out.Executions, row)
	}
	return nil
}

var (
	errNotExecutionEvent = errors.New("not an execution event")
	errKeyMismatch       = errors.New("record key is not the execution id")
)

func reasonOf(err error) string {
	switch {
	case errors.Is(err, errKeyMismatch):
		return deadletter.ReasonKeyMismatch
	case errors.Is(err, errNotExecutionEvent):
		return deadletter.ReasonUnexpectedType
	case errors.Is(err, errBeforeQueued):
		return deadletter.ReasonUnknownExecution
	}
	return deadletter.ReasonInvalid
}

func runKey(path string, attempt int) string { return path + "#" + strconv.Itoa(attempt) }

// trackRun updates the operator attempts an event touches and returns
// their rows. Attempts end (and leave the open set) on Completed, Failed,
// Retrying, Skipped, or when the execution ends.
func (st *execState) trackRun(r Record) []*chconn.OperatorRunRow {
	if st.fold.Run() != nil {
		return st.trackTask(r)
	}
	at := r.Env.Time
	x := st.fold.Legacy()
	open := func(path, stage, operator string, attempt int) *chconn.OperatorRunRow {
		k := runKey(path, attempt)
		run, ok := st.runs[k]
		if !ok {
			run = &chconn.OperatorRunRow{Operator: operator, ExecutionId: x.Id, Path: path, Attempt: uint16(attempt),
				Workflow: x.Workflow.Name, Stage: stage, Status: view.NodeStarted, Dispatched: at, StartDue: at}
			st.runs[k] = run
		}
		return run
	}
	end := func(run *chconn.OperatorRunRow, status, errName, cause string) *chconn.OperatorRunRow {
		run.Status, run.Error, run.Cause = status, errName, cause
		t := at
		run.Ended = &t
		ms := uint64(0)
		if d := at.Sub(run.StartDue); d > 0 {
			ms = uint64(d.Milliseconds())
		}
		run.RunMs = &ms
		delete(st.runs, runKey(run.Path, int(run.Attempt)))
		return run
	}
	switch e := r.Payload.(type) {
	case *events.OperatorSkipped:
		run := open(e.Path, e.Stage, e.Operator, 0)
		return []*chconn.OperatorRunRow{end(run, view.NodeSkipped, "", e.Reason)}
	case *events.OperatorWaiting:
		run := open(e.Path, e.Stage, e.Operator, 0)
		run.Status = "Waiting"
		return []*chconn.OperatorRunRow{run}
	case *events.OperatorDispatched:
		run := open(e.Path, e.Stage, e.Operator, e.Attempt)
		run.TaskId = e.TaskId
		if e.Phase != events.PhaseStart {
			return []*chconn.OperatorRunRow{run}
		}
		delivery := max(e.Delivery, 1)
		due := at.Add(time.Duration(e.DelayMs) * time.Millisecond)
		if delivery == 1 && run.Deliveries == 0 {
			run.BackoffMs = uint64(max(e.DelayMs, 0))
		}
		run.Deliveries = uint16(max(int(run.Deliveries), delivery))
		if due.After(run.StartDue) {
			run.StartDue = due
		}
		run.QueueWaitMs = uint64(max(run.StartDue.Sub(run.Dispatched).Milliseconds(), 0))
		return []*chconn.OperatorRunRow{run}
	case *events.OperatorDeferred:
		run := open(e.Path, e.Stage, e.Operator, e.Attempt)
		run.Deferrals++
		run.DeferredMs += uint64(max(e.DelayMs, 0))
		return []*chconn.OperatorRunRow{run}
	case *events.OperatorExecuting:
		run := open(e.Path, e.Stage, e.Operator, e.Attempt)
		run.Status = view.NodeExecuting
		return []*chconn.OperatorRunRow{run}
	case *events.OperatorCompleted:
		return []*chconn.OperatorRunRow{end(open(e.Path, e.Stage, e.Operator, e.Attempt), view.NodeComplete, "", "")}
	case *events.OperatorFailed:
		return []*chconn.OperatorRunRow{end(open(e.Path, e.Stage, e.Operator, e.Attempt), view.NodeError, e.Error, e.Cause)}
	case *events.OperatorRetrying:
		run := end(open(e.Path, e.Stage, e.Operator, e.Attempt), view.NodeError, e.Error, e.Cause)
		run.Retried = true
		return []*chconn.OperatorRunRow{run}
	case *events.ExecutionFailed, *events.ExecutionCancelled:
		// Apply ended the running nodes; end their open attempts alike.
		keys := make([]string, 0, len(st.runs))
		for k := range st.runs {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var out []*chconn.OperatorRunRow
		for _, k := range keys {
			run := st.runs[k]
			msg := x.Error
			if n, ok := x.Node(run.Path); ok && n.Error != "" {
				msg = n.Error
			}
			out = append(out, end(run, view.NodeError, msg, x.Cause))
		}
		return out
	}
	return nil
}

// row renders the state as an executions row.
func (st *execState) row(gen uint32) (chconn.ExecutionRow, error) {
	x := st.fold.View()
	state, err := json.Marshal(x)
	if err != nil {
		return chconn.ExecutionRow{}, fmt.Errorf("encode execution %s: %w", x.Id, err)
	}
	// The open runs are state, not rows: without the position and version
	// of the row they were last written in, which differ by generation.
	open := make(map[string]chconn.OperatorRunRow, len(st.runs))
	for k, run := range st.runs {
		r := *run
		r.Partition, r.Offset, r.Version = 0, 0, 0
		open[k] = r
	}
	runs, err := json.Marshal(open)
	if err != nil {
		return chconn.ExecutionRow{}, fmt.Errorf("encode runs of %s: %w", x.Id, err)
	}
	return chconn.ExecutionRow{
		ExecutionId: x.Id, AssetId: x.AssetId, Workflow: x.Workflow.Name, Status: x.Status,
		CurrentStage: x.CurrentStage, TriggerSource: x.Trigger.Source,
		Created: x.Created, Started: timePtr(x.Started), Ended: timePtr(x.Ended), Updated: x.Updated,
		Error: x.Error, Cause: x.Cause, Cancelled: x.Cancelled, EventCount: uint32(x.Version),
		StateMachine: machineName(x), RunStatus: runStatus(x),
		State: state, Runs: runs, Partition: st.partition, Offset: st.offset, Version: chconn.Version(gen, st.offset),
	}, nil
}

func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

// common are the fields many execution events share.
type common struct {
	Path     string `json:"Path"`
	Stage    string `json:"Stage"`
	Operator string `json:"Operator"`
}

// eventRow renders one event as an execution_events row; it depends on
// the record only.
func eventRow(r Record, gen uint32) chconn.EventRow {
	var c common
	_ = json.Unmarshal(r.Env.Data, &c) // absent fields stay empty
	return chconn.EventRow{
		ExecutionId: r.Env.Key, Partition: r.Partition, Offset: r.Offset, EventId: r.Env.ID,
		Type: r.Env.Type, Time: r.Env.Time, Path: c.Path, Stage: c.Stage, Operator: c.Operator,
		Data: r.Env.Data, Envelope: r.Value, Version: chconn.Version(gen, r.Offset),
	}
}
