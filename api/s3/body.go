package s3

import (
	"hash"
	"io"
	"net/http"
	"strconv"
	"strings"
)

// body is a request's payload, decoded (aws-chunked) and checked: its
// Read returns the checks' error instead of io.EOF when a digest does not
// match or the length is not the declared one, so that a store never
// keeps a damaged object (the local store and S3 both drop a Put whose
// reader fails).
type body struct {
	r       io.Reader
	chunked *chunkedReader
	size    int64
	n       int64
	expect  []*expectation
	writers io.Writer
	err     error
}

// readBody prepares r's payload. size is its decoded length, which S3
// requires (Content-Length, or x-amz-decoded-content-length for an
// aws-chunked body).
func readBody(r *http.Request) (*body, error) {
	b := &body{r: r.Body}
	sha := r.Header.Get("X-Amz-Content-Sha256")
	if strings.HasPrefix(sha, "STREAMING-") || hasToken(r.Header.Get("Content-Encoding"), "aws-chunked") {
		v := r.Header.Get("X-Amz-Decoded-Content-Length")
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			return nil, &Error{Code: CodeMissingContentLength, Status: http.StatusLengthRequired,
				Message: "You must provide the x-amz-decoded-content-length header of an aws-chunked body."}
		}
		b.chunked = newChunkedReader(r.Body)
		b.r, b.size = b.chunked, n
	} else {
		if r.ContentLength < 0 {
			return nil, &Error{Code: CodeMissingContentLength, Status: http.StatusLengthRequired,
				Message: "You must provide the Content-Length HTTP header."}
		}
		b.size = r.ContentLength
	}
	exp, err := expectations(r.Header)
	if err != nil {
		return nil, err
	}
	if b.chunked == nil {
		kept := exp[:0]
		for _, e := range exp {
			if e.trailer == "" { // a trailer needs an aws-chunked body
				kept = append(kept, e)
			}
		}
		exp = kept
	}
	b.expect = exp
	ws := make([]io.Writer, 0, len(exp))
	for _, e := range exp {
		ws = append(ws, e.h.(hash.Hash))
	}
	b.writers = io.MultiWriter(ws...)
	return b, nil
}

func hasToken(list, token string) bool {
	for _, t := range strings.Split(list, ",") {
		if strings.EqualFold(strings.TrimSpace(t), token) {
			return true
		}
	}
	return false
}

func (b *body) Read(p []byte) (int, error) {
	if b.err != nil {
		return 0, b.err
	}
	if rem := b.size - b.n + 1; int64(len(p)) > rem {
		p = p[:rem] // one byte past the size tells an overlong body
	}
	n, err := b.r.Read(p)
	b.n += int64(n)
	_, _ = b.writers.Write(p[:n])
	if b.n > b.size {
		b.err = incomplete(b.size, b.n)
		return n, b.err
	}
	if err == io.EOF {
		if b.err = b.finish(); b.err != nil {
			return n, b.err
		}
		return n, io.EOF
	}
	return n, err
}

func incomplete(want, got int64) error {
	return &Error{Code: CodeIncompleteBody, Status: http.StatusBadRequest,
		Message: "You did not provide the number of bytes specified by the Content-Length HTTP header: want " +
			strconv.FormatInt(want, 10) + ", got " + strconv.FormatInt(got, 10)}
}

// finish runs the checks once the payload has ended.
func (b *body) finish() error {
	if b.n != b.size {
		return incomplete(b.size, b.n)
	}
	for _, e := range b.expect {
		if e.trailer != "" {
			want, ok := b.chunked.trailer(e.trailer)
			if !ok {
				return invalidRequest("The body announced the trailer %s (x-amz-trailer) but did not send it", e.trailer)
			}
			e.want = want
		}
		if err := e.check(); err != nil {
			return err
		}
	}
	return nil
}

// checksums are the x-amz-checksum-* values the body had, to echo.
func (b *body) checksums() map[string]string {
	out := map[string]string{}
	for _, e := range b.expect {
		if e.code == CodeBadDigest && e.name != "Content-MD5" {
			out[checksumHeader+strings.ToLower(e.name)] = encodeB64(e.want)
		}
	}
	return out
}
