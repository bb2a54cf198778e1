package clickhouse

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// TransientError is a ClickHouse failure that may go away: a dropped
// connection, a server restarting or overloaded, too many parts. Its
// Transient method is how callers that do not import this package (the
// projector) recognize it.
type TransientError struct{ Err error }

func (e *TransientError) Error() string { return "transient: " + e.Err.Error() }
func (e *TransientError) Unwrap() error { return e.Err }

// Transient reports that the failure is worth retrying.
func (e *TransientError) Transient() bool { return true }

// Transient wraps err as a TransientError (nil stays nil).
func Transient(err error) error {
	if err == nil {
		return nil
	}
	return &TransientError{Err: err}
}

// IsTransient reports whether err is worth retrying.
func IsTransient(err error) bool {
	var t interface{ Transient() bool }
	return errors.As(err, &t) && t.Transient()
}

// LiveGeneration is the live generation of a projection: 1 until a rebuild
// swaps another in (projection_versions).
func LiveGeneration(ctx context.Context, conn Conn, projection string) (uint32, error) {
	var gen uint32
	err := conn.QueryRow(ctx, "SELECT generation FROM projection_versions FINAL WHERE name = ?", projection).Scan(&gen)
	if err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return 1, nil
		}
		return 0, Classify(fmt.Errorf("read projection_versions: %w", err))
	}
	return max(gen, 1), nil
}
