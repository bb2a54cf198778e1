package objectstore

import (
	"fmt"
	"strings"
	"time"

	"github.com/mie-kafka/mie/internal/problem"
)

// PutOptions are what PutWith stores besides the bytes.
type PutOptions struct {
	ContentType string
	// Metadata is user metadata (x-amz-meta-*); names are kept in lower
	// case.
	Metadata map[string]string
}

// CopyOptions say what a copy keeps of its source. By default the copy
// has the source's content type and metadata (S3's MetadataDirective
// COPY); ReplaceMetadata takes ContentType and Metadata instead (REPLACE).
type CopyOptions struct {
	ReplaceMetadata bool
	ContentType     string
	Metadata        map[string]string
}

// ListQuery asks for one page of a bucket's listing, in key (UTF-8 byte)
// order, as ListObjectsV2 does.
type ListQuery struct {
	Prefix string
	// Delimiter rolls up the keys that contain it after Prefix into one
	// common prefix each (up to and including the delimiter).
	Delimiter string
	// StartAfter lists only keys after it; Token (a previous page's
	// NextToken) resumes a listing and takes precedence.
	StartAfter string
	Token      string
	// MaxKeys bounds the keys plus common prefixes of the page; 0 means
	// DefaultMaxKeys.
	MaxKeys int
}

// DefaultMaxKeys is S3's page size, and its largest.
const DefaultMaxKeys = 1000

// ListPage is one page of a listing.
type ListPage struct {
	Objects        []Info
	CommonPrefixes []string
	// Truncated says more follows: pass NextToken as the next query's
	// Token. The token is opaque and belongs to the backend that made it.
	Truncated bool
	NextToken string
}

func (q ListQuery) maxKeys() int {
	if q.MaxKeys <= 0 || q.MaxKeys > DefaultMaxKeys {
		return DefaultMaxKeys
	}
	return q.MaxKeys
}

// BucketInfo describes a bucket.
type BucketInfo struct {
	Name    string
	Created time.Time
}

// Part is an uploaded part of a multipart upload.
type Part struct {
	Number   int
	ETag     string
	Size     int64
	Modified time.Time
}

// CompletedPart names a part in CompleteMultipart, as the client lists
// it.
type CompletedPart struct {
	Number int
	ETag   string
}

// Limits of multipart uploads, S3's.
const (
	// MinPartSize is the smallest part but the last.
	MinPartSize = 5 << 20
	// MaxPartNumber is the highest part number.
	MaxPartNumber = 10000
)

// ValidatePartNumber checks a part number (1 to MaxPartNumber).
func ValidatePartNumber(n int) error {
	if n < 1 || n > MaxPartNumber {
		return fmt.Errorf("%w: part number %d: must be 1 to %d", problem.ErrInvalid, n, MaxPartNumber)
	}
	return nil
}

// validateMetadata checks user metadata names: HTTP header tokens.
func validateMetadata(m map[string]string) error {
	for k, v := range m {
		if k == "" || strings.ContainsAny(k, " \t\r\n:()<>@,;\\\"/[]?={}") {
			return fmt.Errorf("%w: metadata name %q is not an HTTP header token", problem.ErrInvalid, k)
		}
		if strings.ContainsAny(v, "\r\n") {
			return fmt.Errorf("%w: metadata %q: line breaks are not allowed", problem.ErrInvalid, k)
		}
	}
	return nil
}

// lowerKeys returns m with lower-case names (nil for an empty map).
func lowerKeys(m map[string]string) map[string]string {
	if len(m) == 0 {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[strings.ToLower(k)] = v
	}
	return out
}

// quoteETag returns an ETag in S3's quoted form.
func quoteETag(tag string) string {
	if tag == "" || strings.HasPrefix(tag, `"`) {
		return tag
	}
	return `"` + tag + `"`
}

// SameETag compares two ETags, quoted or not.
func SameETag(a, b string) bool {
	return strings.Trim(a, `"`) == strings.Trim(b, `"`)
}
