package dlq

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/mie-kafka/mie/internal/broker"
	"github.com/mie-kafka/mie/internal/cli"
	"github.com/mie-kafka/mie/internal/topics"
)

// Usage documents `mie dlq`.
const Usage = `Usage: mie dlq list   [flags]
       mie dlq replay [flags] (--all | --reason R | --offset P:O,... | --source-topic T)

list shows the dead letters on the dlq topic, oldest first: where each sits
(partition:offset, what replay --offset takes), when it arrived, its reason,
the handler that gave up on it, where it came from (topic/partition@offset),
its key and type, whether it was replayed, and the error.

replay re-drives the chosen dead letters that were never replayed back to
their source topic and partition, in one transaction with a replay marker
per dead letter on the dlq topic: replaying again never re-drives one twice.
Fix the cause first: a record that fails again comes back as a new dead
letter (its ReplayOf names the old one).

--kafka and --topic-prefix are also read from MIE_KAFKA_BROKERS and
MIE_TOPIC_PREFIX; the flag wins.
`

// Run runs `mie dlq <args>`, writing to stdout: Parse, then the command,
// or the help that -h asks for. getenv reads the environment (os.Getenv);
// a variable set blank counts as unset.
func Run(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	cmd, err := Parse(args, func(k string) (string, bool) { v := getenv(k); return v, v != "" })
	switch {
	case errors.Is(err, flag.ErrHelp):
		fmt.Fprint(stdout, Help(cmd.Name))
		return nil
	case errors.Is(err, ErrNoCommand):
		fmt.Fprint(stdout, Help(""))
		return err
	case err != nil:
		return err
	}
	return cmd.Run(ctx, stdout)
}

// ErrNoCommand is Parse's error when args name no subcommand.
var ErrNoCommand = errors.New("dlq: want list or replay")

// Command is a parsed `mie dlq list` or `mie dlq replay`.
type Command struct {
	// Name is list or replay; empty when Parse found neither.
	Name   string
	kafka  broker.Config
	cat    topics.Catalog
	filter Filter
	limit  int
	asJSON bool
	dryRun bool
}

// Parse reads `mie dlq list|replay [flags]`, with lookup (os.LookupEnv)
// supplying defaults. It returns flag.ErrHelp for -h (or help) and
// ErrNoCommand for no arguments; Help(cmd.Name) is what to print then.
func Parse(args []string, lookup cli.Lookup) (Command, error) {
	if len(args) == 0 {
		return Command{}, ErrNoCommand
	}
	if args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		return Command{}, flag.ErrHelp
	}
	name, rest := args[0], args[1:]
	if name != "list" && name != "replay" {
		return Command{}, fmt.Errorf("dlq: unknown command %q: want list or replay", name)
	}
	s, c := bind(name, lookup)
	if err := s.Parse(rest); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return Command{Name: name}, err
		}
		return Command{}, fmt.Errorf("dlq %s: %w", name, err)
	}
	return *c, nil
}

// FlagSet is the settings of `mie dlq list` or `mie dlq replay`, for help.
func FlagSet(name string) *cli.Set {
	s, _ := bind(name, nil)
	return s
}

// Help documents `mie dlq` and the flags of name (list or replay), or of
// both when name is empty.
func Help(name string) string {
	var b strings.Builder
	b.WriteString(Usage)
	for _, n := range []string{"list", "replay"} {
		if name == "" || name == n {
			fmt.Fprintf(&b, "\nFlags of %s:\n%s", n, FlagSet(n).Usage())
		}
	}
	return b.String()
}

