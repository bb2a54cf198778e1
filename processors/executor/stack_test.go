package executor_test

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/broker"
	"github.com/mie-kafka/mie/internal/functions"
	"github.com/mie-kafka/mie/internal/kafkatest"
	"github.com/mie-kafka/mie/internal/topics"
	"github.com/mie-kafka/mie/internal/transact"
	"github.com/mie-kafka/mie/internal/view"
	"github.com/mie-kafka/mie/internal/workflow"
	"github.com/mie-kafka/mie/processors/admission"
	"github.com/mie-kafka/mie/processors/executor"
	"github.com/mie-kafka/mie/processors/relay"
	"github.com/mie-kafka/mie/processors/worker"
	"github.com/mie-kafka/mie/projections/projectiontest"
)

// stack runs the real executor, admission processor, relay and one worker
// runtime on an in-process broker (or MIE_TEST_KAFKA_BROKERS). The worker's
// operator is script, a fake of an operator implementation outside the
// engine: it plays its task's Configuration "Script" step by step.
type stack struct {
	t      *testing.T
	kafka  broker.Config
	cat    topics.Catalog
	topic  string
	script *script
	hist   *history
	exCfg  executor.Config
	ex     *executor.Executor
	stopEx func()
}

func startStack(t *testing.T, cfg executor.Config) *stack {
	t.Helper()
	kafka, cat := kafkatest.Start(t)
	topic, err := cat.Task("worker:tasks.scripted")
	if err != nil {
		t.Fatal(err)
	}
	kafkatest.Ensure(t, kafka, cat.TaskSpec(topic))
	s := &stack{t: t, kafka: kafka, cat: cat, topic: topic, script: &script{calls: map[string][]call{}}}
	log := slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))

	cfg.Kafka, cfg.Catalog, cfg.Logger = kafka, cat, log
	if cfg.Engine.Resolver == nil {
		cfg.Engine.Resolver = &functions.Resolver{Catalog: cat,
			Inline: map[string]functions.Inline{workflow.MergeFunction: workflow.MergeStage}}
	}
	cfg.TransactionalID = "executor-" + cat.Prefix
	cfg.SessionTimeout = 3 * time.Second
	if cfg.SweepInterval == 0 {
		cfg.SweepInterval = 100 * time.Millisecond
	}
	s.exCfg = cfg
	s.startExecutor()
	adm, err := admission.New(admission.Config{Config: transact.Config{Kafka: kafka, Catalog: cat,
		TransactionalID: "admission-" + cat.Prefix, SessionTimeout: 3 * time.Second, Logger: log}})
	if err != nil {
		t.Fatal(err)
	}
	s.run(adm.Run)
	rl, err := relay.New(relay.Config{Kafka: kafka, Catalog: cat, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	s.run(rl.Run)
	w, err := worker.New(worker.Config{Config: transact.Config{Kafka: kafka, Catalog: cat, Logger: log}, Topic: topic, Handler: s.script})
	if err != nil {
		t.Fatal(err)
	}
	s.run(w.Run)
	s.hist = newHistory(t, kafka, cat)
	return s
}

// startExecutor starts an executor instance; restartExecutor stops it
// (draining its batch) and starts a new one with the same transactional id,
// which rebuilds its state from the executions topic.
func (s *stack) startExecutor() {
	ex, err := executor.New(s.exCfg)
	if err != nil {
		s.t.Fatal(err)
	}
	s.ex = ex
	s.stopEx = s.run(ex.Run)
}

func (s *stack) restartExecutor() {
	s.stopEx()
	s.startExecutor()
}

// run runs f until the test ends or the returned stop is called.
func (s *stack) run(f func(context.Context) error) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- f(ctx) }()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			if err := <-done; err != nil {
				s.t.Errorf("Run: %v", err)
			}
		})
	}
	s.t.Cleanup(stop)
	return stop
}

// start writes the StartExecution of a one-stage workflow whose operator
// "Op" runs the script with the extra configuration cfg.
func (s *stack) start(id string, steps []string, cfg map[string]any) *events.StartExecution {
	s.t.Helper()
	cmd := s.command(id, steps, cfg)
	kafkatest.Produce(s.t, s.kafka, s.record(id, cmd))
	return cmd
}

func (s *stack) command(id string, steps []string, cfg map[string]any) *events.StartExecution {
	s.t.Helper()
	opCfg := map[string]any{"MediaType": "MetadataOnly", "Enabled": true, "Script": strings.Join(steps, ",")}
	for k, v := range cfg {
		opCfg[k] = v
	}
	wf := events.Workflow{Name: "W", StartAt: "S", Stages: map[string]events.WorkflowStage{"S": {End: true}}}
	stages := map[string]events.Stage{"S": {Name: "S", Operations: []string{"Op"}}}
	ops := map[string]events.Operator{"Op": {Name: "Op", Type: "Sync", StartLambdaArn: "worker:tasks.scripted", Configuration: opCfg}}
	c, err := workflow.Build(wf, stages, ops, nil, s.cat)
	if err != nil {
		s.t.Fatal(err)
	}
	cmd, err := c.Start(id, "asset-"+id, events.Globals{}, nil, events.Trigger{Source: "test"}, time.Now().UTC(),
		s.exCfg.Options.OperatorTimeout)
	if err != nil {
		s.t.Fatal(err)
	}
	return cmd
}

