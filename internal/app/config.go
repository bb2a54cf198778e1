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
	SessionTimeout  time.Duration
	LogLevel        string
	LogFormat       string
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
		{"session-timeout", "MIE_SESSION_TIMEOUT", "10s", "how soon the consumer groups notice a dead instance"},
	}
	worker := []Flag{{"operators", "MIE_OPERATORS", "Passthrough,Sleep,Fail,http", "built-in operators to run workers for; 'http' runs the HTTP operator dispatcher"}}
	serve := []Flag{
		{"data-dir", "MIE_DATA_DIR", "./data", "where the embedded broker keeps its log"},
		{"embedded-kafka-port", "MIE_EMBEDDED_KAFKA_PORT", "0", "port of the embedded broker (0 picks a free one)"},
	}
	switch role {
	case "serve":
		return concat(common, api, exec, worker, serve)
	case "api":
		return concat(common, api)
	case "executor":
		return concat(common, exec)
	case "worker":
		return concat(common, worker)
	case "bench":
		return concat(common, exec, serve)
	}
	return common
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
	c.Partitions = atoi("partitions")
	c.EmbeddedPort = atoi("embedded-kafka-port")
	c.OperatorTimeout = dur("operator-timeout")
	c.SessionTimeout = dur("session-timeout")
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
