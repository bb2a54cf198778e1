package transcode

import (
	"strings"
	"testing"
	"time"
)

func TestExpandIdentifiers(t *testing.T) {
	v := identifierValues{Start: time.Date(2020, 6, 4, 15, 5, 28, 0, time.UTC), InputBase: "my-video",
		VideoKbps: 5000, AudioKbps: 96, Width: 1280, Height: 720, FPS: 29, Extension: "mp4"}
	for in, want := range map[string]string{
		"_$dt$":            "_20200604T150528",
		"$d$/$t$":          "20200604/150528",
		"_$w$x$h$":         "_1280x720",
		"_$h%04$":          "_0720",
		"_$h%02$":          "_720",
		"_$rv$_$ra$_$rc$":  "_5000_96_5096",
		"_$f$fps.$ex$":     "_29fps.mp4",
		"$fn$-copy":        "my-video-copy",
		"my-video$$hi-res": "my-video$hi-res",
		"_thumb_%04d":      "_thumb_%04d",
		"$nope$":           "$nope$",
		"cost $5":          "cost $5",
	} {
		if got := expandIdentifiers(in, v); got != want {
			t.Errorf("expand(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCheckIdentifiers(t *testing.T) {
	if err := checkIdentifiers("s3://b/$d$/$fn$/", destinationIdentifiers); err != nil {
		t.Fatal(err)
	}
	if err := checkIdentifiers("s3://b/$w$/", destinationIdentifiers); err == nil || !strings.Contains(err.Error(), "$w$") {
		t.Fatalf("err = %v", err)
	}
	if err := checkIdentifiers("_$rv$k_$$", modifierIdentifiers); err != nil {
		t.Fatal(err)
	}
}

func TestDestinationParts(t *testing.T) {
	for in, want := range map[string][2]string{
		"s3://bkt/out/":       {"out/", ""},
		"s3://bkt/out/name":   {"out/", "name"},
		"s3://bkt/":           {"", ""},
		"s3://bkt":            {"", ""},
		"s3://bkt/a/b/c.mp4/": {"a/b/c.mp4/", ""},
		"s3://bkt/a/x.y":      {"a/", "x.y"},
	} {
		u, err := parseS3URI(in)
		if err != nil {
			t.Fatalf("%s: %v", in, err)
		}
		if p, b := destinationParts(u); p != want[0] || b != want[1] {
			t.Errorf("%s: (%q, %q), want %q", in, p, b, want)
		}
	}
	if inputBase("s3://b/uploads/talk.final.mp4") != "talk.final" || inputBase("s3://b/noext") != "noext" {
		t.Fatal("inputBase")
	}
}

func TestOutputDims(t *testing.T) {
	for _, c := range []struct {
		w, h, sw, sh int
		behavior     string
		ow, oh       int
		filters      string
	}{
		{1920, 1080, 320, 240, "", 1920, 1080, "scale=1440:1080:flags=bicubic,pad=1920:1080:240:0:black"},
		{1920, 1080, 320, 240, "STRETCH_TO_OUTPUT", 1920, 1080, "scale=1920:1080:flags=bicubic"},
		{300, 400, 200, 200, "FIT", 300, 300, "scale=300:300:flags=bicubic"},
		{200, 300, 400, 400, "FIT_NO_UPSCALE", 200, 200, "scale=200:200:flags=bicubic"},
		{600, 600, 400, 400, "FIT_NO_UPSCALE", 400, 400, ""},
		{300, 400, 200, 200, "FILL", 300, 400, "scale=400:400:flags=bicubic,crop=300:400"},
		{640, 480, 1280, 720, "", 640, 480, "scale=640:360:flags=bicubic,pad=640:480:0:60:black"},
		{0, 0, 320, 240, "", 320, 240, ""},
		{0, 720, 1920, 1080, "", 1280, 720, "scale=1280:720:flags=bicubic"},
	} {
		ow, oh, f := outputDims(&VideoDescription{Width: c.w, Height: c.h, ScalingBehavior: c.behavior}, c.sw, c.sh)
		if ow != c.ow || oh != c.oh || strings.Join(f, ",") != c.filters {
			t.Errorf("%dx%d from %dx%d %s: %dx%d %v, want %dx%d %s", c.w, c.h, c.sw, c.sh, c.behavior, ow, oh, f, c.ow, c.oh, c.filters)
		}
	}
}

func TestForcedKeyframes(t *testing.T) {
	if got := forcedKeyframes(2, segmenting{Length: 6, Exact: true, Duration: 20}); got != "expr:gte(t,n_forced*2)" {
		t.Errorf("aligned: %s", got)
	}
	if got := forcedKeyframes(4, segmenting{Length: 6, Exact: true, Duration: 13}); got != "0,4,6,8,12" {
		t.Errorf("union: %s", got)
	}
	if got := keyframeInterval(encoderSettings{}, 30, segmenting{Length: 5, Exact: true}); got != 1 {
		t.Errorf("auto GOP for 5 s segments = %v", got)
	}
	if got := keyframeInterval(encoderSettings{GopSizeUnits: "FRAMES", GopSize: 90}, 30, segmenting{}); got != 3 {
		t.Errorf("90 frames at 30 fps = %v s", got)
	}
}

func TestQvbrAndJpegMappings(t *testing.T) {
	fine := 0.33
	for _, c := range []struct {
		codec string
		q     *QvbrSettings
		want  float64
	}{
		{"H_264", nil, 23}, {"H_264", &QvbrSettings{QvbrQualityLevel: 8}, 21}, {"H_264", &QvbrSettings{QvbrQualityLevel: 10}, 17},
		{"H_265", &QvbrSettings{QvbrQualityLevel: 7}, 28}, {"H_264", &QvbrSettings{QvbrQualityLevel: 7, QvbrQualityLevelFineTune: &fine}, 22.33},
	} {
		if got := qvbrCRF(c.codec, c.q); got != c.want {
			t.Errorf("qvbrCRF(%s, %+v) = %v, want %v", c.codec, c.q, got, c.want)
		}
	}
	for q, want := range map[int]int{0: 8, 80: 8, 100: 2, 1: 31} {
		if got := jpegQuality(q); got != want {
			t.Errorf("jpegQuality(%d) = %d, want %d", q, got, want)
		}
	}
}
