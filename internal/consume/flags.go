package consume

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/mie-kafka/mie/internal/topics"
)

// Flag describes one setting of mie consume for --help and the docs.
type Flag struct {
	Name, Env, Default, Usage string
}

// Flags lists the settings of mie consume; each can also come from its
// environment variable, the flag winning.
func Flags() []Flag {
	return []Flag{
		{"kafka", "MIE_KAFKA_BROKERS", "", "Kafka seed brokers, host:port,... (for mie serve's embedded broker: 127.0.0.1:<its --embedded-kafka-port>)"},
		{"topic-prefix", "MIE_TOPIC_PREFIX", "", "topic prefix of the installation to follow"},
		{"group", "MIE_CONSUME_GROUP", DefaultGroup, "consumer group; a restarted consumer resumes after what the group delivered"},
		{"from", "MIE_CONSUME_FROM", "start", "where partitions without a committed offset start: start, end, an offset N (every partition), or partition:offset pairs like 0:42,3:7 (others from the start)"},
		{"webhook", "MIE_CONSUME_WEBHOOK", "", "POST each change to this http(s) URL instead of printing it"},
		{"webhook-timeout", "MIE_CONSUME_WEBHOOK_TIMEOUT", DefaultWebhookTimeout.String(), "time limit of one POST"},
		{"retry-min", "MIE_CONSUME_RETRY_MIN", DefaultRetryMin.String(), "first wait before re-delivering a failed change"},
		{"retry-max", "MIE_CONSUME_RETRY_MAX", DefaultRetryMax.String(), "longest wait between attempts (the wait doubles up to it, with jitter)"},
		{"max-attempts", "MIE_CONSUME_MAX_ATTEMPTS", "0", "give up and exit 1 after this many failed attempts at one change; 0 retries forever"},
		{"log-level", "MIE_LOG_LEVEL", "info", "debug, info, warn or error (logs go to stderr)"},
		{"log-format", "MIE_LOG_FORMAT", "text", "text or json"},
	}
}

// Usage documents mie consume.
func Usage() string {
	var b strings.Builder
	b.WriteString(`Usage: mie consume [flags]

Follows the data plane's change stream (the <prefix>dataplane topic) as a
consumer group, reading committed records only, and prints one JSON line per
change to stdout:

  {"topic":"dataplane","partition":3,"offset":17,"timestamp":"...","key":"<asset id>","envelope":{...}}

or, with --webhook, POSTs that same JSON to the URL, retrying with backoff
until it answers 2xx. Offsets are committed only for delivered changes, so a
restarted consumer (same --group) continues where delivery stopped. SIGINT or
SIGTERM commits what was delivered and exits 0. See docs/change-stream.md.

Flags:
`)
	for _, f := range Flags() {
		def := f.Default
		if def == "" {
			def = `""`
		}
		fmt.Fprintf(&b, "  --%-16s %-28s %s (default %s)\n", f.Name, f.Env, f.Usage, def)
	}
	return b.String()
}

// ParseArgs reads mie consume's flags, with lookupEnv (os.LookupEnv)
// supplying defaults. It returns flag.ErrHelp for -h. The caller sets Out
// (and may replace Logger, built from --log-level and --log-format on
// logOut).
func ParseArgs(args []string, lookupEnv func(string) (string, bool), logOut io.Writer) (Config, error) {
	fs := flag.NewFlagSet("mie consume", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	vals := map[string]*string{}
	for _, f := range Flags() {
		def := f.Default
		if v, ok := lookupEnv(f.Env); ok {
			def = v
		}
		vals[f.Name] = fs.String(f.Name, def, f.Usage)
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return Config{}, err
		}
		return Config{}, fmt.Errorf("%w (see mie consume --help)", err)
	}
	if fs.NArg() > 0 {
		return Config{}, fmt.Errorf("unexpected argument %q: mie consume takes only flags (see mie consume --help)", fs.Arg(0))
	}
	get := func(n string) string { return strings.TrimSpace(*vals[n]) }
	var errs []error
	dur := func(name string) time.Duration {
		d, err := time.ParseDuration(get(name))
		if err != nil {
			errs = append(errs, fmt.Errorf("--%s: %q is not a duration like 500ms or 30s", name, get(name)))
		}
		return d
	}
	c := Config{
		Topic:          topics.New(get("topic-prefix"), 0).Dataplane(),
		Group:          get("group"),
		Webhook:        get("webhook"),
		WebhookTimeout: dur("webhook-timeout"),
		RetryMin:       dur("retry-min"),
		RetryMax:       dur("retry-max"),
	}
	for _, b := range strings.Split(get("kafka"), ",") {
		if b = strings.TrimSpace(b); b != "" {
			c.Brokers = append(c.Brokers, b)
		}
	}
	if c.Group == "" {
		errs = append(errs, errors.New("--group must not be empty"))
	}
	from, err := ParseFrom(get("from"))
	if err != nil {
		errs = append(errs, err)
	}
	c.From = from
	if n, err := strconv.Atoi(get("max-attempts")); err != nil {
		errs = append(errs, fmt.Errorf("--max-attempts: %q is not a number", get("max-attempts")))
	} else {
		c.MaxAttempts = n
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(get("log-level"))); err != nil {
		errs = append(errs, fmt.Errorf("--log-level: %q, want debug, info, warn or error", get("log-level")))
	}
	opts := &slog.HandlerOptions{Level: level}
	switch get("log-format") {
	case "text":
		c.Logger = slog.New(slog.NewTextHandler(logOut, opts))
	case "json":
		c.Logger = slog.New(slog.NewJSONHandler(logOut, opts))
	default:
		errs = append(errs, fmt.Errorf("--log-format: %q, want text or json", get("log-format")))
	}
	if err := errors.Join(errs...); err != nil {
		return Config{}, err
	}
	// Validate what the flags alone decide; Out is the caller's.
	probe := c.withDefaults()
	if probe.Webhook == "" {
		probe.Out = io.Discard
	}
	if err := probe.Validate(); err != nil {
		return Config{}, err
	}
	return c, nil
}