// record encodes p as a command for execution key.
func (s *stack) record(key string, p events.Payload) *kgo.Record {
	s.t.Helper()
	env, err := events.New(key, "test", p)
	if err != nil {
		s.t.Fatal(err)
	}
	env.CorrelationID = key
	rec, err := env.Record(s.cat.Commands())
	if err != nil {
		s.t.Fatal(err)
	}
	return rec
}

// call is one invocation of the scripted operator.
type call struct {
	at       time.Time
	taskID   string
	attempt  int
	delivery int
	step     string
}

// script runs Configuration["Script"], a comma-separated list of steps,
// one per task the executor dispatched for its execution: "ok" completes,
// "fail:<Error>" fails with that error name, "defer:<ms>" defers. A task
// the worker runs again (its batch was redelivered after an abort, which
// handlers must tolerate) gets the same step and is recorded once, so the
// calls are the engine's dispatches, not the handler's invocations.
type script struct {
	mu    sync.Mutex
	calls map[string][]call
}

func (s *script) Start(_ context.Context, t *worker.Task) (worker.Result, error) {
	steps := strings.Split(t.Configuration["Script"].(string), ",")
	s.mu.Lock()
	calls := s.calls[t.WorkflowExecutionId]
	n := slices.IndexFunc(calls, func(c call) bool { return c.taskID == t.TaskId })
	if n < 0 {
		n = len(calls)
		s.calls[t.WorkflowExecutionId] = append(calls,
			call{at: time.Now(), taskID: t.TaskId, attempt: t.Attempt, delivery: t.Delivery, step: steps[min(n, len(steps)-1)]})
	}
	step := steps[min(n, len(steps)-1)]
	s.mu.Unlock()
	kind, arg, _ := strings.Cut(step, ":")
	switch kind {
	case "ok":
		return worker.Complete(nil, map[string]any{"Calls": n + 1}), nil
	case "fail":
		return worker.Failed(arg, "scripted failure "+strconv.Itoa(n+1)), nil
	case "defer":
		ms, _ := strconv.Atoi(arg)
		return worker.Result{}, worker.Defer(time.Duration(ms)*time.Millisecond, "scripted deferral")
	}
	return worker.Result{}, fmt.Errorf("bad script step %q", step)
}

func (s *script) of(id string) []call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]call(nil), s.calls[id]...)
}

// history follows the executions topic and folds each execution, as the
// memory projection behind GET /workflow/execution/{id}/history does.
type history struct {
	t    *testing.T
	cl   *kgo.Client
	envs map[string][]events.Envelope
}

func newHistory(t *testing.T, kafka broker.Config, cat topics.Catalog) *history {
	return &history{t: t, cl: kafkatest.Client(t, kafka, cat.Executions()), envs: map[string][]events.Envelope{}}
}

// wait polls until the execution satisfies cond and returns it with its
// events.
func (h *history) wait(id, what string, cond func(*view.Execution) bool) (*view.Execution, []events.Envelope) {
	h.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), kafkatest.Timeout)
	defer cancel()
	for {
		if envs := h.envs[id]; len(envs) > 0 {
			x, err := projectiontest.Fold(envs)
			if err != nil {
				h.t.Fatal(err)
			}
			if cond(x) {
				return x, envs
			}
		}
		fs := h.cl.PollFetches(ctx)
		if ctx.Err() != nil {
			h.t.Fatalf("execution %s: timed out waiting for %s; events %v", id, what, typesOf(h.envs[id]))
		}
		fs.EachRecord(func(r *kgo.Record) {
			env, err := events.FromRecord(r)
			if err != nil {
				h.t.Fatal(err)
			}
			h.envs[env.Key] = append(h.envs[env.Key], env)
		})
	}
}

func (h *history) ended(id string) (*view.Execution, []events.Envelope) {
	h.t.Helper()
	return h.wait(id, "its end", (*view.Execution).Terminal)
}

func typesOf(envs []events.Envelope) []string {
	out := make([]string, len(envs))
	for i, e := range envs {
		out[i] = e.Type
	}
	return out
}

// payloads decodes the events of type T.
func payloads[T events.Payload](t *testing.T, envs []events.Envelope) []T {
	t.Helper()
	var out []T
	for _, e := range envs {
		p, err := e.Decode()
		if err != nil {
			t.Fatal(err)
		}
		if v, ok := p.(T); ok {
			out = append(out, v)
		}
	}
	return out
}

func header(r *kgo.Record, key string) string {
	for _, h := range r.Headers {
		if h.Key == key {
			return string(h.Value)
		}
	}
	return ""
}
