// Package app wires the engine's components into the roles the mie binary
// runs: serve (everything, embedded broker), api, executor and worker.
package app

import (
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/mie-kafka/mie/internal/topics"
)

// Config is every setting of every role. Each has a flag and an
// environment variable; the flag wins.
type Config struct {
	Addr            string
	DataDir         string
	Kafka           []string
	EmbeddedPort    int
	TopicPrefix     string
	Partitions      int
	Instance        string
	Operators       []string
	OperatorTimeout time.Duration
	EndedRetention  time.Duration
	ValidateInputs  bool
	SessionTimeout  time.Duration
	LogLevel        string
	LogFormat       string

	// Object storage and the data plane.
	Store          string // local or s3
	Bucket         string
	S3Endpoint     string
	S3Region       string
	S3PathStyle    bool
	UploadLimit    int64
	ClaimThreshold int64

	// The ingest window: transcription, GPU pool, segment reaper.
	Ingest IngestConfig

	// ClickHouse projections (docs/clickhouse.md): the DSN, and the
	// projector's batches.
	ClickHouse             string
	ProjectorFlushRows     int
	ProjectorFlushInterval time.Duration
}

// Flag describes one setting for --help and the README.
type Flag struct {
	Name, Env, Default, Usage string
}

func hostname() string {
	h, err := os.Hostname()
	if err != nil || h == "" {
		return "local"
	}
	return h
}

// Flags lists the settings of a role.
func Flags(role string) []Flag {
	common := []Flag{
		{"kafka", "MIE_KAFKA_BROKERS", "", "Kafka seed brokers, host:port,...; serve starts an embedded broker when empty"},
		{"topic-prefix", "MIE_TOPIC_PREFIX", "", "prefix of every topic name, to share a cluster"},
		{"partitions", "MIE_PARTITIONS", strconv.Itoa(topics.DefaultPartitions), "partitions of new commands, executions, results, task and retry topics"},
		{"instance", "MIE_INSTANCE", hostname(), "this instance's stable name; makes its transactional ids (unique per live instance)"},
		{"log-level", "MIE_LOG_LEVEL", "info", "debug, info, warn or error"},
		{"log-format", "MIE_LOG_FORMAT", "text", "text or json"},
	}
	api := []Flag{{"addr", "MIE_ADDR", "127.0.0.1:8080", "HTTP listen address of the API"}}
	exec := []Flag{
		{"operator-timeout", "MIE_OPERATOR_TIMEOUT", "1h", "fail an operator attempt that runs longer, when its Configuration sets no TimeoutSeconds"},
		{"ended-retention", "MIE_ENDED_RETENTION", "1h", "how long the executor remembers an ended execution (a later input for it is ignored, not dead-lettered as unknown); also how far back a restarted executor reads"},
		{"validate-inputs", "MIE_VALIDATE_INPUTS", "false", "check every command and result against its JSON Schema, dead-lettering a mismatch (costs 20-300 µs a record)"},
		{"session-timeout", "MIE_SESSION_TIMEOUT", "10s", "how soon the consumer groups notice a dead instance"},
	}
	worker := []Flag{{"operators", "MIE_OPERATORS", "Passthrough,Sleep,Fail,MediaInfo,http", "built-in operators to run workers for; 'http' runs the HTTP operator dispatcher"}}
	store := []Flag{
		{"data-dir", "MIE_DATA_DIR", "./data", "where the embedded broker keeps its log and the local object store its objects (<data-dir>/objects)"},
		{"store", "MIE_STORE", "local", "object storage: local (a directory under --data-dir) or s3 (credentials from the standard AWS chain)"},
		{"bucket", "MIE_BUCKET", "mie-dataplane", "the data plane bucket: uploads, asset media, derived media, large results"},
		{"s3-endpoint", "MIE_S3_ENDPOINT", "", "S3 endpoint URL for MinIO or another S3-compatible store; empty is AWS"},
		{"s3-region", "MIE_S3_REGION", "us-east-1", "S3 region"},
		{"s3-path-style", "MIE_S3_PATH_STYLE", "false", "path-style S3 addressing (MinIO needs true)"},
		{"claim-threshold", "MIE_CLAIM_THRESHOLD", "512KiB", "results larger than this go to object storage and the event carries a reference"},
	}
	upload := []Flag{{"upload-limit", "MIE_UPLOAD_LIMIT", "5GiB", "largest upload accepted by POST /dataplane/upload"}}
	serve := []Flag{
		{"embedded-kafka-port", "MIE_EMBEDDED_KAFKA_PORT", "0", "port of the embedded broker (0 picks a free one)"},
	}
	switch role {
	case "serve":
		return concat(common, api, upload, exec, worker, store, serve, ingestWorkerFlags, ingestAPIFlags, clickhouseFlags, projectorFlags)
	case "api":
		return concat(common, api, upload, store, ingestAPIFlags, clickhouseFlags)
	case "projector":
		return concat(common, clickhouseFlags, projectorFlags, pick(exec, "session-timeout"))
	case "projections":
		return concat(common, clickhouseFlags, projectorFlags)
	case "executor":
		return concat(common, exec)
	case "worker":
		return concat(common, worker, store, ingestWorkerFlags)
	case "bench":
		return concat(common, exec, store, serve)
	}
	return common
}

