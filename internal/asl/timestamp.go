package asl

import (
	"strings"
	"time"
)

// ParseTimestamp parses a States Language timestamp: RFC 3339 with an
// uppercase "T" between date and time and an uppercase "Z" when there is
// no numeric offset, fractional seconds optional ("2016-03-14T01:59:00Z").
func ParseTimestamp(s string) (time.Time, bool) {
	if len(s) < len("2006-01-02T15:04:05Z") || s[10] != 'T' {
		return time.Time{}, false
	}
	if strings.HasSuffix(s, "z") {
		return time.Time{}, false
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, false
	}
	return t, true
}
