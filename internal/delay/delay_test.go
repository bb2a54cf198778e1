package delay

import (
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/mie-kafka/mie/internal/topics"
)

func TestTierFor(t *testing.T) {
	tiers := topics.Tiers // 1s 10s 1m 15m
	tests := []struct {
		remaining, want time.Duration
	}{
		{-time.Second, time.Second},
		{0, time.Second},
		{300 * time.Millisecond, time.Second},
		{time.Second, time.Second},
		{9 * time.Second, time.Second},
		{10 * time.Second, 10 * time.Second},
		{59 * time.Second, 10 * time.Second},
		{time.Minute, time.Minute},
		{14*time.Minute + 59*time.Second, time.Minute},
		{15 * time.Minute, 15 * time.Minute},
		{24 * time.Hour, 15 * time.Minute},
	}
	for _, tt := range tests {
		t.Run(tt.remaining.String(), func(t *testing.T) {
			if got := TierFor(tt.remaining, tiers); got != tt.want {
				t.Errorf("TierFor(%s) = %s, want %s", tt.remaining, got, tt.want)
			}
		})
	}
}

func TestDelay(t *testing.T) {
	cat := topics.New("p.", 0)
	now := time.UnixMilli(1_700_000_000_000)
	tests := []struct {
		name      string
		due       time.Time
		headers   []kgo.RecordHeader
		wantTopic string
	}{
		{name: "short", due: now.Add(300 * time.Millisecond), wantTopic: "p.retry.1s"},
		{name: "minutes", due: now.Add(5 * time.Minute), wantTopic: "p.retry.1m"},
		{name: "hours", due: now.Add(3 * time.Hour), wantTopic: "p.retry.15m"},
		{
			name: "replaces old relay headers", due: now.Add(12 * time.Second), wantTopic: "p.retry.10s",
			headers: []kgo.RecordHeader{{Key: HeaderTarget, Value: []byte("old")}, {Key: HeaderDue, Value: []byte("1")}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := &kgo.Record{
				Topic: "p.tasks.http", Key: []byte("exec-1"), Value: []byte(`{"v":1}`),
				Headers: append([]kgo.RecordHeader{{Key: "mie-type", Value: []byte("OperatorTask")}}, tt.headers...),
			}
			out := Delay(in, tt.due, now, cat)
			if out == in {
				t.Fatal("Delay returned its input, want a copy")
			}
			if out.Topic != tt.wantTopic || string(out.Key) != "exec-1" || string(out.Value) != `{"v":1}` || !out.Timestamp.Equal(now) {
				t.Errorf("record = %s %s %s @%s, want %s with key, value and timestamp kept", out.Topic, out.Key, out.Value, out.Timestamp, tt.wantTopic)
			}
			want := []kgo.RecordHeader{
				{Key: "mie-type", Value: []byte("OperatorTask")},
				{Key: HeaderTarget, Value: []byte("p.tasks.http")},
				{Key: HeaderDue, Value: []byte(strconv.FormatInt(tt.due.UnixMilli(), 10))},
			}
			if got := headerString(out.Headers); got != headerString(want) {
				t.Errorf("headers = %s, want %s", got, headerString(want))
			}
			if in.Topic != "p.tasks.http" || len(in.Headers) != 1+len(tt.headers) {
				t.Error("Delay modified its input")
			}
		})
	}
}

func headerString(hs []kgo.RecordHeader) string {
	var b strings.Builder
	for _, h := range hs {
		b.WriteString(h.Key + "=" + string(h.Value) + ";")
	}
	return b.String()
}

func TestParseHeaders(t *testing.T) {
	h := func(kv ...string) []kgo.RecordHeader {
		var out []kgo.RecordHeader
		for i := 0; i < len(kv); i += 2 {
			out = append(out, kgo.RecordHeader{Key: kv[i], Value: []byte(kv[i+1])})
		}
		return out
	}
	tests := []struct {
		name       string
		headers    []kgo.RecordHeader
		wantTarget string
		wantDue    int64
		wantErr    string
	}{
		{name: "valid", headers: h(HeaderTarget, "results", HeaderDue, "1700000000123"), wantTarget: "results", wantDue: 1700000000123},
		{name: "none", wantErr: "no mie-relay-target"},
		{name: "empty target", headers: h(HeaderTarget, "", HeaderDue, "1"), wantErr: "no mie-relay-target"},
		{name: "no due", headers: h(HeaderTarget, "results"), wantErr: "no mie-relay-due"},
		{name: "bad due", headers: h(HeaderTarget, "results", HeaderDue, "soon"), wantErr: `"soon" is not unix milliseconds`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			target, due, err := Parse(&kgo.Record{Headers: tt.headers})
			if tt.wantErr != "" {
				if !errors.Is(err, ErrBadHeaders) || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want ErrBadHeaders with %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || target != tt.wantTarget || due.UnixMilli() != tt.wantDue {
				t.Errorf("= %q %d %v, want %q %d", target, due.UnixMilli(), err, tt.wantTarget, tt.wantDue)
			}
		})
	}
}
