package events

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

// slowEnvelope reads v with encoding/json alone, as FromRecord did before
// the hand-written codec.
func slowEnvelope(v []byte) (Envelope, error) {
	var e Envelope
	err := json.Unmarshal(v, &e)
	return e, err
}

// randomText mixes what the fast path writes itself with everything it
// hands to encoding/json: quotes, backslashes, HTML characters, control
// characters, non-ASCII and invalid UTF-8.
// With plainOnly, only text the fast path writes itself, as in the
// engine's own envelopes.
func randomText(r *rand.Rand, plainOnly bool) string {
	parts := []string{"", "a", "mie-executor@vm", "01a2001d-9f9d-7b96", " ", "/", "{}", "Stage 1",
		`"`, `\`, "<", ">", "&", "\n", "\x00", "\x7f", "é", "日本", "\u2028", "\xff"}
	if plainOnly {
		parts = parts[:8]
	}
	var b []byte
	for range r.IntN(4) {
		b = append(b, parts[r.IntN(len(parts))]...)
	}
	return string(b)
}

// randomEnvelope: half of them use plain text only.
func randomEnvelope(t *testing.T, r *rand.Rand) Envelope {
	t.Helper()
	plain := r.IntN(2) == 0
	text := func() string { return randomText(r, plain) }
	payloads := []Payload{
		&ExecutionStarted{ExecutionId: text()},
		&StageStarted{Path: text(), Stage: "<b>&</b>"},
		&OperatorSkipped{Path: "a/0/x", Stage: "s", Operator: text(), Reason: text()},
	}
	e, err := New(text(), text(), payloads[r.IntN(len(payloads))])
	if err != nil {
		t.Fatal(err)
	}
	e.ID = []string{e.ID, text() + "x"}[r.IntN(2)]
	e.Version = r.IntN(3) - 1
	zones := []*time.Location{time.UTC, time.FixedZone("", 5*3600+1800), time.FixedZone("", -7*3600)}
	e.Time = time.Unix(r.Int64N(4e9), []int64{0, 1, 120000000, r.Int64N(1e9)}[r.IntN(4)]).In(zones[r.IntN(len(zones))])
	if r.IntN(2) == 0 {
		e.CausationID = text()
	}
	if r.IntN(2) == 0 {
		e.CausationPosition = &Position{Topic: text(), Partition: int32(r.IntN(100)) - 1, Offset: r.Int64N(1 << 40)}
	}
	if r.IntN(2) == 0 {
		e.CorrelationID = text()
	}
	return e
}

// TestCodecMatchesEncodingJSON: Record writes exactly the bytes
// json.Marshal writes, and FromRecord reads back exactly what
// encoding/json reads, for envelopes full of text the fast path must
// escape or hand over.
func TestCodecMatchesEncodingJSON(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	fast := 0
	for i := range 5000 {
		e := randomEnvelope(t, r)
		want, err := json.Marshal(&e)
		if err != nil {
			t.Fatal(err)
		}
		rec, err := e.Record("t")
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(rec.Value, want) {
			t.Fatalf("envelope %d: Record wrote\n%s\nencoding/json writes\n%s", i, rec.Value, want)
		}
		got, err := FromRecord(&kgo.Record{Value: rec.Value})
		slow, serr := slowEnvelope(rec.Value)
		if serr != nil {
			t.Fatalf("envelope %d: encoding/json cannot read it back: %v", i, serr)
		}
		if (err == nil) != (slow.ID != "" && slow.Type != "") {
			t.Fatalf("envelope %d: FromRecord error %v, encoding/json read id %q type %q", i, err, slow.ID, slow.Type)
		}
		if err == nil && !reflect.DeepEqual(got, slow) {
			t.Fatalf("envelope %d: FromRecord read\n%#v\nencoding/json reads\n%#v", i, got, slow)
		}
		if _, ok := parseEnvelope(rec.Value); ok {
			fast++
		}
	}
	// The canonical envelopes (plain text) must take the fast path, or it
	// is not doing its job.
	t.Logf("%d of 5000 envelopes took the fast path", fast)
	if fast < 2000 {
		t.Errorf("only %d of 5000 envelopes (about half of them plain) were read by the fast path", fast)
	}
}

// TestFromRecordOutsideTheCanonicalForm: what the fast path does not
// write is still read as encoding/json reads it, or refused as it refuses.
func TestFromRecordOutsideTheCanonicalForm(t *testing.T) {
	for _, v := range fromRecordSeeds {
		checkFromRecord(t, []byte(v))
	}
}

var fromRecordSeeds = []string{
	`{"id":"a","kind":"event","type":"ExecutionStarted","version":1,"key":"k","time":"2026-11-21T21:57:51.147337198Z","producer":"p","data":{"ExecutionId":"x"}}`,
	`{"id":"a","kind":"event","type":"T","version":1,"key":"k","causationId":"c","causationPosition":{"topic":"commands","partition":3,"offset":12},"correlationId":"r","time":"2026-11-21T21:57:51Z","producer":"p","data":{}}`,
	` {"id":"a","type":"T","data":{}}`,
	`{"ID":"a","type":"T","data":{}}`,
	`{"id":"a","type":"T","data":{"x":[1,2,{"y":"}"}]}}`,
	`{"id":"a","type":"T","data":{"x":}}`,
	`{"id":"a","type":"T","data":{"x":"\"}"}}`,
	`{"id":"a","type":"T","data":null}`,
	`{"id":"a","type":"T","data":[1]}`,
	`{"id":"a","type":"T","version":1.0,"data":{}}`,
	`{"id":"a","type":"T","version":01,"data":{}}`,
	`{"id":"a","type":"T","version":99999999999999999999,"data":{}}`,
	`{"id":"a","type":"T","causationPosition":{"topic":"c","partition":4294967296,"offset":1},"data":{}}`,
	`{"id":"a","type":"T","causationPosition":{"offset":1,"topic":"c","partition":1},"data":{}}`,
	`{"id":"a","type":"T","causationPosition":null,"data":{}}`,
	`{"id":"a","id":"b","type":"T","data":{}}`,
	`{"id":"a","type":"T","time":"not a time","data":{}}`,
	`{"id":"a","type":"T","time":"2026-11-21T21:57:51+05:30","data":{}}`,
	`{"id":"a\u0062","type":"T","data":{}}`,
	`{"id":"é","type":"T","data":{}}`,
	`{"id":"a","type":"T","unknown":1,"data":{}}`,
	`{"id":"a","type":"T","data":{}}x`,
	`{"id":"a","type":"T","data":{}`,
	`{"id":"a","type":"T",}`,
	`{}`,
	`[]`,
	``,
}

// checkFromRecord compares FromRecord on v with encoding/json.
func checkFromRecord(t *testing.T, v []byte) {
	t.Helper()
	got, err := FromRecord(&kgo.Record{Value: v})
	slow, serr := slowEnvelope(v)
	if serr != nil {
		if err == nil {
			t.Fatalf("%q: FromRecord read %#v, encoding/json refuses it: %v", v, got, serr)
		}
		return
	}
	if slow.ID == "" || slow.Type == "" {
		if err == nil {
			t.Fatalf("%q: FromRecord accepted an envelope without id or type", v)
		}
		return
	}
	if err != nil {
		t.Fatalf("%q: FromRecord: %v; encoding/json reads %#v", v, err, slow)
	}
	if !reflect.DeepEqual(got, slow) {
		t.Fatalf("%q: FromRecord read\n%#v\nencoding/json reads\n%#v", v, got, slow)
	}
}

// FuzzFromRecord: for any bytes, FromRecord agrees with encoding/json.
func FuzzFromRecord(f *testing.F) {
	for _, v := range fromRecordSeeds {
		f.Add([]byte(v))
	}
	f.Fuzz(func(t *testing.T, v []byte) { checkFromRecord(t, v) })
}
