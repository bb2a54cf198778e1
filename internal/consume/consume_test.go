package consume_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/consume"
	"github.com/mie-kafka/mie/internal/kafkatest"
)

// Every committed change is printed once, in order per asset; aborted
// transactions are never seen (read_committed).
func TestPrintsEveryChangeInOrderPerKey(t *testing.T) {
	cfg, cat := kafkatest.Start(t)
	topic := cat.Dataplane()
	var want []events.Envelope
	batch := func(from, to int) []events.Envelope {
		var b []events.Envelope
		for seq := from; seq < to; seq++ {
			for a := range 5 {
				b = append(b, change(t, fmt.Sprintf("asset-%d", a), seq))
			}
		}
		return b
	}
	first := batch(0, 2)
	produceTx(t, cfg, topic, true, first...)
	// Aborted, on the partition of asset-0, before more committed records
	// there: if it were visible it would come before them.
	produceTx(t, cfg, topic, false, change(t, "asset-0", 90), change(t, "asset-0", 91))
	second := batch(2, 4)
	produceTx(t, cfg, topic, true, second...)
	want = append(append(want, first...), second...)

	out := &lines{}
	c := baseConfig(cfg, topic, "print-"+events.NewID())
	c.Out = out
	r := start(t, c)
	kafkatest.Eventually(t, "every change printed", func() bool { return len(out.changes(t)) >= len(want) })
	if err := r.stop(t); err != nil {
		t.Fatalf("Run after cancel: %v, want nil", err)
	}
	changes := out.changes(t)
	var got []events.Envelope
	for _, ch := range changes {
		if ch.Topic != topic || ch.Error != "" || ch.Timestamp.IsZero() {
			t.Fatalf("change metadata = %+v", ch)
		}
		e := envelopeOf(t, ch)
		if ch.Key != e.Key {
			t.Fatalf("key %q, envelope key %q", ch.Key, e.Key)
		}
		got = append(got, e)
	}
	checkOrder(t, want, got)
	// The envelope is passed on as written: it decodes to the payload.
	p, err := got[0].Decode()
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := p.(*events.AssetCreated); !ok {
		t.Fatalf("first change of asset decodes to %T", p)
	}
	// What was printed is committed: offset after the last printed record
	// of each partition.
	last := map[int32]int64{}
	for _, ch := range changes {
		last[ch.Partition] = max(last[ch.Partition], ch.Offset+1)
	}
	if got := committed(t, cfg, c.Group, topic); fmt.Sprint(got) != fmt.Sprint(last) {
		t.Fatalf("committed %v, want %v", got, last)
	}
}

// webhookServer accepts POSTed changes, failing as fail decides; it keeps
// the accepted ones in order.
type webhookServer struct {
	mu       sync.Mutex
	fail     func(attempt int, id string) int // status to answer; 0 = accept
	attempts int
	tries    map[string]int
	accepted []consume.Change
	srv      *httptest.Server
	t        *testing.T
}

func newWebhook(t *testing.T, fail func(attempt int, id string) int) *webhookServer {
	w := &webhookServer{fail: fail, tries: map[string]int{}, t: t}
	w.srv = httptest.NewServer(http.HandlerFunc(w.serve))
	t.Cleanup(w.srv.Close)
	return w
}

func (w *webhookServer) serve(rw http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil || r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/json" {
		http.Error(rw, "bad request", http.StatusBadRequest)
		return
	}
	var c consume.Change
	if err := json.Unmarshal(body, &c); err != nil {
		http.Error(rw, "not a change", http.StatusBadRequest)
		return
	}
	var e events.Envelope
	if err := json.Unmarshal(c.Envelope, &e); err != nil || e.ID != r.Header.Get(consume.HeaderEventID) || e.Type != r.Header.Get(consume.HeaderEventType) {
		http.Error(rw, "headers do not match the envelope", http.StatusBadRequest)
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.attempts++
	w.tries[e.ID]++
	if status := w.fail(w.attempts, e.ID); status != 0 {
		http.Error(rw, "try again later", status)
		return
	}
	w.accepted = append(w.accepted, c)
}

func (w *webhookServer) snapshot() (accepted []consume.Change, attempts int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]consume.Change(nil), w.accepted...), w.attempts
}

func (w *webhookServer) envelopes() []events.Envelope {
	acc, _ := w.snapshot()
	out := make([]events.Envelope, len(acc))
	for i, c := range acc {
		out[i] = envelopeOf(w.t, c)
	}
	return out
}

