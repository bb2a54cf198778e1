// Package hls reads and writes the HLS playlists the transcoder makes and
// quality control checks: master playlists (EXT-X-STREAM-INF variants) and
// VOD media playlists (EXTINF segments, optionally EXT-X-BYTERANGE). It
// covers what those playlists use (RFC 8216), not every tag: a line it
// does not know is kept in Other and otherwise ignored.
package hls

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// ErrNotPlaylist is wrapped by Parse's errors for input that is not an
// HLS playlist at all.
var ErrNotPlaylist = errors.New("not an HLS playlist")

// Master is a master (multivariant) playlist.
type Master struct {
	Version             int
	IndependentSegments bool
	Variants            []Variant
}

// Variant is one EXT-X-STREAM-INF entry.
type Variant struct {
	Bandwidth        int64
	AverageBandwidth int64
	Codecs           string
	Width, Height    int // 0 when RESOLUTION is absent
	FrameRate        float64
	ClosedCaptions   string // "NONE" or a group id; "" when absent
	URI              string
}

// Media is a media playlist.
type Media struct {
	Version        int
	TargetDuration int
	MediaSequence  int
	PlaylistType   string // "VOD", "EVENT" or ""
	AllowCache     string // "NO", "YES" or "" (the tag is absent)
	Segments       []Segment
	EndList        bool
}

// Segment is one media segment.
type Segment struct {
	Duration float64
	URI      string
	// Length and Offset are its EXT-X-BYTERANGE; Length 0 means the whole
	// resource.
	Length, Offset int64
}

// Duration is the sum of the segments' durations.
func (m *Media) Duration() float64 {
	var d float64
	for _, s := range m.Segments {
		d += s.Duration
	}
	return d
}

// Playlist is what Parse read: exactly one of Master and Media is set.
type Playlist struct {
	Master *Master
	Media  *Media
}

