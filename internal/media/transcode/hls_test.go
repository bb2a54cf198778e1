package transcode_test

import (
	"math"
	"os"
	"strings"
	"testing"

	"github.com/mie-kafka/mie/internal/media/mediatest"
)

func TestHLSGroupSettings(t *testing.T) {
	e := newEnv(t)
	e.putClip(srcBucket, "in/show.mp4", mediatest.Clip{Seconds: 10, Width: 160, Height: 120})
	in := "s3://" + srcBucket + "/in/show.mp4"
	rung := func(modifier string, extra ...string) string {
		return output(modifier, "M3U8", append([]string{h264(160, 120, ""), aac("")}, extra...)...)
	}
	t.Run("IntegerDurationsAndSegmentModifier", func(t *testing.T) {
		e.mustRun(jobJSON(in, hlsGroup("s3://"+outBucket+"/int/main", `"SegmentLength":4,"ManifestDurationFormat":"INTEGER","ClientCache":"DISABLED","CaptionLanguageSetting":"NONE"`,
			rung("_lo", `"OutputSettings":{"HlsSettings":{"SegmentModifier":"$h$p_"}}`))))
		wantKeys(t, e.keys(outBucket, "int/"), "int/main.m3u8", "int/main_lo.m3u8",
			"int/main_lo120p__00001.ts", "int/main_lo120p__00002.ts", "int/main_lo120p__00003.ts")
		body, _ := os.ReadFile(e.path(outBucket, "int/main_lo.m3u8"))
		for _, want := range []string{"#EXTINF:4,\nmain_lo120p__00001.ts", "#EXTINF:2,\nmain_lo120p__00003.ts", "#EXT-X-ALLOW-CACHE:NO", "#EXT-X-TARGETDURATION:4"} {
			if !strings.Contains(string(body), want) {
				t.Fatalf("variant playlist lacks %q:\n%s", want, body)
			}
		}
		v := e.playlist(outBucket, "int/main.m3u8").Master.Variants[0]
		if v.ClosedCaptions != "NONE" || v.URI != "main_lo.m3u8" {
			t.Fatalf("variant %+v", v)
		}
	})
	t.Run("SingleFile", func(t *testing.T) {
		e.mustRun(jobJSON(in, hlsGroup("s3://"+outBucket+"/single/", `"SegmentLength":5,"SegmentControl":"SINGLE_FILE","StreamInfResolution":"EXCLUDE"`, rung("_a"))))
		wantKeys(t, e.keys(outBucket, "single/"), "single/show.m3u8", "single/show_a.m3u8", "single/show_a.ts")
		m := e.playlist(outBucket, "single/show_a.m3u8").Media
		st, _ := os.Stat(e.path(outBucket, "single/show_a.ts"))
		if len(m.Segments) != 2 || m.Version != 4 || m.Segments[1].Offset != m.Segments[0].Length ||
			m.Segments[1].Offset+m.Segments[1].Length != st.Size() || m.Segments[0].URI != "show_a.ts" {
			t.Fatalf("byte-range playlist %+v (file %d bytes)", m, st.Size())
		}
		if v := e.playlist(outBucket, "single/show.m3u8").Master.Variants[0]; v.Width != 0 {
			t.Fatalf("RESOLUTION written despite EXCLUDE: %+v", v)
		}
	})
	t.Run("SegmentsOnly", func(t *testing.T) {
		j := e.mustRun(jobJSON(in, hlsGroup("s3://"+outBucket+"/segs/", `"OutputSelection":"SEGMENTS_ONLY"`, rung("_v"))))
		wantKeys(t, e.keys(outBucket, "segs/"), "segs/show_v_00001.ts")
		if d := j.OutputGroupDetails[0]; len(d.PlaylistFilePaths) != 0 || d.OutputDetails[0].DurationInMs < 9900 {
			t.Fatalf("details %+v", d)
		}
	})
	t.Run("OddSegmentLengthStaysExact", func(t *testing.T) {
		// The automatic GOP (2 s) does not divide 3 s: keyframes come every
		// second so that every segment is 3 s.
		e.mustRun(jobJSON(in, hlsGroup("s3://"+outBucket+"/odd/", `"SegmentLength":3`, rung("_o"))))
		media := e.playlist(outBucket, "odd/show_o.m3u8").Media
		var got []float64
		for _, s := range media.Segments {
			got = append(got, math.Round(s.Duration*100)/100)
		}
		if len(got) != 4 || got[0] != 3 || got[1] != 3 || got[2] != 3 || got[3] != 1 {
			t.Fatalf("segment durations %v, want [3 3 3 1]", got)
		}
	})
}

