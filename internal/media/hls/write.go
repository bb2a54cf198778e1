package hls

import (
	"bytes"
	"fmt"
	"math"
	"strconv"
)

// Format says how Encode writes segment durations.
type Format struct {
	// IntegerDurations writes EXTINF as whole seconds (rounded); otherwise
	// with three decimals.
	IntegerDurations bool
}

// Encode writes a VOD media playlist. Version and TargetDuration are
// written as set; Version 0 means 3, or 4 when segments use byte ranges.
func (m *Media) Encode(f Format) []byte {
	var b bytes.Buffer
	version := m.Version
	if version == 0 {
		version = 3
		for _, s := range m.Segments {
			if s.Length > 0 {
				version = 4
				break
			}
		}
	}
	b.WriteString("#EXTM3U\n")
	fmt.Fprintf(&b, "#EXT-X-VERSION:%d\n", version)
	fmt.Fprintf(&b, "#EXT-X-TARGETDURATION:%d\n", m.TargetDuration)
	fmt.Fprintf(&b, "#EXT-X-MEDIA-SEQUENCE:%d\n", m.MediaSequence)
	if m.PlaylistType != "" {
		fmt.Fprintf(&b, "#EXT-X-PLAYLIST-TYPE:%s\n", m.PlaylistType)
	}
	if m.AllowCache != "" {
		fmt.Fprintf(&b, "#EXT-X-ALLOW-CACHE:%s\n", m.AllowCache)
	}
	for _, s := range m.Segments {
		if f.IntegerDurations {
			fmt.Fprintf(&b, "#EXTINF:%d,\n", int(math.Round(s.Duration)))
		} else {
			fmt.Fprintf(&b, "#EXTINF:%.3f,\n", s.Duration)
		}
		if s.Length > 0 {
			fmt.Fprintf(&b, "#EXT-X-BYTERANGE:%d@%d\n", s.Length, s.Offset)
		}
		b.WriteString(s.URI + "\n")
	}
	if m.EndList {
		b.WriteString("#EXT-X-ENDLIST\n")
	}
	return b.Bytes()
}

// TargetDuration is the EXT-X-TARGETDURATION for segments: the longest
// segment rounded up (legacy), or rounded to the nearest second when
// specCompliant (RFC 8216 section 4.3.3.1).
func TargetDuration(segments []Segment, specCompliant bool) int {
	var longest float64
	for _, s := range segments {
		longest = math.Max(longest, s.Duration)
	}
	if specCompliant {
		return int(math.Floor(longest + 0.5))
	}
	return int(math.Ceil(longest - 1e-9))
}

// Encode writes a master playlist.
func (m *Master) Encode() []byte {
	var b bytes.Buffer
	version := m.Version
	if version == 0 {
		version = 3
	}
	b.WriteString("#EXTM3U\n")
	fmt.Fprintf(&b, "#EXT-X-VERSION:%d\n", version)
	if m.IndependentSegments {
		b.WriteString("#EXT-X-INDEPENDENT-SEGMENTS\n")
	}
	for _, v := range m.Variants {
		fmt.Fprintf(&b, "#EXT-X-STREAM-INF:BANDWIDTH=%d", v.Bandwidth)
		if v.AverageBandwidth > 0 {
			fmt.Fprintf(&b, ",AVERAGE-BANDWIDTH=%d", v.AverageBandwidth)
		}
		if v.Codecs != "" {
			fmt.Fprintf(&b, ",CODECS=%q", v.Codecs)
		}
		if v.Width > 0 && v.Height > 0 {
			fmt.Fprintf(&b, ",RESOLUTION=%dx%d", v.Width, v.Height)
		}
		if v.FrameRate > 0 {
			b.WriteString(",FRAME-RATE=" + strconv.FormatFloat(v.FrameRate, 'f', 3, 64))
		}
		if v.ClosedCaptions != "" {
			if v.ClosedCaptions == "NONE" {
				b.WriteString(",CLOSED-CAPTIONS=NONE")
			} else {
				fmt.Fprintf(&b, ",CLOSED-CAPTIONS=%q", v.ClosedCaptions)
			}
		}
		b.WriteString("\n" + v.URI + "\n")
	}
	return b.Bytes()
}
