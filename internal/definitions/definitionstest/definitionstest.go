// Package definitionstest runs definitions Stores and Services on a test
// cluster (internal/kafkatest) for tests of this package and its callers.
package definitionstest

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/mie-kafka/mie/internal/broker"
	"github.com/mie-kafka/mie/internal/definitions"
	"github.com/mie-kafka/mie/internal/kafkatest"
	"github.com/mie-kafka/mie/internal/topics"
)

// Builtins are the built-in operators the test services know.
var Builtins = map[string]string{
	"Passthrough": definitions.TypeSync,
	"Sleep":       definitions.TypeAsync,
	"Fail":        definitions.TypeSync,
	"Wait":        definitions.TypeSync,
}

// Cluster is a test cluster with the engine's topics created.
type Cluster struct {
	Kafka   broker.Config
	Catalog topics.Catalog
	// Client is a plain client on the cluster, for assertions.
	Client *kgo.Client
	Admin  *kadm.Client
}

// StartCluster gives t a cluster with the catalog's topics created (see
// internal/kafkatest: kfake, or the cluster MIE_TEST_KAFKA_BROKERS names);
// it stops when t ends.
func StartCluster(t testing.TB) *Cluster {
	t.Helper()
	kafka, cat := kafkatest.Start(t)
	kafka.ClientID = "definitionstest"
	c := &Cluster{Kafka: kafka, Catalog: cat}
	c.Client = kafkatest.Client(t, kafka)
	c.Admin = kadm.NewClient(c.Client)
	return c
}

// Instance is one running Store and the Service writing through it, as one
// API process has.
type Instance struct {
	Store   *definitions.Store
	Service *definitions.Service
}

// Start runs a Store and builds a Service with transactional id txnID
// (under the catalog's prefix); both stop when t ends.
func (c *Cluster) Start(t testing.TB, txnID string) *Instance {
	t.Helper()
	log := slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
	store, err := definitions.NewStore(definitions.StoreConfig{Kafka: c.Kafka, Catalog: c.Catalog, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- store.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("store run: %v", err)
		}
		store.Close()
	})
	svc, err := definitions.New(definitions.Config{
		Kafka:           c.Kafka,
		Catalog:         c.Catalog,
		Store:           store,
		TransactionalID: c.Catalog.Group(txnID),
		Builtins:        Builtins,
		Timeout:         10 * time.Second,
		Logger:          log,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(svc.Close)
	return &Instance{Store: store, Service: svc}
}
