package app

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/mie-kafka/mie/api/commands"
	"github.com/mie-kafka/mie/api/s3"
	"github.com/mie-kafka/mie/api/sfn"
	"github.com/mie-kafka/mie/api/triggers"
	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/view"
	"github.com/mie-kafka/mie/processors/worker/awss3"
)

// S3 on mie: the S3 endpoint (--s3-api-addr), the aws-sdk:s3 worker
// (builtin:aws.s3) and the object-created triggers (docs/s3.md).

// s3State is what the App keeps of them.
type s3State struct {
	s3ln     net.Listener
	s3server *http.Server
	// Triggers fires the object-created triggers (API role).
	Triggers *triggers.Firer
	notifier *triggers.Notifier
}

// lazyStarts reaches the commands service, which is built after the data
// plane that the triggers serve.
type lazyStarts struct{ a *App }

func (l lazyStarts) Start(ctx context.Context, req commands.StartRequest) (*view.Execution, error) {
	return l.a.Commands.Start(ctx, req)
}

func (l lazyStarts) StartRun(ctx context.Context, req commands.RunRequest) (*view.Execution, error) {
	return l.a.Commands.StartRun(ctx, req)
}

func (l lazyStarts) Execution(ctx context.Context, id string) (*view.Execution, error) {
	return l.a.Commands.Execution(ctx, id)
}

// startTriggers builds the Firer and its Notifier, and runs the objects
// consumer (API role).
func (a *App) startTriggers(runCtx context.Context) error {
	f, err := triggers.New(triggers.Config{Rules: a.Definitions, Starts: lazyStarts{a}, Dataplane: a.cfg.Bucket,
		Machines: sfn.NewMachines(a.Definitions, a.cfg.Region, a.cfg.AccountID), Region: a.cfg.S3Region, Logger: a.log})
	if err != nil {
		return err
	}
	a.Triggers = f
	a.notifier = &triggers.Notifier{Client: a.client, Topic: a.cat.Objects(), Firer: f}
	c := &triggers.Consumer{Kafka: a.kafka, Topic: a.cat.Objects(), Group: a.cat.Group("mie-triggers"), Firer: f, Log: a.log}
	a.run("objects consumer", runCtx, c.Run)
	return nil
}

// endpointNotifier adapts the Notifier to the S3 endpoint's.
type endpointNotifier struct{ n *triggers.Notifier }

func (e endpointNotifier) ObjectCreated(ctx context.Context, ev *events.ObjectCreated) error {
	_, err := e.n.ObjectCreated(ctx, ev)
	return err
}

// startS3Endpoint serves the S3 endpoint on --s3-api-addr (none when
// empty).
func (a *App) startS3Endpoint() error {
	if a.cfg.S3APIAddr == "" {
		return nil
	}
	store, ok := a.store.(s3.Store)
	if !ok {
		return errors.New("S3 endpoint: the object store does not offer the S3 operations")
	}
	h, err := s3.New(s3.Config{Store: store, Notifier: endpointNotifier{a.notifier}, Region: a.cfg.S3Region, Logger: a.log})
	if err != nil {
		return err
	}
	a.s3ln, err = net.Listen("tcp", a.cfg.S3APIAddr)
	if err != nil {
		return fmt.Errorf("listen %s (--s3-api-addr): %w", a.cfg.S3APIAddr, err)
	}
	a.s3server = &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	a.wg.Add(1)
	go func() {
		defer a.wg.Done()
		if err := a.s3server.Serve(a.s3ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			a.errs <- fmt.Errorf("s3 endpoint: %w", err)
		}
	}()
	a.log.Info("S3 endpoint listening", "url", a.S3URL())
	return nil
}

// S3URL is the S3 endpoint's base URL ("" when it is off).
func (a *App) S3URL() string {
	if a.s3ln == nil {
		return ""
	}
	return "http://" + a.s3ln.Addr().String()
}

// s3Worker is the aws-sdk:s3 integrations' handler.
func (a *App) s3Worker() (*awss3.Handler, error) {
	store, ok := a.store.(awss3.Store)
	if !ok {
		return nil, errors.New("aws-sdk:s3: the object store does not offer the S3 operations")
	}
	return &awss3.Handler{Store: store, Topic: a.cat.Objects(), Region: a.cfg.S3Region}, nil
}
