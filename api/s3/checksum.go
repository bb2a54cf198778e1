package s3

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"hash"
	"hash/crc32"
	"net/http"
	"strings"
)

// Integrity checks of a request body: Content-MD5, a hex
// x-amz-content-sha256, and the flexible checksums x-amz-checksum-crc32,
// -crc32c, -sha1 and -sha256 (in a header, or in an aws-chunked body's
// trailer). -crc64nvme is accepted but not checked: Go's library has no
// CRC-64/NVME.

// algorithms are the checksums verified, by their header's suffix.
var algorithms = map[string]func() hash.Hash{
	"crc32":  func() hash.Hash { return crc32.NewIEEE() },
	"crc32c": func() hash.Hash { return crc32.New(crc32.MakeTable(crc32.Castagnoli)) },
	"sha1":   sha1.New,
	"sha256": sha256.New,
}

const checksumHeader = "x-amz-checksum-"

// expectation is one digest the body must have.
type expectation struct {
	name    string // for the error: "Content-MD5", "CRC32", ...
	h       hash.Hash
	want    []byte
	code    string
	trailer string // set while the value is still to come in a trailer
}

// expectations reads the digests a request announces. A malformed value
// is an InvalidDigest (or InvalidArgument) answer.
func expectations(h http.Header) ([]*expectation, error) {
	var out []*expectation
	if v := h.Get("Content-MD5"); v != "" {
		want, err := base64.StdEncoding.DecodeString(v)
		if err != nil || len(want) != md5.Size {
			return nil, &Error{Code: CodeInvalidDigest, Status: http.StatusBadRequest, Message: "The Content-MD5 you specified was invalid."}
		}
		out = append(out, &expectation{name: "Content-MD5", h: md5.New(), want: want, code: CodeBadDigest})
	}
	if v := h.Get("X-Amz-Content-Sha256"); len(v) == 64 {
		want, err := hex.DecodeString(v)
		if err != nil {
			return nil, invalidArgument("x-amz-content-sha256 %q is neither a hex SHA-256 nor a payload type", v)
		}
		out = append(out, &expectation{name: "x-amz-content-sha256", h: sha256.New(), want: want, code: CodeSHA256Mismatch})
	}
	for name, vals := range h {
		alg, ok := strings.CutPrefix(strings.ToLower(name), checksumHeader)
		if !ok || alg == "algorithm" || alg == "type" || len(vals) == 0 {
			continue
		}
		e, err := checksumExpectation(alg, vals[0])
		if err != nil {
			return nil, err
		}
		if e != nil {
			out = append(out, e)
		}
	}
	for _, t := range strings.Split(h.Get("X-Amz-Trailer"), ",") {
		alg, ok := strings.CutPrefix(strings.ToLower(strings.TrimSpace(t)), checksumHeader)
		if new, known := algorithms[alg]; ok && known {
			out = append(out, &expectation{name: strings.ToUpper(alg), h: new(), code: CodeBadDigest, trailer: checksumHeader + alg})
		}
	}
	return out, nil
}

func checksumExpectation(alg, value string) (*expectation, error) {
	new, ok := algorithms[alg]
	if !ok {
		return nil, nil // crc64nvme, or one S3 does not know: not checked
	}
	want, err := base64.StdEncoding.DecodeString(value)
	if err != nil || len(want) != new().Size() {
		return nil, invalidArgument("Value for %s%s header is invalid.", checksumHeader, alg)
	}
	return &expectation{name: strings.ToUpper(alg), h: new(), want: want, code: CodeBadDigest}, nil
}

// check compares the digest with the expected one.
func (e *expectation) check() error {
	if got := e.h.Sum(nil); string(got) != string(e.want) {
		msg := "The " + e.name + " you specified did not match the calculated checksum."
		if e.code == CodeSHA256Mismatch {
			msg = "The provided 'x-amz-content-sha256' header does not match what was computed."
		}
		return &Error{Code: e.code, Status: http.StatusBadRequest, Message: msg}
	}
	return nil
}

func encodeB64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }
