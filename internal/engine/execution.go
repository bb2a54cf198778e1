// Package engine is the States Language interpreter: an execution's state,
// Apply, which folds one event into it, and the deciders (Start, Handle,
// Sweep), pure functions from the state and one input (a command, a task
// result, a timer, the clock) to new events, tasks and timers. The
// executor and every projection fold with the same Apply, so they cannot
// disagree about what happened; a decision is recorded in its events and
// never evaluated again.
//
// One handler per state type (pass.go, task.go, choice.go, wait.go,
// succeed.go, fail.go, parallel.go, map.go) does that state's part; the
// shared data flow is in io.go, errors, retries and catches in errors.go.
// A distributed Map runs as a map run, an entity of its own with the same
// shape (MapRun, StartMapRun, HandleMapRun, MapRun.Apply: maprun*.go),
// which the parent's Map run starts and waits for (mapdist.go).
// A decision runs as a work queue, never recursion, bounded by
// Options.MaxTransitions. Runs are numbered in the order they are entered
// (RunID), and a Parallel branch or Map iteration is a scope of its own
// with its own visit counters and variables, so loops, retries and
// iterations never collide.
//
// Nothing here knows MIE: an MIE workflow is a state machine compiled by
// internal/workflow, and what its operators need is in their parameters.
package engine

import (
	"encoding/json"
	"time"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/asl"
	"github.com/mie-kafka/mie/internal/asl/failure"
)

// Status is an execution's status, as Step Functions names it.
type Status uint8

const (
	StatusQueued Status = iota
	StatusRunning
	StatusSucceeded
	StatusFailed
	StatusTimedOut
	StatusAborted
)

var statusNames = [...]string{"QUEUED", "RUNNING", "SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED"}

func (s Status) String() string {
	if int(s) < len(statusNames) {
		return statusNames[s]
	}
	return "UNKNOWN"
}

// MarshalText writes the status's name.
func (s Status) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// Terminal reports whether the status is final.
func (s Status) Terminal() bool { return s >= StatusSucceeded }

// RunStatus is the status of one run of a state.
type RunStatus uint8

const (
	RunRunning RunStatus = iota
	RunSucceeded
	RunFailed
	// RunCaught: the run failed and a Catch took the execution on.
	RunCaught
	// RunAborted: the run was still going when its branch, iteration or
	// execution ended.
	RunAborted
)

var runStatusNames = [...]string{"RUNNING", "SUCCEEDED", "FAILED", "CAUGHT", "ABORTED"}

func (s RunStatus) String() string {
	if int(s) < len(runStatusNames) {
		return runStatusNames[s]
	}
	return "UNKNOWN"
}

// MarshalText writes the status's name.
func (s RunStatus) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// Done reports whether the run has ended.
func (s RunStatus) Done() bool { return s != RunRunning }

// RunID numbers a run within its execution, from 1 in the order runs are
// entered; 0 is "no run" (the execution's top level).
type RunID int32

// Execution is the folded state of one States Language execution.
type Execution struct {
	ID string
	// Queued is the execution's first event: what it runs, on what, how it
	// was started. Its Definition is parsed into Machine.
	Queued  *events.ExecutionQueued
	Machine *asl.Machine
	Status  Status
	// Input is the execution's input; Output its output once it
	// succeeded; Error and Cause its failure.
	Input, Output any
	Error, Cause  string
	Created       time.Time
	Started       time.Time
	Ended         time.Time
	Updated       time.Time
	// Events counts the events applied (the execution's history length).
	Events int
	// RedriveCount counts the execution's redrives; Redriven is when the
	// last began.
	RedriveCount int
	Redriven     time.Time
	// Keep keeps every run in memory (a projection that shows them all);
	// the executor keeps only the runs that may still change.
	Keep bool
	// Raw keeps the execution's, its states' and its variables' data as
	// the JSON the events carry (json.RawMessage), undecoded: for read
	// models, which render data and never decide on it. A decoded value
	// tree costs about ten times its JSON in memory, and its garbage.
	Raw bool
	// root is the top-level scope; runs are the runs not yet forgotten
	// (see forget), by id; next is the id of the next run entered.
	root *scope
	runs map[RunID]*Run
	next RunID
	// hint is the decoded value of the event being applied, when the
	// decision that emitted it has it (see step.emitValue): applying then
	// skips decoding what was just encoded.
	hint   any
	hinted bool
	// mapRuns are the runs waiting for a map run (mapdist.go).
	mapRuns map[RunID]struct{}
	// invalid is why Machine could not be built from the Definition: the
	// execution fails at its start (a definition that passed validation
	// never has one).
	invalid *failure.Error
}

