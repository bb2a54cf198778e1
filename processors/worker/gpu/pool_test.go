package gpu_test

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/mie-kafka/mie/internal/awsfake"
	"github.com/mie-kafka/mie/processors/worker/gpu"
)

const param = "/mie/gpu/instance_id"

var tag = gpu.Tag{Key: "Role", Value: "gpu-worker"}

// logs captures slog output as JSON lines.
type logs struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logs) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logs) logger() *slog.Logger {
	return slog.New(slog.NewJSONHandler(l, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// steps returns the records with a step key, in order.
func (l *logs) steps(t *testing.T) []map[string]any {
	t.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(l.buf.String()), "\n") {
		if line == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("log line %q: %v", line, err)
		}
		if _, ok := m["step"]; ok {
			out = append(out, m)
		}
	}
	return out
}

func (l *logs) names(t *testing.T) []string {
	var out []string
	for _, m := range l.steps(t) {
		out = append(out, m["step"].(string))
	}
	return out
}

func (l *logs) step(t *testing.T, name string) map[string]any {
	t.Helper()
	for _, m := range l.steps(t) {
		if m["step"] == name {
			return m
		}
	}
	t.Fatalf("no log step %s in %v", name, l.names(t))
	return nil
}

// worker is a GPU worker's health endpoint; it reports the host it was
// addressed as, to check the private address was used.
type worker struct {
	srv   *httptest.Server
	up    atomic.Bool
	hosts chan string
}

func newWorker(t *testing.T) *worker {
	w := &worker{hosts: make(chan string, 100)}
	w.up.Store(true)
	w.srv = httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/health" {
			http.NotFound(rw, r)
			return
		}
		w.hosts <- r.Host
		if !w.up.Load() {
			http.Error(rw, "loading model", http.StatusServiceUnavailable)
			return
		}
		_, _ = rw.Write([]byte(`{"status":"ok"}`))
	}))
	t.Cleanup(w.srv.Close)
	return w
}

func (w *worker) port(t *testing.T) int {
	u, _ := url.Parse(w.srv.URL)
	_, p, _ := net.SplitHostPort(u.Host)
	var n int
	for _, c := range p {
		n = n*10 + int(c-'0')
	}
	return n
}

