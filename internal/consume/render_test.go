package consume_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/consume"
	"github.com/mie-kafka/mie/internal/kafkatest"
)

// --from <time> starts after what was written before it; a Filter skips
// records (committing them), a Render makes the webhook's body and
// headers.
func TestFromTimeFilterAndRender(t *testing.T) {
	cfg, cat := kafkatest.Start(t)
	topic := cat.Dataplane()
	produceTx(t, cfg, topic, true, change(t, "asset-a", 0), change(t, "asset-b", 0))
	// The cut is in a later millisecond than the records before it (record
	// times are milliseconds: one of the cut's own would count as after it).
	before := time.Now()
	for time.Now().UnixMilli() == before.UnixMilli() {
		time.Sleep(time.Millisecond)
	}
	cut := time.Now()
	produceTx(t, cfg, topic, true, change(t, "asset-a", 1), change(t, "skip-me", 1), change(t, "asset-b", 1))

	var mu sync.Mutex
	var got []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		got = append(got, r.Header.Get("X-Test-Key")+"="+string(b))
		mu.Unlock()
	}))
	defer srv.Close()
	c := baseConfig(cfg, topic, "time-"+events.NewID())
	c.Webhook = srv.URL
	c.From = consume.From{Mode: consume.FromTime, Time: cut}
	c.Filter = func(r *kgo.Record) bool { return string(r.Key) != "skip-me" }
	c.Render = func(r *kgo.Record) ([]byte, http.Header, error) {
		return []byte(strings.ToUpper(string(r.Key)) + fmt.Sprintf("@%d", r.Offset)), http.Header{"X-Test-Key": {string(r.Key)}}, nil
	}
	r := start(t, c)
	kafkatest.Eventually(t, "two deliveries", func() bool { mu.Lock(); defer mu.Unlock(); return len(got) >= 2 })
	// What was filtered out is committed too: skip-me's partition is
	// committed to its end.
	skipped := kafkatest.Collect(t, kafkatest.Client(t, cfg, topic), 5)
	var part int32
	var end int64
	for _, rec := range skipped {
		if string(rec.Key) == "skip-me" {
			part = rec.Partition
		}
	}
	for _, rec := range skipped {
		if rec.Partition == part {
			end = max(end, rec.Offset+1)
		}
	}
	kafkatest.Eventually(t, "skip-me committed", func() bool { return committed(t, cfg, c.Group, topic)[part] >= end })
	if err := r.stop(t); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	joined := strings.Join(got, " ")
	if len(got) != 2 || !strings.Contains(joined, "asset-a=ASSET-A@") || !strings.Contains(joined, "asset-b=ASSET-B@") {
		t.Errorf("deliveries = %v, want the records after the time but skip-me, rendered", got)
	}
}

func TestParseStreamAndTime(t *testing.T) {
	c, err := consume.ParseArgs([]string{"--kafka", "h:1", "--stream", "notifications", "--topic-prefix", "p.",
		"--from", "2026-03-14T09:26:53Z"}, env(nil), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if c.Topic != "p.notifications" || c.From.Mode != consume.FromTime || !c.From.Time.Equal(time.Date(2026, 3, 14, 9, 26, 53, 0, time.UTC)) {
		t.Errorf("config = %+v", c)
	}
	for stream, topic := range map[string]string{"events": "event-bus", "tables": "tables", "dataplane": "dataplane"} {
		if c, err := consume.ParseArgs([]string{"--kafka", "h:1", "--stream", stream}, env(nil), io.Discard); err != nil || c.Topic != topic {
			t.Errorf("--stream %s: %s, %v", stream, c.Topic, err)
		}
	}
	if _, err := consume.ParseArgs([]string{"--kafka", "h:1", "--stream", "nope"}, env(nil), io.Discard); err == nil ||
		!strings.Contains(err.Error(), `--stream "nope"`) {
		t.Errorf("a bad stream: %v", err)
	}
}
