// Package broker connects the engine to Kafka: a real cluster named by seed
// brokers, or the embedded kfake broker persisted in a data directory.
package broker

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// Embedded is an in-process Kafka-protocol broker (kfake).
type Embedded struct {
	cluster *kfake.Cluster
}

// EmbeddedConfig configures the embedded broker.
type EmbeddedConfig struct {
	// DataDir persists the log; empty keeps it in memory (tests).
	DataDir string
	// Port to listen on; 0 picks a free one.
	Port int
	// Partitions is the default partition count for auto-created topics.
	Partitions int32
	Logger     *slog.Logger
}

// StartEmbedded starts a single-node kfake cluster on 127.0.0.1.
func StartEmbedded(cfg EmbeddedConfig) (*Embedded, error) {
	opts := []kfake.Opt{
		kfake.NumBrokers(1),
		kfake.Ports(cfg.Port),
		kfake.ClusterID("mie-embedded"),
		// Groups must notice a killed member quickly enough for tests and
		// restarts, but not so fast that a busy 2-core box flaps. Set as a
		// broker config so that DescribeConfigs reports it, as Apache
		// Kafka does (CheckSessionTimeout reads it).
		kfake.BrokerConfigs(map[string]string{"group.min.session.timeout.ms": "1000"}),
	}
	if cfg.Partitions > 0 {
		opts = append(opts, kfake.DefaultNumPartitions(int(cfg.Partitions)))
	}
	if cfg.DataDir != "" {
		dir := filepath.Join(cfg.DataDir, "kafka")
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, fmt.Errorf("embedded broker data dir: %w", err)
		}
		opts = append(opts, kfake.DataDir(dir))
	}
	c, err := kfake.NewCluster(opts...)
	if err != nil {
		return nil, fmt.Errorf("start embedded broker: %w", err)
	}
	return &Embedded{cluster: c}, nil
}

// Addrs returns the listen addresses.
func (e *Embedded) Addrs() []string { return e.cluster.ListenAddrs() }

// Close stops the broker and flushes its data directory.
func (e *Embedded) Close() { e.cluster.Close() }

// Config names a Kafka cluster.
type Config struct {
	Brokers  []string
	ClientID string
	Logger   *slog.Logger
}

// Validate reports every problem with the configuration.
func (c Config) Validate() error {
	var errs []error
	if len(c.Brokers) == 0 {
		errs = append(errs, errors.New("no Kafka brokers: set --kafka or MIE_KAFKA_BROKERS"))
	}
	for _, b := range c.Brokers {
		if !strings.Contains(b, ":") {
			errs = append(errs, fmt.Errorf("broker %q: want host:port", b))
		}
	}
	return errors.Join(errs...)
}

// FetchMaxBytes is every client's cap on a whole fetch response: high
// enough that the per-partition cap (1 MiB) is what binds for a client
// that fetches up to 256 partitions from one broker (see Opts).
const FetchMaxBytes = 256 << 20

// Opts returns the base client options for c.
func (c Config) Opts(extra ...kgo.Opt) []kgo.Opt {
	opts := []kgo.Opt{
		kgo.SeedBrokers(c.Brokers...),
		kgo.ClientID(c.ClientID),
		// No kgo.AllowAutoTopicCreation: on Apache Kafka (whose brokers
		// auto-create by default) any metadata request for a missing
		// topic, even topics.Ensure's own look-up, would create it with
		// the broker's defaults (1 partition, 7-day retention) instead of
		// the catalog's shape. Every topic is created by topics.Ensure.

		// A fetch is never cut short by its total size, only per
		// partition (1 MiB each, franz-go's default). kfake leaves out the
		// aborted transactions of the partition it was filling when a
		// response reaches the request's total cap, and the client then
		// hands that partition's aborted records to read-committed readers
		// as committed (TestKfakeResponseCapLeaksAbortedRecords). Apache
		// Kafka caps a response by its own fetch.max.bytes (55 MiB by
		// default) whatever the client asks, so on a real cluster this
		// changes nothing.
		kgo.FetchMaxBytes(FetchMaxBytes),
		kgo.BrokerMaxReadBytes(FetchMaxBytes + 1<<20),
	}
	if c.Logger != nil {
		opts = append(opts, kgo.WithLogger(kgoLogger{c.Logger}))
	}
	return append(opts, extra...)
}

// Ping checks that the cluster answers.
func Ping(ctx context.Context, cl *kgo.Client) error {
	req := kmsg.NewPtrMetadataRequest()
	if _, err := req.RequestWith(ctx, cl); err != nil {
		return fmt.Errorf("kafka does not answer: %w", err)
	}
	return nil
}

// kgoLogger quiets franz-go's chatter to warnings and above at the boundary.
type kgoLogger struct{ l *slog.Logger }

func (k kgoLogger) Level() kgo.LogLevel { return kgo.LogLevelWarn }

func (k kgoLogger) Log(level kgo.LogLevel, msg string, keyvals ...any) {
	lvl := slog.LevelInfo
	switch level {
	case kgo.LogLevelError:
		lvl = slog.LevelError
	case kgo.LogLevelWarn:
		lvl = slog.LevelWarn
	case kgo.LogLevelDebug:
		lvl = slog.LevelDebug
	}
	k.l.Log(context.Background(), lvl, "kafka: "+msg, keyvals...)
}
