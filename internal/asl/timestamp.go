package asl

import (
	"time"
)

// ParseTimestamp parses a States Language timestamp: RFC 3339
// (YYYY-MM-DDTHH:MM:SS, optional fractional seconds after ".", then "Z"
// or a ±HH:MM offset), with the uppercase "T" and "Z" the specification
// requires, as in "2016-03-14T01:59:00Z". Go's time.Parse alone would also
// take a "," before the fraction and offsets past 23:59.
func ParseTimestamp(s string) (time.Time, bool) {
	if !timestampShape(s) {
		return time.Time{}, false
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, false
	}
	return t, true
}

// timestampShape checks the characters of s against RFC 3339's grammar;
// time.Parse then checks the ranges of the date and time.
func timestampShape(s string) bool {
	const layout = "dddd-dd-ddTdd:dd:dd"
	if len(s) < len(layout)+1 {
		return false
	}
	for i := 0; i < len(layout); i++ {
		if layout[i] == 'd' {
			if !isDigit(s[i]) {
				return false
			}
		} else if s[i] != layout[i] {
			return false
		}
	}
	rest := s[len(layout):]
	if rest[0] == '.' {
		n := 1
		for n < len(rest) && isDigit(rest[n]) {
			n++
		}
		if n == 1 {
			return false
		}
		rest = rest[n:]
	}
	switch {
	case rest == "Z":
		return true
	case len(rest) == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':':
		for _, i := range []int{1, 2, 4, 5} {
			if !isDigit(rest[i]) {
				return false
			}
		}
		return rest[1:3] <= "23" && rest[4:6] <= "59"
	}
	return false
}
