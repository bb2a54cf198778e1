package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/mie-kafka/mie/api"
	"github.com/mie-kafka/mie/api/commands"
	"github.com/mie-kafka/mie/api/dataplane"
	"github.com/mie-kafka/mie/api/sfn"
	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/broker"
	"github.com/mie-kafka/mie/internal/definitions"
	"github.com/mie-kafka/mie/internal/engine"
	"github.com/mie-kafka/mie/internal/execution"
	"github.com/mie-kafka/mie/internal/functions"
	"github.com/mie-kafka/mie/internal/objectstore"
	"github.com/mie-kafka/mie/internal/topics"
	"github.com/mie-kafka/mie/internal/transact"
	"github.com/mie-kafka/mie/internal/workflow"
	"github.com/mie-kafka/mie/processors/admission"
	"github.com/mie-kafka/mie/processors/executor"
	"github.com/mie-kafka/mie/processors/relay"
	"github.com/mie-kafka/mie/processors/worker"
	"github.com/mie-kafka/mie/processors/worker/awss3"
	"github.com/mie-kafka/mie/processors/worker/builtin"
	"github.com/mie-kafka/mie/processors/worker/mediaconvert"
	"github.com/mie-kafka/mie/projections/memory"
)

// Roles selects what one process runs.
type Roles struct {
	API      bool
	Executor bool
	Worker   bool
	// Projector folds the topics into ClickHouse (needs --clickhouse;
	// under serve it runs only when --clickhouse is set).
	Projector bool
}

// App is a running set of roles.
type App struct {
	cfg   Config
	log   *slog.Logger
	roles Roles

	embedded *broker.Embedded
	kafka    broker.Config
	cat      topics.Catalog
	client   *kgo.Client

	ln     net.Listener
	server *http.Server

	// Projection is the memory projection (API role).
	Projection *memory.Projection
	// Definitions is the materialized definitions topic (API role).
	Definitions *definitions.Store
	// DefinitionService writes definitions (API role).
	DefinitionService *definitions.Service
	// Commands starts and cancels executions (API role).
	Commands *commands.Service
	// DataplaneProjection and Dataplane serve the data plane (API role).
	DataplaneProjection *memory.Dataplane
	Dataplane           *dataplane.Service

	store   objectstore.Store
	closers []func()
	segmentsState
	clickhouseState
	servicesState
	s3State

	cancel context.CancelFunc
	wg     sync.WaitGroup
	errs   chan error
}

// Start brings the roles up. With no Kafka brokers configured it starts the
// embedded broker persisted under DataDir (serve).
func Start(ctx context.Context, cfg Config, roles Roles, log *slog.Logger) (a *App, err error) {
	a = &App{cfg: cfg, log: log, roles: roles, errs: make(chan error, 16)}
	started := a // the returns below set a to nil
	defer func() {
		if err != nil {
			started.closeAll()
		}
	}()
	brokers := cfg.Kafka
	if len(brokers) == 0 {
		a.embedded, err = broker.StartEmbedded(broker.EmbeddedConfig{
			DataDir: cfg.DataDir, Port: cfg.EmbeddedPort, Partitions: int32(cfg.Partitions), Logger: log})
		if err != nil {
			return nil, err
		}
		brokers = a.embedded.Addrs()
		log.Info("embedded Kafka broker started", "addr", strings.Join(brokers, ","), "data_dir", cfg.DataDir)
	}
	a.kafka = broker.Config{Brokers: brokers, ClientID: "mie-" + cfg.Instance, Logger: log}
	if err := a.kafka.Validate(); err != nil {
		return nil, err
	}
	a.cat = topics.New(cfg.TopicPrefix, int32(cfg.Partitions))
	a.client, err = kgo.NewClient(a.kafka.Opts(kgo.ProducerLinger(0))...)
	if err != nil {
		return nil, fmt.Errorf("kafka client: %w", err)
	}
	pctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := broker.Ping(pctx, a.client); err != nil {
		return nil, fmt.Errorf("%w (brokers %s)", err, strings.Join(brokers, ","))
	}
	if cfg.SessionTimeout > 0 {
		if err := broker.CheckSessionTimeout(pctx, a.client, cfg.SessionTimeout); err != nil {
			return nil, err
		}
	}
	if err := topics.Ensure(pctx, kadm.NewClient(a.client), a.specs()...); err != nil {
		return nil, fmt.Errorf("topics: %w", err)
	}

	runCtx, runCancel := context.WithCancel(context.WithoutCancel(ctx))
	a.cancel = runCancel
	if err := a.openClickHouse(ctx); err != nil {
		return nil, err
	}
	if roles.API {
		if err := a.startAPI(ctx, runCtx); err != nil {
			return nil, err
		}
	}
	if roles.Executor {
		if err := a.startExecutor(runCtx); err != nil {
			return nil, err
		}
	}
	if roles.Worker {
		if err := a.startWorkers(runCtx); err != nil {
			return nil, err
		}
	}
	if roles.Projector {
		if err := a.startProjector(ctx, runCtx); err != nil {
			return nil, err
		}
	}
	return a, nil
}

