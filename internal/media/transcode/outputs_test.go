package transcode_test

import (
	"fmt"
	"image"
	"image/jpeg"
	"math"
	"os"
	"strings"
	"testing"

	"github.com/mie-kafka/mie/internal/media/mediatest"
)

// Frame captures: the first frame, then one every Denominator/Numerator
// seconds, at most MaxCaptures, named base+modifier+".NNNNNNN.jpg" from 0.
// The clip's luma is 5 x (whole seconds), so a capture's mean luma says
// when it was taken.
func TestFrameCaptureIntervalAndCount(t *testing.T) {
	e := newEnv(t)
	e.putClip(srcBucket, "in/clock.mp4", mediatest.Clip{Seconds: 55, Width: 96, Height: 64, FPS: 10,
		VideoFilter: "format=yuv420p,geq=lum='16+5*floor(T)':cb=128:cr=128"})
	job := jobJSON("s3://"+srcBucket+"/in/clock.mp4",
		fileGroup("s3://"+outBucket+"/thumbs/",
			output("_thumb", "RAW", `"VideoDescription":{"Width":48,"Height":32,"CodecSettings":{"Codec":"FRAME_CAPTURE",`+
				`"FrameCaptureSettings":{"FramerateNumerator":1,"FramerateDenominator":10,"MaxCaptures":5,"Quality":80}}}`)),
		fileGroup("s3://"+outBucket+"/mp4/", output("", "MP4", h264(96, 64, ""), aac(""))))
	j := e.mustRun(job)
	var want []string
	for n := range 5 {
		want = append(want, fmt.Sprintf("thumbs/clock_thumb.%07d.jpg", n))
	}
	wantKeys(t, e.keys(outBucket, "thumbs/"), want...)
	for n, key := range want {
		f, err := os.Open(e.path(outBucket, key))
		if err != nil {
			t.Fatal(err)
		}
		img, err := jpeg.Decode(f)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		if b := img.Bounds(); b.Dx() != 48 || b.Dy() != 32 {
			t.Fatalf("%s is %v, want 48x32", key, b)
		}
		luma := meanLuma(t, img)
		// The JPEG is full range: limited-range luma 16+x becomes x*255/219.
		wantLuma := float64(5*10*n) * 255 / 219
		if math.Abs(luma-wantLuma) > 6 {
			t.Fatalf("%s mean luma %.1f, want about %.1f (a capture at %d s)", key, luma, wantLuma, 10*n)
		}
	}
	if got := j.OutputGroupDetails[0].OutputDetails[0].OutputFilePaths[0]; got != "s3://"+outBucket+"/thumbs/clock_thumb.0000004.jpg" {
		t.Fatalf("capture detail path %s", got)
	}
}

// The file containers and their default extensions; Extension overrides.
func TestFileContainers(t *testing.T) {
	e := newEnv(t)
	e.putClip(srcBucket, "in/a.mov", mediatest.Clip{Seconds: 2, Width: 160, Height: 120})
	job := jobJSON("s3://"+srcBucket+"/in/a.mov",
		fileGroup("s3://"+outBucket+"/files/clip",
			output("-mp4", "MP4", h264(160, 120, ""), aac("")),
			output("-mov", "MOV", h264(160, 120, ""), aac("")),
			output("-ts", "M2TS", h264(160, 120, ""), aac("")),
			output("-h264", "RAW", h264(160, 120, "")),
			output("-aac", "RAW", aac(`"Bitrate":64000,"CodingMode":"CODING_MODE_1_0","SampleRate":44100`)),
			output("-ext", "MP4", `"Extension":"m4v"`, h264(160, 120, ""), aac(""))))
	e.mustRun(job)
	wantKeys(t, e.keys(outBucket, "files/"), "files/clip-mp4.mp4", "files/clip-mov.mov", "files/clip-ts.m2ts",
		"files/clip-h264.h264", "files/clip-aac.aac", "files/clip-ext.m4v")
	for _, k := range []string{"files/clip-mp4.mp4", "files/clip-mov.mov", "files/clip-ts.m2ts", "files/clip-ext.m4v"} {
		m := e.probe(outBucket, k)
		wantVideo(t, m, "h264", 160, 120, 2)
		wantAudio(t, m, 2, 48000)
	}
	if m := e.probe(outBucket, "files/clip-h264.h264"); len(m.Audio) != 0 || m.Video[0].Codec != "h264" {
		t.Fatalf("raw h264: %+v", m)
	}
	m := e.probe(outBucket, "files/clip-aac.aac")
	wantAudio(t, m, 1, 44100)
	if len(m.Video) != 0 || !strings.Contains(m.Format, "aac") {
		t.Fatalf("raw aac: %+v", m)
	}
}

