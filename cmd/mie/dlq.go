package main

import (
	"context"
	"os"

	"github.com/mie-kafka/mie/internal/dlq"
)

// dlqCmd runs `mie dlq list|replay`: see internal/dlq and docs/retries.md.
func dlqCmd(ctx context.Context, args []string) int {
	return exit(dlq.Run(ctx, args, os.Getenv, os.Stdout))
}
