// Command mie is the Media Insights Engine on Kafka: one binary whose
// subcommands run the whole engine in one process (serve) or its roles
// against a Kafka cluster (api, executor, worker), plus tools.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	os.Exit(run(os.Args[1:]))
}

func run(args []string) int {
	if len(args) == 0 || isHelp(args[0]) {
		fmt.Fprint(os.Stdout, usage())
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	c, ok := lookup(args[0])
	if !ok {
		fmt.Fprintf(os.Stderr, "mie: unknown command %q\n\n%s", args[0], usage())
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	return c.run(ctx, args[1:])
}

func isHelp(arg string) bool {
	return arg == "-h" || arg == "--help" || arg == "-help" || arg == "help"
}
