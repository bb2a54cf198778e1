package app

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/mie-kafka/mie/api/dynamodb"
	"github.com/mie-kafka/mie/api/eventbridge"
	"github.com/mie-kafka/mie/api/sns"
	"github.com/mie-kafka/mie/internal/functions"
	"github.com/mie-kafka/mie/internal/topics"
	"github.com/mie-kafka/mie/internal/transact"
	"github.com/mie-kafka/mie/processors/subscriptions"
	"github.com/mie-kafka/mie/processors/tables"
	"github.com/mie-kafka/mie/processors/worker"
	workers "github.com/mie-kafka/mie/processors/worker/services"
	"github.com/mie-kafka/mie/projections/memory"
)

// The AWS service integrations (docs/tables.md, docs/notifications.md):
// each service's Task resources go to its built-in worker,
// builtin:aws.<service>, which --operators names aws.<service>.
// aws.dynamodb runs the tables processor, the one owner of every item.

// Service names, as Task resources name them.
const (
	serviceSNS    = "sns"
	serviceEvents = "events"
	serviceHTTP   = "http"
)

// serviceNames are the services whose integrations the engine runs.
var serviceNames = []string{tables.Service, serviceSNS, serviceEvents, serviceHTTP}

// servicesState is the App's share of the integrations.
type servicesState struct {
	// Resources is the projection of the resources topic (API role, and
	// the workers that look tables and topics up).
	Resources    *memory.Resources
	resourcesErr error
	resourceOnce sync.Once
	// Items is the projection of the tables topic (API role).
	Items *memory.Items
	// DynamoDB serves DynamoDB's API (API role).
	DynamoDB *dynamodb.Service
}

// resolverServices are the services the executor sends to their workers,
// wherever those run: the integrations', and more.
func resolverServices(more ...string) map[string]bool {
	out := map[string]bool{}
	for _, s := range more {
		out[s] = true
	}
	for _, s := range serviceNames {
		out[s] = true
	}
	return out
}

// serviceSpecs are the integrations' workers' task topics (their other
// topics are among the catalog's Specs).
func (a *App) serviceSpecs() []topics.Spec {
	var specs []topics.Spec
	for _, s := range serviceNames {
		t, _ := a.cat.Task("builtin:" + functions.ServiceWorker(s))
		specs = append(specs, a.cat.TaskSpec(t))
	}
	return specs
}

// resources returns the process's resources projection, started on
// first use.
func (a *App) resources(runCtx context.Context) (*memory.Resources, error) {
	a.resourceOnce.Do(func() {
		a.Resources, a.resourcesErr = memory.NewResources(memory.ResourcesConfig{Kafka: a.kafka, Catalog: a.cat, Logger: a.log})
		if a.resourcesErr == nil {
			a.run("resources projection", runCtx, a.Resources.Run)
		}
	})
	return a.Resources, a.resourcesErr
}

// serviceWorker returns the handler of --operators name if it is a
// service's worker (handled false for other names). aws.dynamodb has no
// handler: the tables processor is started here instead.
func (a *App) serviceWorker(ctx context.Context, name string) (h worker.Handler, handled bool, err error) {
	switch name {
	case functions.ServiceWorker(tables.Service):
		return nil, true, a.startTablesProcessor(ctx)
	case functions.ServiceWorker(serviceSNS):
		res, err := a.resources(ctx)
		if err != nil {
			return nil, true, err
		}
		// The SNS worker publishes; its subscriptions deliver.
		d, err := subscriptions.New(subscriptions.Config{Kafka: a.kafka, Catalog: a.cat, Source: res, Logger: a.log})
		if err != nil {
			return nil, true, err
		}
		a.run("subscriptions", ctx, d.Run)
		return workers.SNS{Notifications: &workers.Notifications{Catalog: a.cat, Topics: res}}, true, nil
	case functions.ServiceWorker(serviceEvents):
		return workers.EventBridge{Bus: &workers.Bus{Catalog: a.cat, Region: a.cfg.Region, Account: a.cfg.AccountID}}, true, nil
	case functions.ServiceWorker(serviceHTTP):
		return workers.HTTPInvoke{Region: a.cfg.Region}, true, nil
	}
	return nil, false, nil
}

func (a *App) startTablesProcessor(ctx context.Context) error {
	res, err := a.resources(ctx)
	if err != nil {
		return err
	}
	p, err := tables.New(tables.Config{
		Config: transact.Config{Kafka: a.kafka, Catalog: a.cat, TransactionalID: a.cat.Group("mie-tables-" + a.cfg.Instance),
			SessionTimeout: a.cfg.SessionTimeout, Logger: a.log},
		Resources: res, Producer: tables.Name + "@" + a.cfg.Instance,
	})
	if err != nil {
		return err
	}
	a.run("tables processor", ctx, p.Run)
	return nil
}

// startServicesAPI starts what the API serves of the integrations: the
// projections it reads, DynamoDB's and EventBridge's JSON APIs (by
// X-Amz-Target prefix) and SNS's query API. It returns once the
// projections have replayed the log as it stood.
func (a *App) startServicesAPI(ctx, runCtx context.Context) (map[string]http.Handler, http.Handler, error) {
	res, err := a.resources(runCtx)
	if err != nil {
		return nil, nil, err
	}
	a.Items, err = memory.NewItems(memory.ItemsConfig{Kafka: a.kafka, Catalog: a.cat, Logger: a.log})
	if err != nil {
		return nil, nil, err
	}
	a.run("items projection", runCtx, a.Items.Run)
	a.DynamoDB, err = dynamodb.New(dynamodb.Config{Client: a.client, Kafka: a.kafka, Catalog: a.cat,
		Resources: res, Items: a.Items, Instance: a.cfg.Instance, Region: a.cfg.Region, Account: a.cfg.AccountID, Logger: a.log})
	if err != nil {
		return nil, nil, err
	}
	a.run("dynamodb api", runCtx, a.DynamoDB.Run)
	snsAPI, err := sns.New(sns.Config{Client: a.client, Catalog: a.cat, Resources: res, Region: a.cfg.Region, Account: a.cfg.AccountID, Logger: a.log})
	if err != nil {
		return nil, nil, err
	}
	bus, err := eventbridge.New(eventbridge.Config{Client: a.client, Catalog: a.cat, Region: a.cfg.Region, Account: a.cfg.AccountID, Logger: a.log})
	if err != nil {
		return nil, nil, err
	}
	wctx, cancel := context.WithTimeout(ctx, 10*time.Minute)
	defer cancel()
	for name, ready := range map[string]<-chan struct{}{"resources": res.Ready(), "items": a.Items.Ready()} {
		select {
		case <-ready:
		case <-wctx.Done():
			return nil, nil, fmt.Errorf("memory %s projection did not catch up: %w", name, wctx.Err())
		}
	}
	return map[string]http.Handler{dynamodb.TargetPrefix: a.DynamoDB, eventbridge.TargetPrefix: bus}, snsAPI, nil
}
