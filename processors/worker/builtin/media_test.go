package builtin_test

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/media/hls"
	"github.com/mie-kafka/mie/internal/media/mediatest"
	"github.com/mie-kafka/mie/internal/media/qc"
	"github.com/mie-kafka/mie/processors/worker"
	"github.com/mie-kafka/mie/processors/worker/builtin"
)

func near(got, want, tol float64) bool { return math.Abs(got-want) <= tol }

// TestMediaOperators runs each ffmpeg operator on a real clip through the
// worker runtime and checks what it stored with ffprobe.
func TestMediaOperators(t *testing.T) {
	mediatest.Tools(t)
	h := newHarness(t)
	video := h.clip("upload/talk.mp4", mediatest.Clip{Seconds: 9, Width: 640, Height: 360, SampleRate: 48000})
	in := map[string]events.MediaObject{"Video": video}

	t.Run("MediaInfo", func(t *testing.T) {
		res := h.operator("MediaInfo", builtin.MediaInfo{}, "a-info", in, nil, nil)
		if res.Status != events.ResultComplete {
			t.Fatalf("%s %s %s", res.Status, res.Error, res.Cause)
		}
		md := res.MetaData
		if md["Width"] != "640" || md["Height"] != "360" || md["VideoCodec"] != "h264" || md["AudioCodec"] != "aac" ||
			md["SampleRate"] != "48000" || md["FrameRate"] != "30" {
			t.Errorf("MetaData = %v", md)
		}
		changes := h.changesOf("a-info", 2)
		page, ok := changes[0].(*events.MetadataStored)
		if !ok || !page.Final || page.OperatorName != "MediaInfo" {
			t.Fatalf("changes %v", changes)
		}
		var info struct {
			Format   string
			Duration float64
			Video    []struct{ Codec, PixFmt string }
			Audio    []struct{ Channels, SampleRate int }
		}
		if err := json.Unmarshal(page.Results, &info); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(info.Format, "mp4") || !near(info.Duration, 9, 0.2) || len(info.Video) != 1 ||
			info.Video[0].PixFmt != "yuv420p" || len(info.Audio) != 1 || info.Audio[0].Channels != 2 {
			t.Errorf("page %s", page.Results)
		}
		added, ok := changes[1].(*events.MediaObjectAdded)
		if !ok || added.MediaType != "Text" || !strings.HasSuffix(added.S3Key, "/mediainfo.json") {
			t.Errorf("derived object %v", changes[1])
		}
	})
	t.Run("Thumbnail", func(t *testing.T) {
		res := h.operator("Thumbnail", builtin.Thumbnail{}, "a-thumb", in, nil, map[string]any{"AtSeconds": 4.5, "Width": 320})
		if res.Status != events.ResultComplete {
			t.Fatalf("%s %s %s", res.Status, res.Error, res.Cause)
		}
		img := res.Media["Image"]
		m := h.probe(img)
		if v, ok := m.FirstVideo(); !ok || v.Codec != "mjpeg" || v.Width != 320 || v.Height != 180 {
			t.Errorf("thumbnail %+v", m)
		}
		if res.MetaData["ThumbnailAt"] != "4.5" || !strings.HasSuffix(img.S3Key, "a-thumb/workflows/exec-a-thumb/thumbnail.jpg") {
			t.Errorf("result %+v", res)
		}
	})
	t.Run("Transcode", func(t *testing.T) {
		res := h.operator("Transcode", builtin.Transcode{}, "a-proxy", in, nil, map[string]any{"Height": 180, "Preset": "ultrafast"})
		if res.Status != events.ResultComplete {
			t.Fatalf("%s %s %s", res.Status, res.Error, res.Cause)
		}
		m := h.probe(res.Media["Video"])
		v, _ := m.FirstVideo()
		a, hasAudio := m.FirstAudio()
		if v.Codec != "h264" || v.Width != 320 || v.Height != 180 || !hasAudio || a.Codec != "aac" || !near(m.Duration, 9, 0.2) {
			t.Errorf("proxy %+v", m)
		}
		if res.MetaData["ProxyHeight"] != "180" {
			t.Errorf("MetaData %v", res.MetaData)
		}
	})
	t.Run("ExtractAudio", func(t *testing.T) {
		res := h.operator("ExtractAudio", builtin.ExtractAudio{}, "a-m4a", in, nil, nil)
		if res.Status != events.ResultComplete {
			t.Fatalf("%s %s %s", res.Status, res.Error, res.Cause)
		}
		m := h.probe(res.Media["Audio"])
		if a, ok := m.FirstAudio(); !ok || len(m.Video) != 0 || a.Codec != "aac" || a.Channels != 2 || !near(m.Duration, 9, 0.2) {
			t.Errorf("m4a %+v", m)
		}
		res = h.operator("ExtractAudio", builtin.ExtractAudio{}, "a-wav", in, nil, map[string]any{"Format": "wav", "SampleRate": 16000, "Channels": 1})
		if res.Status != events.ResultComplete {
			t.Fatalf("%s %s %s", res.Status, res.Error, res.Cause)
		}
		m = h.probe(res.Media["Audio"])
		if a, ok := m.FirstAudio(); !ok || a.Codec != "pcm_s16le" || a.SampleRate != 16000 || a.Channels != 1 ||
			!strings.HasSuffix(res.Media["Audio"].S3Key, "audio.wav") {
			t.Errorf("wav %+v", m)
		}
	})
	t.Run("PackageHLS", func(t *testing.T) {
		res := h.operator("PackageHLS", builtin.PackageHLS{}, "a-hls", in, nil, map[string]any{"SegmentSeconds": 3, "Height": 180, "Preset": "ultrafast"})
		if res.Status != events.ResultComplete {
			t.Fatalf("%s %s %s", res.Status, res.Error, res.Cause)
		}
		master := res.Media["HLS"]
		pl, err := hls.Parse(bytes.NewReader(h.read(master)))
		if err != nil || pl.Master == nil || len(pl.Master.Variants) != 1 || pl.Master.Variants[0].Height != 180 || pl.Master.Variants[0].Bandwidth <= 0 {
			t.Fatalf("master %+v: %v", pl, err)
		}
		checker, err := qc.New(qc.Config{})
		if err != nil {
			t.Fatal(err)
		}
		rep, err := checker.HLS(t.Context(), h.store.Dir()+"/"+master.S3Bucket+"/"+master.S3Key,
			qc.Expect{Duration: 9, Width: 320, Height: 180, SegmentLength: 3}, nil)
		if err != nil || !rep.Passed {
			t.Errorf("HLS quality control: %+v %v", rep, err)
		}
		if res.MetaData["HlsSegments"] != "3" {
			t.Errorf("MetaData %v", res.MetaData)
		}
		// One media object, the master; segments and variant sit beside it.
		changes := h.changesOf("a-hls", 1)
		if len(changes) != 1 {
			t.Errorf("changes %v", changes)
		}
	})
}

