package app

import (
	"fmt"
	"strings"
)

// Version of the binary.
func Version() string { return "mie 3.0.0-kafka (workflow API 3.0.0)" }

// Usage documents every command and setting; `mie --help` prints it.
func Usage() string {
	var b strings.Builder
	b.WriteString(`mie: the Media Insights Engine as an event-sourced Kafka stream processor.

Usage: mie <command> [flags]

Commands:
  serve      everything in one process: embedded Kafka broker (persisted under
             --data-dir), executor, admission, relay, built-in workers, API and
             memory projection
  api        the REST API and the memory projection, against --kafka
  executor   the stage processor, the admission processor and the delay relay
  worker     workers for the built-in operators named by --operators
  projector  fold the executions, dataplane and segments topics into
             ClickHouse (--clickhouse); serve does it too when --clickhouse is set
  projections  status | rebuild NAME: the ClickHouse projections' lag and
             generation, and a rebuild by replay (see mie projections --help)
  bench      the load generator (see mie bench --help)
  consume    follow the data plane change stream: print JSON lines or POST each
             change to a webhook (see mie consume --help)
  dlq        list | replay: the dead letters with their reasons, and re-driving
             them to their source topics (see mie dlq --help)
  version    print the version

Every flag can also be set from its environment variable; the flag wins.
`)
	for _, role := range []string{"serve", "api", "executor", "worker", "projector"} {
		fmt.Fprintf(&b, "\nFlags of %s:\n", role)
		for _, f := range Flags(role) {
			def := f.Default
			if def == "" {
				def = `""`
			}
			fmt.Fprintf(&b, "  --%-22s %-26s %s (default %s)\n", f.Name, f.Env, f.Usage, def)
		}
	}
	return b.String()
}
