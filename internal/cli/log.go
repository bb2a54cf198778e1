package cli

import (
	"io"
	"log/slog"
)

// Log is the log settings every mie command has: --log-level and
// --log-format.
type Log struct {
	Level  slog.Level
	Format string // text or json
}

// Log binds --log-level (MIE_LOG_LEVEL, default info) and --log-format
// (MIE_LOG_FORMAT, default text) to l.
func (s *Set) Log(l *Log) {
	s.Level(&l.Level, "log-level", "MIE_LOG_LEVEL", slog.LevelInfo, "debug, info, warn or error (logs go to stderr)")
	s.Enum(&l.Format, "log-format", "MIE_LOG_FORMAT", "text", []string{"text", "json"}, "text or json")
}

// Logger builds a logger writing to w at l.Level, as JSON when l.Format is
// json and as text otherwise.
func (l Log) Logger(w io.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{Level: l.Level}
	if l.Format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}
