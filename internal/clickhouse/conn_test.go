package clickhouse

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"testing"

	"github.com/mie-kafka/mie/internal/problem"

	ch "github.com/ClickHouse/clickhouse-go/v2"
)

func TestClassify(t *testing.T) {
	for _, tt := range []struct {
		name      string
		err       error
		transient bool
	}{
		{"too many parts", &ch.Exception{Code: 252, Name: "DB::Exception", Message: "Too many parts"}, true},
		{"memory limit", fmt.Errorf("insert: %w", &ch.Exception{Code: 241}), true},
		{"timeout", &ch.Exception{Code: 159}, true},
		{"syntax error", &ch.Exception{Code: 62, Message: "Syntax error"}, false},
		{"unknown table", &ch.Exception{Code: 60}, false},
		{"type mismatch", &ch.Exception{Code: 53}, false},
		{"connection refused", &net.OpError{Op: "dial", Err: errors.New("connection refused")}, true},
		{"eof", fmt.Errorf("read: %w", io.EOF), true},
		{"pool exhausted", ch.ErrAcquireConnTimeout, true},
		{"deadline", context.DeadlineExceeded, true},
		{"cancelled", context.Canceled, false},
		{"plain", errors.New("column 3: converting string to UInt64"), false},
	} {
		if got := problem.IsTransient(Classify(tt.err)); got != tt.transient {
			t.Errorf("%s: transient %v, want %v", tt.name, got, tt.transient)
		}
	}
	if Classify(nil) != nil {
		t.Error("Classify(nil) is not nil")
	}
}

func TestRedact(t *testing.T) {
	for in, want := range map[string]string{
		"clickhouse://default:secret@ch:9000/mie": "clickhouse://default:***@ch:9000/mie",
		"clickhouse://ch:9000/mie":                "clickhouse://ch:9000/mie",
		"http://u@ch:8123/db":                     "http://u@ch:8123/db",
	} {
		if got := redact(in); got != want {
			t.Errorf("redact(%s) = %s, want %s", in, got, want)
		}
	}
}
