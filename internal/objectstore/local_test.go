package objectstore_test

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/mie-kafka/mie/internal/objectstore"
	"github.com/mie-kafka/mie/internal/problem"
)

func newLocal(t *testing.T) (*objectstore.Local, string) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "objects")
	s, err := objectstore.NewLocal(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, dir
}

func TestLocalConformance(t *testing.T) {
	conformance(t, func(t *testing.T) bucketMaker {
		s, _ := newLocal(t)
		return s
	})
}

// The local backend copies through a small buffer: a 20 MiB object must
// not be held in memory on the way in or out.
func TestLocalStreamsWithoutBuffering(t *testing.T) {
	s, _ := newLocal(t)
	ctx := t.Context()
	const size = 20 << 20
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	if _, err := s.Put(ctx, bucket, "big", newPattern(size), -1, ""); err != nil {
		t.Fatal(err)
	}
	rc, _, err := s.Get(ctx, bucket, "big")
	if err != nil {
		t.Fatal(err)
	}
	n, err := io.Copy(io.Discard, rc)
	rc.Close()
	runtime.ReadMemStats(&after)
	if err != nil || n != size {
		t.Fatalf("read %d, %v", n, err)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 2<<20 {
		t.Fatalf("allocated %d bytes to move a %d-byte object: it was buffered", alloc, size)
	}
}

func TestLocalLayoutAndTempFiles(t *testing.T) {
	s, dir := newLocal(t)
	ctx := t.Context()
	mustPut(t, s, "a/b/c.json", `{"x":1}`)
	b, err := os.ReadFile(filepath.Join(dir, bucket, "a", "b", "c.json"))
	if err != nil || string(b) != `{"x":1}` {
		t.Fatalf("file on disk = %q, %v", b, err)
	}
	// A failed Put (declared size wrong) leaves no temporary file and does
	// not replace the object.
	if _, err := s.Put(ctx, bucket, "a/b/c.json", strings.NewReader("short"), 99, ""); !errors.Is(err, problem.ErrInvalid) {
		t.Fatalf("size mismatch: %v, want invalid", err)
	}
	if got := read(t, s, "a/b/c.json"); got != `{"x":1}` {
		t.Fatalf("failed put replaced the object: %q", got)
	}
	// A cancelled Put leaves nothing either.
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := s.Put(cctx, bucket, "a/cancelled", newPattern(1<<20), -1, ""); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled put: %v", err)
	}
	if _, err := s.Stat(ctx, bucket, "a/cancelled"); !errors.Is(err, problem.ErrNotFound) {
		t.Fatalf("cancelled put left an object: %v", err)
	}
	if tmp, _ := os.ReadDir(filepath.Join(dir, ".tmp")); len(tmp) != 0 {
		t.Fatalf("temporary files left: %v", tmp)
	}
	// Deleting prunes the empty directories, in data and sidecars.
	if err := s.Delete(ctx, bucket, "a/b/c.json"); err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{filepath.Join(dir, bucket, "a"), filepath.Join(dir, ".meta", bucket, "a")} {
		if _, err := os.Stat(d); !errors.Is(err, os.ErrNotExist) {
			t.Fatalf("%s still there after delete: %v", d, err)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, bucket)); err != nil {
		t.Fatalf("bucket directory removed: %v", err)
	}
}

func TestLocalContentTypeInferredWithoutSidecar(t *testing.T) {
	s, dir := newLocal(t)
	if err := os.MkdirAll(filepath.Join(dir, bucket), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, bucket, "by-hand.json"), []byte("{}"), 0o644); err != nil {
		t.Fatal(err)
	}
	st, err := s.Stat(t.Context(), bucket, "by-hand.json")
	if err != nil || st.ContentType != "application/json" || st.Size != 2 {
		t.Fatalf("stat = %+v, %v", st, err)
	}
}

