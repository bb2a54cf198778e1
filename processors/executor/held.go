package executor

import (
	"time"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/engine"
	"github.com/mie-kafka/mie/internal/execution"
)

// held is what the executor holds under one key: a States Language run
// (every execution started since ExecutionQueued version 2), a version-1
// MIE execution of the legacy IR, which the legacy deciders finish, or a
// map run (a distributed Map's run of child executions).
type held struct {
	run    *engine.Execution
	legacy *execution.Execution
	mapRun *engine.MapRun
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

// startMapRun handles a StartMapRun.
func (x *Executor) startMapRun(cmd *events.StartMapRun, now time.Time) (*held, decided) {
	m, o := engine.StartMapRun(cmd, now, x.opts())
	return &held{mapRun: m}, fromEngine(o)
}

func (h *held) id() string {
	switch {
	case h.run != nil:
		return h.run.ID
	case h.mapRun != nil:
		return h.mapRun.ID
	}
	return h.legacy.Id
}

func (h *held) terminal() bool {
	switch {
	case h.run != nil:
		return h.run.Terminal()
	case h.mapRun != nil:
		return h.mapRun.Terminal()
	}
	return h.legacy.Terminal()
}

func (h *held) ended() time.Time {
	switch {
	case h.run != nil:
		return h.run.Ended
	case h.mapRun != nil:
		return h.mapRun.Ended
	}
	return h.legacy.Ended
}

func (h *held) handle(x *Executor, p events.Payload, now time.Time) decided {
	switch {
	case h.run != nil:
		return fromEngine(engine.Handle(h.run, p, now, x.opts()))
	case h.mapRun != nil:
		return fromEngine(engine.HandleMapRun(h.mapRun, p, now, x.opts()))
	}
	return fromLegacy(execution.Handle(h.legacy, p, now, x.cfg.Options))
}

func (h *held) sweep(x *Executor, now time.Time) decided {
	switch {
	case h.run != nil:
		return fromEngine(engine.Sweep(h.run, now, x.opts()))
	case h.mapRun != nil:
		return decided{} // a map run has no deadline
	}
	return fromLegacy(execution.Sweep(h.legacy, now, x.cfg.Options))
}

// deadline is the earliest time a sweep would decide something.
func (h *held) deadline(x *Executor) time.Time {
	switch {
	case h.run != nil:
		return engine.Deadline(h.run)
	case h.mapRun != nil:
		return time.Time{}
	}
	return execution.Deadline(h.legacy, x.cfg.Options)
}

// foldFirst starts the fold of what a key holds from its first event: an
// execution's ExecutionQueued or a map run's MapRunCreated; nil for any
// other event.
func foldFirst(p events.Payload) *held {
	switch e := p.(type) {
	case *events.ExecutionQueued:
		if e.IsRun() {
			return &held{run: &engine.Execution{}}
		}
		return &held{legacy: &execution.Execution{}}
	case *events.MapRunCreated:
		return &held{mapRun: &engine.MapRun{}}
	}
	return nil
}

// isFirst reports whether p starts what a key holds (see foldFirst).
func isFirst(p events.Payload) bool {
	switch p.(type) {
	case *events.ExecutionQueued, *events.MapRunCreated:
		return true
	}
	return false
}

func (h *held) apply(at time.Time, p events.Payload) error {
	switch {
	case h.run != nil:
		return h.run.Apply(at, p)
	case h.mapRun != nil:
		return h.mapRun.Apply(at, p)
	}
	return h.legacy.Apply(at, p)
}