func (a *App) specs() []topics.Spec {
	specs := a.cat.Specs()
	for _, impl := range append(a.taskImpls(true), "builtin:"+awss3.Name) {
		t, _ := a.cat.Task(impl)
		specs = append(specs, a.cat.TaskSpec(t))
	}
	return append(append(specs, a.mediaSpecs()...), a.serviceSpecs()...)
}

// taskImpls are the implementation references of the workers this binary
// can run; all of them with all=true, else those named by --operators.
func (a *App) taskImpls(all bool) []string {
	names := a.operatorNames()
	if all {
		names = []string{"http"}
		for n := range a.builtinTypes() {
			if n != builtin.Wait {
				names = append(names, n)
			}
		}
	}
	var out []string
	for _, n := range names {
		if n == "http" {
			out = append(out, "http://")
		} else {
			out = append(out, "builtin:"+n)
		}
	}
	if all {
		out = append(out, events.MapRunImplementation)
	}
	sort.Strings(out)
	return out
}

func (a *App) run(name string, ctx context.Context, fn func(context.Context) error) {
	a.wg.Add(1)
	go func() {
		defer a.wg.Done()
		if err := fn(ctx); err != nil && ctx.Err() == nil {
			a.errs <- fmt.Errorf("%s: %w", name, err)
		}
	}()
}

// definitionsStore returns the process's materialized definitions topic,
// started on its first use (the API reads it, the executor resolves
// functions with it).
func (a *App) definitionsStore(runCtx context.Context) (*definitions.Store, error) {
	if a.Definitions != nil {
		return a.Definitions, nil
	}
	st, err := definitions.NewStore(definitions.StoreConfig{Kafka: a.kafka, Catalog: a.cat, Logger: a.log})
	if err != nil {
		return nil, err
	}
	a.Definitions = st
	a.run("definitions store", runCtx, st.Run)
	return st, nil
}

func (a *App) startAPI(ctx, runCtx context.Context) error {
	if _, err := a.definitionsStore(runCtx); err != nil {
		return err
	}
	var err error
	a.Projection, err = memory.New(memory.Config{Kafka: a.kafka, Catalog: a.cat, Logger: a.log})
	if err != nil {
		return err
	}
	a.run("memory projection", runCtx, a.Projection.Run)
	a.DefinitionService, err = definitions.New(definitions.Config{
		Kafka: a.kafka, Catalog: a.cat, Store: a.Definitions,
		TransactionalID: a.cat.Group("mie-definitions-" + a.cfg.Instance), Producer: commands.Producer,
		Builtins: a.builtinTypes(), Logger: a.log,
	})
	if err != nil {
		return err
	}
	if err := a.startTriggers(runCtx); err != nil {
		return err
	}
	if err := a.startDataplane(ctx, runCtx); err != nil {
		return err
	}
	a.Commands, err = commands.New(commands.Config{Client: a.client, Catalog: a.cat, Definitions: a.Definitions,
		Projection: a.executionsReader(), Assets: a.Dataplane, Logger: a.log, OperatorTimeout: a.cfg.OperatorTimeout})
	if err != nil {
		return err
	}
	segs, err := a.segments(runCtx)
	if err != nil {
		return err
	}
	sf, err := a.stepFunctions(runCtx)
	if err != nil {
		return err
	}
	aws, awsQuery, err := a.startServicesAPI(ctx, runCtx)
	if err != nil {
		return err
	}
	e, err := api.New(api.Config{Logger: a.log, Definitions: a.DefinitionService, Executions: a.Commands,
		Dataplane: a.Dataplane, Triggers: a.DefinitionService, Functions: a.DefinitionService, Segments: a.segmentsReader(segs),
		Projections: projectionStatus{a}, StepFunctions: sf, AWS: aws, AWSQuery: awsQuery})
	if err != nil {
		return err
	}
	stopConsole, err := a.startConsole(ctx, e)
	if err != nil {
		return err
	}
	// Serve once the projection has replayed the log, so that reads are
	// never of a half-built view.
	sctx, cancel := context.WithTimeout(ctx, 10*time.Minute)
	defer cancel()
	if err := a.Definitions.Sync(sctx); err != nil {
		return fmt.Errorf("definitions store: %w", err)
	}
	for name, ready := range map[string]<-chan struct{}{
		"executions": a.Projection.Ready(), "dataplane": a.DataplaneProjection.Ready()} {
		select {
		case <-ready:
		case <-sctx.Done():
			return fmt.Errorf("memory %s projection did not catch up: %w", name, sctx.Err())
		}
	}
	if err := a.startIngestAPI(sctx, runCtx); err != nil {
		return err
	}
	a.ln, err = net.Listen("tcp", a.cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen %s: %w", a.cfg.Addr, err)
	}
	a.server = &http.Server{Handler: e, ReadHeaderTimeout: 10 * time.Second}
	a.server.RegisterOnShutdown(sf.Close)
	a.server.RegisterOnShutdown(stopConsole)
	a.wg.Add(1)
	go func() {
		defer a.wg.Done()
		if err := a.server.Serve(a.ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			a.errs <- fmt.Errorf("http: %w", err)
		}
	}()
	a.log.Info("API listening", "url", a.URL())
	return a.startS3Endpoint()
}

