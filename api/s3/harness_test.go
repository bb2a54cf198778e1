package s3_test

import (
	"context"
	"crypto/tls"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/mie-kafka/mie/api/s3"
	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/objectstore"
	"github.com/mie-kafka/mie/internal/s3test"
)

func TestMain(m *testing.M) {
	code := m.Run()
	s3test.Stop()
	os.Exit(code)
}

// notes records the objects the endpoint reports.
type notes struct {
	mu   sync.Mutex
	evs  []events.ObjectCreated
	fail error
}

func (n *notes) ObjectCreated(_ context.Context, ev *events.ObjectCreated) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.fail != nil {
		return n.fail
	}
	n.evs = append(n.evs, *ev)
	return nil
}

func (n *notes) all() []events.ObjectCreated {
	n.mu.Lock()
	defer n.mu.Unlock()
	return append([]events.ObjectCreated(nil), n.evs...)
}

type endpoint struct {
	URL   string
	notes *notes
	store s3.Store
	srv   *httptest.Server

	mu sync.Mutex
	// payloads counts the x-amz-content-sha256 payload types received.
	payloads map[string]int
}

func (e *endpoint) payloadCount(kind string) int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.payloads[kind]
}

func localStore(t *testing.T) *objectstore.Local {
	t.Helper()
	l, err := objectstore.NewLocal(filepath.Join(t.TempDir(), "objects"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

// serve starts the endpoint over store (the local store when nil).
func serve(t *testing.T, store s3.Store, tlsOn bool) *endpoint {
	t.Helper()
	if store == nil {
		store = localStore(t)
	}
	n := &notes{}
	h, err := s3.New(s3.Config{Store: store, Notifier: n, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	e := &endpoint{notes: n, store: store, payloads: map[string]int{}}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if v := r.Header.Get("X-Amz-Content-Sha256"); v != "" && len(v) != 64 {
			e.mu.Lock()
			e.payloads[v]++
			e.mu.Unlock()
		}
		h.ServeHTTP(w, r)
	}))
	if tlsOn {
		srv.StartTLS()
	} else {
		srv.Start()
	}
	t.Cleanup(srv.Close)
	e.URL, e.srv = srv.URL, srv
	return e
}

// client is aws-sdk-go-v2's S3 client pointed at the endpoint, with the
// SDK's defaults (checksums when supported).
func (e *endpoint) client(t *testing.T) *awss3.Client {
	t.Helper()
	hc := &http.Client{}
	if e.srv.TLS != nil {
		hc.Transport = &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}} //nolint:gosec // the test's own server
	}
	return awss3.New(awss3.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(e.URL),
		UsePathStyle: true,
		Credentials:  credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", ""),
		HTTPClient:   hc,
	})
}