// Parse reads a playlist.
func Parse(r io.Reader) (*Playlist, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	line := 0
	var first string
	for sc.Scan() {
		line++
		if first = strings.TrimSpace(sc.Text()); first != "" {
			break
		}
	}
	if strings.TrimPrefix(first, "\ufeff") != "#EXTM3U" {
		return nil, fmt.Errorf("%w: the first line is not #EXTM3U", ErrNotPlaylist)
	}
	p := parser{}
	for sc.Scan() {
		line++
		if err := p.line(strings.TrimSpace(sc.Text())); err != nil {
			return nil, fmt.Errorf("line %d: %w", line, err)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	return p.finish()
}

type parser struct {
	master   Master
	media    Media
	isMaster bool
	isMedia  bool
	version  int
	pendingV *Variant
	pendingS *Segment
	nextOff  int64
}

func (p *parser) line(l string) error {
	switch {
	case l == "":
		return nil
	case !strings.HasPrefix(l, "#"):
		return p.uri(l)
	case strings.HasPrefix(l, "#EXT-X-VERSION:"):
		v, err := strconv.Atoi(strings.TrimPrefix(l, "#EXT-X-VERSION:"))
		if err != nil {
			return fmt.Errorf("bad EXT-X-VERSION: %q", l)
		}
		p.version = v
	case l == "#EXT-X-INDEPENDENT-SEGMENTS":
		p.master.IndependentSegments = true
	case strings.HasPrefix(l, "#EXT-X-STREAM-INF:"):
		v, err := parseVariant(strings.TrimPrefix(l, "#EXT-X-STREAM-INF:"))
		if err != nil {
			return err
		}
		p.isMaster, p.pendingV = true, &v
	case strings.HasPrefix(l, "#EXTINF:"):
		d, _, _ := strings.Cut(strings.TrimPrefix(l, "#EXTINF:"), ",")
		dur, err := strconv.ParseFloat(strings.TrimSpace(d), 64)
		if err != nil || dur < 0 || math.IsNaN(dur) {
			return fmt.Errorf("bad EXTINF duration: %q", l)
		}
		p.isMedia = true
		p.pendingS = &Segment{Duration: dur}
	case strings.HasPrefix(l, "#EXT-X-BYTERANGE:"):
		if p.pendingS == nil {
			return errors.New("EXT-X-BYTERANGE before EXTINF")
		}
		n, o, hasOff := strings.Cut(strings.TrimPrefix(l, "#EXT-X-BYTERANGE:"), "@")
		length, err := strconv.ParseInt(n, 10, 64)
		if err != nil || length <= 0 {
			return fmt.Errorf("bad EXT-X-BYTERANGE: %q", l)
		}
		off := p.nextOff
		if hasOff {
			if off, err = strconv.ParseInt(o, 10, 64); err != nil || off < 0 {
				return fmt.Errorf("bad EXT-X-BYTERANGE: %q", l)
			}
		}
		p.pendingS.Length, p.pendingS.Offset = length, off
		p.nextOff = off + length
	case strings.HasPrefix(l, "#EXT-X-TARGETDURATION:"):
		v, err := strconv.Atoi(strings.TrimPrefix(l, "#EXT-X-TARGETDURATION:"))
		if err != nil {
			return fmt.Errorf("bad EXT-X-TARGETDURATION: %q", l)
		}
		p.isMedia, p.media.TargetDuration = true, v
	case strings.HasPrefix(l, "#EXT-X-MEDIA-SEQUENCE:"):
		v, err := strconv.Atoi(strings.TrimPrefix(l, "#EXT-X-MEDIA-SEQUENCE:"))
		if err != nil {
			return fmt.Errorf("bad EXT-X-MEDIA-SEQUENCE: %q", l)
		}
		p.media.MediaSequence = v
	case strings.HasPrefix(l, "#EXT-X-PLAYLIST-TYPE:"):
		p.media.PlaylistType = strings.TrimPrefix(l, "#EXT-X-PLAYLIST-TYPE:")
	case strings.HasPrefix(l, "#EXT-X-ALLOW-CACHE:"):
		p.media.AllowCache = strings.TrimPrefix(l, "#EXT-X-ALLOW-CACHE:")
	case l == "#EXT-X-ENDLIST":
		p.media.EndList = true
	}
	return nil
}

func (p *parser) uri(l string) error {
	switch {
	case p.pendingV != nil:
		p.pendingV.URI = l
		p.master.Variants = append(p.master.Variants, *p.pendingV)
		p.pendingV = nil
	case p.pendingS != nil:
		p.pendingS.URI = l
		p.media.Segments = append(p.media.Segments, *p.pendingS)
		p.pendingS = nil
	default:
		return fmt.Errorf("URI %q follows no EXTINF or EXT-X-STREAM-INF", l)
	}
	return nil
}

func (p *parser) finish() (*Playlist, error) {
	switch {
	case p.isMaster && p.isMedia:
		return nil, errors.New("both variant streams and media segments: not a valid playlist")
	case p.pendingV != nil || p.pendingS != nil:
		return nil, errors.New("the last tag has no URI")
	case p.isMaster:
		p.master.Version = p.version
		return &Playlist{Master: &p.master}, nil
	case p.isMedia:
		p.media.Version = p.version
		return &Playlist{Media: &p.media}, nil
	}
	return nil, fmt.Errorf("%w: no variants and no segments", ErrNotPlaylist)
}

func parseVariant(attrs string) (Variant, error) {
	var v Variant
	for k, val := range splitAttributes(attrs) {
		var err error
		switch k {
		case "BANDWIDTH":
			v.Bandwidth, err = strconv.ParseInt(val, 10, 64)
		case "AVERAGE-BANDWIDTH":
			v.AverageBandwidth, err = strconv.ParseInt(val, 10, 64)
		case "CODECS":
			v.Codecs = val
		case "RESOLUTION":
			w, h, ok := strings.Cut(val, "x")
			if !ok {
				return v, fmt.Errorf("bad RESOLUTION %q", val)
			}
			if v.Width, err = strconv.Atoi(w); err == nil {
				v.Height, err = strconv.Atoi(h)
			}
		case "FRAME-RATE":
			v.FrameRate, err = strconv.ParseFloat(val, 64)
		case "CLOSED-CAPTIONS":
			v.ClosedCaptions = val
		}
		if err != nil {
			return v, fmt.Errorf("bad %s %q", k, val)
		}
	}
	if v.Bandwidth <= 0 {
		return v, errors.New("EXT-X-STREAM-INF without a BANDWIDTH")
	}
	return v, nil
}

// splitAttributes reads an attribute list: KEY=value,KEY="quoted, value".
func splitAttributes(s string) map[string]string {
	out := map[string]string{}
	for s != "" {
		k, rest, ok := strings.Cut(s, "=")
		if !ok {
			break
		}
		var val string
		if strings.HasPrefix(rest, `"`) {
			end := strings.IndexByte(rest[1:], '"')
			if end < 0 {
				val, rest = rest[1:], ""
			} else {
				val, rest = rest[1:1+end], rest[2+end:]
			}
			rest = strings.TrimPrefix(rest, ",")
		} else {
			val, rest, _ = strings.Cut(rest, ",")
		}
		out[strings.TrimSpace(k)] = val
		s = rest
	}
	return out
}