// stepFunctions builds the Step Functions API and runs its activity
// dispatcher and its deleter of DELETING state machines.
func (a *App) stepFunctions(runCtx context.Context) (*sfn.Service, error) {
	disp, err := sfn.NewDispatcher(sfn.DispatcherConfig{Kafka: a.kafka, Catalog: a.cat, SessionTimeout: a.cfg.SessionTimeout, Logger: a.log})
	if err != nil {
		return nil, err
	}
	a.run("activity dispatcher", runCtx, disp.Run)
	sf, err := sfn.New(sfn.Config{Region: a.cfg.Region, Account: a.cfg.AccountID, MaxPayload: int(a.cfg.MaxPayload),
		PollTimeout: a.cfg.ActivityPoll, OperatorTimeout: a.cfg.OperatorTimeout, Catalog: a.cat, Store: a.Definitions,
		Definitions: a.DefinitionService, Executions: a.executionsReader(), Commands: a.Commands, Tasks: disp, Logger: a.log})
	if err != nil {
		return nil, err
	}
	a.run("step functions deleter", runCtx, sf.Run)
	return sf, nil
}

func (a *App) startExecutor(ctx context.Context) error {
	defs, err := a.definitionsStore(ctx)
	if err != nil {
		return err
	}
	mapRuns, err := a.cat.Task(events.MapRunImplementation)
	if err != nil {
		return err
	}
	ex, err := executor.New(executor.Config{
		Config: transact.Config{Kafka: a.kafka, Catalog: a.cat, TransactionalID: a.cat.Group("mie-executor-" + a.cfg.Instance),
			SessionTimeout: a.cfg.SessionTimeout, Logger: a.log},
		Producer: executor.Name + "@" + a.cfg.Instance,
		Options:  execution.Options{OperatorTimeout: a.cfg.OperatorTimeout}, ValidateInputs: a.cfg.ValidateInputs,
		EndedRetention: a.cfg.EndedRetention,
		Engine: engine.Options{Resolver: &functions.Resolver{Catalog: a.cat, Functions: defs, Activities: defs,
			Machines: sfn.NewMachines(defs, a.cfg.Region, a.cfg.AccountID),
			Services: resolverServices(awss3.Service, mediaconvert.ServiceName),
			Inline:   map[string]functions.Inline{workflow.MergeFunction: workflow.MergeStage}},
			MaxHistory: a.cfg.MaxHistory, MaxPayload: int(a.cfg.MaxPayload), MapRun: engine.MapRunOptions{Topic: mapRuns}},
	})
	if err != nil {
		return err
	}
	a.run("executor", ctx, ex.Run)
	adm, err := admission.New(admission.Config{Config: transact.Config{
		Kafka: a.kafka, Catalog: a.cat, TransactionalID: a.cat.Group("mie-admission-" + a.cfg.Instance),
		SessionTimeout: a.cfg.SessionTimeout, Logger: a.log,
	}})
	if err != nil {
		return err
	}
	a.run("admission", ctx, adm.Run)
	rl, err := relay.New(relay.Config{Kafka: a.kafka, Catalog: a.cat, SessionTimeout: a.cfg.SessionTimeout, Logger: a.log})
	if err != nil {
		return err
	}
	a.run("relay", ctx, rl.Run)
	return nil
}