// Run is one visit of one state.
type Run struct {
	ID     RunID
	Parent RunID
	Slot   int
	State  asl.State
	Visit  int
	Status RunStatus
	// Input is the state's raw input (before InputPath); Output the run's
	// output once it succeeded or was caught.
	Input, Output any
	Error, Cause  string
	Entered       time.Time
	Ended         time.Time
	scope         *scope

	Task     *TaskRun
	Timer    *TimerRun
	Children *Children
	// MapRun is the map run a distributed Map run's attempt waits for.
	MapRun *MapRunRef
	// Retries counts the retries decided by each retrier of the state (a
	// Task, Parallel or Map), by index; Attempt is the current attempt.
	Retries []int
	Attempt int
}

// Name is the run's state's name.
func (r *Run) Name() string { return r.State.Name() }

// TaskRun is what a Task run waits on.
type TaskRun struct {
	TaskID   string
	Phase    string
	Delivery int
	// Payload is the effective parameters sent to the task; Resource,
	// Function and Topic are where it went.
	Payload                  json.RawMessage
	Resource, Function       string
	Implementation           string
	Topic                    string
	Token                    string
	TimeoutSeconds           int64
	HeartbeatSeconds         int64
	Deferrals                int
	MonitorState             json.RawMessage
	LastError, LastCause     string
	Dispatched, Heartbeat    time.Time
	WaitingForToken, Invoked bool
	// Child is the id of the child execution a .sync task waits for.
	Child string
}

// TimerRun is what a waiting run (a Wait state, a retry's backoff) waits
// for.
type TimerRun struct {
	ID  string
	Due time.Time
	// Retry is set for a Parallel or Map retry's backoff: the run starts
	// its children again when the timer fires.
	Retry bool
}

// Children are the branches of a Parallel run or the iterations of a Map
// run.
type Children struct {
	Slots []*scope
	// Items are a Map's items; Next is the index of the next iteration to
	// start, Running how many are under way.
	Items          []any
	Next, Running  int
	MaxConcurrency int
	Succeeded      int
	Failed         int
	// ToleratedCount and ToleratedPercent are a Map's failure tolerance.
	ToleratedCount   int
	ToleratedPercent float64
}

// scope is the top level, one Parallel branch or one Map iteration: its
// machine, its variables (the outer scopes' are visible, read-only), how
// often each of its states was entered, and where it stands.
type scope struct {
	machine *asl.Machine
	owner   RunID // the Parallel or Map run; 0 at the top level
	slot    int
	outer   *scope
	vars    map[string]any
	// varBytes are the variables' sizes as JSON, varTotal their sum.
	varBytes map[string]int
	varTotal int
	visits   map[string]int
	current  RunID
	status   RunStatus
	output   any
	err      *failure.Error
}

func newScope(m *asl.Machine, owner RunID, slot int, outer *scope) *scope {
	return &scope{machine: m, owner: owner, slot: slot, outer: outer}
}

// variable looks a variable up in s and then its outer scopes.
func (s *scope) variable(name string) (any, bool) {
	for sc := s; sc != nil; sc = sc.outer {
		if v, ok := sc.vars[name]; ok {
			return v, true
		}
	}
	return nil, false
}

// Run returns the run with id, if it is remembered.
func (x *Execution) Run(id RunID) (*Run, bool) {
	r, ok := x.runs[id]
	return r, ok
}

// Terminal reports whether the execution has ended.
func (x *Execution) Terminal() bool { return x.Status.Terminal() }

// Runs calls f for every remembered run, in id order.
func (x *Execution) Runs(f func(*Run)) {
	for id := RunID(1); id < x.next; id++ {
		if r, ok := x.runs[id]; ok {
			f(r)
		}
	}
}
