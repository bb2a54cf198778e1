package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// These tests run the real binary as separate processes and kill them with
// SIGKILL. With MIE_TEST_KAFKA_BROKERS set they use that cluster instead of
// the embedded broker.

var bin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "mie-bin-")
	if err != nil {
		panic(err)
	}
	bin = filepath.Join(dir, "mie")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		fmt.Fprintf(os.Stderr, "build mie: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

type proc struct {
	t   *testing.T
	cmd *exec.Cmd
	out *bytes.Buffer
}

func spawn(t *testing.T, args ...string) *proc {
	t.Helper()
	cmd := exec.Command(bin, args...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &proc{t: t, cmd: cmd, out: &out}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Signal(syscall.SIGTERM)
			done := make(chan struct{})
			go func() { _ = cmd.Wait(); close(done) }()
			select {
			case <-done:
			case <-time.After(30 * time.Second):
				_ = cmd.Process.Kill()
			}
		}
		if t.Failed() {
			t.Logf("output of %v:\n%s", args, out.String())
		}
	})
	return p
}

func (p *proc) kill() {
	_ = p.cmd.Process.Signal(syscall.SIGKILL)
	_ = p.cmd.Wait()
}

func (p *proc) term() error {
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	return p.cmd.Wait()
}

type client struct {
	t    *testing.T
	base string
}

func (c client) do(method, path string, body any, out any) int {
	c.t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, c.base+path, rd)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if out != nil {
		_ = json.Unmarshal(b, out)
	}
	if resp.StatusCode >= 300 && method != "GET" {
		c.t.Logf("%s %s: %d %s", method, path, resp.StatusCode, b)
	}
	return resp.StatusCode
}

