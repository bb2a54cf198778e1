package clickhouse

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"slices"
	"testing"

	ch "github.com/ClickHouse/clickhouse-go/v2"

	"github.com/mie-kafka/mie/processors/projector"
	"github.com/mie-kafka/mie/projections"
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
		if got := projector.IsTransient(classify(tt.err)); got != tt.transient {
			t.Errorf("%s: transient %v, want %v", tt.name, got, tt.transient)
		}
	}
	if classify(nil) != nil {
		t.Error("classify(nil) is not nil")
	}
}

func TestVisiblePages(t *testing.T) {
	keys := []pageKey{
		{"Transcribe", 0, 10}, {"Transcribe", 1, 11}, // an old result...
		{"Transcribe", 0, 20},               // ...replaced by a single-page one
		{"Faces", 0, 12}, {"Faces", -1, 13}, // deleted
		{"Labels", 0, 14}, {"Labels", -1, 15}, {"Labels", 0, 16}, {"Labels", 1, 17}, // deleted, then stored again
		{"Old", 0, 3}, // older than the asset's (re-)creation at 5
	}
	var got []string
	for _, k := range visible(keys, 5) {
		got = append(got, projections.MetadataKey(k.operator, int(k.page)))
	}
	if want := []string{"Labels/0", "Labels/1", "Transcribe/0"}; !slices.Equal(got, want) {
		t.Errorf("visible = %v, want %v", got, want)
	}
	if ops := operatorsOf(visible(keys, 5)); !slices.Equal(ops, []string{"Labels", "Transcribe"}) {
		t.Errorf("operators = %v", ops)
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
