package app

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/broker"
	"github.com/mie-kafka/mie/processors/ingest"
)

// gpuWorker is a GPU worker as a real HTTP server: the outside service
// the GPU path calls. Its health and its failures are switched by tests.
type gpuWorker struct {
	srv *httptest.Server
	up  atomic.Bool
	// failCaption answers /caption with HTTP 500 while > 0, counting
	// down; failEmbed always fails /embed.
	failCaption atomic.Int32
	failEmbed   atomic.Bool

	mu       sync.Mutex
	calls    map[string]int
	captions []captionCall
	embeds   []int
}

type captionCall struct {
	Keys       []string
	Transcript string
}

func newGPUWorker(t *testing.T) *gpuWorker {
	g := &gpuWorker{calls: map[string]int{}}
	g.up.Store(true)
	g.srv = httptest.NewServer(http.HandlerFunc(g.serve))
	t.Cleanup(g.srv.Close)
	return g
}

func (g *gpuWorker) count(route string) int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.calls[route]
}

func (g *gpuWorker) total() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	n := 0
	for _, c := range g.calls {
		n += c
	}
	return n
}

func (g *gpuWorker) port() int {
	u, _ := url.Parse(g.srv.URL)
	_, p, _ := net.SplitHostPort(u.Host)
	n, _ := strconv.Atoi(p)
	return n
}

func (g *gpuWorker) serve(w http.ResponseWriter, r *http.Request) {
	g.mu.Lock()
	g.calls[r.URL.Path]++
	g.mu.Unlock()
	if r.URL.Path == "/health" {
		if !g.up.Load() {
			http.Error(w, `{"status":"loading"}`, http.StatusServiceUnavailable)
			return
		}
		_, _ = w.Write([]byte(`{"status":"ok"}`))
		return
	}
	if !g.up.Load() {
		http.Error(w, "down", http.StatusServiceUnavailable)
		return
	}
	var in struct {
		Frames []struct {
			Key   string `json:"key"`
			Image []byte `json:"image"`
		} `json:"frames"`
		Transcript string `json:"transcript"`
		Text       string `json:"text"`
	}
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	for _, f := range in.Frames {
		if !bytes.HasPrefix(f.Image, []byte("JPEG:")) {
			http.Error(w, "frame "+f.Key+" is not the stored image", http.StatusBadRequest)
			return
		}
	}
	reply := func(v any) { _ = json.NewEncoder(w).Encode(v) }
	switch r.URL.Path {
	case "/caption":
		if g.failCaption.Load() > 0 {
			g.failCaption.Add(-1)
			http.Error(w, "CUDA out of memory", http.StatusInternalServerError)
			return
		}
		c := captionCall{Transcript: in.Transcript}
		for _, f := range in.Frames {
			c.Keys = append(c.Keys, f.Key)
		}
		g.mu.Lock()
		g.captions = append(g.captions, c)
		g.mu.Unlock()
		reply(map[string]any{"caption": "Alice shows Bob a whiteboard in Paris"})
	case "/entities":
		reply(map[string]any{"entities": []map[string]string{{"text": "Alice", "type": "PERSON"},
			{"text": "Bob", "type": "PERSON"}, {"text": "Paris", "type": "LOC"}}})
	case "/triples":
		reply(map[string]any{"triples": []map[string]string{{"subject": "Alice", "predicate": "shows", "object": "Bob"},
			{"subject": "Alice", "predicate": "is_in", "object": "Paris"}}})
	case "/embed":
		if g.failEmbed.Load() {
			http.Error(w, "encoder crashed", http.StatusInternalServerError)
			return
		}
		g.mu.Lock()
		g.embeds = append(g.embeds, len(in.Frames))
		g.mu.Unlock()
		reply(map[string]any{"embedding": []float64{0.1, 0.2, 0.3}})
	default:
		http.NotFound(w, r)
	}
}

// transcriber is an OpenAI-compatible transcription service as a real
// HTTP server.
type transcriber struct {
	srv *httptest.Server
	// fail answers HTTP 503 while > 0, counting down.
	fail  atomic.Int32
	mu    sync.Mutex
	files []string // the audio bytes received, in order
}

func newTranscriber(t *testing.T) *transcriber {
	tr := &transcriber{}
	tr.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if tr.fail.Load() > 0 {
			tr.fail.Add(-1)
			http.Error(w, `{"error":"rate limited"}`, http.StatusServiceUnavailable)
			return
		}
		if err := r.ParseMultipartForm(8 << 20); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		if r.FormValue("model") != "whisper-large-v3" {
			http.Error(w, "unknown model "+r.FormValue("model"), http.StatusBadRequest)
			return
		}
		f, _, err := r.FormFile("file")
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		b, _ := io.ReadAll(f)
		tr.mu.Lock()
		tr.files = append(tr.files, string(b))
		tr.mu.Unlock()
		_ = json.NewEncoder(w).Encode(map[string]string{"text": "transcript of " + string(b)})
	}))
	t.Cleanup(tr.srv.Close)
	return tr
}

func (tr *transcriber) received() []string {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	return append([]string(nil), tr.files...)
}

// logBuffer collects the app's JSON log lines.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

// steps returns the log records with a step, optionally only those about
// one segment, in order.
func (l *logBuffer) steps(segment string) []map[string]any {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []map[string]any
	for _, line := range strings.Split(l.buf.String(), "\n") {
		var m map[string]any
		if json.Unmarshal([]byte(line), &m) != nil || m["step"] == nil {
			continue
		}
		if segment != "" && m["segment_id"] != nil && m["segment_id"] != segment {
			continue
		}
		out = append(out, m)
	}
	return out
}

func (l *logBuffer) names(segment string) []string {
	var out []string
	for _, m := range l.steps(segment) {
		out = append(out, fmt.Sprint(m["step"]))
	}
	return out
}

// has reports whether every step appears, in this order (others may sit
// between them).
func (l *logBuffer) has(segment string, steps ...string) bool {
	got := l.names(segment)
	i := 0
	for _, s := range got {
		if i < len(steps) && s == steps[i] {
			i++
		}
	}
	return i == len(steps)
}

func (l *logBuffer) count(segment, step string) int {
	n := 0
	for _, s := range l.names(segment) {
		if s == step {
			n++
		}
	}
	return n
}

// segmentEvents reads the committed transitions of one segment, in order.
func segmentEvents(t *testing.T, a *App, id string) []events.SegmentStatusChanged {
	t.Helper()
	cl, err := kgo.NewClient(a.kafka.Opts()...)
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	ends, err := broker.StableEnds(ctx, cl, a.cat.Segments())
	if err != nil {
		t.Fatal(err)
	}
	var out []events.SegmentStatusChanged
	err = a.kafka.ReadCommitted(ctx, a.cat.Segments(), ends, func(r *kgo.Record) error {
		if string(r.Key) != id {
			return nil
		}
		env, err := events.FromRecord(r)
		if err != nil {
			return err
		}
		p, err := env.Decode()
		if err != nil {
			return err
		}
		out = append(out, *p.(*events.SegmentStatusChanged))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func statuses(evs []events.SegmentStatusChanged) []string {
	var out []string
	for _, e := range evs {
		out = append(out, e.Previous+">"+e.Status)
	}
	return out
}

// answerOf is the window's answer in the execution's MetaData.
func answerOf(t *testing.T, globals events.Globals) map[string]any {
	t.Helper()
	m, ok := globals.MetaData[ingest.ResultKey].(map[string]any)
	if !ok {
		t.Fatalf("no %s answer in %v", ingest.ResultKey, globals.MetaData)
	}
	return m
}