func (a *App) startWorkers(ctx context.Context) error {
	dp, err := a.workerDataPlane(ctx)
	if err != nil {
		return err
	}
	reg, err := a.workerRegistry(ctx)
	if err != nil {
		return err
	}
	defs, err := a.definitionsStore(ctx)
	if err != nil {
		return err
	}
	for _, name := range a.operatorNames() {
		var h worker.Handler
		impl := "builtin:" + name
		sh, handled, err := a.serviceWorker(ctx, name)
		switch b, ok := reg[name]; {
		case err != nil:
			return err
		case handled && sh == nil:
			continue // it runs on its own (the tables processor)
		case handled:
			h = sh
		case name == "http":
			h, impl = &worker.HTTP{}, "http://"
		case name == awss3.Name:
			if h, err = a.s3Worker(); err != nil {
				return err
			}
		case ok:
			h = b.Handler
		default:
			known := []string{"http", awss3.Name}
			for n := range reg {
				known = append(known, n)
			}
			sort.Strings(known)
			return fmt.Errorf("--operators: no built-in operator %q; known: %s", name, strings.Join(known, ", "))
		}
		topic, err := a.cat.Task(impl)
		if err != nil {
			return err
		}
		if h, err = a.gated(ctx, h); err != nil {
			return err
		}
		h = worker.WithEnvironment(h, defs)
		rt, err := worker.New(worker.Config{
			Config: transact.Config{Kafka: a.kafka, Catalog: a.cat, TransactionalID: "mie-worker-" + topic + "-" + a.cfg.Instance,
				SessionTimeout: a.cfg.SessionTimeout, Logger: a.log},
			Topic: topic, Handler: h, DataPlane: dp,
		})
		if err != nil {
			return err
		}
		a.run("worker "+name, ctx, rt.Run)
	}
	if err := a.startMediaConvertRunner(ctx); err != nil {
		return err
	}
	return a.startInternalWorkers(ctx, dp)
}

// startInternalWorkers starts the workers of the engine's own built-ins
// (the map run worker), which every worker role runs.
func (a *App) startInternalWorkers(ctx context.Context, dp *worker.DataPlane) error {
	for name, b := range builtin.Internal(a.store) {
		topic, err := a.cat.Task("builtin:" + name)
		if err != nil {
			return err
		}
		rt, err := worker.New(worker.Config{
			Config: transact.Config{Kafka: a.kafka, Catalog: a.cat, TransactionalID: "mie-worker-" + topic + "-" + a.cfg.Instance,
				SessionTimeout: a.cfg.SessionTimeout, Logger: a.log},
			Topic: topic, Handler: b.Handler, DataPlane: dp,
		})
		if err != nil {
			return err
		}
		a.run("worker "+name, ctx, rt.Run)
	}
	return nil
}

// URL is the API's base URL.
func (a *App) URL() string {
	if a.ln == nil {
		return ""
	}
	return "http://" + a.ln.Addr().String()
}

// Brokers are the Kafka seed brokers in use (the embedded one's address
// under serve).
func (a *App) Brokers() []string { return a.kafka.Brokers }

// Catalog is the topic catalog in use.
func (a *App) Catalog() topics.Catalog { return a.cat }

// Wait blocks until ctx is done or a component fails.
func (a *App) Wait(ctx context.Context) error {
	select {
	case <-ctx.Done():
		return nil
	case err := <-a.errs:
		return err
	}
}

// Shutdown drains: the API stops taking requests, processors finish and
// commit the batch in hand, then the broker (if embedded) flushes and stops.
func (a *App) Shutdown(ctx context.Context) {
	if a.server != nil {
		if err := a.server.Shutdown(ctx); err != nil {
			a.log.Warn("http shutdown", "err", err)
		}
	}
	if a.s3server != nil {
		if err := a.s3server.Shutdown(ctx); err != nil {
			a.log.Warn("s3 endpoint shutdown", "err", err)
		}
	}
	a.closeAll()
}

func (a *App) closeAll() {
	if a.cancel != nil {
		a.cancel()
	}
	a.wg.Wait()
	if a.DefinitionService != nil {
		a.DefinitionService.Close()
	}
	if a.Definitions != nil {
		a.Definitions.Close()
	}
	if a.client != nil {
		a.client.Close()
	}
	for _, c := range a.closers {
		c()
	}
	if a.embedded != nil {
		a.embedded.Close()
	}
}
