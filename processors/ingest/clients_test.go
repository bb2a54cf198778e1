package ingest

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestTranscriber(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer k" {
			http.Error(w, `{"error":"no key"}`, http.StatusUnauthorized)
			return
		}
		f, hdr, err := r.FormFile("file")
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		b, _ := io.ReadAll(f)
		switch string(b) {
		case "no-text":
			_, _ = w.Write([]byte(`{"other":1}`))
		default:
			_, _ = w.Write([]byte(`{"text":"` + hdr.Filename + ":" + string(b) + ":" + r.FormValue("model") + `"}`))
		}
	}))
	defer srv.Close()
	tr := &Transcriber{URL: srv.URL, APIKey: "k"}
	got, err := tr.Transcribe(t.Context(), "sessions/s/audio.wav", strings.NewReader("hello"))
	if err != nil || got != "audio.wav:hello:whisper-large-v3" {
		t.Fatalf("Transcribe = %q, %v", got, err)
	}
	if _, err := tr.Transcribe(t.Context(), "a.wav", strings.NewReader("no-text")); err == nil || !strings.Contains(err.Error(), `"text"`) {
		t.Fatalf("missing text: err = %v", err)
	}
	tr.APIKey = "wrong"
	if _, err := tr.Transcribe(t.Context(), "a.wav", strings.NewReader("x")); err == nil || !strings.Contains(err.Error(), "401") {
		t.Fatalf("unauthorized: err = %v", err)
	}
}

func TestGPUClientErrors(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/caption":
			_, _ = w.Write([]byte(`{"nope":true}`))
		case "/entities":
			_, _ = w.Write([]byte(`not json`))
		case "/embed":
			_, _ = w.Write([]byte(`{"embedding":[]}`))
		default:
			http.Error(w, "boom", http.StatusInternalServerError)
		}
	}))
	defer srv.Close()
	g := &GPUClient{}
	ctx := t.Context()
	if _, err := g.Caption(ctx, srv.URL, nil, ""); err == nil || !strings.Contains(err.Error(), `"caption"`) {
		t.Errorf("caption: %v", err)
	}
	if _, err := g.Entities(ctx, srv.URL, "x"); err == nil || !strings.Contains(err.Error(), "invalid JSON") {
		t.Errorf("entities: %v", err)
	}
	if _, err := g.Triples(ctx, srv.URL, "x", nil); err == nil || !strings.Contains(err.Error(), "500") {
		t.Errorf("triples: %v", err)
	}
	if _, err := g.Embed(ctx, srv.URL, nil); err == nil || !strings.Contains(err.Error(), "empty embedding") {
		t.Errorf("embed: %v", err)
	}
}
