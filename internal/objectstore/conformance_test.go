package objectstore_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/mie-kafka/mie/internal/objectstore"
	"github.com/mie-kafka/mie/internal/problem"
)

// bucketMaker is what both backends offer.
type bucketMaker interface {
	objectstore.Store
	objectstore.BucketMaker
}

const bucket = "mie-test"

// conformance runs the same assertions against any backend. newStore
// returns a fresh, empty store.
func conformance(t *testing.T, newStore func(t *testing.T) bucketMaker) {
	setup := func(t *testing.T) (context.Context, bucketMaker) {
		s := newStore(t)
		ctx := t.Context()
		if err := s.EnsureBucket(ctx, bucket); err != nil {
			t.Fatal(err)
		}
		if err := s.EnsureBucket(ctx, bucket); err != nil {
			t.Fatalf("EnsureBucket twice: %v", err)
		}
		return ctx, s
	}

	t.Run("PutGetStatListDelete", func(t *testing.T) {
		ctx, s := setup(t)
		before := time.Now().Add(-time.Minute)
		info, err := s.Put(ctx, bucket, "assets/a1/input/video.mp4", strings.NewReader("hello video"), 11, "video/mp4")
		if err != nil {
			t.Fatal(err)
		}
		if info.Bucket != bucket || info.Key != "assets/a1/input/video.mp4" || info.Size != 11 || info.ContentType != "video/mp4" {
			t.Fatalf("put info = %+v", info)
		}
		if info.Modified.Before(before) {
			t.Fatalf("modified %v is too old", info.Modified)
		}
		rc, got, err := s.Get(ctx, bucket, "assets/a1/input/video.mp4")
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(rc)
		rc.Close()
		if err != nil || string(body) != "hello video" {
			t.Fatalf("get = %q, %v", body, err)
		}
		if got.Size != 11 || got.ContentType != "video/mp4" {
			t.Fatalf("get info = %+v", got)
		}
		st, err := s.Stat(ctx, bucket, "assets/a1/input/video.mp4")
		if err != nil || st.Size != 11 || st.ContentType != "video/mp4" {
			t.Fatalf("stat = %+v, %v", st, err)
		}
		mustPut(t, s, "assets/a1/out/b.json", "{}")
		mustPut(t, s, "assets/a2/x", "x")
		list, err := s.List(ctx, bucket, "assets/a1/")
		if err != nil {
			t.Fatal(err)
		}
		if k := keys(list); strings.Join(k, ",") != "assets/a1/input/video.mp4,assets/a1/out/b.json" {
			t.Fatalf("list = %v", k)
		}
		if list[0].Size != 11 || list[1].Size != 2 {
			t.Fatalf("list sizes = %+v", list)
		}
		if err := s.Delete(ctx, bucket, "assets/a1/input/video.mp4"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Stat(ctx, bucket, "assets/a1/input/video.mp4"); !errors.Is(err, problem.ErrNotFound) {
			t.Fatalf("stat after delete: %v, want not found", err)
		}
		list, err = s.List(ctx, bucket, "")
		if err != nil {
			t.Fatal(err)
		}
		if k := keys(list); strings.Join(k, ",") != "assets/a1/out/b.json,assets/a2/x" {
			t.Fatalf("list after delete = %v", k)
		}
	})

	t.Run("ListSortedAndPartialPrefix", func(t *testing.T) {
		ctx, s := setup(t)
		for _, k := range []string{"m/b", "m-c", "m/a/z", "m0", "n", "m/a-"} {
			mustPut(t, s, k, k)
		}
		all, err := s.List(ctx, bucket, "")
		if err != nil {
			t.Fatal(err)
		}
		if k := strings.Join(keys(all), ","); k != "m-c,m/a-,m/a/z,m/b,m0,n" {
			t.Fatalf("list = %s, want byte order", k)
		}
		part, err := s.List(ctx, bucket, "m/a")
		if err != nil {
			t.Fatal(err)
		}
		if k := strings.Join(keys(part), ","); k != "m/a-,m/a/z" {
			t.Fatalf("list m/a = %s", k)
		}
		none, err := s.List(ctx, bucket, "zzz/")
		if err != nil || len(none) != 0 {
			t.Fatalf("list of an absent prefix = %v, %v", keys(none), err)
		}
	})

	t.Run("Overwrite", func(t *testing.T) {
		ctx, s := setup(t)
		mustPut(t, s, "k.txt", "first version, longer")
		if _, err := s.Put(ctx, bucket, "k.txt", strings.NewReader("second"), -1, "text/x-second"); err != nil {
			t.Fatal(err)
		}
		if got := read(t, s, "k.txt"); got != "second" {
			t.Fatalf("after overwrite = %q", got)
		}
		st, err := s.Stat(ctx, bucket, "k.txt")
		if err != nil || st.Size != 6 || st.ContentType != "text/x-second" {
			t.Fatalf("stat after overwrite = %+v, %v", st, err)
		}
		if list, _ := s.List(ctx, bucket, ""); len(list) != 1 {
			t.Fatalf("list after overwrite = %v", keys(list))
		}
	})

	t.Run("LargeStreamed", func(t *testing.T) {
		ctx, s := setup(t)
		const size = 20 << 20
		want := sha256.New()
		if _, err := io.Copy(want, newPattern(size)); err != nil {
			t.Fatal(err)
		}
		// Unknown size: the backend must stream it (multipart on S3).
		info, err := s.Put(ctx, bucket, "big/object.bin", newPattern(size), -1, "application/octet-stream")
		if err != nil {
			t.Fatal(err)
		}
		if info.Size != size {
			t.Fatalf("size = %d, want %d", info.Size, size)
		}
		rc, _, err := s.Get(ctx, bucket, "big/object.bin")
		if err != nil {
			t.Fatal(err)
		}
		defer rc.Close()
		got := sha256.New()
		n, err := io.Copy(got, rc)
		if err != nil || n != size {
			t.Fatalf("read back %d bytes, %v", n, err)
		}
		if !bytes.Equal(got.Sum(nil), want.Sum(nil)) {
			t.Fatal("read back different bytes")
		}
	})

	t.Run("NotFound", func(t *testing.T) {
		ctx, s := setup(t)
		if _, _, err := s.Get(ctx, bucket, "missing"); !errors.Is(err, problem.ErrNotFound) || !strings.Contains(err.Error(), "missing") {
			t.Fatalf("get missing: %v", err)
		}
		if _, err := s.Stat(ctx, bucket, "missing/deeper"); !errors.Is(err, problem.ErrNotFound) {
			t.Fatalf("stat missing: %v", err)
		}
		if err := s.Delete(ctx, bucket, "missing"); err != nil {
			t.Fatalf("delete missing: %v", err)
		}
		if _, _, err := s.Get(ctx, "no-such-bucket", "k"); !errors.Is(err, problem.ErrNotFound) {
			t.Fatalf("get from a missing bucket: %v", err)
		}
		if _, err := s.List(ctx, "no-such-bucket", ""); !errors.Is(err, problem.ErrNotFound) || !strings.Contains(err.Error(), "no-such-bucket") {
			t.Fatalf("list a missing bucket: %v", err)
		}
		// A prefix of existing keys is not an object.
		mustPut(t, s, "dir/file", "x")
		if _, err := s.Stat(ctx, bucket, "dir"); !errors.Is(err, problem.ErrNotFound) {
			t.Fatalf("stat a prefix: %v", err)
		}
	})

	t.Run("BadKeysTouchNothing", func(t *testing.T) {
		ctx, s := setup(t)
		mustPut(t, s, "keep/me", "kept")
		before, err := s.List(ctx, bucket, "")
		if err != nil {
			t.Fatal(err)
		}
		for _, key := range badKeys {
			wantInvalid := func(op string, err error) {
				t.Helper()
				if !errors.Is(err, problem.ErrInvalid) {
					t.Errorf("%s %q: %v, want invalid", op, key, err)
				} else if key != "" && !strings.Contains(err.Error(), "key") {
					t.Errorf("%s %q: message %q does not name the key", op, key, err)
				}
			}
			_, err := s.Put(ctx, bucket, key, strings.NewReader("evil"), 4, "text/plain")
			wantInvalid("put", err)
			_, _, err = s.Get(ctx, bucket, key)
			wantInvalid("get", err)
			_, err = s.Stat(ctx, bucket, key)
			wantInvalid("stat", err)
			wantInvalid("delete", s.Delete(ctx, bucket, key))
			if p, ok := s.(objectstore.Presigner); ok {
				_, err = p.PresignPut(ctx, bucket, key, time.Minute)
				wantInvalid("presign put", err)
				_, err = p.PresignGet(ctx, bucket, key, time.Minute)
				wantInvalid("presign get", err)
			}
		}
		for _, prefix := range []string{"../", "/abs", "a//b", `a\b`, "a/../../", "a/./"} {
			if _, err := s.List(ctx, bucket, prefix); !errors.Is(err, problem.ErrInvalid) {
				t.Errorf("list %q: %v, want invalid", prefix, err)
			}
		}
		for _, b := range badBuckets {
			if _, err := s.Put(ctx, b, "k", strings.NewReader("x"), 1, ""); !errors.Is(err, problem.ErrInvalid) || !strings.Contains(err.Error(), "bucket") {
				t.Errorf("put to bucket %q: %v, want invalid naming the bucket", b, err)
			}
			if _, err := s.List(ctx, b, ""); !errors.Is(err, problem.ErrInvalid) {
				t.Errorf("list bucket %q: %v, want invalid", b, err)
			}
			if err := s.EnsureBucket(ctx, b); !errors.Is(err, problem.ErrInvalid) {
				t.Errorf("ensure bucket %q: %v, want invalid", b, err)
			}
		}
		after, err := s.List(ctx, bucket, "")
		if err != nil {
			t.Fatal(err)
		}
		if strings.Join(keys(after), ",") != strings.Join(keys(before), ",") || read(t, s, "keep/me") != "kept" {
			t.Fatalf("bad requests changed the bucket: %v -> %v", keys(before), keys(after))
		}
	})
}

var badKeys = []string{
	"", "..", "../x", "a/../../x", "a/..", "/etc/passwd", "/", "a//b", "a/", "./a", "a/./b",
	`..\x`, `a\b`, "a\x00b", "a\nb", strings.Repeat("k", 256), strings.Repeat("a/", 600) + "b",
	"\xff\xfe",
}

var badBuckets = []string{"", "ab", "UPPER", "has_underscore", "../up", "a/b", "-start", "end-", "a..b",
	"192.168.1.1", strings.Repeat("b", 64), ".meta", ".tmp"}

func keys(list []objectstore.Info) []string {
	out := make([]string, len(list))
	for i, o := range list {
		out[i] = o.Key
	}
	return out
}

func mustPut(t *testing.T, s objectstore.Store, key, body string) {
	t.Helper()
	if _, err := s.Put(t.Context(), bucket, key, strings.NewReader(body), int64(len(body)), "text/plain"); err != nil {
		t.Fatalf("put %s: %v", key, err)
	}
}

func read(t *testing.T, s objectstore.Store, key string) string {
	t.Helper()
	rc, _, err := s.Get(t.Context(), bucket, key)
	if err != nil {
		t.Fatalf("get %s: %v", key, err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// pattern is a reader of n deterministic, non-repeating-looking bytes that
// holds no buffer of its own.
type pattern struct{ n, off int64 }

func newPattern(n int64) *pattern { return &pattern{n: n} }

func (p *pattern) Read(b []byte) (int, error) {
	if p.off >= p.n {
		return 0, io.EOF
	}
	if rem := p.n - p.off; int64(len(b)) > rem {
		b = b[:rem]
	}
	for i := range b {
		x := uint64(p.off + int64(i))
		x ^= x >> 7
		x *= 0x9e3779b97f4a7c15
		b[i] = byte(x >> 56)
	}
	p.off += int64(len(b))
	return len(b), nil
}