func TestLocalKeyPrefixConflict(t *testing.T) {
	s, _ := newLocal(t)
	ctx := t.Context()
	mustPut(t, s, "a", "object a")
	if _, err := s.Put(ctx, bucket, "a/b", strings.NewReader("x"), 1, ""); !errors.Is(err, problem.ErrConflict) ||
		!strings.Contains(err.Error(), `key "a/b"`) || strings.Contains(err.Error(), ".meta") {
		t.Fatalf("put under an object: %v, want a conflict naming the key", err)
	}
	mustPut(t, s, "d/e", "x")
	if _, err := s.Put(ctx, bucket, "d", strings.NewReader("x"), 1, ""); !errors.Is(err, problem.ErrConflict) ||
		!strings.Contains(err.Error(), `key "d"`) {
		t.Fatalf("put over a prefix: %v, want a conflict naming the key", err)
	}
	if read(t, s, "a") != "object a" || read(t, s, "d/e") != "x" {
		t.Fatal("a conflicting put changed an object")
	}
}

// Symbolic links inside the store are never followed, so a key cannot
// reach outside the root through one, nor alias another object.
func TestLocalSymlinksRefused(t *testing.T) {
	s, dir := newLocal(t)
	ctx := t.Context()
	outside := t.TempDir()
	if err := os.WriteFile(filepath.Join(outside, "secret"), []byte("secret"), 0o600); err != nil {
		t.Fatal(err)
	}
	mustPut(t, s, "real/obj", "real")
	links := map[string]string{
		filepath.Join(dir, bucket, "out"):      outside,                                   // directory outside
		filepath.Join(dir, bucket, "sec"):      filepath.Join(outside, "secret"),          // file outside
		filepath.Join(dir, bucket, "alias"):    filepath.Join(dir, bucket, "real"),        // directory inside
		filepath.Join(dir, "linked-bucket"):    filepath.Join(dir, bucket),                // a whole bucket
		filepath.Join(dir, bucket, "rel-up"):   "../../",                                  // relative escape
		filepath.Join(dir, bucket, "real/lnk"): filepath.Join(dir, bucket, "real", "obj"), // file inside
	}
	for link, target := range links {
		if err := os.Symlink(target, link); err != nil {
			t.Fatal(err)
		}
	}
	cases := []struct{ bucket, key string }{
		{bucket, "out/secret"}, {bucket, "out/new"}, {bucket, "sec"}, {bucket, "alias/obj"},
		{"linked-bucket", "real/obj"}, {bucket, "rel-up/x"}, {bucket, "real/lnk"},
	}
	for _, c := range cases {
		invalid := func(op string, err error) {
			t.Helper()
			if !errors.Is(err, problem.ErrInvalid) || !strings.Contains(err.Error(), "symbolic link") {
				t.Errorf("%s %s/%s: %v, want invalid (symbolic link)", op, c.bucket, c.key, err)
			}
		}
		_, err := s.Put(ctx, c.bucket, c.key, strings.NewReader("evil"), 4, "")
		invalid("put", err)
		_, _, err = s.Get(ctx, c.bucket, c.key)
		invalid("get", err)
		_, err = s.Stat(ctx, c.bucket, c.key)
		invalid("stat", err)
		invalid("delete", s.Delete(ctx, c.bucket, c.key))
	}
	if _, err := s.List(ctx, bucket, "out/"); !errors.Is(err, problem.ErrInvalid) {
		t.Errorf("list through a link: %v", err)
	}
	all, err := s.List(ctx, bucket, "")
	if err != nil {
		t.Fatal(err)
	}
	if k := strings.Join(keys(all), ","); k != "real/obj" {
		t.Errorf("list followed links: %s", k)
	}
	entries, _ := os.ReadDir(outside)
	if len(entries) != 1 {
		t.Fatalf("something was written outside the root: %v", entries)
	}
	if b, _ := os.ReadFile(filepath.Join(outside, "secret")); string(b) != "secret" {
		t.Fatal("the file outside was changed")
	}
	if read(t, s, "real/obj") != "real" {
		t.Fatal("the real object was changed")
	}
}

func TestLocalTraversalWritesNothingOutside(t *testing.T) {
	s, dir := newLocal(t)
	parent := filepath.Dir(dir)
	for _, key := range badKeys {
		_, _ = s.Put(t.Context(), bucket, key, strings.NewReader("evil"), 4, "")
	}
	entries, err := os.ReadDir(parent)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 || entries[0].Name() != "objects" {
		t.Fatalf("files appeared beside the root: %v", entries)
	}
	if inside, _ := os.ReadDir(dir); len(inside) != 3 { // .meta, .tmp and .uploads only
		t.Fatalf("bad puts created files in the root: %v", inside)
	}
}
