// Package clickhouse is what the ClickHouse projections' writer (the
// projector's sink, processors/projector/chsink) and reader
// (projections/clickhouse) share: the connection, the classification of
// errors worth retrying, the schema migrations and the live generation of
// each projection. The SQL schema is in schemas/clickhouse, explained in
// docs/clickhouse.md.
package clickhouse

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"syscall"
	"time"

	"github.com/mie-kafka/mie/internal/problem"

	ch "github.com/ClickHouse/clickhouse-go/v2"
	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
)

// Conn is a connection pool to ClickHouse.
type Conn = driver.Conn

// Open connects to the server named by dsn, a clickhouse-go DSN:
// clickhouse://user:password@host:9000/database?dial_timeout=5s for the
// native protocol, or http://host:8123/database for HTTP. It pings the
// server before returning.
func Open(ctx context.Context, dsn string) (Conn, error) {
	opts, err := ch.ParseDSN(dsn)
	if err != nil {
		return nil, fmt.Errorf("--clickhouse: %w", err)
	}
	if opts.DialTimeout == 0 {
		opts.DialTimeout = 5 * time.Second
	}
	if opts.Settings == nil {
		opts.Settings = ch.Settings{}
	}
	conn, err := ch.Open(opts)
	if err != nil {
		return nil, fmt.Errorf("clickhouse %s: %w", redact(dsn), err)
	}
	pctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	if err := conn.Ping(pctx); err != nil {
		conn.Close()
		return nil, fmt.Errorf("clickhouse %s does not answer: %w", redact(dsn), err)
	}
	return conn, nil
}

// redact hides a DSN's password.
func redact(dsn string) string {
	at := strings.LastIndexByte(dsn, '@')
	scheme := strings.Index(dsn, "://")
	if at < 0 || scheme < 0 || at < scheme {
		return dsn
	}
	userinfo := dsn[scheme+3 : at]
	if i := strings.IndexByte(userinfo, ':'); i >= 0 {
		userinfo = userinfo[:i] + ":***"
	}
	return dsn[:scheme+3] + userinfo + dsn[at:]
}

// Server error codes that are worth a retry: the server is overloaded,
// restarting, read-only for a while, or the network failed.
var transientCodes = map[int32]string{
	159: "TIMEOUT_EXCEEDED",
	164: "READONLY",
	202: "TOO_MANY_SIMULTANEOUS_QUERIES",
	209: "SOCKET_TIMEOUT",
	210: "NETWORK_ERROR",
	241: "MEMORY_LIMIT_EXCEEDED",
	242: "TABLE_IS_READ_ONLY",
	252: "TOO_MANY_PARTS",
	285: "TOO_FEW_LIVE_REPLICAS",
	319: "UNKNOWN_STATUS_OF_INSERT",
	999: "KEEPER_EXCEPTION",
}

// Classify wraps err as a problem.TransientError when a retry may
// succeed; any other error is permanent (a bad query, a missing table, a
// type mismatch) and stops the projector.
func Classify(err error) error {
	if err == nil || problem.IsTransient(err) {
		return err
	}
	var ex *ch.Exception
	if errors.As(err, &ex) {
		if _, ok := transientCodes[ex.Code]; ok {
			return problem.Transient(err)
		}
		return err
	}
	var ne net.Error
	switch {
	case errors.As(err, &ne),
		errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF),
		errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE),
		errors.Is(err, ch.ErrAcquireConnTimeout),
		errors.Is(err, context.DeadlineExceeded):
		return problem.Transient(err)
	}
	return err
}
