// Package console serves mie's web console at /ui: the pages (plain ES
// modules and CSS, embedded with go:embed, nothing to build), the read
// endpoints they need under /ui/api that the REST API does not have
// (an execution's definition and graph, a state run's input and output,
// live updates as Server-Sent Events, dead letters, queue depth), the
// docs under /ui/docs, and the REST API's OpenAPI document at
// /openapi.json. Everything the console changes goes through the existing
// routes or the commands topic, like the REST API.
package console

import (
	"context"
	"embed"
	"errors"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/mie-kafka/mie/api/commands"
	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/broker"
	"github.com/mie-kafka/mie/internal/graph"
	"github.com/mie-kafka/mie/internal/objectstore"
	"github.com/mie-kafka/mie/internal/topics"
	"github.com/mie-kafka/mie/internal/view"
	"github.com/mie-kafka/mie/internal/workflow"
	"github.com/mie-kafka/mie/projections"
)

// Prefix is where the console is mounted; API is its own read endpoints.
const (
	Prefix = "/ui"
	API    = Prefix + "/api"
)

//go:embed web
var web embed.FS

// Commands is what the console writes through: starting a States Language
// run and sending a command (RedriveExecution) to the commands topic
// (api/commands.Service).
type Commands interface {
	StartRun(ctx context.Context, req commands.RunRequest) (*view.Execution, error)
	Send(ctx context.Context, id string, p events.Payload) error
}

// Definitions is the control plane as the console reads it
// (internal/definitions.Store).
type Definitions interface {
	workflow.Definitions
	Workflows() []events.Workflow
	Functions() []events.Function
	Triggers() []events.UploadTrigger
	SystemConfig() events.SystemConfigured
}

// Projections reports where the projections stand.
type Projections interface {
	Status(ctx context.Context) ([]view.Status, error)
}

// Objects reads the object store (api/dataplane.Service), to play
// renditions and show thumbnails.
type Objects interface {
	Download(ctx context.Context, bucket, key string) (io.ReadCloser, objectstore.Info, error)
	Bucket() string
}

// Deps are what the console reads and writes through.
type Deps struct {
	Logger      *slog.Logger
	Executions  projections.Executions
	Commands    Commands
	Definitions Definitions
	// Kafka and Catalog reach the topics: dead letters (internal/dlq)
	// and queue depth.
	Kafka   broker.Config
	Catalog topics.Catalog
	// Projections, Objects and Segments are optional: without them the
	// system page says so, and assets play nothing.
	Projections Projections
	Objects     Objects
	Segments    projections.Segments
	GPU         GPU
	// Docs holds the docs pages (*.md) served under /ui/docs; nil: none.
	Docs fs.FS
	// OperatorTimeout is the compiled Task timeout of an MIE workflow's
	// operators without their own, as the executor runs them.
	OperatorTimeout time.Duration
	// Poll is how often a live stream looks for changes; default 250ms.
	Poll time.Duration
}

// Validate joins every problem with the dependencies.
func (d Deps) Validate() error {
	var errs []error
	if d.Logger == nil {
		errs = append(errs, errors.New("console: Logger is required"))
	}
	if d.Executions == nil {
		errs = append(errs, errors.New("console: Executions is required"))
	}
	if d.Commands == nil {
		errs = append(errs, errors.New("console: Commands is required"))
	}
	if d.Definitions == nil {
		errs = append(errs, errors.New("console: Definitions is required"))
	}
	if len(d.Kafka.Brokers) == 0 {
		errs = append(errs, errors.New("console: Kafka.Brokers is required"))
	}
	return errors.Join(errs...)
}

// Console is the mounted console; Close stops its Graphviz.
type Console struct {
	d      Deps
	graphs *graph.Layouter
	// done is closed by Shutdown: live streams end.
	done chan struct{}
	once sync.Once
}

// Register mounts the console, its API and /openapi.json on e.
func Register(ctx context.Context, e *echo.Echo, d Deps) (*Console, error) {
	if err := d.Validate(); err != nil {
		return nil, err
	}
	if d.Poll <= 0 {
		d.Poll = 250 * time.Millisecond
	}
	l, err := graph.New(ctx)
	if err != nil {
		return nil, err
	}
	c := &Console{d: d, graphs: l, done: make(chan struct{})}
	c.routeStatic(e)
	c.routeExecutions(e)
	c.routeMachines(e)
	c.routeDeadLetters(e)
	c.routeSystem(e)
	c.routeObjects(e)
	c.routeDocs(e)
	routeOpenAPI(e)
	return c, nil
}

// Shutdown ends the live streams, so that a server shutting down is not
// held open by them (give it to http.Server.RegisterOnShutdown).
func (c *Console) Shutdown() { c.once.Do(func() { close(c.done) }) }

// Close ends the live streams and releases Graphviz.
func (c *Console) Close() error {
	c.Shutdown()
	return c.graphs.Close()
}

// routeStatic serves the pages. The console routes by URL fragment
// (/ui/#/executions/<id>), so /ui/ is the one page; assets are cached by
// the browser until the binary changes (their ETag is the build's).
func (c *Console) routeStatic(e *echo.Echo) {
	sub, _ := fs.Sub(web, "web")
	files := http.FileServer(http.FS(sub))
	serve := func(ec echo.Context) error {
		r := ec.Request().Clone(ec.Request().Context())
		r.URL.Path = "/" + ec.Param("*")
		ec.Response().Header().Set("Cache-Control", "no-cache")
		ec.Response().Header().Set("X-Content-Type-Options", "nosniff")
		files.ServeHTTP(ec.Response(), r)
		return nil
	}
	e.GET(Prefix, serve)
	e.GET(Prefix+"/", serve)
	e.GET(Prefix+"/static/*", func(ec echo.Context) error {
		ec.SetParamValues("static/" + ec.Param("*"))
		return serve(ec)
	})
}
