package intrinsics

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"hash"
	"strings"
)

func (c *Call) limitedString(args []any, i int) (string, error) {
	s, ok := args[i].(string)
	if !ok {
		return "", c.failArg(i, "must be a string, not %s", kind(args[i]))
	}
	if n := javaLength(s); n > maxChars {
		return "", c.failArg(i, "has %d characters; at most %d are allowed", n, maxChars)
	}
	return s, nil
}

// States.Base64Encode(string): the UTF-8 bytes of a string of at most
// 10,000 characters in standard, padded Base64.
func evalBase64Encode(c *Call, _ Env, args []any) (any, error) {
	s, err := c.limitedString(args, 0)
	if err != nil {
		return nil, err
	}
	return base64.StdEncoding.EncodeToString([]byte(s)), nil
}

// States.Base64Decode(string): decodes at most 10,000 characters of
// Base64 to a UTF-8 string. Like Java's MIME decoder, which matches what
// AWS accepts, it skips characters outside the Base64 alphabet and stops
// at padding; bytes that are not UTF-8 become U+FFFD.
func evalBase64Decode(c *Call, _ Env, args []any) (any, error) {
	s, err := c.limitedString(args, 0)
	if err != nil {
		return nil, err
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		ch := s[i]
		if ch == '=' {
			break
		}
		if ch >= 'A' && ch <= 'Z' || ch >= 'a' && ch <= 'z' || ch >= '0' && ch <= '9' || ch == '+' || ch == '/' {
			b.WriteByte(ch)
		}
	}
	data := b.String()
	if len(data)%4 == 1 {
		return nil, c.failArg(0, "is not Base64: its last unit has a single character")
	}
	out, err := base64.RawStdEncoding.DecodeString(data)
	if err != nil {
		return nil, c.failArg(0, "is not Base64: %v", err)
	}
	return strings.ToValidUTF8(string(out), "\uFFFD"), nil
}

// hashes are the algorithms States.Hash knows, spelled as AWS spells them.
var hashes = map[string]func() hash.Hash{
	"MD5":     md5.New,
	"SHA-1":   sha1.New,
	"SHA-256": sha256.New,
	"SHA-384": sha512.New384,
	"SHA-512": sha512.New,
}

// States.Hash(data, algorithm): the lowercase hex digest of data's UTF-8
// bytes. AWS hashes a non-string by its JSON text; data may have at most
// 10,000 characters.
func evalHash(c *Call, _ Env, args []any) (any, error) {
	data := text(args[0])
	if n := javaLength(data); n > maxChars {
		return nil, c.failArg(0, "has %d characters; at most %d are allowed", n, maxChars)
	}
	algo, ok := args[1].(string)
	if !ok {
		return nil, c.failArg(1, "(algorithm) must be a string, not %s", kind(args[1]))
	}
	newHash := hashes[algo]
	if newHash == nil {
		return nil, c.failArg(1, "(algorithm) %q is not one of MD5, SHA-1, SHA-256, SHA-384, SHA-512", algo)
	}
	h := newHash()
	h.Write([]byte(data))
	return hex.EncodeToString(h.Sum(nil)), nil
}