// Resolution and scaling: blank sizes follow the input, one blank size
// keeps the aspect ratio, and each ScalingBehavior gives its size.
func TestScalingBehaviors(t *testing.T) {
	e := newEnv(t)
	e.putClip(srcBucket, "in/wide.mp4", mediatest.Clip{Seconds: 1, Width: 320, Height: 180, NoAudio: true})
	vd := func(w, h int, behaviour string) string {
		size := ""
		if w > 0 {
			size += fmt.Sprintf(`"Width":%d,`, w)
		}
		if h > 0 {
			size += fmt.Sprintf(`"Height":%d,`, h)
		}
		if behaviour != "" {
			size += fmt.Sprintf(`"ScalingBehavior":%q,`, behaviour)
		}
		return `"VideoDescription":{` + size + `"CodecSettings":{"Codec":"H_264","H264Settings":{"RateControlMode":"QVBR","MaxBitrate":500000}}}`
	}
	cases := []struct {
		modifier  string
		video     string
		wantW, wH int
	}{
		{"_same", vd(0, 0, ""), 320, 180},
		{"_h90", vd(0, 90, ""), 160, 90},
		{"_w240", vd(240, 0, ""), 240, 136},
		{"_default", vd(200, 200, "DEFAULT"), 200, 200},
		{"_stretch", vd(200, 200, "STRETCH_TO_OUTPUT"), 200, 200},
		{"_fit", vd(200, 200, "FIT"), 200, 112},
		{"_noup", vd(640, 640, "FIT_NO_UPSCALE"), 320, 180},
		{"_fill", vd(200, 200, "FILL"), 200, 200},
	}
	var outs []string
	for _, c := range cases {
		outs = append(outs, output(c.modifier, "MP4", c.video))
	}
	e.mustRun(jobJSON("s3://"+srcBucket+"/in/wide.mp4", fileGroup("s3://"+outBucket+"/scaled/", outs...)))
	for _, c := range cases {
		wantVideo(t, e.probe(outBucket, "scaled/wide"+c.modifier+".mp4"), "h264", c.wantW, c.wH, 1)
	}
}

// meanLuma is a JPEG's average luma (0 to 255).
func meanLuma(t *testing.T, img image.Image) float64 {
	t.Helper()
	y, ok := img.(*image.YCbCr)
	if !ok {
		t.Fatalf("JPEG decoded as %T, not YCbCr", img)
	}
	var sum, n float64
	b := y.Bounds()
	for row := b.Min.Y; row < b.Max.Y; row++ {
		for col := b.Min.X; col < b.Max.X; col++ {
			sum += float64(y.Y[y.YOffset(col, row)])
			n++
		}
	}
	return sum / n
}

