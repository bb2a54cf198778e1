package projector

import (
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/mie-kafka/mie/events"
	chconn "github.com/mie-kafka/mie/internal/clickhouse"
	"github.com/mie-kafka/mie/internal/engine"
	"github.com/mie-kafka/mie/internal/view"
)

// The rows of States Language runs: state_runs for every run of a state,
// and for an MIE workflow's operators the operator_runs rows that the
// reports read, one per attempt, as the first engine wrote them.

// stateRuns writes the state_runs row of the run an event is about.
func (f *executionFolder) stateRuns(st *execState, r Record, gen uint32, out *chconn.Rows) {
	run := runOfEvent(st.fold.Run(), r.Payload)
	if run == nil {
		return
	}
	v := view.StateRunOf(run)
	row := chconn.StateRunRow{ExecutionId: r.Env.Key, Run: v.Run, Parent: v.Parent, Slot: int32(v.Slot),
		StateMachine: machineRef(st.fold.Run().Queued.StateMachine), State: v.State, Type: v.Type, Visit: int32(v.Visit),
		Status: v.Status, Attempt: int32(v.Attempt), Retries: int32(v.Retries), Error: v.Error, Cause: v.Cause,
		Resource: v.Resource, InputBytes: int64(v.InputBytes), OutputBytes: int64(v.OutputBytes), Entered: v.Entered,
		Ended: timePtr(v.Ended), Partition: r.Partition, Offset: r.Offset, Version: chconn.Version(gen, r.Offset)}
	for i := range out.StateRuns {
		if x := &out.StateRuns[i]; x.ExecutionId == row.ExecutionId && x.Run == row.Run {
			*x = row
			return
		}
	}
	out.StateRuns = append(out.StateRuns, row)
}

// runOfEvent is the run an event names, if it names one.
func runOfEvent(x *engine.Execution, p events.Payload) *engine.Run {
	var id int32
	switch e := p.(type) {
	case *events.StateEntered:
		id = e.Run
	case *events.StateExited:
		id = e.Run
	case *events.StateFailed:
		id = e.Run
	case *events.StateCaught:
		id = e.Run
	case *events.TaskScheduled:
		id = e.Run
	case *events.TaskRetrying:
		id = e.Run
	default:
		return nil
	}
	r, _ := x.Run(engine.RunID(id))
	return r
}

func machineRef(sm *events.StateMachineRef) string {
	if sm == nil {
		return ""
	}
	return sm.Name
}

// machineName and runStatus fill an executions row's States Language
// columns.
func machineName(x *view.Execution) string {
	if x.Run == nil {
		return ""
	}
	return machineRef(x.Run.StateMachine)
}

func runStatus(x *view.Execution) string {
	if x.Run == nil {
		return ""
	}
	return x.Run.Status
}

// trackTask updates the operator attempts of an MIE workflow's run that
// an event touches (the Task runs of its S:O states, and the skips) and
// returns their rows.
func (st *execState) trackTask(r Record) []*chconn.OperatorRunRow {
	x := st.fold.Run()
	q := x.Queued
	if q.StateMachine == nil || q.StateMachine.Kind != events.KindWorkflow {
		return nil
	}
	at := r.Env.Time
	if st.runs == nil {
		st.runs = map[string]*chconn.OperatorRunRow{}
	}
	switch e := r.Payload.(type) {
	case *events.StateExited:
		run, ok := x.Run(engine.RunID(e.Run))
		if stage, op, role := operatorState(e.State); ok && role == "skip" {
			row := st.attempt(x, run, stage, op, 0, at)
			return []*chconn.OperatorRunRow{st.endAttempt(row, view.NodeSkipped, "", skipReason(run), at)}
		}
	case *events.TaskScheduled:
		return st.onAttempt(x, e.Run, e.State, e.Attempt, at, func(row *chconn.OperatorRunRow) {
			row.TaskId, row.Deliveries = e.TaskId, 1
			row.BackoffMs = uint64(max(e.DelayMs, 0))
			row.StartDue = at.Add(time.Duration(e.DelayMs) * time.Millisecond)
			row.QueueWaitMs = uint64(max(row.StartDue.Sub(row.Dispatched).Milliseconds(), 0))
		})
	case *events.TaskDeferred:
		return st.onAttempt(x, e.Run, e.State, e.Attempt, at, func(row *chconn.OperatorRunRow) {
			row.Deferrals++
			row.DeferredMs += uint64(max(e.DelayMs, 0))
			row.Deliveries = uint16(e.Delivery)
			if e.Phase == events.PhaseStart {
				row.StartDue = at.Add(time.Duration(e.DelayMs) * time.Millisecond)
				row.QueueWaitMs = uint64(max(row.StartDue.Sub(row.Dispatched).Milliseconds(), 0))
			}
		})
	case *events.TaskExecuting:
		return st.onAttempt(x, e.Run, e.State, e.Attempt, at, func(row *chconn.OperatorRunRow) { row.Status = view.NodeExecuting })
	case *events.TaskSucceeded, *events.TaskFailed, *events.TaskRetrying:
		return st.attemptEnded(x, r.Payload, at)
	case *events.ExecutionFailed, *events.ExecutionCancelled, *events.ExecutionTimedOut:
		return st.endOpen(x.Error, x.Cause, at)
	}
	return nil
}

