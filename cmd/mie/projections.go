package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	chconn "github.com/mie-kafka/mie/internal/clickhouse"
	"github.com/mie-kafka/mie/processors/projector/chsink"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/mie-kafka/mie/cmd/mie/app"
	"github.com/mie-kafka/mie/internal/broker"
	"github.com/mie-kafka/mie/internal/cli"
	"github.com/mie-kafka/mie/internal/topics"
	"github.com/mie-kafka/mie/processors/projector"
	chsql "github.com/mie-kafka/mie/schemas/clickhouse"
)

const projectionsUsage = `Usage:
  mie projections status  --kafka HOST:PORT --clickhouse DSN [flags]
  mie projections rebuild NAME --kafka HOST:PORT --clickhouse DSN [flags]

status   prints each ClickHouse projection's live generation, consumer group,
         position and lag per partition, and any rebuild in progress.
rebuild  replays the projection's topic from the start into fresh tables while
         the live ones keep serving, then swaps them in (EXCHANGE TABLES) and
         records the new generation; running projectors follow it. It prints
         progress (events/s, position per partition, ETA) and is safe to
         interrupt: run it again to resume. NAME is one of: %s.

The memory projections (no --clickhouse) need neither: every API start
rebuilds them by replaying the topics, and GET /projections shows them.

Flags:
`

// projectionsHelp is `mie projections --help`.
func projectionsHelp() string {
	var names []string
	for _, d := range projector.Definitions() {
		names = append(names, d.Name)
	}
	return fmt.Sprintf(projectionsUsage, strings.Join(names, ", ")) + app.FlagSet("projections").Usage()
}

// parseProjections reads `mie projections status|rebuild NAME [flags]`.
func parseProjections(args []string) (sub, name string, cfg app.Config, err error) {
	if len(args) == 0 || isHelp(args[0]) {
		if len(args) == 0 {
			err = errors.New("want status or rebuild")
		} else {
			err = flag.ErrHelp
		}
		return "", "", cfg, err
	}
	sub = args[0]
	if sub != "status" && sub != "rebuild" {
		return "", "", cfg, fmt.Errorf("unknown subcommand %q: want status or rebuild", sub)
	}
	s := cli.New("mie projections "+sub, os.LookupEnv)
	app.Bind(s, "projections", &cfg)
	if sub == "rebuild" {
		s.Arg(&name, "NAME")
	}
	s.Check(func() error {
		var errs []error
		if sub == "rebuild" && name == "" {
			errs = append(errs, errors.New("rebuild needs the projection's NAME"))
		}
		if len(cfg.Kafka) == 0 {
			errs = append(errs, errors.New("--kafka is required (under serve, the embedded broker listens on --embedded-kafka-port)"))
		}
		if cfg.ClickHouse == "" {
			errs = append(errs, errors.New("--clickhouse is required: only ClickHouse projections have a status to show or tables to rebuild; "+
				"the memory projections rebuild by replay on every start (see GET /projections)"))
		}
		return errors.Join(errs...)
	})
	return sub, name, cfg, s.Parse(args[1:])
}

// projectionsCmd is `mie projections status|rebuild`.
func projectionsCmd(ctx context.Context, args []string) int {
	sub, name, cfg, err := parseProjections(args)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprint(os.Stdout, projectionsHelp())
		return 0
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "mie projections: %v\n\n%s", err, projectionsHelp())
		return 2
	}
	log := cfg.Logger()
	kafka := broker.Config{Brokers: cfg.Kafka, ClientID: "mie-projections-" + cfg.Instance, Logger: log}
	cat := topics.New(cfg.TopicPrefix, int32(cfg.Partitions))
	conn, err := chconn.Open(ctx, cfg.ClickHouse)
	if err != nil {
		fmt.Fprintln(os.Stderr, "mie projections:", err)
		return 1
	}
	defer conn.Close()
	ms, err := chsql.Migrations()
	if err == nil {
		_, err = chconn.Migrate(ctx, conn, ms, log)
	}
	if err == nil {
		if sub == "status" {
			err = projectionsStatus(ctx, os.Stdout, conn, kafka, cat)
		} else {
			err = projectionsRebuild(ctx, os.Stdout, conn, kafka, cat, name, cfg)
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "mie projections:", err)
		return 1
	}
	return 0
}

func projectionsStatus(ctx context.Context, out io.Writer, conn chconn.Conn, kafka broker.Config, cat topics.Catalog) error {
	cl, err := kgo.NewClient(kafka.Opts()...)
	if err != nil {
		return err
	}
	defer cl.Close()
	adm := kadm.NewClient(cl)
	sink := chsink.NewSink(conn)
	w := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "PROJECTION\tGENERATION\tGROUP\tLAG\tPOSITION/END PER PARTITION")
	for _, d := range projector.Definitions() {
		gen, err := sink.Generation(ctx, d.Name)
		if err != nil {
			return err
		}
		st, err := projector.GroupStatus(ctx, adm, d, cat, gen)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "%s\t%d\t%s\t%d\t%s\n", d.Name, gen, st.Group, st.Lag, positions(st))
		// A rebuild in progress has committed with the next generation's group.
		next, err := projector.GroupStatus(ctx, adm, d, cat, gen+1)
		if err == nil && committedAny(next) {
			fmt.Fprintf(w, "  rebuild\t%d\t%s\t%d\t%s\n", gen+1, next.Group, next.Lag, positions(next))
		}
	}
	return w.Flush()
}

func committedAny(p projector.Progress) bool {
	for _, pp := range p.Partitions {
		if pp.Position > 0 {
			return true
		}
	}
	return false
}

func positions(p projector.Progress) string {
	var b strings.Builder
	for i, pp := range p.Partitions {
		if i > 0 {
			b.WriteByte(' ')
		}
		fmt.Fprintf(&b, "%d:%d/%d", pp.Partition, pp.Position, pp.End)
	}
	return b.String()
}

func projectionsRebuild(ctx context.Context, out io.Writer, conn chconn.Conn, kafka broker.Config, cat topics.Catalog,
	name string, cfg app.Config) error {
	d, err := projector.Lookup(name)
	if err != nil {
		return err
	}
	var last time.Time
	rc := chsink.RebuildConfig{
		Conn: conn, Kafka: kafka, Catalog: cat, Definition: d, Logger: cfg.Logger(),
		FlushRows: cfg.ProjectorFlushRows, FlushInterval: cfg.ProjectorFlushInterval,
		Progress: func(p projector.Progress) {
			if time.Since(last) >= time.Second || p.Lag == 0 {
				last = time.Now()
				fmt.Fprintln(out, p.String())
			}
		},
	}
	if err := chsink.Rebuild(ctx, rc); err != nil {
		if errors.Is(err, chsink.ErrInterrupted) {
			fmt.Fprintln(out, "interrupted; run the same command again to resume from the last batch")
		}
		return err
	}
	gen, err := chsink.NewSink(conn).Generation(ctx, d.Name)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "%s rebuilt: generation %d is live (group %s)\n", d.Name, gen, projector.Group(cat, d.Name, gen))
	return nil
}
