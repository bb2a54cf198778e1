package transcode

import (
	"fmt"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/mie-kafka/mie/internal/objectstore"
)

// Output naming follows MediaConvert:
//
//   - A group's Destination is s3://bucket/prefix/ (outputs take the input
//     file's base name) or s3://bucket/prefix/base (outputs take "base").
//   - A file output is prefix + base + NameModifier + "." + extension; the
//     extension is Output.Extension or the container's (mp4, mov, m2ts; a
//     RAW output takes its codec's: h264, h265, aac).
//   - A frame capture is prefix + base + NameModifier + ".NNNNNNN.jpg", N
//     the 0-based capture number in 7 digits.
//   - An HLS group writes the master playlist prefix + base + ".m3u8", one
//     variant playlist per output prefix + base + NameModifier + ".m3u8",
//     and segments prefix + base + NameModifier + SegmentModifier +
//     "_NNNNN.ts" numbered from 1 in 5 digits (SINGLE_FILE: one
//     prefix + base + NameModifier + ".ts").
//   - Destination, NameModifier and SegmentModifier accept MediaConvert's
//     format identifiers ($dt$ $d$ $t$ $fn$, and in modifiers $rv$ $ra$
//     $rc$ $w$ $h$ $f$ $ex$ $$), with "%0N" before the closing $ for a
//     minimum number of digits ($h%04$ is 0720). Anything else is literal:
//     "_thumb_%04d" is the nine characters "_thumb_%04d", as on MediaConvert.

// s3URI is a parsed s3://bucket/key.
type s3URI struct {
	Bucket, Key string
}

func (u s3URI) String() string { return "s3://" + u.Bucket + "/" + u.Key }

// parseS3URI reads s3://bucket/key; key may be empty or end in '/'.
func parseS3URI(s string) (s3URI, error) {
	rest, ok := strings.CutPrefix(s, "s3://")
	if !ok {
		return s3URI{}, fmt.Errorf("%q: only s3://bucket/key locations are supported", s)
	}
	bucket, key, _ := strings.Cut(rest, "/")
	if err := objectstore.ValidateBucket(bucket); err != nil {
		return s3URI{}, fmt.Errorf("%q: %v", s, err)
	}
	if err := objectstore.ValidatePrefix(key); err != nil {
		return s3URI{}, fmt.Errorf("%q: %v", s, err)
	}
	return s3URI{Bucket: bucket, Key: key}, nil
}

// Identifier sets: which format identifiers a setting accepts.
var (
	destinationIdentifiers = []string{"dt", "d", "t", "fn"}
	modifierIdentifiers    = []string{"dt", "d", "t", "fn", "rv", "ra", "rc", "w", "h", "f", "ex"}
)

// identifierValues are what the format identifiers of one output resolve to.
type identifierValues struct {
	Start                time.Time
	InputBase            string // $fn$
	VideoKbps, AudioKbps int    // $rv$, $ra$ ($rc$ is their sum)
	Width, Height, FPS   int
	Extension            string // $ex$
}

// expandIdentifiers resolves the format identifiers in s (which
// checkIdentifiers has already checked against the setting).
func expandIdentifiers(s string, v identifierValues) string {
	var b strings.Builder
	for {
		i := strings.IndexByte(s, '$')
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:i])
		s = s[i:]
		if strings.HasPrefix(s, "$$") {
			b.WriteByte('$')
			s = s[2:]
			continue
		}
		name, width, n, ok := scanIdentifier(s)
		if !ok {
			b.WriteByte('$')
			s = s[1:]
			continue
		}
		b.WriteString(identifierValue(name, width, v))
		s = s[n:]
	}
}

// scanIdentifier reads "$name$" or "$name%0N$" at the start of s.
func scanIdentifier(s string) (name string, width, n int, ok bool) {
	end := strings.IndexByte(s[1:], '$')
	if end < 0 {
		return "", 0, 0, false
	}
	body := s[1 : 1+end]
	name, pad, hasPad := strings.Cut(body, "%0")
	if hasPad {
		w, err := strconv.Atoi(pad)
		if err != nil || w < 1 || w > 20 {
			return "", 0, 0, false
		}
		width = w
	}
	if !slices.Contains(modifierIdentifiers, name) {
		return "", 0, 0, false
	}
	return name, width, end + 2, true
}

func identifierValue(name string, width int, v identifierValues) string {
	num := func(n int) string {
		s := strconv.Itoa(n)
		for len(s) < width {
			s = "0" + s
		}
		return s
	}
	start := v.Start.UTC()
	switch name {
	case "dt":
		return start.Format("20060102T150405")
	case "d":
		return start.Format("20060102")
	case "t":
		return start.Format("150405")
	case "fn":
		return v.InputBase
	case "rv":
		return num(v.VideoKbps)
	case "ra":
		return num(v.AudioKbps)
	case "rc":
		return num(v.VideoKbps + v.AudioKbps)
	case "w":
		return num(v.Width)
	case "h":
		return num(v.Height)
	case "f":
		return num(v.FPS)
	case "ex":
		return v.Extension
	}
	return ""
}

// checkIdentifiers refuses a format identifier the setting does not accept
// (for example $w$ in a Destination).
func checkIdentifiers(s string, allowed []string) error {
	for {
		i := strings.IndexByte(s, '$')
		if i < 0 {
			return nil
		}
		s = s[i:]
		if strings.HasPrefix(s, "$$") {
			s = s[2:]
			continue
		}
		name, _, n, ok := scanIdentifier(s)
		if !ok {
			s = s[1:]
			continue
		}
		if !slices.Contains(allowed, name) {
			return fmt.Errorf("the format identifier $%s$ is not allowed here (allowed: $%s$)", name, strings.Join(allowed, "$, $"))
		}
		s = s[n:]
	}
}

// destinationParts splits an expanded destination into its folder prefix
// (ending in '/' or empty) and base name ("" when the destination is a
// folder).
func destinationParts(u s3URI) (prefix, base string) {
	if u.Key == "" || strings.HasSuffix(u.Key, "/") {
		return u.Key, ""
	}
	dir, file := path.Split(u.Key)
	return dir, file
}

// inputBase is an input's file name without its extension ($fn$).
func inputBase(fileInput string) string {
	name := path.Base(fileInput)
	if ext := path.Ext(name); ext != "" && ext != name {
		name = strings.TrimSuffix(name, ext)
	}
	return name
}

// sortedMapKeys returns a map's keys in order.
func sortedMapKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
