package transcode_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/mie-kafka/mie/internal/media/hls"
	"github.com/mie-kafka/mie/internal/media/mediatest"
	"github.com/mie-kafka/mie/internal/media/probe"
	"github.com/mie-kafka/mie/internal/media/transcode"
	"github.com/mie-kafka/mie/internal/objectstore"
	"github.com/mie-kafka/mie/internal/problem"
)

const (
	srcBucket = "media-in"
	outBucket = "media-out"
)

// env is a transcoder on a local object store in a temp directory.
type env struct {
	t     testing.TB
	store *objectstore.Local
	tc    *transcode.Transcoder
	cfg   transcode.Config
}

// fast presets keep tests quick on two cores.
var fastPresets = map[string]string{"SINGLE_PASS": "ultrafast", "SINGLE_PASS_HQ": "ultrafast", "MULTI_PASS_HQ": "ultrafast"}

func newEnv(t testing.TB, opts ...func(*transcode.Config)) *env {
	t.Helper()
	mediatest.Tools(t)
	store, err := objectstore.NewLocal(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	cfg := transcode.Config{Store: store, Presets: fastPresets, WorkDir: t.TempDir()}
	for _, o := range opts {
		o(&cfg)
	}
	tc, err := transcode.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return &env{t: t, store: store, tc: tc, cfg: cfg}
}

// putClip makes a clip and stores it at bucket/key.
func (e *env) putClip(bucket, key string, c mediatest.Clip) {
	e.t.Helper()
	c.Name = filepath.Base(key)
	path := mediatest.Make(e.t, "", c)
	e.put(bucket, key, path)
}

func (e *env) put(bucket, key, path string) {
	e.t.Helper()
	body, err := os.ReadFile(path)
	if err != nil {
		e.t.Fatal(err)
	}
	if _, err := e.store.Put(e.t.Context(), bucket, key, bytes.NewReader(body), int64(len(body)), ""); err != nil {
		e.t.Fatal(err)
	}
}

// run decodes and runs a job.
func (e *env) run(job string) (*transcode.Job, error) {
	e.t.Helper()
	req, err := transcode.Decode([]byte(job))
	if err != nil {
		e.t.Fatalf("decode: %v", err)
	}
	return e.tc.Run(e.t.Context(), req, nil)
}

// mustRun runs a job that must complete.
func (e *env) mustRun(job string) *transcode.Job {
	e.t.Helper()
	j, err := e.run(job)
	if err != nil {
		e.t.Fatalf("run: %v", err)
	}
	if j.Status != transcode.StatusComplete {
		e.t.Fatalf("status %s", j.Status)
	}
	return j
}

// keys lists a bucket's keys under prefix.
func (e *env) keys(bucket, prefix string) []string {
	e.t.Helper()
	list, err := e.store.List(e.t.Context(), bucket, prefix)
	if errors.Is(err, problem.ErrNotFound) {
		return nil // no bucket: nothing was ever written
	}
	if err != nil {
		e.t.Fatal(err)
	}
	var out []string
	for _, i := range list {
		out = append(out, i.Key)
	}
	return out
}

// path is where the local store keeps an object.
func (e *env) path(bucket, key string) string { return filepath.Join(e.store.Dir(), bucket, key) }

// probe probes a stored object.
func (e *env) probe(bucket, key string) *probe.Metadata {
	e.t.Helper()
	m, err := probe.File(e.t.Context(), e.path(bucket, key))
	if err != nil {
		e.t.Fatalf("probe %s: %v", key, err)
	}
	return m
}

// playlist parses a stored playlist.
func (e *env) playlist(bucket, key string) *hls.Playlist {
	e.t.Helper()
	f, err := os.Open(e.path(bucket, key))
	if err != nil {
		e.t.Fatal(err)
	}
	defer f.Close()
	p, err := hls.Parse(f)
	if err != nil {
		e.t.Fatalf("parse %s: %v", key, err)
	}
	return p
}

// wantVideo checks an output's picture and duration.
func wantVideo(t testing.TB, m *probe.Metadata, codec string, w, h int, seconds float64) {
	t.Helper()
	v, ok := m.FirstVideo()
	if !ok || v.Codec != codec || v.Width != w || v.Height != h {
		t.Fatalf("%s: video %+v, want %s %dx%d", m.Path, v, codec, w, h)
	}
	if math.Abs(m.Duration-seconds) > 0.25 {
		t.Fatalf("%s: duration %.3f, want %.3f", m.Path, m.Duration, seconds)
	}
}

// wantAudio checks an output's sound.
func wantAudio(t testing.TB, m *probe.Metadata, channels, rate int) {
	t.Helper()
	a, ok := m.FirstAudio()
	if !ok || a.Codec != "aac" || a.Channels != channels || a.SampleRate != rate {
		t.Fatalf("%s: audio %+v, want aac %d ch %d Hz", m.Path, a, channels, rate)
	}
}

// wantKeys compares key lists.
func wantKeys(t testing.TB, got []string, want ...string) {
	t.Helper()
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Fatalf("keys:\n  got  %s\n  want %s", strings.Join(got, "\n       "), strings.Join(want, "\n       "))
	}
}

// jobJSON builds a CreateJob request for one input and the given output
// groups (JSON objects).
func jobJSON(input string, groups ...string) string {
	return `{"Role":"arn:aws:iam::123456789012:role/MediaConvert","Settings":{"Inputs":[{"FileInput":` +
		quoteJSON(input) + `,"AudioSelectors":{"Audio Selector 1":{"DefaultSelection":"DEFAULT"}}}],"OutputGroups":[` +
		strings.Join(groups, ",") + `]}}`
}

func quoteJSON(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// fileGroup is a FILE_GROUP_SETTINGS group.
func fileGroup(dest string, outputs ...string) string {
	return `{"OutputGroupSettings":{"Type":"FILE_GROUP_SETTINGS","FileGroupSettings":{"Destination":` + quoteJSON(dest) +
		`}},"Outputs":[` + strings.Join(outputs, ",") + `]}`
}

// hlsGroup is an HLS_GROUP_SETTINGS group with extra settings (JSON
// members, may be empty).
func hlsGroup(dest, extra string, outputs ...string) string {
	if extra != "" {
		extra = "," + extra
	}
	return `{"OutputGroupSettings":{"Type":"HLS_GROUP_SETTINGS","HlsGroupSettings":{"Destination":` + quoteJSON(dest) + extra +
		`}},"Outputs":[` + strings.Join(outputs, ",") + `]}`
}

// h264 is an H.264 video description.
func h264(w, h int, settings string) string {
	if settings == "" {
		settings = `"RateControlMode":"QVBR","MaxBitrate":1000000`
	}
	return `"VideoDescription":{"Width":` + itoa(w) + `,"Height":` + itoa(h) +
		`,"CodecSettings":{"Codec":"H_264","H264Settings":{` + settings + `}}}`
}

// aac is an AAC audio description list.
func aac(settings string) string {
	if settings == "" {
		settings = `"Bitrate":96000,"CodingMode":"CODING_MODE_2_0","SampleRate":48000`
	}
	return `"AudioDescriptions":[{"CodecSettings":{"Codec":"AAC","AacSettings":{` + settings + `}}}]`
}

// output is an output with a name modifier, a container and parts.
func output(modifier, container string, parts ...string) string {
	s := `{"ContainerSettings":{"Container":"` + container + `"}`
	if modifier != "" {
		s += `,"NameModifier":` + quoteJSON(modifier)
	}
	for _, p := range parts {
		s += "," + p
	}
	return s + "}"
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }
