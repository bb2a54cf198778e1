package hls_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/mie-kafka/mie/internal/media/hls"
)

func TestParseFFmpegMediaPlaylist(t *testing.T) {
	in := "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:6\n#EXT-X-MEDIA-SEQUENCE:1\n#EXT-X-PLAYLIST-TYPE:VOD\n" +
		"#EXTINF:6.000000,\no1_00001.ts\n#EXTINF:6.000000,\no1_00002.ts\n#EXTINF:1.000000,\no1_00003.ts\n#EXT-X-ENDLIST\n"
	p, err := hls.Parse(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	m := p.Media
	if p.Master != nil || m == nil || m.TargetDuration != 6 || m.MediaSequence != 1 || m.PlaylistType != "VOD" || !m.EndList || len(m.Segments) != 3 {
		t.Fatalf("parsed %+v", p)
	}
	if m.Segments[2] != (hls.Segment{Duration: 1, URI: "o1_00003.ts"}) || m.Duration() != 13 {
		t.Fatalf("segments %+v", m.Segments)
	}
}

func TestMediaRoundTripWithByteRanges(t *testing.T) {
	m := &hls.Media{TargetDuration: 6, MediaSequence: 1, PlaylistType: "VOD", AllowCache: "NO", EndList: true,
		Segments: []hls.Segment{{Duration: 6, URI: "a.ts", Length: 100, Offset: 0}, {Duration: 2.5, URI: "a.ts", Length: 50, Offset: 100}}}
	out := string(m.Encode(hls.Format{}))
	for _, want := range []string{"#EXT-X-VERSION:4\n", "#EXTINF:2.500,\n#EXT-X-BYTERANGE:50@100\na.ts\n", "#EXT-X-ALLOW-CACHE:NO\n"} {
		if !strings.Contains(out, want) {
			t.Fatalf("missing %q in\n%s", want, out)
		}
	}
	p, err := hls.Parse(strings.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	m.Version = 4
	if !reflect.DeepEqual(p.Media, m) {
		t.Fatalf("round trip:\n%+v\n%+v", p.Media, m)
	}
	if got := string(m.Encode(hls.Format{IntegerDurations: true})); !strings.Contains(got, "#EXTINF:3,\n") {
		t.Fatalf("integer durations:\n%s", got)
	}
}

func TestMasterRoundTrip(t *testing.T) {
	m := &hls.Master{Version: 3, IndependentSegments: true, Variants: []hls.Variant{
		{Bandwidth: 5000000, AverageBandwidth: 4000000, Codecs: "avc1.640028,mp4a.40.2", Width: 1920, Height: 1080, FrameRate: 29.97, ClosedCaptions: "NONE", URI: "talk_hls_1080p.m3u8"},
		{Bandwidth: 3000000, Codecs: "avc1.4d401f", URI: "talk_hls_720p.m3u8"},
	}}
	out := m.Encode()
	p, err := hls.Parse(strings.NewReader(string(out)))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(p.Master, m) {
		t.Fatalf("round trip:\n%s\n%+v", out, p.Master)
	}
}

func TestTargetDuration(t *testing.T) {
	segs := []hls.Segment{{Duration: 6.006}, {Duration: 4.2}}
	if got := hls.TargetDuration(segs, false); got != 7 {
		t.Errorf("legacy = %d, want 7", got)
	}
	if got := hls.TargetDuration(segs, true); got != 6 {
		t.Errorf("spec compliant = %d, want 6", got)
	}
	if got := hls.TargetDuration([]hls.Segment{{Duration: 6}}, false); got != 6 {
		t.Errorf("exact = %d, want 6", got)
	}
}

func TestParseErrors(t *testing.T) {
	for name, in := range map[string]string{
		"not a playlist":  "hello\n",
		"empty":           "",
		"uri without tag": "#EXTM3U\nfoo.ts\n",
		"bad extinf":      "#EXTM3U\n#EXTINF:abc,\nfoo.ts\n",
		"no uri":          "#EXTM3U\n#EXTINF:6,\n",
		"nothing":         "#EXTM3U\n#EXT-X-VERSION:3\n",
		"no bandwidth":    "#EXTM3U\n#EXT-X-STREAM-INF:CODECS=\"avc1\"\nv.m3u8\n",
	} {
		t.Run(name, func(t *testing.T) {
			if p, err := hls.Parse(strings.NewReader(in)); err == nil {
				t.Fatalf("parsed %+v", p)
			}
		})
	}
	if _, err := hls.Parse(strings.NewReader("<html>")); !errors.Is(err, hls.ErrNotPlaylist) {
		t.Fatalf("err = %v", err)
	}
}
