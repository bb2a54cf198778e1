package s3_test

import (
	"crypto/md5"
	"encoding/base64"
	"encoding/binary"
	"encoding/xml"
	"fmt"
	"hash/crc32"
	"io"
	"net/http"
	"strings"
	"testing"
)

// chunk frames data as one aws-chunked chunk, signed or not.
func chunk(data string, signed bool) string {
	sig := ""
	if signed {
		sig = ";chunk-signature=" + strings.Repeat("ab", 32)
	}
	return fmt.Sprintf("%x%s\r\n%s\r\n", len(data), sig, data)
}

func crc32b64(s string) string {
	var b [4]byte
	binary.BigEndian.PutUint32(b[:], crc32.ChecksumIEEE([]byte(s)))
	return base64.StdEncoding.EncodeToString(b[:])
}

func md5b64(s string) string {
	sum := md5.Sum([]byte(s))
	return base64.StdEncoding.EncodeToString(sum[:])
}

type s3Error struct {
	Code    string `xml:"Code"`
	Message string `xml:"Message"`
	Key     string `xml:"Key"`
}

// TestWire sends requests by hand: the aws-chunked encodings the SDKs
// use, and the malformed requests a client can send, each answered with
// S3's XML error and a 4xx.
func TestWire(t *testing.T) {
	e := serve(t, nil, false)
	do(t, e, "PUT", "/wire", nil, "", 200)
	signed := chunk("hello ", true) + chunk("world", true) + chunk("", true) + "\r\n"
	unsignedTrailer := chunk("hello ", false) + chunk("world", false) + "0\r\nx-amz-checksum-crc32:" + crc32b64("hello world") + "\r\n\r\n"
	badTrailer := chunk("hello world", false) + "0\r\nx-amz-checksum-crc32:" + crc32b64("other") + "\r\n\r\n"
	streaming := func(kind string, extra ...string) map[string]string {
		h := map[string]string{"X-Amz-Content-Sha256": kind, "Content-Encoding": "aws-chunked", "X-Amz-Decoded-Content-Length": "11"}
		for i := 0; i+1 < len(extra); i += 2 {
			h[extra[i]] = extra[i+1]
		}
		return h
	}
	tests := []struct {
		name, method, path, body string
		headers                  map[string]string
		status                   int
		code                     string // error code, or the object's expected content
	}{
		{"signed chunks", "PUT", "/wire/signed", signed, streaming("STREAMING-AWS4-HMAC-SHA256-PAYLOAD"), 200, "hello world"},
		{"unsigned chunks with a CRC32 trailer", "PUT", "/wire/trailer", unsignedTrailer,
			streaming("STREAMING-UNSIGNED-PAYLOAD-TRAILER", "X-Amz-Trailer", "x-amz-checksum-crc32"), 200, "hello world"},
		{"a wrong CRC32 trailer", "PUT", "/wire/badtrailer", badTrailer,
			streaming("STREAMING-UNSIGNED-PAYLOAD-TRAILER", "X-Amz-Trailer", "x-amz-checksum-crc32"), 400, "BadDigest"},
		{"a chunk shorter than its size", "PUT", "/wire/short", "10\r\nhello\r\n0\r\n\r\n", streaming("STREAMING-AWS4-HMAC-SHA256-PAYLOAD"), 400, "IncompleteBody"},
		{"a chunk header without a size", "PUT", "/wire/nosize", "zz\r\nhello\r\n", streaming("STREAMING-AWS4-HMAC-SHA256-PAYLOAD"), 400, "IncompleteBody"},
		{"chunks without a decoded length", "PUT", "/wire/nolen", signed, map[string]string{"X-Amz-Content-Sha256": "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"}, 411, "MissingContentLength"},
		{"decoded length off", "PUT", "/wire/len", signed, streaming("STREAMING-AWS4-HMAC-SHA256-PAYLOAD", "X-Amz-Decoded-Content-Length", "12"), 400, "IncompleteBody"},
		{"a right Content-MD5", "PUT", "/wire/md5", "abc", map[string]string{"Content-MD5": md5b64("abc")}, 200, "abc"},
		{"a wrong Content-MD5", "PUT", "/wire/badmd5", "abc", map[string]string{"Content-MD5": md5b64("abd")}, 400, "BadDigest"},
		{"a malformed Content-MD5", "PUT", "/wire/md5x", "abc", map[string]string{"Content-MD5": "nope"}, 400, "InvalidDigest"},
		{"a wrong x-amz-content-sha256", "PUT", "/wire/sha", "abc", map[string]string{"X-Amz-Content-Sha256": strings.Repeat("0", 64)}, 400, "XAmzContentSHA256Mismatch"},
		{"a wrong x-amz-checksum-crc32", "PUT", "/wire/crc", "abc", map[string]string{"X-Amz-Checksum-Crc32": crc32b64("abd")}, 400, "BadDigest"},
		{"a right x-amz-checksum-crc32", "PUT", "/wire/crcok", "abc", map[string]string{"X-Amz-Checksum-Crc32": crc32b64("abc")}, 200, "abc"},
		{"an invalid bucket name", "PUT", "/Bad_Bucket", "", nil, 400, "InvalidBucketName"},
		{"a key the store cannot keep", "PUT", "/wire/a//b", "x", nil, 400, "InvalidArgument"},
		{"malformed multipart completion", "POST", "/wire/k?uploadId=nope", "<Complete", nil, 400, "MalformedXML"},
		{"completion of an unknown upload", "POST", "/wire/k?uploadId=nope", "<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>x</ETag></Part></CompleteMultipartUpload>", nil, 404, "NoSuchUpload"},
		{"a bad part number", "PUT", "/wire/k?partNumber=0&uploadId=x", "x", nil, 400, "InvalidArgument"},
		{"malformed DeleteObjects", "POST", "/wire?delete", "<Delete><Object>", nil, 400, "MalformedXML"},
		{"malformed CreateBucket", "PUT", "/wire-two", "<CreateBucketConfiguration", nil, 400, "MalformedXML"},
		{"copy without a key", "PUT", "/wire/copy", "", map[string]string{"X-Amz-Copy-Source": "wire"}, 400, "InvalidArgument"},
		{"copy onto itself", "PUT", "/wire/signed", "", map[string]string{"X-Amz-Copy-Source": "/wire/signed"}, 400, "InvalidRequest"},
		{"a bad metadata directive", "PUT", "/wire/copy", "", map[string]string{"X-Amz-Copy-Source": "/wire/signed", "X-Amz-Metadata-Directive": "MERGE"}, 400, "InvalidArgument"},
		{"a bad list-type", "GET", "/wire?list-type=3", "", nil, 400, "InvalidArgument"},
		{"a bad encoding-type", "GET", "/wire?list-type=2&encoding-type=base64", "", nil, 400, "InvalidArgument"},
		{"an unsupported sub-resource", "PUT", "/wire?versioning", "<VersioningConfiguration/>", nil, 501, "NotImplemented"},
		{"a method on the service", "DELETE", "/", "", nil, 405, "MethodNotAllowed"},
		{"a missing key", "GET", "/wire/none", "", nil, 404, "NoSuchKey"},
		{"a missing bucket", "GET", "/none-here/k", "", nil, 404, "NoSuchBucket"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := do(t, e, tt.method, tt.path, tt.headers, tt.body, tt.status)
			if tt.status >= 300 {
				var er s3Error
				if err := xml.Unmarshal([]byte(body), &er); err != nil || er.Code != tt.code || er.Message == "" {
					t.Fatalf("%d %q: want the XML error %s", status, body, tt.code)
				}
				if tt.method == "PUT" && strings.Count(tt.path, "/") == 2 && !strings.Contains(tt.path, "?") && tt.headers["X-Amz-Copy-Source"] == "" {
					// A refused PUT leaves no object.
					do(t, e, "HEAD", tt.path, nil, "", 404)
				}
				return
			}
			if tt.method == "PUT" && tt.code != "" {
				if _, got := do(t, e, "GET", tt.path, nil, "", 200); got != tt.code {
					t.Fatalf("stored %q, want %q", got, tt.code)
				}
			}
		})
	}
}

// do sends a request and checks the status.
func do(t *testing.T, e *endpoint, method, path string, headers map[string]string, body string, want int) (int, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, e.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature="+strings.Repeat("0", 64))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != want {
		t.Fatalf("%s %s: %s %s, want %d", method, path, resp.Status, b, want)
	}
	return resp.StatusCode, string(b)
}
