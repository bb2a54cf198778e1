package objectstore

import (
	"fmt"
	"net/netip"
	"strings"
	"unicode/utf8"

	"github.com/mie-kafka/mie/internal/problem"
)

// Limits shared by every backend. S3 allows 1024-byte keys; a local
// filesystem allows 255 bytes per path segment, so both apply everywhere and
// a key valid on one backend is valid on the other.
const (
	MaxKeyLen     = 1024
	MaxSegmentLen = 255
)

// ValidateBucket checks a bucket name against S3's naming rules: 3 to 63
// characters of lowercase letters, digits, '.' and '-', starting and ending
// with a letter or digit, no "..", not shaped like an IP address. The error
// wraps problem.ErrInvalid and names the bucket.
func ValidateBucket(bucket string) error {
	bad := func(why string) error {
		return fmt.Errorf("%w: bucket %q: %s", problem.ErrInvalid, bucket, why)
	}
	if len(bucket) < 3 || len(bucket) > 63 {
		return bad("must be 3 to 63 characters long")
	}
	for i := 0; i < len(bucket); i++ {
		c := bucket[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || c == '-') {
			return bad("use only lowercase letters, digits, '.' and '-'")
		}
	}
	if !alnum(bucket[0]) || !alnum(bucket[len(bucket)-1]) {
		return bad("must start and end with a lowercase letter or digit")
	}
	if strings.Contains(bucket, "..") {
		return bad(`must not contain ".."`)
	}
	if _, err := netip.ParseAddr(bucket); err == nil {
		return bad("must not be an IP address")
	}
	if strings.HasPrefix(bucket, "xn--") || strings.HasSuffix(bucket, "-s3alias") || strings.HasSuffix(bucket, "--ol-s3") {
		return bad(`must not start with "xn--" nor end with "-s3alias" or "--ol-s3"`)
	}
	return nil
}

func alnum(c byte) bool { return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' }

// ValidateKey checks an object key: a relative, slash-separated path of
// non-empty segments, none of them "." or "..", with no backslash, NUL or
// other control character, valid UTF-8, at most MaxKeyLen bytes and
// MaxSegmentLen bytes per segment. Such a key cannot name anything outside
// its bucket. The error wraps problem.ErrInvalid and names the key.
func ValidateKey(key string) error {
	if key == "" {
		return fmt.Errorf("%w: key must not be empty", problem.ErrInvalid)
	}
	return validatePath("key", key, false)
}

// ValidatePrefix checks a List prefix: empty, or a key that may end in '/'
// (and whose last segment may be partial).
func ValidatePrefix(prefix string) error {
	if prefix == "" {
		return nil
	}
	return validatePath("prefix", prefix, true)
}

func validatePath(what, p string, trailingSlash bool) error {
	bad := func(why string) error {
		return fmt.Errorf("%w: %s %q: %s", problem.ErrInvalid, what, p, why)
	}
	if len(p) > MaxKeyLen {
		return bad(fmt.Sprintf("longer than %d bytes", MaxKeyLen))
	}
	if !utf8.ValidString(p) {
		return bad("not valid UTF-8")
	}
	for _, r := range p {
		switch {
		case r == '\\':
			return bad("backslashes are not allowed; use '/'")
		case r == 0:
			return bad("NUL is not allowed")
		case r < 0x20 || r == 0x7f:
			return bad("control characters are not allowed")
		}
	}
	if strings.HasPrefix(p, "/") {
		return bad("must be relative (no leading '/')")
	}
	if trailingSlash {
		p = strings.TrimSuffix(p, "/")
	}
	for _, seg := range strings.Split(p, "/") {
		switch {
		case seg == "":
			return bad("empty path segment ('//' or a trailing '/')")
		case seg == "." || seg == "..":
			return bad(`"." and ".." segments are not allowed`)
		case len(seg) > MaxSegmentLen:
			return bad(fmt.Sprintf("a segment is longer than %d bytes", MaxSegmentLen))
		}
	}
	return nil
}

// validate checks a bucket and key together.
func validate(bucket, key string) error {
	if err := ValidateBucket(bucket); err != nil {
		return err
	}
	return ValidateKey(key)
}
