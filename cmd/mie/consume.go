package main

import (
	"context"
	"os"

	"github.com/mie-kafka/mie/internal/consume"
)

// consumeCmd is `mie consume`: it follows the change stream until SIGINT
// or SIGTERM (exit 0), a usage error (exit 2) or a failure (exit 1).
func consumeCmd(ctx context.Context, args []string) int {
	cfg, err := consume.ParseArgs(args, os.LookupEnv, os.Stderr)
	if err != nil {
		return parseFailed("consume", consume.Usage, err)
	}
	cfg.Out = os.Stdout
	if err := consume.Run(ctx, cfg); err != nil {
		cfg.Logger.Error("mie consume stopped", "err", err)
		return 1
	}
	return 0
}
