package objectstore_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/mie-kafka/mie/internal/objectstore"
	"github.com/mie-kafka/mie/internal/problem"
)

func TestValidateKey(t *testing.T) {
	good := []string{
		"a", "assets/abc-123/input/My Video (1).mp4", "vidéo/日本.mp4", "a.b/c..d/..e", "x/.hidden",
		strings.Repeat("k", 255), strings.Repeat("a/", 511) + "b",
	}
	for _, k := range good {
		if err := objectstore.ValidateKey(k); err != nil {
			t.Errorf("ValidateKey(%q) = %v, want ok", k, err)
		}
	}
	for _, k := range badKeys {
		err := objectstore.ValidateKey(k)
		if !errors.Is(err, problem.ErrInvalid) {
			t.Errorf("ValidateKey(%q) = %v, want invalid", k, err)
		}
	}
	if err := objectstore.ValidateKey("../etc/passwd"); err == nil || !strings.Contains(err.Error(), `"../etc/passwd"`) {
		t.Errorf("message does not name the key: %v", err)
	}
}

func TestValidatePrefix(t *testing.T) {
	for _, p := range []string{"", "a", "a/", "assets/abc/", "assets/ab"} {
		if err := objectstore.ValidatePrefix(p); err != nil {
			t.Errorf("ValidatePrefix(%q) = %v", p, err)
		}
	}
	for _, p := range []string{"/", "../", "a//", "a/../", `a\`} {
		if err := objectstore.ValidatePrefix(p); !errors.Is(err, problem.ErrInvalid) {
			t.Errorf("ValidatePrefix(%q) = %v, want invalid", p, err)
		}
	}
}

func TestValidateBucket(t *testing.T) {
	for _, b := range []string{"abc", "mie-media", "my.bucket.01", strings.Repeat("b", 63), "1bucket"} {
		if err := objectstore.ValidateBucket(b); err != nil {
			t.Errorf("ValidateBucket(%q) = %v", b, err)
		}
	}
	for _, b := range append(badBuckets, "xn--abc", "foo-s3alias", "foo--ol-s3") {
		err := objectstore.ValidateBucket(b)
		if !errors.Is(err, problem.ErrInvalid) || !strings.Contains(err.Error(), "bucket") {
			t.Errorf("ValidateBucket(%q) = %v, want invalid naming the bucket", b, err)
		}
	}
}
