package projector

import (
	"context"
	"errors"
	"time"

	chconn "github.com/mie-kafka/mie/internal/clickhouse"
	"github.com/mie-kafka/mie/internal/problem"
)

// Sink is where rows go: ClickHouse in production (processors/projector/chsink).
type Sink interface {
	StateSource
	// Write inserts rows durably; when it returns nil they survive a crash.
	// Writing the same rows again must change nothing a reader sees (the
	// tables replace rows by key and version). A failure worth retrying
	// with the same rows wraps a *problem.TransientError.
	Write(ctx context.Context, rows *chconn.Rows) error
}

// Generations tells a running projector which generation of its projection
// is live, so that it follows a rebuild's swap.
type Generations interface {
	Generation(ctx context.Context, projection string) (uint32, error)
}

// A sink failure worth retrying with the same rows wraps a
// problem.TransientError (a dropped connection, a server restarting or
// overloaded, too many parts): the projector backs off and retries;
// anything else stops it.

// Backoff is a capped exponential back-off.
type Backoff struct {
	Min, Max time.Duration
}

// Delay returns the wait before retry n (0-based).
func (b Backoff) Delay(n int) time.Duration {
	d := b.Min
	for i := 0; i < n && d < b.Max; i++ {
		d *= 2
	}
	return min(d, b.Max)
}

// retry calls fn until it succeeds, fails for good, or ctx ends, backing
// off between transient failures; onRetry sees each transient failure.
func retry(ctx context.Context, b Backoff, fn func() error, onRetry func(n int, err error)) error {
	for n := 0; ; n++ {
		err := fn()
		if err == nil || !problem.IsTransient(err) {
			return err
		}
		if onRetry != nil {
			onRetry(n, err)
		}
		t := time.NewTimer(b.Delay(n))
		select {
		case <-ctx.Done():
			t.Stop()
			return errors.Join(err, ctx.Err())
		case <-t.C:
		}
	}
}
