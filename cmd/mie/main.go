// Command mie is the Media Insights Engine on Kafka: one binary whose
// subcommands run the whole engine in one process (serve) or its roles
// against a Kafka cluster (api, executor, worker), plus tools.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/mie-kafka/mie/cmd/mie/app"
)

var roles = map[string]app.Roles{
	"serve":     {API: true, Executor: true, Worker: true, Projector: true},
	"api":       {API: true},
	"executor":  {Executor: true},
	"worker":    {Worker: true},
	"projector": {Projector: true},
}

func main() {
	os.Exit(run(os.Args[1:]))
}

func run(args []string) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(os.Stdout, app.Usage())
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "version":
		fmt.Println(app.Version())
		return 0
	case "bench":
		return exit(app.Bench(ctx, rest))
	case "consume":
		return consumeCmd(ctx, rest)
	case "projections":
		return projectionsCmd(ctx, rest)
	case "dlq":
		return dlqCmd(ctx, rest)
	}
	r, ok := roles[cmd]
	if !ok {
		fmt.Fprintf(os.Stderr, "mie: unknown command %q\n\n%s", cmd, app.Usage())
		return 2
	}
	cfg, _, err := app.Parse(cmd, rest, nil)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "mie %s: %v\n", cmd, err)
		return 2
	}
	log := cfg.Logger()
	a, err := app.Start(ctx, cfg, r, log)
	if err != nil {
		log.Error("start failed", "err", err)
		return 1
	}
	if a.URL() != "" {
		fmt.Fprintf(os.Stdout, "mie %s: API listening on %s (Kafka %v)\n", cmd, a.URL(), a.Brokers())
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

func exit(err error) int {
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "mie:", err)
		return 1
	}
	return 0
}
