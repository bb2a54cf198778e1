// Package consume is `mie consume`, the reference consumer of the data
// plane's change stream: it follows the dataplane topic in a consumer group
// with read_committed isolation and either prints one JSON line per change
// or POSTs each change to a webhook, retrying with capped exponential
// backoff. Offsets are committed only for changes delivered (printed, or
// answered 2xx), never ahead. docs/change-stream.md describes the stream.
package consume

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

// Mode says where a partition without a committed offset starts.
type Mode int

const (
	// FromStart reads from the oldest record kept.
	FromStart Mode = iota
	// FromEnd reads only what is written after the consumer starts.
	FromEnd
	// FromOffset starts every partition at Offset.
	FromOffset
	// FromPartitions starts the listed partitions at their offsets and
	// the others from the start.
	FromPartitions
	// FromTime starts every partition at its first record written at or
	// after Time.
	FromTime
)

// From is the parsed --from: start, end, an offset, or partition:offset
// pairs. It applies only to partitions for which the group has no
// committed offset; a group that has committed resumes where it stopped.
type From struct {
	Mode       Mode
	Offset     int64
	Partitions map[int32]int64
	Time       time.Time
}

// ParseFrom parses start, end, N (every partition from offset N),
// P:N[,P:N...] (partition P from offset N; unlisted partitions from the
// start), or an RFC 3339 time (every partition from the first record
// written then or later).
func ParseFrom(s string) (From, error) {
	s = strings.TrimSpace(s)
	switch s {
	case "start", "beginning", "earliest":
		return From{Mode: FromStart}, nil
	case "end", "latest":
		return From{Mode: FromEnd}, nil
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return From{Mode: FromTime, Time: t}, nil
	}
	bad := func(why string) (From, error) {
		return From{}, fmt.Errorf("--from %q: %s; want start, end, an offset (e.g. 42), partition:offset pairs (e.g. 0:42,3:7) or an RFC 3339 time", s, why)
	}
	if s == "" {
		return bad("empty")
	}
	if !strings.Contains(s, ":") {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return bad("not a number")
		}
		if n < 0 {
			return bad("offsets start at 0")
		}
		return From{Mode: FromOffset, Offset: n}, nil
	}
	f := From{Mode: FromPartitions, Partitions: map[int32]int64{}}
	for _, pair := range strings.Split(s, ",") {
		ps, os, ok := strings.Cut(strings.TrimSpace(pair), ":")
		p, perr := strconv.ParseInt(ps, 10, 32)
		o, oerr := strconv.ParseInt(os, 10, 64)
		switch {
		case !ok || perr != nil || oerr != nil:
			return bad(fmt.Sprintf("%q is not partition:offset", pair))
		case p < 0 || o < 0:
			return bad(fmt.Sprintf("%q: partitions and offsets start at 0", pair))
		}
		if _, dup := f.Partitions[int32(p)]; dup {
			return bad(fmt.Sprintf("partition %d is given twice", p))
		}
		f.Partitions[int32(p)] = o
	}
	return f, nil
}

func (f From) String() string {
	switch f.Mode {
	case FromTime:
		return f.Time.Format(time.RFC3339Nano)
	case FromEnd:
		return "end"
	case FromOffset:
		return strconv.FormatInt(f.Offset, 10)
	case FromPartitions:
		ps := make([]int32, 0, len(f.Partitions))
		for p := range f.Partitions {
			ps = append(ps, p)
		}
		sort.Slice(ps, func(i, j int) bool { return ps[i] < ps[j] })
		var b strings.Builder
		for i, p := range ps {
			if i > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, "%d:%d", p, f.Partitions[p])
		}
		return b.String()
	}
	return "start"
}