func (st *execState) attemptEnded(x *engine.Execution, p events.Payload, at time.Time) []*chconn.OperatorRunRow {
	switch e := p.(type) {
	case *events.TaskSucceeded:
		return st.onAttempt(x, e.Run, e.State, e.Attempt, at, func(row *chconn.OperatorRunRow) {
			st.endAttempt(row, view.NodeComplete, "", "", at)
		})
	case *events.TaskFailed:
		return st.onAttempt(x, e.Run, e.State, e.Attempt, at, func(row *chconn.OperatorRunRow) {
			st.endAttempt(row, view.NodeError, e.Error, e.Cause, at)
		})
	case *events.TaskRetrying:
		return st.onAttempt(x, e.Run, e.State, e.Attempt, at, func(row *chconn.OperatorRunRow) { row.Retried = true })
	}
	return nil
}

// onAttempt applies f to the row of an operator attempt, when the state
// is an operator's.
func (st *execState) onAttempt(x *engine.Execution, id int32, state string, attempt int, at time.Time,
	f func(*chconn.OperatorRunRow)) []*chconn.OperatorRunRow {
	stage, op, role := operatorState(state)
	run, ok := x.Run(engine.RunID(id))
	if !ok || op == "" || role != "" {
		return nil
	}
	row := st.attempt(x, run, stage, op, attempt, at)
	f(row)
	return []*chconn.OperatorRunRow{row}
}

// attempt returns (opening if new) the row of an operator's attempt.
func (st *execState) attempt(x *engine.Execution, run *engine.Run, stage, op string, attempt int, at time.Time) *chconn.OperatorRunRow {
	path := stage + "/" + strconv.Itoa(run.Slot) + "/" + op
	k := runKey(path, attempt)
	row, ok := st.runs[k]
	if !ok {
		row = &chconn.OperatorRunRow{Operator: op, ExecutionId: x.ID, Path: path, Attempt: uint16(attempt),
			Workflow: x.Queued.Workflow.Name, Stage: stage, Status: view.NodeStarted, Dispatched: at, StartDue: at}
		st.runs[k] = row
	}
	return row
}

func (st *execState) endAttempt(row *chconn.OperatorRunRow, status, errName, cause string, at time.Time) *chconn.OperatorRunRow {
	row.Status, row.Error, row.Cause = status, errName, cause
	t := at
	row.Ended = &t
	ms := uint64(0)
	if d := at.Sub(row.StartDue); d > 0 {
		ms = uint64(d.Milliseconds())
	}
	row.RunMs = &ms
	delete(st.runs, runKey(row.Path, int(row.Attempt)))
	return row
}

// endOpen ends the attempts still open when the execution ended.
func (st *execState) endOpen(errName, cause string, at time.Time) []*chconn.OperatorRunRow {
	keys := make([]string, 0, len(st.runs))
	for k := range st.runs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]*chconn.OperatorRunRow, 0, len(keys))
	for _, k := range keys {
		out = append(out, st.endAttempt(st.runs[k], view.NodeError, errName, cause, at))
	}
	return out
}

// operatorState reads an MIE workflow's compiled state name: stage,
// operator and role ("" for the operator's Task, "skip", "media").
func operatorState(name string) (stage, op, role string) {
	stage, rest, ok := strings.Cut(name, ":")
	if !ok || rest == "merge" {
		return "", "", ""
	}
	op, role, _ = strings.Cut(rest, ":")
	return stage, op, role
}

func skipReason(r *engine.Run) string {
	s, _ := engine.Object(r.Output)["Reason"].(string)
	return s
}