func (c client) waitUp(d time.Duration) {
	c.t.Helper()
	deadline := time.Now().Add(d)
	for c.do("GET", "/version", nil, nil) != 200 {
		if time.Now().After(deadline) {
			c.t.Fatal("API did not come up")
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (c client) define() {
	c.t.Helper()
	for _, op := range []map[string]any{
		{"Name": "Nap", "Type": "Async", "StartLambdaArn": "builtin:Sleep", "MonitorLambdaArn": "builtin:Sleep",
			"Configuration": map[string]any{"MediaType": "Video", "Enabled": true, "DurationMs": 700}},
		{"Name": "Echo", "Type": "Sync", "StartLambdaArn": "builtin:Passthrough",
			"Configuration": map[string]any{"MediaType": "Video", "Enabled": true}},
	} {
		if s := c.do("POST", "/workflow/operation", op, nil); s != 200 {
			c.t.Fatalf("define operator: %d", s)
		}
	}
	if s := c.do("POST", "/workflow/stage", map[string]any{"Name": "Pair", "Operations": []string{"Nap", "Echo"}}, nil); s != 200 {
		c.t.Fatalf("define stage: %d", s)
	}
	if s := c.do("POST", "/workflow", map[string]any{"Name": "Crashy", "StartAt": "Pair",
		"Stages": map[string]any{"Pair": map[string]any{"Next": "_Echo"}, "_Echo": map[string]any{"End": true}}}, nil); s != 200 {
		c.t.Fatalf("define workflow: %d", s)
	}
	if s := c.do("POST", "/system/configuration", map[string]any{"MaxConcurrentWorkflows": 100}, nil); s != 200 {
		c.t.Fatalf("configure: %d", s)
	}
}

func (c client) start(n int) []string {
	c.t.Helper()
	var ids []string
	for i := range n {
		key := fmt.Sprintf("k%d.mp4", i)
		req, _ := http.NewRequest("POST", c.base+"/dataplane/upload?key="+key, strings.NewReader("video "+key))
		req.Header.Set("Content-Type", "video/mp4")
		resp, err := http.DefaultClient.Do(req)
		if err != nil || resp.StatusCode != 200 {
			c.t.Fatalf("upload %s: %v %v", key, err, resp)
		}
		resp.Body.Close()
		var v struct{ Id string }
		s := c.do("POST", "/workflow/execution", map[string]any{"Name": "Crashy",
			"Input": map[string]any{"Media": map[string]any{"Video": map[string]any{"S3Bucket": "mie-dataplane", "S3Key": key}}}}, &v)
		if s != 200 || v.Id == "" {
			c.t.Fatalf("start: %d", s)
		}
		ids = append(ids, v.Id)
	}
	return ids
}

type event struct {
	ID       string          `json:"id"`
	Type     string          `json:"type"`
	Producer string          `json:"producer"`
	Data     json.RawMessage `json:"data"`
}

// checkExactlyOnce asserts that every execution completed and that no
// transition was applied, and no operator result counted, twice.
func (c client) checkExactlyOnce(ids []string) map[string]int {
	c.t.Helper()
	producers := map[string]int{}
	for _, id := range ids {
		var h []event
		if s := c.do("GET", "/workflow/execution/"+id+"/history", nil, &h); s != 200 {
			c.t.Fatalf("history %s: %d", id, s)
		}
		seen := map[string]int{}
		ids := map[string]bool{}
		for _, e := range h {
			producers[e.Producer]++
			if ids[e.ID] {
				c.t.Fatalf("execution %s: event %s appears twice", id, e.ID)
			}
			ids[e.ID] = true
			var d struct {
				State string
				Run   int32
			}
			_ = json.Unmarshal(e.Data, &d)
			seen[e.Type+" "+d.State]++
			if e.Type == "StateEntered" {
				// Runs are numbered in the order they are entered: a run
				// entered twice would repeat or skip a number.
				if want := int32(seen["StateEntered runs"] + 1); d.Run != want {
					c.t.Fatalf("execution %s: StateEntered of run %d, want run %d next", id, d.Run, want)
				}
				seen["StateEntered runs"]++
			}
		}
		for _, once := range []string{"ExecutionQueued ", "ExecutionStarted ", "ExecutionCompleted ",
			"StateEntered Pair", "StateExited Pair", "StateExited Pair:merge", "StateExited _Echo:merge",
			"TaskSucceeded Pair:Nap", "TaskSucceeded Pair:Echo", "TaskSucceeded _Echo:Echo",
			"TaskScheduled Pair:Nap"} {
			if seen[once] != 1 {
				c.t.Fatalf("execution %s: %q happened %d times, want once; history %v", id, once, seen[once], seen)
			}
		}
	}
	return producers
}

func (c client) waitComplete(ids []string, d time.Duration) {
	c.t.Helper()
	deadline := time.Now().Add(d)
	for _, id := range ids {
		for {
			var v struct{ Status, Message string }
			c.do("GET", "/workflow/execution/"+id, nil, &v)
			if v.Status == "Complete" {
				break
			}
			if v.Status == "Error" {
				c.t.Fatalf("execution %s failed: %s", id, v.Message)
			}
			if time.Now().After(deadline) {
				c.t.Fatalf("execution %s still %s", id, v.Status)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
}

func kafkaArgs() []string {
	if b := os.Getenv("MIE_TEST_KAFKA_BROKERS"); b != "" {
		return []string{"--kafka", b, "--topic-prefix", fmt.Sprintf("p%d.", time.Now().UnixNano())}
	}
	return nil
}

func TestCrashRestart(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	dir := t.TempDir()
	port := freePort(t)
	args := append([]string{"serve", "--addr", fmt.Sprintf("127.0.0.1:%d", port), "--data-dir", dir,
		"--partitions", "4", "--log-level", "warn", "--session-timeout", "3s", "--instance", "crash"}, kafkaArgs()...)
	c := client{t: t, base: fmt.Sprintf("http://127.0.0.1:%d", port)}

	p := spawn(t, args...)
	c.waitUp(30 * time.Second)
	c.define()
	ids := c.start(12)
	// Let some finish their first stage and some not.
	time.Sleep(400 * time.Millisecond)
	p.kill()

	p2 := spawn(t, args...)
	c.waitUp(60 * time.Second)
	c.waitComplete(ids, 90*time.Second)
	c.checkExactlyOnce(ids)
	if err := p2.term(); err != nil {
		t.Fatalf("SIGTERM did not drain cleanly: %v", err)
	}
}

func TestTwoExecutorsHandoff(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	dir := t.TempDir()
	port, kport := freePort(t), freePort(t)
	common := []string{"--partitions", "4", "--log-level", "warn", "--session-timeout", "3s"}
	extra := kafkaArgs()
	serveArgs := append([]string{"serve", "--addr", fmt.Sprintf("127.0.0.1:%d", port), "--data-dir", dir,
		"--embedded-kafka-port", fmt.Sprint(kport), "--instance", "a"}, common...)
	brokers := fmt.Sprintf("127.0.0.1:%d", kport)
	if len(extra) > 0 {
		serveArgs = append(serveArgs, extra...)
		brokers = extra[1]
	}
	c := client{t: t, base: fmt.Sprintf("http://127.0.0.1:%d", port)}
	spawn(t, serveArgs...)
	c.waitUp(30 * time.Second)
	bArgs := append(append([]string{"executor", "--kafka", brokers, "--instance", "b"}, common...), "--log-level", "info")
	if len(extra) > 0 {
		bArgs = append(bArgs, extra[2:]...)
	}
	b := spawn(t, bArgs...)
	c.define()
	// Wait until b owns partitions and has rebuilt them (its first batch
	// after an assignment that gave it something logs this).
	deadline := time.Now().Add(30 * time.Second)
	for !strings.Contains(b.out.String(), "partitions rebuilt") {
		if time.Now().After(deadline) {
			t.Fatalf("executor b never got partitions:\n%s", b.out.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	ids := c.start(12)
	time.Sleep(500 * time.Millisecond)
	b.kill()
	c.waitComplete(ids, 120*time.Second)
	producers := c.checkExactlyOnce(ids)
	if producers["mie-executor@b"] == 0 || producers["mie-executor@a"] == 0 {
		t.Fatalf("both executors should have advanced executions: %v", producers)
	}
}
