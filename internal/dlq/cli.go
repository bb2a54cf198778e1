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

Flags (each also read from its environment variable; the flag wins):
`

// Run runs `mie dlq <args>`, writing to stdout. getenv reads the
// environment (os.Getenv).
func Run(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(stdout, Usage)
		printFlags(stdout, newFlags("list", getenv), newFlags("replay", getenv))
		if len(args) == 0 {
			return errors.New("dlq: want list or replay")
		}
		return nil
	}
	cmd, rest := args[0], args[1:]
	if cmd != "list" && cmd != "replay" {
		return fmt.Errorf("dlq: unknown command %q: want list or replay", cmd)
	}
	f := newFlags(cmd, getenv)
	if err := f.fs.Parse(rest); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return fmt.Errorf("dlq %s: %w", cmd, err)
	}
	if f.fs.NArg() > 0 {
		return fmt.Errorf("dlq %s: unexpected arguments %q", cmd, f.fs.Args())
	}
	filter, err := f.filter()
	if err != nil {
		return fmt.Errorf("dlq %s: %w", cmd, err)
	}
	kafka := broker.Config{Brokers: split(f.kafka), ClientID: "mie-dlq"}
	if err := kafka.Validate(); err != nil {
		return fmt.Errorf("dlq %s: %w (for mie serve, start it with --embedded-kafka-port and point --kafka at 127.0.0.1:<port>)", cmd, err)
	}
	cat := topics.New(f.prefix, 0)
	if cmd == "list" {
		return f.list(ctx, stdout, kafka, cat, filter)
	}
	return f.replay(ctx, stdout, kafka, cat, filter)
}

type flags struct {
	fs                          *flag.FlagSet
	kafka, prefix               string
	reason, sourceTopic, offset string
	limit                       int
	asJSON, all, dryRun         bool
}

func newFlags(cmd string, getenv func(string) string) *flags {
	f := &flags{fs: flag.NewFlagSet("mie dlq "+cmd, flag.ContinueOnError)}
	f.fs.SetOutput(io.Discard)
	f.fs.StringVar(&f.kafka, "kafka", getenv("MIE_KAFKA_BROKERS"), "Kafka seed brokers, host:port,... (MIE_KAFKA_BROKERS)")
	f.fs.StringVar(&f.prefix, "topic-prefix", getenv("MIE_TOPIC_PREFIX"), "prefix of every topic name (MIE_TOPIC_PREFIX)")
	f.fs.StringVar(&f.reason, "reason", "", "only dead letters with this reason (undecodable, unknown-execution, schema-invalid, handler-failed, ...)")
	f.fs.StringVar(&f.sourceTopic, "source-topic", "", "only dead letters from this topic (with its prefix)")
	f.fs.BoolVar(&f.asJSON, "json", false, "print JSON instead of a table")
	switch cmd {
	case "list":
		f.fs.IntVar(&f.limit, "limit", 100, "show at most this many, the newest; 0 shows all")
	case "replay":
		f.fs.StringVar(&f.offset, "offset", "", "only the dead letters at these dlq positions, partition:offset,...")
		f.fs.BoolVar(&f.all, "all", false, "replay every dead letter not replayed yet (or all that the other flags choose)")
		f.fs.BoolVar(&f.dryRun, "dry-run", false, "show what would be replayed; write nothing")
	}
	return f
}

func printFlags(w io.Writer, sets ...*flags) {
	seen := map[string]bool{}
	for _, f := range sets {
		f.fs.VisitAll(func(fl *flag.Flag) {
			if seen[fl.Name] {
				return
			}
			seen[fl.Name] = true
			fmt.Fprintf(w, "  --%-14s %s\n", fl.Name, fl.Usage)
		})
	}
}

func (f *flags) filter() (Filter, error) {
	flt := Filter{Reason: f.reason, SourceTopic: f.sourceTopic}
	for _, s := range split(f.offset) {
		p, err := ParsePosition(s)
		if err != nil {
			return Filter{}, err
		}
		flt.Positions = append(flt.Positions, p)
	}
	if f.limit < 0 {
		return Filter{}, fmt.Errorf("--limit %d is negative", f.limit)
	}
	if f.fs.Name() == "mie dlq replay" && !f.all && flt.Reason == "" && flt.SourceTopic == "" && len(flt.Positions) == 0 {
		return Filter{}, errors.New("choose what to replay: --all, --reason, --source-topic or --offset")
	}
	return flt, nil
}

func (f *flags) list(ctx context.Context, w io.Writer, kafka broker.Config, cat topics.Catalog, flt Filter) error {
	entries, err := List(ctx, kafka, cat, flt)
	if err != nil {
		return err
	}
	if f.limit > 0 && len(entries) > f.limit {
		entries = entries[len(entries)-f.limit:]
	}
	if f.asJSON {
		return writeJSON(w, nonNil(entries))
	}
	if len(entries) == 0 {
		fmt.Fprintf(w, "no dead letters in %s\n", cat.DLQ())
		return nil
	}
	table(w, entries)
	return nil
}

func (f *flags) replay(ctx context.Context, w io.Writer, kafka broker.Config, cat topics.Catalog, flt Filter) error {
	res, err := Replay(ctx, ReplayConfig{Kafka: kafka, Catalog: cat, Filter: flt, DryRun: f.dryRun})
	if err != nil {
		return err
	}
	if f.asJSON {
		if err := writeJSON(w, map[string]any{"DryRun": f.dryRun, "Replayed": nonNil(res.Replayed),
			"Skipped": nonNil(res.Skipped), "Unreplayable": nonNil(res.Unreplayable)}); err != nil {
			return err
		}
	} else {
		verb := "replayed"
		if f.dryRun {
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

func split(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
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
