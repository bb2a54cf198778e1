package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/mie-kafka/mie/cmd/mie/app"
	"github.com/mie-kafka/mie/internal/cli"
	"github.com/mie-kafka/mie/internal/consume"
	"github.com/mie-kafka/mie/internal/dlq"
)

// A command is one of mie's subcommands: how `mie --help` describes it,
// its flags, its own --help and how it runs.
type command struct {
	name string
	// summary is what `mie --help` says of it; it may span lines.
	summary string
	// flags are its flag sets (dlq has two), listed by `mie --help`.
	flags []*cli.Set
	// help is `mie <name> --help`.
	help func() string
	// run runs it with the arguments after its name and returns the exit
	// code: 0, 1 for a failure, 2 for a usage error.
	run func(ctx context.Context, args []string) int
}

// commands are mie's subcommands, in the order `mie --help` lists them.
var commands = []command{
	role("serve", "everything in one process: embedded Kafka broker (persisted under\n"+
		"--data-dir), executor, admission, relay, built-in workers, API and\nmemory projection",
		app.Roles{API: true, Executor: true, Worker: true, Projector: true}),
	role("api", "the REST API and the memory projection, against --kafka", app.Roles{API: true}),
	role("executor", "the stage processor, the admission processor and the delay relay", app.Roles{Executor: true}),
	role("worker", "workers for the built-in operators named by --operators", app.Roles{Worker: true}),
	role("projector", "fold the executions, dataplane and segments topics into\n"+
		"ClickHouse (--clickhouse); serve does it too when --clickhouse is set", app.Roles{Projector: true}),
	{
		name: "projections", summary: "status | rebuild NAME: the ClickHouse projections' lag and\n" +
			"generation, and a rebuild by replay (see mie projections --help)",
		flags: []*cli.Set{app.FlagSet("projections")}, help: projectionsHelp, run: projectionsCmd,
	},
	{
		name: "bench", summary: "the load generator (see mie bench --help)",
		flags: []*cli.Set{benchFlags()}, help: benchHelp, run: benchCmd,
	},
	{
		name: "consume", summary: "follow the data plane change stream: print JSON lines or POST each\n" +
			"change to a webhook (see mie consume --help)",
		flags: []*cli.Set{consume.FlagSet()}, help: consume.Usage, run: consumeCmd,
	},
	{
		name: "dlq", summary: "list | replay: the dead letters with their reasons, and re-driving\n" +
			"them to their source topics (see mie dlq --help)",
		flags: []*cli.Set{dlq.FlagSet("list"), dlq.FlagSet("replay")}, help: func() string { return dlq.Help("") }, run: dlqCmd,
	},
	{
		name: "version", summary: "print the version",
		help: versionHelp, run: versionCmd,
	},
}

func lookup(name string) (command, bool) {
	for _, c := range commands {
		if c.name == name {
			return c, true
		}
	}
	return command{}, false
}

// parseFailed is the exit of a command whose arguments did not parse: its
// help on stdout for -h (0), else the error on stderr after "mie name: "
// (2).
func parseFailed(name string, help func() string, err error) int {
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprint(os.Stdout, help())
		return 0
	}
	fmt.Fprintf(os.Stderr, "%s: %v\n", strings.TrimSpace("mie "+name), err)
	return 2
}

// role is the command that runs roles of the engine.
func role(name, summary string, r app.Roles) command {
	help := func() string {
		return fmt.Sprintf("Usage: mie %s [flags]\n\n%s.\n\nFlags:\n%s", name, summary, app.FlagSet(name).Usage())
	}
	run := func(ctx context.Context, args []string) int {
		cfg, err := app.Parse(name, args, os.LookupEnv)
		if err != nil {
			return parseFailed(name, help, err)
		}
		return runRoles(ctx, name, cfg, r)
	}
	return command{name: name, summary: summary, flags: []*cli.Set{app.FlagSet(name)}, help: help, run: run}
}

func runRoles(ctx context.Context, name string, cfg app.Config, r app.Roles) int {
	log := cfg.Logger()
	a, err := app.Start(ctx, cfg, r, log)
	if err != nil {
		log.Error("start failed", "err", err)
		return 1
	}
	if a.URL() != "" {
		fmt.Fprintf(os.Stdout, "mie %s: API listening on %s (Kafka %v)\n", name, a.URL(), a.Brokers())
	}
	err = a.Wait(ctx)
	log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	a.Shutdown(sctx)
	if err != nil {
		log.Error("stopped on error", "err", err)
		return 1
	}
	return 0
}

func benchFlags() *cli.Set {
	s, _ := app.BenchFlagSet(nil)
	return s
}

func benchHelp() string {
	return "Usage: mie bench [flags]\n\n" +
		"starts executions of a 3-stage workflow with 2 Passthrough operators per stage,\n" +
		"against an embedded broker in a fresh temporary directory or against --kafka\n" +
		"(in topics of their own, deleted afterwards unless --keep-topics),\n" +
		"closed-loop at --concurrency or open-loop at --rate, and reports completed\n" +
		"executions/s, events/s, start-to-complete latency, memory and CPU.\n\nFlags:\n" + benchFlags().Usage()
}

func benchCmd(ctx context.Context, args []string) int {
	bc, err := app.ParseBench(args, os.LookupEnv)
	if err != nil {
		return parseFailed("bench", benchHelp, err)
	}
	if err := app.Bench(ctx, bc); err != nil {
		fmt.Fprintln(os.Stderr, "mie:", err)
		return 1
	}
	return 0
}

func versionHelp() string { return "Usage: mie version\n\nprints the version.\n" }

func versionCmd(_ context.Context, args []string) int {
	if err := cli.New("mie version", nil).Parse(args); err != nil {
		return parseFailed("version", versionHelp, err)
	}
	fmt.Println(app.Version())
	return 0
}

// usage is `mie --help`: every command, and every command's flags.
func usage() string {
	var b strings.Builder
	b.WriteString(`mie: the Media Insights Engine as an event-sourced Kafka stream processor.

Usage: mie <command> [flags]
       mie <command> --help

Commands:
`)
	for _, c := range commands {
		fmt.Fprintf(&b, "  %-10s %s\n", c.name, strings.ReplaceAll(c.summary, "\n", "\n"+strings.Repeat(" ", 13)))
	}
	b.WriteString(`
A flag with an environment variable (the second column) can also be set from
it; the flag wins, and a variable set blank counts as unset.
`)
	for _, c := range commands {
		for _, s := range c.flags {
			fmt.Fprintf(&b, "\nFlags of %s:\n%s", strings.TrimPrefix(s.Name(), "mie "), s.Usage())
		}
	}
	return b.String()
}
