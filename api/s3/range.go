package s3

import (
	"net/http"
	"strconv"
	"strings"
)

// byteRange is a resolved Range header: length bytes from start.
type byteRange struct {
	set           bool
	start, length int64
}

func (r byteRange) status() int {
	if r.set {
		return http.StatusPartialContent
	}
	return http.StatusOK
}

// parseRange resolves "bytes=a-b", "bytes=a-" or "bytes=-n" against an
// object's size. S3 serves one range: a header it cannot read, or with
// several ranges, is ignored (the whole object), as S3 does; a range that
// starts past the end is 416 InvalidRange.
func parseRange(h string, size int64) (byteRange, error) {
	spec, ok := strings.CutPrefix(strings.TrimSpace(h), "bytes=")
	if !ok || strings.Contains(spec, ",") {
		return byteRange{}, nil
	}
	first, last, ok := strings.Cut(spec, "-")
	if !ok {
		return byteRange{}, nil
	}
	first, last = strings.TrimSpace(first), strings.TrimSpace(last)
	unsatisfiable := &Error{Code: CodeInvalidRange, Status: http.StatusRequestedRangeNotSatisfiable,
		Message: "The requested range is not satisfiable", Extra: map[string]string{
			"RangeRequested": h, "ActualObjectSize": strconv.FormatInt(size, 10)}}
	if first == "" { // suffix: the last n bytes
		n, err := strconv.ParseInt(last, 10, 64)
		if err != nil || n < 0 {
			return byteRange{}, nil
		}
		if n == 0 || size == 0 {
			return byteRange{}, unsatisfiable
		}
		n = min(n, size)
		return byteRange{set: true, start: size - n, length: n}, nil
	}
	start, err := strconv.ParseInt(first, 10, 64)
	if err != nil || start < 0 {
		return byteRange{}, nil
	}
	end := size - 1
	if last != "" {
		e, err := strconv.ParseInt(last, 10, 64)
		if err != nil || e < start {
			return byteRange{}, nil
		}
		end = min(e, size-1)
	}
	if start >= size {
		return byteRange{}, unsatisfiable
	}
	return byteRange{set: true, start: start, length: end - start + 1}, nil
}