// bind registers the settings of the dlq command name on a Set.
func bind(name string, lookup cli.Lookup) (*cli.Set, *Command) {
	c := &Command{Name: name}
	s := cli.New("mie dlq "+name, lookup)
	var brokers []string
	var prefix string
	s.List(&brokers, "kafka", "MIE_KAFKA_BROKERS", nil, "Kafka seed brokers, host:port,...")
	s.String(&prefix, "topic-prefix", "MIE_TOPIC_PREFIX", "", "prefix of every topic name")
	s.String(&c.filter.Reason, "reason", "", "", "only dead letters with this reason (undecodable, unknown-execution, schema-invalid, handler-failed, ...)")
	s.String(&c.filter.SourceTopic, "source-topic", "", "", "only dead letters from this topic (with its prefix)")
	s.Bool(&c.asJSON, "json", "", false, "print JSON instead of a table")
	var all bool
	switch name {
	case "list":
		s.Int(&c.limit, "limit", "", 100, "show at most this many, the newest; 0 shows all")
	case "replay":
		cli.Func(s, &c.filter.Positions, "offset", "", nil, "only the dead letters at these dlq positions, partition:offset,...", parsePositions)
		s.Bool(&all, "all", "", false, "replay every dead letter not replayed yet (or all that the other flags choose)")
		s.Bool(&c.dryRun, "dry-run", "", false, "show what would be replayed; write nothing")
	}
	s.Check(func() error {
		var errs []error
		if c.limit < 0 {
			errs = append(errs, fmt.Errorf("--limit %d is negative", c.limit))
		}
		flt := c.filter
		if name == "replay" && !all && flt.Reason == "" && flt.SourceTopic == "" && len(flt.Positions) == 0 {
			errs = append(errs, errors.New("choose what to replay: --all, --reason, --source-topic or --offset"))
		}
		c.kafka = broker.Config{Brokers: brokers, ClientID: "mie-dlq"}
		if err := c.kafka.Validate(); err != nil {
			errs = append(errs, fmt.Errorf("%w (for mie serve, start it with --embedded-kafka-port and point --kafka at 127.0.0.1:<port>)", err))
		}
		c.cat = topics.New(prefix, 0)
		return errors.Join(errs...)
	})
	return s, c
}

func parsePositions(v string) ([]Position, error) {
	var out []Position
	for _, s := range cli.SplitList(v) {
		p, err := ParsePosition(s)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

// Run lists or replays, writing to w.
func (c Command) Run(ctx context.Context, w io.Writer) error {
	if c.Name == "list" {
		return c.list(ctx, w)
	}
	return c.replay(ctx, w)
}

func (c Command) list(ctx context.Context, w io.Writer) error {
	entries, err := List(ctx, c.kafka, c.cat, c.filter)
	if err != nil {
		return err
	}
	if c.limit > 0 && len(entries) > c.limit {
		entries = entries[len(entries)-c.limit:]
	}
	if c.asJSON {
		return writeJSON(w, nonNil(entries))
	}
	if len(entries) == 0 {
		fmt.Fprintf(w, "no dead letters in %s\n", c.cat.DLQ())
		return nil
	}
	table(w, entries)
	return nil
}

func (c Command) replay(ctx context.Context, w io.Writer) error {
	res, err := Replay(ctx, ReplayConfig{Kafka: c.kafka, Catalog: c.cat, Filter: c.filter, DryRun: c.dryRun})
	if err != nil {
		return err
	}
	if c.asJSON {
		if err := writeJSON(w, map[string]any{"DryRun": c.dryRun, "Replayed": nonNil(res.Replayed),
			"Skipped": nonNil(res.Skipped), "Unreplayable": nonNil(res.Unreplayable)}); err != nil {
			return err
		}
	} else {
		verb := "replayed"
		if c.dryRun {
			verb = "would replay"
		}
		fmt.Fprintf(w, "%s %d dead letter(s); %d skipped (replayed before); %d without a source\n",
			verb, len(res.Replayed), len(res.Skipped), len(res.Unreplayable))
		if len(res.Replayed) > 0 {
			table(w, res.Replayed)
		}
	}
	if len(res.Unreplayable) > 0 {
		var at []string
		for _, e := range res.Unreplayable {
			at = append(at, e.Position.String())
		}
		return fmt.Errorf("dlq replay: %d dead letter(s) name no source topic and partition and were not replayed: %s",
			len(at), strings.Join(at, ", "))
	}
	return nil
}

func table(w io.Writer, entries []Entry) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "AT\tTIME\tREASON\tHANDLER\tSOURCE\tKEY\tTYPE\tREPLAYED\tERROR")
	for _, e := range entries {
		replayed := "-"
		if e.Replayed != nil {
			replayed = e.Replayed.UTC().Format(time.RFC3339)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s/%d@%d\t%s\t%s\t%s\t%s\n", e.Position, e.Time.UTC().Format(time.RFC3339),
			e.Reason, e.Handler, e.SourceTopic, e.SourcePartition, e.SourceOffset, clip(e.Key, 40), or(e.Type, "-"),
			replayed, clip(oneLine(e.Error), 100))
	}
	tw.Flush()
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func nonNil(e []Entry) []Entry {
	if e == nil {
		return []Entry{}
	}
	return e
}

func clip(s string, n int) string {
	if len(s) > n {
		return s[:n-3] + "..."
	}
	return s
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
