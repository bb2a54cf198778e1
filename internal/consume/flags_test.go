package consume_test

import (
	"errors"
	"flag"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/mie-kafka/mie/internal/consume"
)

func env(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

func TestParseArgs(t *testing.T) {
	c, err := consume.ParseArgs([]string{"--kafka", "127.0.0.1:9092, 127.0.0.1:9093", "--topic-prefix", "prod.",
		"--from", "0:42,3:7", "--webhook", "https://hooks.example/mie", "--retry-max", "1m", "--max-attempts", "5"},
		env(map[string]string{"MIE_CONSUME_GROUP": "search-indexer", "MIE_CONSUME_RETRY_MIN": "2s"}), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(c.Brokers, ",") != "127.0.0.1:9092,127.0.0.1:9093" || c.Topic != "prod.dataplane" || c.Group != "search-indexer" ||
		c.Webhook != "https://hooks.example/mie" || c.RetryMin != 2*time.Second || c.RetryMax != time.Minute ||
		c.MaxAttempts != 5 || c.From.Mode != consume.FromPartitions || c.From.String() != "0:42,3:7" || c.Logger == nil {
		t.Fatalf("config = %+v", c)
	}
	// The flag wins over the environment; defaults otherwise.
	c, err = consume.ParseArgs([]string{"--kafka", "h:1"}, env(map[string]string{"MIE_KAFKA_BROKERS": "env:2"}), io.Discard)
	if err != nil || c.Brokers[0] != "h:1" || c.Group != consume.DefaultGroup || c.From.Mode != consume.FromStart || c.Topic != "dataplane" {
		t.Fatalf("defaults = %+v, %v", c, err)
	}
	if _, err := consume.ParseArgs([]string{"-h"}, env(nil), io.Discard); !errors.Is(err, flag.ErrHelp) {
		t.Fatalf("-h: %v", err)
	}
}

func TestParseArgsErrors(t *testing.T) {
	tests := []struct {
		args []string
		want []string
	}{
		{nil, []string{"no Kafka brokers", "--kafka", "MIE_KAFKA_BROKERS"}},
		{[]string{"--kafka", "localhost"}, []string{`broker "localhost": want host:port`}},
		{[]string{"--kafka", "h:1", "--from", "middle"}, []string{`--from "middle"`, "want start, end"}},
		{[]string{"--kafka", "h:1", "--from", "-3"}, []string{"offsets start at 0"}},
		{[]string{"--kafka", "h:1", "--from", "0:x"}, []string{`"0:x" is not partition:offset`}},
		{[]string{"--kafka", "h:1", "--from", "0:1,0:2"}, []string{"partition 0 is given twice"}},
		{[]string{"--kafka", "h:1", "--webhook", "ftp://x/y"}, []string{`--webhook "ftp://x/y"`, "http:// or https://"}},
		{[]string{"--kafka", "h:1", "--retry-min", "1s", "--retry-max", "10ms"}, []string{"--retry-max 10ms is less than --retry-min 1s"}},
		{[]string{"--kafka", "h:1", "--retry-min", "soon"}, []string{`--retry-min: "soon" is not a duration`}},
		{[]string{"--kafka", "h:1", "--max-attempts", "-1"}, []string{"--max-attempts must not be negative"}},
		{[]string{"--kafka", "h:1", "--max-attempts", "many"}, []string{`--max-attempts: "many" is not a number`}},
		{[]string{"--kafka", "h:1", "--group", " "}, []string{"--group must not be empty"}},
		{[]string{"--kafka", "h:1", "--log-level", "loud"}, []string{`--log-level: "loud"`}},
		{[]string{"--kafka", "h:1", "extra"}, []string{`unexpected argument "extra"`}},
		{[]string{"--kafak", "h:1"}, []string{"flag provided but not defined: -kafak", "--help"}},
		// Every problem at once.
		{[]string{"--from", "x", "--retry-min", "x", "--log-format", "xml"}, []string{"--from", "--retry-min", "--log-format"}},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			_, err := consume.ParseArgs(tt.args, env(nil), io.Discard)
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
		})
	}
}

func TestParseFromRoundTrip(t *testing.T) {
	for _, s := range []string{"start", "end", "0", "42", "0:1", "2:5,10:0"} {
		f, err := consume.ParseFrom(s)
		if err != nil || f.String() != s {
			t.Errorf("ParseFrom(%q) = %v (%v), String %q", s, f, err, f.String())
		}
	}
}
