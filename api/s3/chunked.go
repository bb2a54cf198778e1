package s3

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
)

// aws-chunked bodies (SigV4 streaming uploads): the payload comes in
// chunks, each "<hex size>[;chunk-signature=<sig>]\r\n<bytes>\r\n", ended
// by a chunk of size 0 and, for the -TRAILER payload types, trailer lines
// "<name>:<value>\r\n" (a checksum, and a trailer signature when signed)
// and an empty line. Signatures are not verified; sizes and the framing
// are, and so are checksum trailers (see checksum.go).

const maxChunkLine = 4096

// chunkedReader decodes an aws-chunked body.
type chunkedReader struct {
	r        *bufio.Reader
	left     int64 // bytes left in the current chunk
	done     bool
	err      error
	trailers map[string]string
}

func newChunkedReader(r io.Reader) *chunkedReader {
	return &chunkedReader{r: bufio.NewReaderSize(r, 64<<10), trailers: map[string]string{}}
}

func framing(format string, args ...any) error {
	return &Error{Code: CodeIncompleteBody, Status: http.StatusBadRequest,
		Message: "The aws-chunked request body is malformed: " + fmt.Sprintf(format, args...)}
}

func (c *chunkedReader) Read(p []byte) (int, error) {
	if c.err != nil {
		return 0, c.err
	}
	for c.left == 0 {
		if c.done {
			return 0, io.EOF
		}
		if c.err = c.next(); c.err != nil {
			return 0, c.err
		}
	}
	if int64(len(p)) > c.left {
		p = p[:c.left]
	}
	n, err := c.r.Read(p)
	c.left -= int64(n)
	if err == io.EOF {
		c.err = framing("the body ends inside a chunk")
		return n, c.err
	}
	if err != nil {
		c.err = err
		return n, err
	}
	if c.left == 0 {
		if c.err = c.crlf(); c.err != nil {
			return n, nil // reported on the next Read
		}
	}
	return n, nil
}

// next reads a chunk header; a final chunk reads the trailers too.
func (c *chunkedReader) next() error {
	line, err := c.line()
	if err != nil {
		return err
	}
	sizeHex, _, _ := strings.Cut(line, ";")
	size, err := strconv.ParseInt(strings.TrimSpace(sizeHex), 16, 64)
	if err != nil || size < 0 {
		return framing("chunk header %q has no hex size", truncate(line))
	}
	if size > 0 {
		c.left = size
		return nil
	}
	c.done = true
	for {
		line, err := c.line()
		if err == io.EOF || err == nil && line == "" {
			return nil
		}
		if err != nil {
			return err
		}
		name, value, ok := strings.Cut(line, ":")
		if !ok {
			return framing("trailer %q is not name:value", truncate(line))
		}
		c.trailers[strings.ToLower(strings.TrimSpace(name))] = strings.TrimSpace(value)
	}
}

// line reads one CRLF-terminated line, without the CRLF; io.EOF when the
// body ends before a line starts.
func (c *chunkedReader) line() (string, error) {
	var buf bytes.Buffer
	for {
		b, err := c.r.ReadByte()
		if err == io.EOF {
			if buf.Len() == 0 {
				return "", io.EOF
			}
			return "", framing("the body ends inside a line")
		}
		if err != nil {
			return "", err
		}
		if b == '\n' {
			return strings.TrimSuffix(buf.String(), "\r"), nil
		}
		if buf.Len() >= maxChunkLine {
			return "", framing("a chunk header or trailer is longer than %d bytes", maxChunkLine)
		}
		buf.WriteByte(b)
	}
}

// crlf reads the CRLF that ends a chunk's data.
func (c *chunkedReader) crlf() error {
	b1, err1 := c.r.ReadByte()
	b2, err2 := c.r.ReadByte()
	if err1 != nil || err2 != nil || b1 != '\r' || b2 != '\n' {
		return framing("a chunk's data is not followed by CRLF (is its size right?)")
	}
	return nil
}

// trailer returns a trailer's value, decoded from base64 for checksums.
func (c *chunkedReader) trailer(name string) ([]byte, bool) {
	v, ok := c.trailers[name]
	if !ok {
		return nil, false
	}
	b, err := base64.StdEncoding.DecodeString(v)
	return b, err == nil
}

func truncate(s string) string {
	if len(s) > 64 {
		return s[:64] + "..."
	}
	return s
}
