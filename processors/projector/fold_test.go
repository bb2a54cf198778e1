package projector_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	chconn "github.com/mie-kafka/mie/internal/clickhouse"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/deadletter"
	"github.com/mie-kafka/mie/processors/projector"
	"github.com/mie-kafka/mie/projections/projectiontest"
)

var update = flag.Bool("update", false, "rewrite the golden row files in testdata/ (and write missing event streams)")

// streamLine is one record of a golden event stream file.
type streamLine struct {
	Partition int32           `json:"partition"`
	Offset    int64           `json:"offset"`
	Value     json.RawMessage `json:"value"`
}

// goldenStream returns the records of testdata/<name>.events.jsonl,
// writing the file from the projectiontest stream when it is missing: the
// file, not the generator, is the golden input.
func goldenStream(t *testing.T, s projectiontest.Stream) []*kgo.Record {
	t.Helper()
	path := filepath.Join("testdata", s.Name+".events.jsonl")
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		var b bytes.Buffer
		for i, e := range s.Events {
			env := e.Envelope(s.Name, i)
			v, err := json.Marshal(&env)
			if err != nil {
				t.Fatal(err)
			}
			line, _ := json.Marshal(streamLine{Partition: 0, Offset: int64(i), Value: v})
			b.Write(line)
			b.WriteByte('\n')
		}
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %s", path)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var recs []*kgo.Record
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		var l streamLine
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		var env events.Envelope
		if err := json.Unmarshal(l.Value, &env); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		recs = append(recs, &kgo.Record{Topic: s.Name, Key: []byte(env.Key), Value: l.Value, Partition: l.Partition, Offset: l.Offset})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return recs
}

func decodeAll(t *testing.T, raws []*kgo.Record) []projector.Record {
	t.Helper()
	var out []projector.Record
	for _, r := range raws {
		rec, bad := projector.Decode(r)
		if bad != nil {
			t.Fatalf("golden record %d@%d: %v", r.Partition, r.Offset, bad.Err)
		}
		out = append(out, rec)
	}
	return out
}

// checkGolden compares got (as indented JSON) with testdata/<name>, or
// rewrites it under -update.
func checkGolden(t *testing.T, name string, got any) {
	t.Helper()
	b, err := json.MarshalIndent(got, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	b = append(b, '\n')
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(b, want) {
		t.Errorf("%s differs from the golden file (go test -update rewrites it after review); got:\n%s", path, b)
	}
}

func definition(t *testing.T, name string) projector.Definition {
	t.Helper()
	d, err := projector.Lookup(name)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// TestFoldGolden folds each golden event stream from the start and checks
// every row against testdata/<stream>.rows.json.
func TestFoldGolden(t *testing.T) {
	for _, s := range streams() {
		t.Run(s.Name, func(t *testing.T) {
			recs := decodeAll(t, goldenStream(t, s))
			rows, bad := projector.FoldAll(definition(t, s.Name), recs, 1)
			if len(bad) > 0 {
				t.Fatalf("golden stream has bad records: %v", bad[0].Err)
			}
			if rows.Len() == 0 {
				t.Fatal("no rows")
			}
			checkGolden(t, s.Name+".rows.json", rows)
		})
	}
}

// TestFoldFinalRowsIndependentOfBatching: folding a stream in batches of
// any size, each batch loading state from what the previous ones wrote (as
// after a restart), gives the same final rows as one fold, and folding a
// batch twice (a redelivery) changes nothing.
func TestFoldFinalRowsIndependentOfBatching(t *testing.T) {
	for _, s := range streams() {
		d := definition(t, s.Name)
		recs := decodeAll(t, goldenStream(t, s))
		all, _ := projector.FoldAll(d, recs, 1)
		want := newTables()
		want.write(&all)
		for _, size := range []int{1, 2, 3, 7, len(recs)} {
			t.Run(s.Name+"/batch "+itoa(size), func(t *testing.T) {
				got := newTables()
				for lo := 0; lo < len(recs); lo += size {
					hi := min(lo+size, len(recs))
					// Every batch is folded by a fresh folder that loads its
					// state, then once more as a redelivery.
					for range 2 {
						f := d.New()
						if err := f.Load(t.Context(), got, recs[lo:hi]); err != nil {
							t.Fatal(err)
						}
						var rows chconn.Rows
						if bad := f.Fold(recs[lo:hi], 1, &rows); len(bad) > 0 {
							t.Fatalf("bad records: %v", bad[0].Err)
						}
						got.write(&rows)
					}
				}
				if !reflect.DeepEqual(got.final(), want.final()) {
					gb, _ := json.MarshalIndent(got.final(), "", " ")
					wb, _ := json.MarshalIndent(want.final(), "", " ")
					t.Errorf("final rows differ:\n got %s\nwant %s", gb, wb)
				}
			})
		}
	}
}

// TestFoldBadRecords: records that cannot be folded come back with a
// dead-letter reason, and the records around them are folded.
func TestFoldBadRecords(t *testing.T) {
	ex := projectiontest.Executions()
	good := ex.Events[0].Envelope("bad", 0) // x1's ExecutionQueued
	orphan := projectiontest.Event{Key: "nobody", Time: projectiontest.T0, Payload: &events.ExecutionStarted{ExecutionId: "nobody"}}
	wrongTopic := projectiontest.Event{Key: "x1", Time: projectiontest.T0, Payload: &events.AssetDeleted{AssetId: "x1"}}
	mismatch := projectiontest.Event{Key: "other", Time: projectiontest.T0, Payload: ex.Events[0].Payload}
	envs := []events.Envelope{good, orphan.Envelope("bad", 1), wrongTopic.Envelope("bad", 2), mismatch.Envelope("bad", 3)}
	var recs []projector.Record
	for i, env := range envs {
		v, _ := json.Marshal(&env)
		rec, bad := projector.Decode(&kgo.Record{Key: []byte(env.Key), Value: v, Offset: int64(i)})
		if bad != nil {
			t.Fatal(bad.Err)
		}
		recs = append(recs, rec)
	}
	rows, bad := projector.FoldAll(projector.Executions, recs, 1)
	want := map[int64]string{1: deadletter.ReasonUnknownExecution, 2: deadletter.ReasonUnexpectedType, 3: deadletter.ReasonKeyMismatch}
	if len(bad) != len(want) {
		t.Fatalf("got %d bad records, want %d: %+v", len(bad), len(want), bad)
	}
	for _, b := range bad {
		if want[b.Record.Offset] != b.Reason {
			t.Errorf("record %d: reason %q, want %q (%v)", b.Record.Offset, b.Reason, want[b.Record.Offset], b.Err)
		}
	}
	if len(rows.Executions) != 1 || rows.Executions[0].ExecutionId != "x1" {
		t.Errorf("the good record was not folded: %+v", rows.Executions)
	}

	// Undecodable values and commands are bad before any folder sees them.
	for _, tt := range []struct {
		value  string
		reason string
	}{
		{`not json`, deadletter.ReasonUndecodable},
		{`{"id":"1","type":"NoSuchType","kind":"event","data":{}}`, deadletter.ReasonUndecodable},
		{`{"id":"1","type":"StartExecution","kind":"command","key":"x","data":{}}`, deadletter.ReasonUnexpectedType},
	} {
		if _, bad := projector.Decode(&kgo.Record{Value: []byte(tt.value)}); bad == nil || bad.Reason != tt.reason {
			t.Errorf("Decode(%s) = %+v, want reason %s", tt.value, bad, tt.reason)
		}
	}
}
