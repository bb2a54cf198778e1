package ingest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"path"
	"time"
)

// maxReply bounds a service's JSON answer.
const maxReply = 16 << 20

// Transcriber calls an OpenAI-compatible transcription endpoint (Whisper
// on Groq or OpenAI, or a local whisper server): POST multipart/form-data
// with the audio as "file" and "model", answered {"text": "..."}.
type Transcriber struct {
	// URL is the endpoint, e.g. https://api.groq.com/openai/v1/audio/transcriptions.
	URL string
	// Model is sent as the "model" field; default whisper-large-v3.
	Model string
	// APIKey, when set, is sent as a bearer token.
	APIKey string
	// HTTP sends the request; Timeout bounds it (default 2m).
	HTTP    *http.Client
	Timeout time.Duration
}

// Transcribe sends the audio named name and returns the transcript.
func (tr *Transcriber) Transcribe(ctx context.Context, name string, audio io.Reader) (string, error) {
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, err := mw.CreateFormFile("file", path.Base(name))
	if err != nil {
		return "", err
	}
	if _, err := io.Copy(fw, audio); err != nil {
		return "", fmt.Errorf("read audio %s: %w", name, err)
	}
	model := tr.Model
	if model == "" {
		model = "whisper-large-v3"
	}
	_ = mw.WriteField("model", model)
	_ = mw.WriteField("response_format", "json")
	if err := mw.Close(); err != nil {
		return "", err
	}
	var out struct {
		Text *string `json:"text"`
	}
	hdr := http.Header{"Content-Type": {mw.FormDataContentType()}}
	if tr.APIKey != "" {
		hdr.Set("Authorization", "Bearer "+tr.APIKey)
	}
	if err := do(ctx, tr.HTTP, tr.Timeout, 2*time.Minute, tr.URL, hdr, &body, &out); err != nil {
		return "", fmt.Errorf("transcribe %s: %w", name, err)
	}
	if out.Text == nil {
		return "", fmt.Errorf("transcribe %s: %s answered without a \"text\" field", name, tr.URL)
	}
	return *out.Text, nil
}

// Frame is one image sent to the GPU worker.
type Frame struct {
	Key   string `json:"key"`
	Image []byte `json:"image"` // base64 in JSON
}

// Entity is a named entity the GPU worker extracted.
type Entity struct {
	Text string `json:"text"`
	Type string `json:"type"`
}

// Triple is a subject-predicate-object fact.
type Triple struct {
	Subject   string `json:"subject"`
	Predicate string `json:"predicate"`
	Object    string `json:"object"`
}

// GPUClient calls the GPU worker's HTTP API (docs/gpu.md): POST /caption,
// /entities, /triples and /embed, JSON in and out; any answer but 2xx is
// an error.
type GPUClient struct {
	HTTP *http.Client
	// Timeout bounds one call; default 5m (a cold model is slow).
	Timeout time.Duration
}

func (g *GPUClient) call(ctx context.Context, base, route string, in, out any) error {
	b, err := json.Marshal(in)
	if err != nil {
		return err
	}
	return do(ctx, g.HTTP, g.Timeout, 5*time.Minute, base+route, http.Header{"Content-Type": {"application/json"}}, bytes.NewReader(b), out)
}

// Caption describes the frames, with the transcript as context.
func (g *GPUClient) Caption(ctx context.Context, base string, frames []Frame, transcript string) (string, error) {
	var out struct {
		Caption *string `json:"caption"`
	}
	if err := g.call(ctx, base, "/caption", map[string]any{"frames": frames, "transcript": transcript}, &out); err != nil {
		return "", fmt.Errorf("caption: %w", err)
	}
	if out.Caption == nil {
		return "", fmt.Errorf("caption: %s/caption answered without a \"caption\" field", base)
	}
	return *out.Caption, nil
}

// Entities extracts named entities from text.
func (g *GPUClient) Entities(ctx context.Context, base, text string) ([]Entity, error) {
	var out struct {
		Entities []Entity `json:"entities"`
	}
	if err := g.call(ctx, base, "/entities", map[string]any{"text": text}, &out); err != nil {
		return nil, fmt.Errorf("entity extraction: %w", err)
	}
	return out.Entities, nil
}

// Triples extracts facts about the entities from text.
func (g *GPUClient) Triples(ctx context.Context, base, text string, entities []Entity) ([]Triple, error) {
	var out struct {
		Triples []Triple `json:"triples"`
	}
	if err := g.call(ctx, base, "/triples", map[string]any{"text": text, "entities": entities}, &out); err != nil {
		return nil, fmt.Errorf("triple extraction: %w", err)
	}
	return out.Triples, nil
}

// Embed encodes the frames as one visual embedding.
func (g *GPUClient) Embed(ctx context.Context, base string, frames []Frame) ([]float64, error) {
	var out struct {
		Embedding []float64 `json:"embedding"`
	}
	if err := g.call(ctx, base, "/embed", map[string]any{"frames": frames}, &out); err != nil {
		return nil, fmt.Errorf("visual embedding: %w", err)
	}
	if len(out.Embedding) == 0 {
		return nil, fmt.Errorf("visual embedding: %s/embed answered an empty embedding", base)
	}
	return out.Embedding, nil
}

// do POSTs body to url and decodes a 2xx JSON answer into out.
func do(ctx context.Context, cl *http.Client, timeout, def time.Duration, url string, hdr http.Header, body io.Reader, out any) error {
	if timeout <= 0 {
		timeout = def
	}
	if cl == nil {
		cl = http.DefaultClient
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, body)
	if err != nil {
		return err
	}
	for k, v := range hdr {
		req.Header[k] = v
	}
	req.Header.Set("Accept", "application/json")
	resp, err := cl.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxReply+1))
	if err != nil {
		return fmt.Errorf("read answer of %s: %w", url, err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("%s answered HTTP %s: %s", url, resp.Status, snippet(raw))
	}
	if len(raw) > maxReply {
		return fmt.Errorf("%s answered more than %d bytes", url, maxReply)
	}
	if err := json.Unmarshal(raw, out); err != nil {
		return fmt.Errorf("%s answered invalid JSON: %v: %s", url, err, snippet(raw))
	}
	return nil
}

func snippet(b []byte) string {
	const n = 300
	if len(b) > n {
		return string(b[:n]) + "..."
	}
	return string(b)
}