// One encode feeds an MP4 and an HLS rendition when they encode alike:
// the segments' frames are the MP4's frames.
func TestSharedEncodeMatchesAcrossContainers(t *testing.T) {
	e := newEnv(t)
	e.putClip(srcBucket, "in/s.mp4", mediatest.Clip{Seconds: 4, Width: 160, Height: 120})
	e.mustRun(jobJSON("s3://"+srcBucket+"/in/s.mp4",
		fileGroup("s3://"+outBucket+"/mp4/", output("_v", "MP4", h264(160, 120, ""), aac(""))),
		hlsGroup("s3://"+outBucket+"/hls/", `"SegmentLength":2`, output("_v", "M3U8", h264(160, 120, ""), aac("")))))
	mp4 := e.probe(outBucket, "mp4/s_v.mp4")
	var segSeconds float64
	for _, s := range e.playlist(outBucket, "hls/s_v.m3u8").Media.Segments {
		segSeconds += s.Duration
		if math.Abs(s.Duration-2) > 0.05 {
			t.Fatalf("segment %+v, want 2 s", s)
		}
	}
	if math.Abs(segSeconds-mp4.Duration) > 0.1 {
		t.Fatalf("HLS %.3f s, MP4 %.3f s", segSeconds, mp4.Duration)
	}
}

func TestH265(t *testing.T) {
	e := newEnv(t)
	e.putClip(srcBucket, "in/h.mp4", mediatest.Clip{Seconds: 2, Width: 160, Height: 120})
	x265 := `"VideoDescription":{"Width":160,"Height":120,"CodecSettings":{"Codec":"H_265","H265Settings":{"RateControlMode":"CBR","Bitrate":300000,"CodecLevel":"LEVEL_3"}}}`
	e.mustRun(jobJSON("s3://"+srcBucket+"/in/h.mp4",
		fileGroup("s3://"+outBucket+"/mp4/", output("", "MP4", x265, aac(""))),
		hlsGroup("s3://"+outBucket+"/hls/", `"SegmentLength":2`, output("_x", "M3U8", x265, aac("")))))
	wantVideo(t, e.probe(outBucket, "mp4/h.mp4"), "hevc", 160, 120, 2)
	body, _ := os.ReadFile(e.path(outBucket, "mp4/h.mp4"))
	if !strings.Contains(string(body[:min(len(body), 1<<16)]), "hvc1") && !strings.Contains(string(body), "hvc1") {
		t.Fatal("MP4 H.265 sample entry is not hvc1")
	}
	master := e.playlist(outBucket, "hls/h.m3u8").Master
	if c := master.Variants[0].Codecs; !strings.HasPrefix(c, "hvc1.1.6.L90.") {
		t.Fatalf("codecs %q", c)
	}
	wantVideo(t, e.probe(outBucket, "hls/h_x_00001.ts"), "hevc", 160, 120, 2)
}

// HLS segments use MediaConvert's MPEG-TS identifiers (PMT 480, video
// 481, audio 482 by default), or the M3u8Settings' own.
func TestHLSTransportStreamPIDs(t *testing.T) {
	e := newEnv(t)
	e.putClip(srcBucket, "in/p.mp4", mediatest.Clip{Seconds: 2, Width: 160, Height: 120})
	m3u8 := `"ContainerSettings":{"Container":"M3U8","M3u8Settings":{"PmtPid":100,"VideoPid":200,"AudioPids":[201],"ProgramNumber":7}}`
	e.mustRun(jobJSON("s3://"+srcBucket+"/in/p.mp4",
		hlsGroup("s3://"+outBucket+"/pids/", "", output("_d", "M3U8", h264(160, 120, ""), aac("")),
			`{"NameModifier":"_c",`+m3u8+`,`+h264(160, 120, `"RateControlMode":"QVBR","MaxBitrate":900000`)+`,`+aac("")+`}`)))
	tools := mediatest.Tools(t)
	for key, want := range map[string]string{"pids/p_d_00001.ts": "480 0x1e1 0x1e2 1", "pids/p_c_00001.ts": "100 0xc8 0xc9 7"} {
		out, err := tools.Probe(t.Context(), "-v", "error", "-show_entries", "program=pmt_pid,program_num:stream=id",
			"-of", "default=noprint_wrappers=1:nokey=1", e.path(outBucket, key))
		if err != nil {
			t.Fatal(err)
		}
		// program_num, pmt_pid, then the streams' ids.
		fields := strings.Fields(string(out))
		if len(fields) < 4 {
			t.Fatalf("%s: ffprobe said %q", key, out)
		}
		if got := strings.Join([]string{fields[1], fields[2], fields[3], fields[0]}, " "); got != want {
			t.Fatalf("%s: pmt, video, audio, program = %q, want %q", key, got, want)
		}
	}
}
