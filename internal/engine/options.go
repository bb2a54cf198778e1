package engine

import (
	"math/rand/v2"
	"time"

	"github.com/google/uuid"

	"github.com/mie-kafka/mie/events"
)

// Limits AWS applies, and their defaults here.
const (
	// DefaultMaxPayload is the largest input or output of a state, and of
	// an execution: AWS's 256 KiB.
	DefaultMaxPayload = 256 << 10
	// DefaultMaxHistory bounds the events of one execution: AWS's 25,000.
	DefaultMaxHistory = 25000
	// DefaultMaxTransitions bounds the states one input may run through
	// before the execution waits for something (a task, a timer): more
	// means the machine loops without waiting, and it fails.
	DefaultMaxTransitions = 10000
	// MaxMapConcurrency caps how many iterations of an inline Map run at
	// once when its MaxConcurrency is 0 (AWS runs up to 40).
	MaxMapConcurrency = 40
)

// Error names of the engine's own limits (AWS's where it has one).
const (
	ErrDataLimitExceeded    = "States.DataLimitExceeded"
	ErrHistoryLimitExceeded = "States.HistoryLimitExceeded"
)

// Options tune decisions. The zero value uses AWS's limits, math/rand and
// random UUIDs.
type Options struct {
	// Resolver turns a Task's Resource into where its work goes; nil fails
	// every Task with States.Runtime.
	Resolver Resolver
	// MaxPayload, MaxHistory and MaxTransitions override the defaults.
	MaxPayload     int
	MaxHistory     int
	MaxTransitions int
	// DefaultTaskTimeout bounds a Task attempt whose state sets no
	// TimeoutSeconds; 0 means none, as on AWS.
	DefaultTaskTimeout time.Duration
	// Rand returns a number in [0, 1) (retry jitter, States.MathRandom);
	// UUID a fresh UUID (task tokens, States.UUID). What they give is
	// recorded in the events, so replays never call them.
	Rand func() float64
	UUID func() string

	// MapRun tunes map runs (distributed Maps).
	MapRun MapRunOptions

	// inspect sees each step of a run's data flow (TestState's
	// inspection data).
	inspect func(r *Run, step string, v any)
}

func (o *Options) random() float64 {
	if o.Rand != nil {
		return o.Rand()
	}
	return rand.Float64()
}

func (o *Options) uuid() string {
	if o.UUID != nil {
		return o.UUID()
	}
	return uuid.NewString()
}

func (o *Options) maxPayload() int     { return positive(o.MaxPayload, DefaultMaxPayload) }
func (o *Options) maxHistory() int     { return positive(o.MaxHistory, DefaultMaxHistory) }
func (o *Options) maxTransitions() int { return positive(o.MaxTransitions, DefaultMaxTransitions) }

func positive(v, def int) int {
	if v > 0 {
		return v
	}
	return def
}

// Pattern is how a Task waits for its work (AWS's integration patterns).
type Pattern uint8

const (
	// RequestResponse: the task's answer is the result.
	RequestResponse Pattern = iota
	// WaitForTaskToken: the task is sent, then the run waits until its
	// token is answered (SendTaskSuccess or SendTaskFailure).
	WaitForTaskToken
)

// Target is where a Task's work goes.
type Target struct {
	// Topic is the task topic; empty with Inline.
	Topic string
	// Function names the function the resource resolved to, if any;
	// Implementation is its implementation reference.
	Function, Implementation string
	Pattern                  Pattern
	// Payload is what the task receives: the effective parameters, or the
	// part of them a service integration passes on (lambda:invoke's
	// Payload).
	Payload any
	// Result shapes the task's answer into the state's result (lambda:invoke
	// wraps it in {ExecutedVersion, Payload, StatusCode}); nil passes it on.
	Result func(out any) any
	// TimeoutSeconds is the function's own time limit, used when the state
	// sets none.
	TimeoutSeconds int64
	// Inline runs the work in the executor, in the decision: a pure,
	// deterministic function of the payload (a built-in that needs no
	// I/O). Its answer or error is recorded like a worker's.
	Inline func(payload any) (any, error)
	// Child starts a child execution (states:startExecution).
	Child *Child
}

// Child is a child execution a Task starts.
type Child struct {
	// Definition and StateMachine are what the child runs; Type is
	// STANDARD or EXPRESS.
	Definition   []byte
	StateMachine events.StateMachineRef
	Type         string
	// Name is the child's name (the parameters' Name, else its id); Input
	// its input.
	Name  string
	Input any
	// Sync is 0 for request-response (the Task ends when the child
	// starts), 1 for .sync (the output is the child's as a JSON string),
	// 2 for .sync:2 (as JSON).
	Sync int
}

// Resolver resolves Task resources. It must be deterministic for the
// lifetime of a decision; what it resolved is recorded in TaskScheduled.
type Resolver interface {
	// Resolve returns where a Task with resource and effective parameters
	// goes, or a *failure.Error (an unknown function names itself).
	Resolve(resource string, params any) (Target, error)
}

// Task is a task record to produce, now or after Delay (through the retry
// tiers).
type Task struct {
	Topic string
	Delay time.Duration
	Task  events.OperatorTaskRequest
}

// Timer is a TimerFired to deliver to the executions's commands after
// Delay.
type Timer struct {
	Delay time.Duration
	Fired events.TimerFired
}

// Command is a command to another execution (a child's start, a parent's
// notification), keyed by Key.
type Command struct {
	Key     string
	Payload events.Payload
}

// Output is what handling one input decided: the events (already applied
// to the state, in order), tasks and timers to send, commands for other
// executions, and records for the admission topic.
type Output struct {
	Events    []events.Payload
	Tasks     []Task
	Timers    []Timer
	Commands  []Command
	Admission []events.Payload
}

// MapRunOptions tune map runs; the zero value uses the defaults.
type MapRunOptions struct {
	// Topic is the task topic of the map run worker, which reads item
	// pages and writes result files; empty fails every ItemReader and
	// ResultWriter.
	Topic string
	// PageItems and PageBytes bound one page of items read (defaults
	// 1000 items and 512 KiB).
	PageItems, PageBytes int
	// FlushEntries and FlushBytes bound one part of a results file
	// (defaults 1000 entries and 256 KiB): results are written as they
	// reach either, so a map run holds at most about that many.
	FlushEntries, FlushBytes int
}

func (o *MapRunOptions) pageItems() int    { return positive(o.PageItems, 1000) }
func (o *MapRunOptions) pageBytes() int    { return positive(o.PageBytes, 512<<10) }
func (o *MapRunOptions) flushEntries() int { return positive(o.FlushEntries, 1000) }
func (o *MapRunOptions) flushBytes() int   { return positive(o.FlushBytes, 256<<10) }