// TestMediaInfoRefusesNonMedia: 300 KB of random bytes named .mp4 is not
// media, and MediaInfo says so instead of completing.
func TestMediaInfoRefusesNonMedia(t *testing.T) {
	mediatest.Tools(t)
	h := newHarness(t)
	noise := make([]byte, 300<<10)
	_, _ = rand.Read(noise)
	if _, err := h.store.Put(t.Context(), dpBucket, "upload/noise.mp4", bytes.NewReader(noise), int64(len(noise)), "video/mp4"); err != nil {
		t.Fatal(err)
	}
	for _, op := range []struct {
		name string
		h    worker.Handler
	}{{"MediaInfo", builtin.MediaInfo{}}, {"Thumbnail", builtin.Thumbnail{}}, {"Transcode", builtin.Transcode{}}} {
		res := h.operator(op.name, op.h, "a-noise", map[string]events.MediaObject{"Video": {S3Bucket: dpBucket, S3Key: "upload/noise.mp4"}}, nil, nil)
		if res.Status != events.ResultError || !strings.Contains(res.Error, "upload/noise.mp4 is not a media file") {
			t.Errorf("%s on noise: %s %q", op.name, res.Status, res.Error)
		}
	}
	res := h.operator("MediaInfo", builtin.MediaInfo{}, "a-none", map[string]events.MediaObject{"Video": {S3Bucket: dpBucket, S3Key: "upload/none.mp4"}}, nil, nil)
	if res.Status != events.ResultError || !strings.Contains(res.Error, "does not exist") {
		t.Errorf("MediaInfo on a missing object: %s %q", res.Status, res.Error)
	}
	audio := h.clip("upload/song.m4a", mediatest.Clip{NoVideo: true, Seconds: 1})
	res = h.operator("Thumbnail", builtin.Thumbnail{}, "a-song", map[string]events.MediaObject{"Audio": audio}, nil, nil)
	if res.Status != events.ResultError || !strings.Contains(res.Error, "has no video") {
		t.Errorf("Thumbnail of audio: %s %q", res.Status, res.Error)
	}
	res = h.operator("Thumbnail", builtin.Thumbnail{}, "a-bad", map[string]events.MediaObject{"Audio": audio}, nil, map[string]any{"Width": "wide"})
	if res.Status != events.ResultError {
		t.Errorf("a bad Configuration: %s %q", res.Status, res.Error)
	}
}

// TestMediaOperatorsWithoutFfmpeg: without ffmpeg every media operator
// fails naming it.
func TestMediaOperatorsWithoutFfmpeg(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	task := &worker.Task{Name: "x", Input: events.OperatorInput{Media: map[string]events.MediaObject{"Video": {S3Bucket: "b", S3Key: "k.mp4"}}}}
	for _, h := range []worker.Handler{builtin.MediaInfo{}, builtin.Thumbnail{}, builtin.Transcode{}, builtin.ExtractAudio{}, builtin.PackageHLS{}} {
		res, err := h.Start(t.Context(), task)
		if err != nil || res.Error != builtin.ErrFfmpegNotInstalled || !strings.Contains(res.Cause, "ffmpeg not installed") {
			t.Errorf("%T without ffmpeg: %+v %v", h, res, err)
		}
	}
}