func cloudPool(t *testing.T, f *awsfake.Server, w *worker, l *logs, withTag bool) *gpu.Pool {
	t.Helper()
	e, s, err := gpu.NewClients(f.Config(), f.URL())
	if err != nil {
		t.Fatal(err)
	}
	cfg := gpu.Config{SSMParameter: param, EC2: e, SSM: s, Port: w.port(t), Logger: l.logger()}
	if withTag {
		cfg.Tag = tag
	}
	p, err := gpu.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestStaticURL(t *testing.T) {
	w := newWorker(t)
	l := &logs{}
	p, err := gpu.New(gpu.Config{URL: w.srv.URL + "/", Logger: l.logger()})
	if err != nil {
		t.Fatal(err)
	}
	if a := p.Check(t.Context()); !a.Up || a.URL != w.srv.URL {
		t.Fatalf("up worker: %+v", a)
	}
	w.up.Store(false)
	a := p.Check(t.Context())
	if a.Up || !strings.Contains(a.Reason, "503") {
		t.Fatalf("down worker: %+v", a)
	}
	p.TryStart(t.Context()) // nothing to start, nothing logged as a step
	if n := l.names(t); len(n) != 0 {
		t.Fatalf("steps = %v", n)
	}
}

func TestUnconfigured(t *testing.T) {
	p, err := gpu.New(gpu.Config{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	if a := p.Check(t.Context()); a.Up || a.Sentinel != gpu.SentinelUnconfigured {
		t.Fatalf("%+v", a)
	}
}

func TestConfigValidate(t *testing.T) {
	err := gpu.Config{URL: "ftp://x", SSMParameter: "/p", Port: 70000, HealthPath: "health"}.Validate()
	for _, want := range []string{"not both", "not an http(s) URL", "EC2 and SSM clients", "out of range", "must start with /", "Logger"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Validate() = %v, want it to mention %q", err, want)
		}
	}
	for _, bad := range []string{"Role", "=x", "Role="} {
		if _, err := gpu.ParseTag(bad); err == nil {
			t.Errorf("ParseTag(%q) accepted", bad)
		}
	}
	if tg, err := gpu.ParseTag(" Role = gpu-worker "); err != nil || tg != tag {
		t.Errorf("ParseTag = %v, %v", tg, err)
	}
}

func TestCloudCheck(t *testing.T) {
	cases := []struct {
		name      string
		param     *string // nil: absent
		instances []awsfake.Instance
		tag       bool
		up        bool
		sentinel  string
		id        string
		steps     []string
		ssm       string // the parameter afterwards
	}{
		{name: "absent", sentinel: gpu.SentinelAbsent},
		{name: "none", param: ptr("none"), sentinel: gpu.SentinelNone, ssm: "none"},
		{name: "empty", param: ptr(" "), sentinel: gpu.SentinelNone, ssm: " "},
		{name: "running, private address preferred", param: ptr("i-1"),
			instances: []awsfake.Instance{{ID: "i-1", State: "running", PrivateIP: "127.0.0.1", PublicIP: "127.0.0.2"}},
			up:        true, id: "i-1", ssm: "i-1"},
		{name: "pending", param: ptr("i-1"),
			instances: []awsfake.Instance{{ID: "i-1", State: "pending", PrivateIP: "127.0.0.1"}}, id: "i-1", ssm: "i-1"},
		{name: "stale id adopted by tag", param: ptr("i-old"), tag: true,
			instances: []awsfake.Instance{
				{ID: "i-old", State: "terminated", Tags: map[string]string{"Role": "gpu-worker"}},
				{ID: "i-web", State: "running", PrivateIP: "127.0.0.9", Tags: map[string]string{"Role": "web"}},
				{ID: "i-new", State: "running", PrivateIP: "127.0.0.1", Tags: map[string]string{"Role": "gpu-worker"}},
			},
			up: true, id: "i-new", steps: []string{gpu.StepInstanceAdoptedByTag, gpu.StepSSMInstanceIDUpdated}, ssm: "i-new"},
		{name: "unknown id adopted by tag", param: ptr("i-gone"), tag: true,
			instances: []awsfake.Instance{{ID: "i-new", State: "running", PrivateIP: "127.0.0.1", Tags: map[string]string{"Role": "gpu-worker"}}},
			up:        true, id: "i-new", steps: []string{gpu.StepInstanceAdoptedByTag, gpu.StepSSMInstanceIDUpdated}, ssm: "i-new"},
		{name: "stopped, no replacement", param: ptr("i-1"), tag: true,
			instances: []awsfake.Instance{{ID: "i-1", State: "stopped", Tags: map[string]string{"Role": "gpu-worker"}}},
			id:        "i-1", steps: []string{gpu.StepInstanceRecoveryFailed}, ssm: "i-1"},
		{name: "stopping, no tag configured", param: ptr("i-1"),
			instances: []awsfake.Instance{{ID: "i-1", State: "stopping", Tags: map[string]string{"Role": "gpu-worker"}}},
			id:        "i-1", steps: []string{gpu.StepInstanceRecoveryFailed}, ssm: "i-1"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := awsfake.New()
			defer f.Close()
			w := newWorker(t)
			for _, in := range c.instances {
				f.AddInstance(in)
			}
			if c.param != nil {
				f.SetParameter(param, *c.param)
			}
			l := &logs{}
			p := cloudPool(t, f, w, l, c.tag)
			a := p.Check(t.Context())
			if a.Up != c.up || a.Sentinel != c.sentinel || a.InstanceID != c.id {
				t.Fatalf("Check = %+v, want up %v sentinel %q id %q", a, c.up, c.sentinel, c.id)
			}
			if !a.Up && a.Reason == "" {
				t.Fatal("a down pool has no Reason")
			}
			if a.Up {
				if host := <-w.hosts; !strings.HasPrefix(host, "127.0.0.1:") {
					t.Fatalf("worker addressed as %s, want the private address", host)
				}
			}
			if got := l.names(t); !slices.Equal(got, c.steps) {
				t.Fatalf("steps = %v, want %v", got, c.steps)
			}
			got, ok := f.Parameter(param)
			if c.ssm == "" && ok || c.ssm != "" && got != c.ssm {
				t.Fatalf("SSM parameter = %q (%v), want %q", got, ok, c.ssm)
			}
			if c.up && slices.Contains(c.steps, gpu.StepInstanceAdoptedByTag) {
				m := l.step(t, gpu.StepInstanceAdoptedByTag)
				if m["old_instance_id"] != *c.param || m["new_instance_id"] != c.id {
					t.Fatalf("adopted step = %v", m)
				}
			}
		})
	}
}

func TestCloudWorkerUnhealthy(t *testing.T) {
	f := awsfake.New()
	defer f.Close()
	w := newWorker(t)
	w.up.Store(false)
	f.AddInstance(awsfake.Instance{ID: "i-1", State: "running", PrivateIP: "127.0.0.1"})
	f.SetParameter(param, "i-1")
	p := cloudPool(t, f, w, &logs{}, true)
	a := p.Check(t.Context())
	if a.Up || a.InstanceID != "i-1" || a.URL == "" || !strings.Contains(a.Reason, "503") {
		t.Fatalf("Check = %+v", a)
	}
}

func TestCloudSSMError(t *testing.T) {
	f := awsfake.New()
	defer f.Close()
	f.Fail("ssm:GetParameter", "AccessDeniedException")
	p := cloudPool(t, f, newWorker(t), &logs{}, true)
	a := p.Check(t.Context())
	if a.Up || !strings.Contains(a.Reason, "AccessDenied") {
		t.Fatalf("Check = %+v", a)
	}
}

func TestTryStart(t *testing.T) {
	gpuTags := map[string]string{"Role": "gpu-worker"}
	cases := []struct {
		name      string
		param     *string
		instances []awsfake.Instance
		tag       bool
		fail      bool
		started   []string
		step      string
		source    string
		ssm       string
	}{
		{name: "stored stopped instance", param: ptr("i-1"), tag: true,
			instances: []awsfake.Instance{{ID: "i-1", State: "stopped", Tags: gpuTags}, {ID: "i-2", State: "stopped", Tags: gpuTags}},
			started:   []string{"i-1"}, step: gpu.StepAutostartAttempted, source: gpu.SourceSSM, ssm: "i-1"},
		{name: "none: stopped instance by tag", param: ptr("none"), tag: true,
			instances: []awsfake.Instance{{ID: "i-web", State: "stopped", Tags: map[string]string{"Role": "web"}}, {ID: "i-2", State: "stopped", Tags: gpuTags}},
			started:   []string{"i-2"}, step: gpu.StepAutostartAttempted, source: gpu.SourceTagScan, ssm: "i-2"},
		{name: "stale id: stopped instance by tag", param: ptr("i-dead"), tag: true,
			instances: []awsfake.Instance{{ID: "i-dead", State: "terminated", Tags: gpuTags}, {ID: "i-2", State: "stopped", Tags: gpuTags}},
			started:   []string{"i-2"}, step: gpu.StepAutostartAttempted, source: gpu.SourceTagScan, ssm: "i-2"},
		{name: "absent and nothing tagged", tag: true,
			instances: []awsfake.Instance{{ID: "i-web", State: "stopped", Tags: map[string]string{"Role": "web"}}},
			step:      gpu.StepAutostartNoInstanceFound},
		{name: "none and no tag configured", param: ptr("none"), step: gpu.StepAutostartNoInstanceFound, ssm: "none"},
		{name: "already pending", param: ptr("i-1"), tag: true,
			instances: []awsfake.Instance{{ID: "i-1", State: "pending", Tags: gpuTags}, {ID: "i-2", State: "stopped", Tags: gpuTags}}, ssm: "i-1"},
		{name: "start refused", param: ptr("i-1"), tag: true, fail: true,
			instances: []awsfake.Instance{{ID: "i-1", State: "stopped", Tags: gpuTags}},
			step:      gpu.StepAutostartFailed, ssm: "i-1"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := awsfake.New()
			defer f.Close()
			for _, in := range c.instances {
				f.AddInstance(in)
			}
			if c.param != nil {
				f.SetParameter(param, *c.param)
			}
			if c.fail {
				f.Fail("ec2:StartInstances", "UnauthorizedOperation")
			}
			l := &logs{}
			p := cloudPool(t, f, newWorker(t), l, c.tag)
			p.TryStart(t.Context())
			if got := f.Started(); !slices.Equal(got, c.started) {
				t.Fatalf("started %v, want %v", got, c.started)
			}
			names := l.names(t)
			if c.step == "" {
				if slices.ContainsFunc(names, func(s string) bool { return strings.HasPrefix(s, "gpu_autostart") }) {
					t.Fatalf("steps = %v, want no auto-start step", names)
				}
			} else {
				m := l.step(t, c.step)
				if c.source != "" && (m["source"] != c.source || m["instance_id"] != c.started[0]) {
					t.Fatalf("step = %v, want source %s instance %s", m, c.source, c.started[0])
				}
				if c.step == gpu.StepAutostartFailed && !strings.Contains(m["error"].(string), "UnauthorizedOperation") {
					t.Fatalf("failed step = %v", m)
				}
			}
			if got, _ := f.Parameter(param); got != c.ssm {
				t.Fatalf("SSM parameter = %q, want %q", got, c.ssm)
			}
			if c.source == gpu.SourceTagScan && !slices.Contains(names, gpu.StepSSMInstanceIDUpdated) {
				t.Fatalf("steps = %v, want %s after a tag-scan start", names, gpu.StepSSMInstanceIDUpdated)
			}
		})
	}
}

func ptr(s string) *string { return &s }