// InputClippings keep a part of the input; timecodes count from the
// input's timecode source.
func TestInputClipping(t *testing.T) {
	e := newEnv(t)
	e.putClip(srcBucket, "in/long.mp4", mediatest.Clip{Seconds: 5, Width: 160, Height: 120})
	for name, c := range map[string]struct {
		source, start, from, to string
		want                    float64
	}{
		"zerobased":      {"ZEROBASED", "", "00:00:01:00", "00:00:03:15", 2.5},
		"specifiedstart": {"SPECIFIEDSTART", "01:00:00:00", "01:00:02:00", "", 3},
	} {
		t.Run(name, func(t *testing.T) {
			job := strings.Replace(simpleJob("s3://"+srcBucket+"/in/long.mp4"), `"AudioSelectors"`,
				fmt.Sprintf(`"TimecodeSource":%q,"TimecodeStart":%q,"InputClippings":[{"StartTimecode":%q,"EndTimecode":%q}],"AudioSelectors"`,
					c.source, c.start, c.from, c.to), 1)
			job = strings.ReplaceAll(job, `,"TimecodeStart":""`, "")
			job = strings.ReplaceAll(job, `,"EndTimecode":""`, "")
			j := e.mustRun(strings.Replace(job, "/out/", "/clip-"+name+"/", 1))
			m := e.probe(outBucket, "clip-"+name+"/long.mp4")
			wantVideo(t, m, "h264", 160, 120, c.want)
			if got := float64(j.OutputGroupDetails[0].OutputDetails[0].DurationInMs) / 1000; math.Abs(got-c.want) > 0.2 {
				t.Fatalf("DurationInMs %v", got)
			}
		})
	}
}

// Every encoder setting maps to options ffmpeg accepts, and the ones that
// show in the stream do.
func TestEncoderSettingsKitchenSink(t *testing.T) {
	e := newEnv(t)
	e.putClip(srcBucket, "in/k.mp4", mediatest.Clip{Seconds: 2, Width: 320, Height: 240, FPS: 30})
	common := `"GopSize":15,"GopSizeUnits":"FRAMES","MinIInterval":5,"NumberBFramesBetweenReferenceFrames":2,` +
		`"NumberReferenceFrames":2,"Slices":2,"GopClosedCadence":2,"GopBReference":"DISABLED","DynamicSubGop":"STATIC",` +
		`"AdaptiveQuantization":"HIGH","SpatialAdaptiveQuantization":"ENABLED","TemporalAdaptiveQuantization":"DISABLED",` +
		`"HrdBufferSize":800000,"HrdBufferInitialFillPercentage":90,"FramerateControl":"SPECIFIED","FramerateNumerator":15,` +
		`"FramerateDenominator":1,"ParControl":"SPECIFIED","ParNumerator":1,"ParDenominator":1,"CodecLevel":"LEVEL_3_1",` +
		`"QualityTuningLevel":"SINGLE_PASS","SceneChangeDetect":"DISABLED","InterlaceMode":"PROGRESSIVE"`
	x264 := `"VideoDescription":{"Width":160,"Height":120,"AntiAlias":"DISABLED","ColorMetadata":"IGNORE",` +
		`"Crop":{"X":0,"Y":0,"Width":320,"Height":240},"CodecSettings":{"Codec":"H_264","H264Settings":{` +
		`"RateControlMode":"CBR","Bitrate":400000,"CodecProfile":"BASELINE","EntropyEncoding":"CAVLC",` + common + `}}}`
	x265 := `"VideoDescription":{"Width":160,"Height":120,"Sharpness":90,"CodecSettings":{"Codec":"H_265","H265Settings":{` +
		`"RateControlMode":"VBR","Bitrate":300000,"MaxBitrate":600000,"CodecProfile":"MAIN_HIGH","WriteMp4PackagingType":"HEV1",` +
		`"SampleAdaptiveOffsetFilterMode":"OFF",` + strings.Replace(common, `"MinIInterval":5`, `"MinIInterval":0`, 1) + `}}}`
	e.mustRun(jobJSON("s3://"+srcBucket+"/in/k.mp4", fileGroup("s3://"+outBucket+"/k/",
		output("_264", "MP4", x264, aac("")), output("_265", "MOV", x265, aac("")))))
	for key, codec := range map[string]string{"k/k_264.mp4": "h264", "k/k_265.mov": "hevc"} {
		m := e.probe(outBucket, key)
		wantVideo(t, m, codec, 160, 120, 2)
		if v := m.Video[0]; math.Abs(v.FPS-15) > 0.01 {
			t.Fatalf("%s: %v fps, want 15", key, v.FPS)
		}
	}
	if v := e.probe(outBucket, "k/k_264.mp4").Video[0]; v.Profile != "Constrained Baseline" && v.Profile != "Baseline" || v.Level != 31 {
		t.Fatalf("h264 profile %q level %d", v.Profile, v.Level)
	}
}
