// Package definitionstest runs definitions Stores and Services on an
// in-process kfake cluster for tests of this package and its callers.
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
	"github.com/mie-kafka/mie/internal/topics"
)

// Builtins are the built-in operators the test services know.
var Builtins = map[string]string{
	"Passthrough": definitions.TypeSync,
	"Sleep":       definitions.TypeAsync,
	"Fail":        definitions.TypeSync,
	"Wait":        definitions.TypeSync,
}

// Cluster is an embedded kfake broker with the engine's topics created.
type Cluster struct {
	Kafka   broker.Config
	Catalog topics.Catalog
	// Client is a plain client on the cluster, for assertions.
	Client *kgo.Client
	Admin  *kadm.Client
}

// StartCluster starts a broker for t and creates the catalog's topics; it
// stops when t ends.
func StartCluster(t testing.TB) *Cluster {
	t.Helper()
	emb, err := broker.StartEmbedded(broker.EmbeddedConfig{Partitions: 2})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(emb.Close)
	c := &Cluster{
		Kafka:   broker.Config{Brokers: emb.Addrs(), ClientID: "definitionstest"},
		Catalog: topics.New("test.", 2),
	}
	c.Client, err = kgo.NewClient(c.Kafka.Opts()...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Client.Close)
	c.Admin = kadm.NewClient(c.Client)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := topics.Ensure(ctx, c.Admin, c.Catalog.Specs()...); err != nil {
		t.Fatal(err)
	}
	return c
}

// Instance is one running Store and the Service writing through it, as one
// API process has.
type Instance struct {
	Store   *definitions.Store
	Service *definitions.Service
}

// Start runs a Store and builds a Service with transactional id txnID;
// both stop when t ends.
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
		TransactionalID: txnID,
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
