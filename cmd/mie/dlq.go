package main

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/mie-kafka/mie/internal/dlq"
)

// dlqCmd runs `mie dlq list|replay`: see internal/dlq and docs/retries.md.
func dlqCmd(ctx context.Context, args []string) int {
	cmd, err := dlq.Parse(args, os.LookupEnv)
	if errors.Is(err, dlq.ErrNoCommand) {
		fmt.Fprintf(os.Stderr, "mie: %v\n\n%s", err, dlq.Help(""))
		return 2
	}
	if err != nil {
		// dlq's errors name the subcommand ("dlq list: ...").
		return parseFailed("", func() string { return dlq.Help(cmd.Name) }, err)
	}
	if err := cmd.Run(ctx, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "mie:", err)
		return 1
	}
	return 0
}
