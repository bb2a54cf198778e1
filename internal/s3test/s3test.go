// Package s3test starts the real S3-compatible server the tests run
// against (moto's server, from PyPI) and finds the documented clients
// (boto3 and the AWS CLI v2). deploy/s3/tools.sh installs all three into
// .cache; the environment variables MIE_TEST_MOTO_SERVER,
// MIE_TEST_S3_PYTHON and MIE_TEST_AWSCLI point elsewhere. A test that
// needs a missing tool is skipped, saying which and how to install it.
package s3test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"
)

const install = "run deploy/s3/tools.sh to install it"

// Tool finds a test tool: the environment variable env, or else rel
// (a glob) under the module's .cache. ok is false when neither exists.
func Tool(env, rel string) (string, bool) {
	if p := os.Getenv(env); p != "" {
		if _, err := os.Stat(p); err == nil {
			return p, true
		}
		return p, false
	}
	root, err := moduleRoot()
	if err != nil {
		return "", false
	}
	matches, _ := filepath.Glob(filepath.Join(root, ".cache", rel))
	for _, m := range matches {
		if fi, err := os.Stat(m); err == nil && !fi.IsDir() {
			return m, true
		}
	}
	return "", false
}

func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the working directory")
		}
		dir = parent
	}
}

// Python is the interpreter that has boto3; the test skips without it.
func Python(t testing.TB) string {
	t.Helper()
	p, ok := Tool("MIE_TEST_S3_PYTHON", "s3tools/bin/python")
	if !ok {
		t.Skipf("no Python with boto3 (MIE_TEST_S3_PYTHON %q): %s", p, install)
	}
	return p
}

// AWSCLI is the AWS CLI v2 binary; the test skips without it.
func AWSCLI(t testing.TB) string {
	t.Helper()
	p, ok := Tool("MIE_TEST_AWSCLI", "awscli-v2/awscli/v2/2.*/bin/aws")
	if !ok {
		t.Skipf("no AWS CLI v2 (MIE_TEST_AWSCLI %q): %s", p, install)
	}
	return p
}

// Server is a running moto server.
type Server struct {
	URL string
	cmd *exec.Cmd
	out *bytes.Buffer
}

var (
	shared     *Server
	sharedErr  error
	sharedOnce sync.Once
	sharedMu   sync.Mutex
)

// Moto returns the package's moto server, started on first use on a free
// loopback port; Stop (from TestMain) ends it. The test skips when moto is
// not installed. Tests share it: each uses buckets of its own.
func Moto(t testing.TB) *Server {
	t.Helper()
	bin, ok := Tool("MIE_TEST_MOTO_SERVER", "s3tools/bin/moto_server")
	if !ok {
		t.Skipf("no moto server (MIE_TEST_MOTO_SERVER %q): %s", bin, install)
	}
	sharedMu.Lock()
	defer sharedMu.Unlock()
	sharedOnce.Do(func() { shared, sharedErr = start(bin) })
	if sharedErr != nil {
		t.Fatalf("moto server: %v", sharedErr)
	}
	return shared
}

// Stop ends the shared server, if one was started.
func Stop() {
	sharedMu.Lock()
	defer sharedMu.Unlock()
	if shared != nil {
		shared.Close()
	}
}

func start(bin string) (*Server, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	out := &bytes.Buffer{}
	cmd := exec.Command(bin, "-H", "127.0.0.1", "-p", strconv.Itoa(port))
	cmd.Stdout, cmd.Stderr = out, out
	cmd.Env = append(os.Environ(), "PYTHONUNBUFFERED=1")
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	s := &Server{URL: fmt.Sprintf("http://127.0.0.1:%d", port), cmd: cmd, out: out}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	for {
		resp, err := http.Get(s.URL + "/")
		if err == nil {
			resp.Body.Close()
			return s, nil
		}
		select {
		case <-ctx.Done():
			s.Close()
			return nil, fmt.Errorf("not answering on %s after 60s: %s", s.URL, out.String())
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// Close stops the server.
func (s *Server) Close() {
	if s.cmd.Process != nil {
		_ = s.cmd.Process.Kill()
		_ = s.cmd.Wait()
	}
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// Reset empties the server (moto's reset API): every bucket is gone.
func (s *Server) Reset(t testing.TB) {
	t.Helper()
	resp, err := http.Post(s.URL+"/moto-api/reset", "application/json", nil)
	if err != nil {
		t.Fatalf("reset moto: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("reset moto: %s", resp.Status)
	}
}