// A webhook that fails at first still gets every change exactly once, in
// order per asset.
func TestWebhookRetriesDeliverEveryChangeOnceInOrder(t *testing.T) {
	cfg, cat := kafkatest.Start(t)
	topic := cat.Dataplane()
	var want []events.Envelope
	for seq := range 5 {
		for a := range 3 {
			want = append(want, change(t, fmt.Sprintf("asset-%d", a), seq))
		}
	}
	produceTx(t, cfg, topic, true, want...)
	var mu sync.Mutex
	firstTry := map[string]bool{}
	hook := newWebhook(t, func(attempt int, id string) int {
		mu.Lock()
		defer mu.Unlock()
		if attempt <= 3 { // the first 3 requests fail
			return http.StatusServiceUnavailable
		}
		if !firstTry[id] && len(firstTry)%4 == 0 { // and the first try of every 4th change
			firstTry[id] = true
			return http.StatusInternalServerError
		}
		firstTry[id] = true
		return 0
	})
	c := baseConfig(cfg, topic, "hook-"+events.NewID())
	c.Webhook = hook.srv.URL + "/changes"
	r := start(t, c)
	kafkatest.Eventually(t, "every change delivered", func() bool { acc, _ := hook.snapshot(); return len(acc) >= len(want) })
	if err := r.stop(t); err != nil {
		t.Fatal(err)
	}
	checkOrder(t, want, hook.envelopes())
	if _, attempts := hook.snapshot(); attempts < len(want)+4 {
		t.Fatalf("%d attempts for %d changes: the failures were not exercised", attempts, len(want))
	}
}

// Offsets are committed only for delivered changes: a consumer stopped
// while the webhook is failing resumes, after a restart, at the first
// undelivered change: nothing acknowledged comes again, nothing is skipped.
func TestWebhookCommitsOnlyDelivered(t *testing.T) {
	cfg, cat := kafkatest.Start(t)
	topic := cat.Dataplane()
	var want []events.Envelope
	for seq := range 4 {
		for a := range 3 {
			want = append(want, change(t, fmt.Sprintf("asset-%d", a), seq))
		}
	}
	produceTx(t, cfg, topic, true, want...)
	// Accept the first 5, then fail everything until recovered.
	const accept = 5
	var mu sync.Mutex
	okCount, recovered := 0, false
	hook := newWebhook(t, func(int, string) int {
		mu.Lock()
		defer mu.Unlock()
		if !recovered && okCount >= accept {
			return http.StatusBadGateway
		}
		okCount++
		return 0
	})
	c := baseConfig(cfg, topic, "restart-"+events.NewID())
	c.Webhook = hook.srv.URL
	r := start(t, c)
	kafkatest.Eventually(t, "delivery stuck after the accepted ones", func() bool {
		acc, attempts := hook.snapshot()
		return len(acc) == accept && attempts >= accept+3
	})
	if err := r.stop(t); err != nil {
		t.Fatalf("stop while retrying: %v, want nil", err)
	}
	acc, _ := hook.snapshot()
	wantCommit := map[int32]int64{}
	for _, ch := range acc {
		wantCommit[ch.Partition] = max(wantCommit[ch.Partition], ch.Offset+1)
	}
	if got := committed(t, cfg, c.Group, topic); fmt.Sprint(got) != fmt.Sprint(wantCommit) {
		t.Fatalf("committed %v, want exactly the delivered %v", got, wantCommit)
	}

	// The webhook recovers; a new consumer in the same group finishes.
	mu.Lock()
	recovered = true
	mu.Unlock()
	r = start(t, c)
	kafkatest.Eventually(t, "the rest delivered", func() bool { acc, _ := hook.snapshot(); return len(acc) >= len(want) })
	if err := r.stop(t); err != nil {
		t.Fatal(err)
	}
	checkOrder(t, want, hook.envelopes())
}

// MaxAttempts makes a stuck delivery an error; what was delivered before
// is still committed.
func TestWebhookGivesUpAfterMaxAttempts(t *testing.T) {
	cfg, cat := kafkatest.Start(t)
	topic := cat.Dataplane()
	env := change(t, "asset-x", 0)
	produceTx(t, cfg, topic, true, env)
	hook := newWebhook(t, func(int, string) int { return http.StatusTeapot })
	c := baseConfig(cfg, topic, "giveup-"+events.NewID())
	c.Webhook, c.MaxAttempts = hook.srv.URL, 3
	r := start(t, c)
	var err error
	select {
	case err = <-r.done:
		close(r.done)
	case <-time.After(kafkatest.Timeout):
		t.Fatal("consumer did not give up")
	}
	if err == nil || !strings.Contains(err.Error(), "giving up after 3 attempts") || !strings.Contains(err.Error(), "418") {
		t.Fatalf("Run = %v, want giving up after 3 attempts with the status", err)
	}
	if _, attempts := hook.snapshot(); attempts != 3 {
		t.Fatalf("%d attempts, want 3", attempts)
	}
	if got := committed(t, cfg, c.Group, topic); len(got) != 0 {
		t.Fatalf("committed %v for an undelivered change", got)
	}
}
