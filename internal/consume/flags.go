package consume

import (
	"errors"
	"fmt"
	"io"

	"github.com/mie-kafka/mie/internal/cli"
	"github.com/mie-kafka/mie/internal/topics"
)

// settings are the flags of mie consume as bound, before they make a
// Config.
type settings struct {
	Config
	prefix, from, stream string
	log                  cli.Log
}

// Streams are the topics mie consume follows, by --stream.
var Streams = map[string]func(topics.Catalog) string{
	"dataplane":     topics.Catalog.Dataplane,
	"notifications": topics.Catalog.Notifications,
	"events":        topics.Catalog.EventBus,
	"tables":        topics.Catalog.Tables,
}

// bind registers the settings of mie consume on s, each also read from
// its environment variable, the flag winning.
func bind(s *cli.Set) *settings {
	v := &settings{}
	s.List(&v.Brokers, "kafka", "MIE_KAFKA_BROKERS", nil, "Kafka seed brokers, host:port,... (for mie serve's embedded broker: 127.0.0.1:<its --embedded-kafka-port>)")
	s.String(&v.prefix, "topic-prefix", "MIE_TOPIC_PREFIX", "", "topic prefix of the installation to follow")
	s.String(&v.stream, "stream", "MIE_CONSUME_STREAM", "dataplane", "the stream to follow: dataplane (the data plane's changes), notifications (what sns:publish published), events (what events:putEvents put) or tables (the tables' item images)")
	s.String(&v.Group, "group", "MIE_CONSUME_GROUP", DefaultGroup, "consumer group; a restarted consumer resumes after what the group delivered")
	s.String(&v.from, "from", "MIE_CONSUME_FROM", "start", "where partitions without a committed offset start: start, end, an offset N (every partition), partition:offset pairs like 0:42,3:7 (others from the start), or an RFC 3339 time (the first records written then or later)")
	s.String(&v.Webhook, "webhook", "MIE_CONSUME_WEBHOOK", "", "POST each change to this http(s) URL instead of printing it")
	s.Duration(&v.WebhookTimeout, "webhook-timeout", "MIE_CONSUME_WEBHOOK_TIMEOUT", DefaultWebhookTimeout, "time limit of one POST")
	s.Duration(&v.RetryMin, "retry-min", "MIE_CONSUME_RETRY_MIN", DefaultRetryMin, "first wait before re-delivering a failed change")
	s.Duration(&v.RetryMax, "retry-max", "MIE_CONSUME_RETRY_MAX", DefaultRetryMax, "longest wait between attempts (the wait doubles up to it, with jitter)")
	s.Int(&v.MaxAttempts, "max-attempts", "MIE_CONSUME_MAX_ATTEMPTS", 0, "give up and exit 1 after this many failed attempts at one change; 0 retries forever")
	s.Log(&v.log)
	s.Check(func() error {
		var errs []error
		if v.Group == "" {
			errs = append(errs, errors.New("--group must not be empty"))
		}
		if Streams[v.stream] == nil {
			errs = append(errs, fmt.Errorf("--stream %q: want dataplane, notifications, events or tables", v.stream))
		}
		from, err := ParseFrom(v.from) // its errors name --from
		v.From = from
		return errors.Join(append(errs, err)...)
	})
	return v
}

// FlagSet is the settings of mie consume, for help.
func FlagSet() *cli.Set {
	s := cli.New("mie consume", nil)
	bind(s)
	return s
}

// Usage documents mie consume.
func Usage() string {
	return `Usage: mie consume [flags]

Follows the data plane's change stream (the <prefix>dataplane topic), or
with --stream another stream (notifications, events, tables), as a consumer
group, reading committed records only, and prints one JSON line per change
to stdout:

  {"topic":"dataplane","partition":3,"offset":17,"timestamp":"...","key":"<asset id>","envelope":{...}}

or, with --webhook, POSTs that same JSON to the URL, retrying with backoff
until it answers 2xx. Offsets are committed only for delivered changes, so a
restarted consumer (same --group) continues where delivery stopped. SIGINT or
SIGTERM commits what was delivered and exits 0. See docs/change-stream.md.

Flags:
` + FlagSet().Usage()
}

// ParseArgs reads mie consume's flags, with lookupEnv (os.LookupEnv)
// supplying defaults. It returns flag.ErrHelp for -h. The caller sets Out
// (and may replace Logger, built from --log-level and --log-format on
// logOut).
func ParseArgs(args []string, lookupEnv func(string) (string, bool), logOut io.Writer) (Config, error) {
	s := cli.New("mie consume", lookupEnv)
	v := bind(s)
	if err := s.Parse(args); err != nil {
		return Config{}, err
	}
	c := v.Config
	c.Topic = Streams[v.stream](topics.New(v.prefix, 0))
	c.Logger = v.log.Logger(logOut)
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