// The ClickHouse projections' settings (cmd/mie/app/projector.go).
var (
	clickhouseFlags = []Flag{{"clickhouse", "MIE_CLICKHOUSE", "", "ClickHouse DSN (clickhouse://user:pass@host:9000/db or http://host:8123/db): the API reads projections from it, the projector writes them; empty keeps them in memory"}}
	projectorFlags  = []Flag{
		{"projector-flush-rows", "MIE_PROJECTOR_FLUSH_ROWS", "5000", "the projector writes a batch once it holds this many records..."},
		{"projector-flush-interval", "MIE_PROJECTOR_FLUSH_INTERVAL", "1s", "...or is this old (ClickHouse wants about one insert per second per table)"},
	}
)

func pick(fs []Flag, name string) []Flag {
	for _, f := range fs {
		if f.Name == name {
			return []Flag{f}
		}
	}
	return nil
}

func concat(fs ...[]Flag) []Flag {
	var out []Flag
	for _, f := range fs {
		out = append(out, f...)
	}
	return out
}

// Parse reads a role's flags from args, with the environment as defaults.
func Parse(role string, args []string, extra func(*flag.FlagSet)) (Config, *flag.FlagSet, error) {
	fs := flag.NewFlagSet("mie "+role, flag.ContinueOnError)
	vals := map[string]*string{}
	for _, f := range Flags(role) {
		def := f.Default
		if v, ok := os.LookupEnv(f.Env); ok {
			def = v
		}
		vals[f.Name] = fs.String(f.Name, def, fmt.Sprintf("%s (env %s)", f.Usage, f.Env))
	}
	if extra != nil {
		extra(fs)
	}
	if err := fs.Parse(args); err != nil {
		return Config{}, fs, err
	}
	get := func(n string) string {
		if v, ok := vals[n]; ok {
			return strings.TrimSpace(*v)
		}
		return ""
	}
	var c Config
	var errs []error
	c.Addr, c.DataDir, c.TopicPrefix, c.Instance = get("addr"), get("data-dir"), get("topic-prefix"), get("instance")
	c.LogLevel, c.LogFormat = get("log-level"), get("log-format")
	c.Kafka = list(get("kafka"))
	c.Operators = list(get("operators"))
	atoi := func(name string) int {
		s := get(name)
		if s == "" {
			return 0
		}
		n, err := strconv.Atoi(s)
		if err != nil {
			errs = append(errs, fmt.Errorf("--%s: %q is not a number", name, s))
		}
		return n
	}
	dur := func(name string) time.Duration {
		s := get(name)
		if s == "" {
			return 0
		}
		d, err := time.ParseDuration(s)
		if err != nil {
			errs = append(errs, fmt.Errorf("--%s: %q is not a duration like 30s or 1h", name, s))
		}
		return d
	}
	size := func(name string) int64 {
		s := get(name)
		if s == "" {
			return 0
		}
		n, err := ParseBytes(s)
		if err != nil {
			errs = append(errs, fmt.Errorf("--%s: %w", name, err))
		}
		return n
	}
	c.Store, c.Bucket, c.S3Endpoint, c.S3Region = get("store"), get("bucket"), get("s3-endpoint"), get("s3-region")
	if ps := get("s3-path-style"); ps != "" {
		b, err := strconv.ParseBool(ps)
		if err != nil {
			errs = append(errs, fmt.Errorf("--s3-path-style: %q, want true or false", ps))
		}
		c.S3PathStyle = b
	}
	c.UploadLimit, c.ClaimThreshold = size("upload-limit"), size("claim-threshold")
	if _, ok := vals["store"]; ok && c.Store != "local" && c.Store != "s3" {
		errs = append(errs, fmt.Errorf("--store: %q, want local or s3", c.Store))
	}
	c.Partitions = atoi("partitions")
	c.EmbeddedPort = atoi("embedded-kafka-port")
	c.OperatorTimeout = dur("operator-timeout")
	c.EndedRetention = dur("ended-retention")
	if get("ended-retention") != "" && c.EndedRetention <= 0 {
		errs = append(errs, fmt.Errorf("--ended-retention: %s must be positive", c.EndedRetention))
	}
	if v := get("validate-inputs"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			errs = append(errs, fmt.Errorf("--validate-inputs: %q, want true or false", v))
		}
		c.ValidateInputs = b
	}
	c.SessionTimeout = dur("session-timeout")
	c.ClickHouse = get("clickhouse")
	c.ProjectorFlushRows, c.ProjectorFlushInterval = atoi("projector-flush-rows"), dur("projector-flush-interval")
	if c.ProjectorFlushRows < 0 || c.ProjectorFlushInterval < 0 {
		errs = append(errs, errors.New("--projector-flush-rows and --projector-flush-interval must not be negative"))
	}
	if ic, err := parseIngest(get, atoi, dur); err != nil {
		errs = append(errs, err)
	} else {
		c.Ingest = ic
	}
	if c.Partitions < 0 {
		errs = append(errs, errors.New("--partitions must be positive"))
	}
	if c.Instance == "" {
		errs = append(errs, errors.New("--instance must not be empty"))
	}
	if _, err := ParseLevel(c.LogLevel); err != nil {
		errs = append(errs, err)
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		errs = append(errs, fmt.Errorf("--log-format: %q, want text or json", c.LogFormat))
	}
	return c, fs, errors.Join(errs...)
}

