package executor

import (
	"time"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/engine"
	"github.com/mie-kafka/mie/internal/execution"
)

// held is an execution the executor holds: a States Language run (every
// execution started since ExecutionQueued version 2), or a version-1 MIE
// execution of the legacy IR, which the legacy deciders finish.
type held struct {
	run    *engine.Execution
	legacy *execution.Execution
}

// decided is what handling one input decided, whatever the engine.
type decided struct {
	events    []events.Payload
	tasks     []task
	timers    []engine.Timer
	admission []events.Payload
	commands  []engine.Command
}

type task struct {
	topic string
	delay time.Duration
	task  *events.OperatorTaskRequest
}

func fromEngine(o engine.Output) decided {
	d := decided{events: o.Events, timers: o.Timers, admission: o.Admission, commands: o.Commands}
	for i := range o.Tasks {
		d.tasks = append(d.tasks, task{topic: o.Tasks[i].Topic, delay: o.Tasks[i].Delay, task: &o.Tasks[i].Task})
	}
	return d
}

func fromLegacy(o execution.Output) decided {
	d := decided{events: o.Events, admission: o.Admission}
	for i := range o.Tasks {
		d.tasks = append(d.tasks, task{topic: o.Tasks[i].Topic, delay: o.Tasks[i].Delay, task: &o.Tasks[i].Task})
	}
	return d
}

// start handles a StartExecution: version 2 (a Definition) starts a run.
func (x *Executor) start(cmd *events.StartExecution, now time.Time) (*held, decided) {
	if len(cmd.Definition) > 0 {
		ex, o := engine.Start(cmd, now, x.opts())
		return &held{run: ex}, fromEngine(o)
	}
	ex, o := execution.Start(cmd, now)
	return &held{legacy: ex}, fromLegacy(o)
}

func (h *held) id() string {
	if h.run != nil {
		return h.run.ID
	}
	return h.legacy.Id
}

func (h *held) terminal() bool {
	if h.run != nil {
		return h.run.Terminal()
	}
	return h.legacy.Terminal()
}

func (h *held) ended() time.Time {
	if h.run != nil {
		return h.run.Ended
	}
	return h.legacy.Ended
}

func (h *held) handle(x *Executor, p events.Payload, now time.Time) decided {
	if h.run != nil {
		return fromEngine(engine.Handle(h.run, p, now, x.opts()))
	}
	return fromLegacy(execution.Handle(h.legacy, p, now, x.cfg.Options))
}

func (h *held) sweep(x *Executor, now time.Time) decided {
	if h.run != nil {
		return fromEngine(engine.Sweep(h.run, now, x.opts()))
	}
	return fromLegacy(execution.Sweep(h.legacy, now, x.cfg.Options))
}

// deadline is the earliest time a sweep would decide something.
func (h *held) deadline(x *Executor) time.Time {
	if h.run != nil {
		return engine.Deadline(h.run)
	}
	return execution.Deadline(h.legacy, x.cfg.Options)
}

// foldQueued starts the fold of an execution from its ExecutionQueued.
func foldQueued(q *events.ExecutionQueued) *held {
	if q.IsRun() {
		return &held{run: &engine.Execution{}}
	}
	return &held{legacy: &execution.Execution{}}
}

func (h *held) apply(at time.Time, p events.Payload) error {
	if h.run != nil {
		return h.run.Apply(at, p)
	}
	return h.legacy.Apply(at, p)
}