// Config configures Run.
type Config struct {
	// Brokers are the Kafka seed brokers, host:port.
	Brokers []string
	// Topic is the change-stream topic, prefix included
	// (topics.Catalog.Dataplane()).
	Topic string
	// Group is the consumer group; its committed offsets are where a
	// restarted consumer resumes.
	Group string
	// From places partitions the group has no commit for.
	From From
	// Webhook, when set, receives each change as an HTTP POST; otherwise
	// changes are written to Out as JSON lines.
	Webhook string
	// Filter, when set, passes only the records it accepts on; the others
	// count as delivered. Render, when set, makes each webhook request's
	// body and headers of a record, instead of the change's JSON. The
	// notification subscriptions deliver SNS's messages with them.
	Filter func(*kgo.Record) bool
	Render func(*kgo.Record) (body []byte, headers http.Header, err error)
	// WebhookTimeout bounds one POST.
	WebhookTimeout time.Duration
	// RetryMin and RetryMax bound the backoff between attempts to deliver
	// one change: it doubles from RetryMin up to RetryMax, each wait
	// jittered to between half and all of it.
	RetryMin, RetryMax time.Duration
	// MaxAttempts gives up (Run returns an error, nothing more committed)
	// after this many failed attempts at one change; 0 retries forever.
	MaxAttempts int
	// CommitInterval: delivered offsets are committed at least this often
	// while a batch is being delivered, and at the end of each batch.
	CommitInterval time.Duration
	// MaxPollRecords bounds one batch.
	MaxPollRecords int
	// StartTimeout bounds the start-up check that the cluster answers and
	// the topic exists.
	StartTimeout time.Duration
	// ClientID names the Kafka client.
	ClientID string

	Out        io.Writer
	Logger     *slog.Logger
	HTTPClient *http.Client
	// OnPositioned, if set, is called each time the group assigns
	// partitions, with the offset each will be read from (after --from or
	// the committed offset is applied). Records written after it returns
	// are read.
	OnPositioned func(offsets map[int32]int64)
}

// Defaults.
const (
	DefaultGroup          = "mie-consume"
	DefaultWebhookTimeout = 10 * time.Second
	DefaultRetryMin       = 500 * time.Millisecond
	DefaultRetryMax       = 30 * time.Second
	DefaultCommitInterval = time.Second
	DefaultMaxPollRecords = 100
	DefaultStartTimeout   = 15 * time.Second
)

func (c Config) withDefaults() Config {
	if c.Group == "" {
		c.Group = DefaultGroup
	}
	if c.WebhookTimeout == 0 {
		c.WebhookTimeout = DefaultWebhookTimeout
	}
	if c.RetryMin == 0 {
		c.RetryMin = DefaultRetryMin
	}
	if c.RetryMax == 0 {
		c.RetryMax = max(DefaultRetryMax, c.RetryMin)
	}
	if c.CommitInterval == 0 {
		c.CommitInterval = DefaultCommitInterval
	}
	if c.MaxPollRecords == 0 {
		c.MaxPollRecords = DefaultMaxPollRecords
	}
	if c.StartTimeout == 0 {
		c.StartTimeout = DefaultStartTimeout
	}
	if c.ClientID == "" {
		c.ClientID = "mie-consume"
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.HTTPClient == nil {
		c.HTTPClient = &http.Client{}
	}
	return c
}

// Validate reports every problem with the configuration.
func (c Config) Validate() error {
	var errs []error
	if len(c.Brokers) == 0 {
		errs = append(errs, errors.New("no Kafka brokers: set --kafka or MIE_KAFKA_BROKERS (the embedded broker of mie serve listens on 127.0.0.1:<--embedded-kafka-port>)"))
	}
	for _, b := range c.Brokers {
		if _, port, ok := strings.Cut(b, ":"); !ok || port == "" {
			errs = append(errs, fmt.Errorf("--kafka: broker %q: want host:port", b))
		}
	}
	if c.Topic == "" {
		errs = append(errs, errors.New("no topic"))
	}
	if strings.TrimSpace(c.Group) == "" {
		errs = append(errs, errors.New("--group must not be empty"))
	}
	if c.Webhook != "" {
		u, err := url.Parse(c.Webhook)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			errs = append(errs, fmt.Errorf("--webhook %q: want an http:// or https:// URL", c.Webhook))
		}
	} else if c.Out == nil {
		errs = append(errs, errors.New("no webhook and no output"))
	}
	if c.WebhookTimeout < 0 || c.RetryMin < 0 || c.RetryMax < 0 || c.CommitInterval < 0 {
		errs = append(errs, errors.New("--webhook-timeout, --retry-min and --retry-max must not be negative"))
	}
	if c.RetryMax < c.RetryMin {
		errs = append(errs, fmt.Errorf("--retry-max %s is less than --retry-min %s", c.RetryMax, c.RetryMin))
	}
	if c.MaxAttempts < 0 {
		errs = append(errs, errors.New("--max-attempts must not be negative (0 retries forever)"))
	}
	if c.MaxPollRecords < 0 {
		errs = append(errs, errors.New("max poll records must not be negative"))
	}
	return errors.Join(errs...)
}