func list(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// ParseBytes parses a size: a number of bytes, or one with a unit (KB, MB,
// GB are powers of 1000; KiB, MiB, GiB of 1024), e.g. 512KiB or 5GiB.
func ParseBytes(s string) (int64, error) {
	units := []struct {
		suffix string
		mult   int64
	}{{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}, {"TiB", 1 << 40},
		{"KB", 1e3}, {"MB", 1e6}, {"GB", 1e9}, {"TB", 1e12}, {"B", 1}}
	num, mult := strings.TrimSpace(s), int64(1)
	for _, u := range units {
		if strings.HasSuffix(num, u.suffix) {
			num, mult = strings.TrimSpace(strings.TrimSuffix(num, u.suffix)), u.mult
			break
		}
	}
	n, err := strconv.ParseInt(num, 10, 64)
	if err != nil || n <= 0 || n > (1<<62)/mult {
		return 0, fmt.Errorf("%q is not a positive size like 1048576, 512KiB or 5GiB", s)
	}
	return n * mult, nil
}

// ParseLevel parses a log level name.
func ParseLevel(s string) (slog.Level, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(s)); err != nil {
		return l, fmt.Errorf("--log-level: %q, want debug, info, warn or error", s)
	}
	return l, nil
}

// Logger builds the process logger.
func (c Config) Logger() *slog.Logger {
	lvl, _ := ParseLevel(c.LogLevel)
	opts := &slog.HandlerOptions{Level: lvl}
	if c.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(os.Stderr, opts))
	}
	return slog.New(slog.NewTextHandler(os.Stderr, opts))
}
