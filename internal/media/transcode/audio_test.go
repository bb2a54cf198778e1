package transcode_test

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/mie-kafka/mie/internal/media/mediatest"
	"github.com/mie-kafka/mie/internal/media/transcode"
)

func TestAudioSelection(t *testing.T) {
	e := newEnv(t)
	e.putClip(srcBucket, "in/tone.mp4", mediatest.Clip{Seconds: 2, Width: 160, Height: 120, Mono: true})
	e.putClip(srcBucket, "in/mute.mp4", mediatest.Clip{Seconds: 2, Width: 160, Height: 120, NoAudio: true})

	t.Run("LanguageAndChannels", func(t *testing.T) {
		e.mustRun(jobJSON("s3://"+srcBucket+"/in/tone.mp4", fileGroup("s3://"+outBucket+"/lang/",
			output("", "MP4", h264(160, 120, ""), `"AudioDescriptions":[{"LanguageCodeControl":"USE_CONFIGURED","LanguageCode":"ENG",`+
				`"StreamName":"Main","CodecSettings":{"Codec":"AAC","AacSettings":{"Bitrate":96000,"CodingMode":"CODING_MODE_2_0","SampleRate":44100}}}]`))))
		m := e.probe(outBucket, "lang/tone.mp4")
		wantAudio(t, m, 2, 44100)
		if m.Audio[0].Language != "eng" {
			t.Fatalf("language %q", m.Audio[0].Language)
		}
	})
	t.Run("SilenceWhenTheInputHasNoAudio", func(t *testing.T) {
		e.mustRun(jobJSON("s3://"+srcBucket+"/in/mute.mp4", fileGroup("s3://"+outBucket+"/silent/",
			output("", "MP4", h264(160, 120, ""), aac("")))))
		m := e.probe(outBucket, "silent/mute.mp4")
		wantAudio(t, m, 2, 48000)
		if math.Abs(m.Audio[0].Duration-2) > 0.1 {
			t.Fatalf("silence lasts %.3f s", m.Audio[0].Duration)
		}
	})
	t.Run("MissingTrack", func(t *testing.T) {
		job := strings.Replace(jobJSON("s3://"+srcBucket+"/in/tone.mp4", fileGroup("s3://"+outBucket+"/missing/",
			output("", "MP4", h264(160, 120, ""), aac("")))), `{"DefaultSelection":"DEFAULT"}`, `{"Tracks":[2]}`, 1)
		j, err := e.run(job)
		var je *transcode.JobError
		if !errors.As(err, &je) || je.Code != transcode.ErrorCodeAudio || j.Status != transcode.StatusError ||
			j.ErrorCode != 1021 || !strings.Contains(j.ErrorMessage, "track 2 does not exist") {
			t.Fatalf("err %v, job %s %d %q", err, j.Status, j.ErrorCode, j.ErrorMessage)
		}
		if keys := e.keys(outBucket, "missing/"); len(keys) != 0 {
			t.Fatalf("outputs of a failed job: %v", keys)
		}
	})
	t.Run("NoVideoInInput", func(t *testing.T) {
		e.putClip(srcBucket, "in/radio.m4a", mediatest.Clip{Seconds: 1, NoVideo: true})
		j, err := e.run(jobJSON("s3://"+srcBucket+"/in/radio.m4a", fileGroup("s3://"+outBucket+"/novideo/",
			output("", "MP4", h264(160, 120, ""), aac("")))))
		if err == nil || j.ErrorCode != transcode.ErrorCodeVideo {
			t.Fatalf("err %v, job %+v", err, j)
		}
	})
	t.Run("AudioOnlyOutput", func(t *testing.T) {
		e.mustRun(jobJSON("s3://"+srcBucket+"/in/tone.mp4", fileGroup("s3://"+outBucket+"/audio/",
			output("", "MP4", aac(`"Bitrate":64000,"CodingMode":"CODING_MODE_AUTO"`)))))
		m := e.probe(outBucket, "audio/tone.mp4")
		wantAudio(t, m, 1, 48000)
		if len(m.Video) != 0 {
			t.Fatalf("video in an audio-only output: %+v", m.Video)
		}
	})
}

// An MP4 output can carry several audio tracks.
func TestTwoAudioTracks(t *testing.T) {
	e := newEnv(t)
	e.putClip(srcBucket, "in/two.mp4", mediatest.Clip{Seconds: 2, Width: 160, Height: 120})
	e.mustRun(jobJSON("s3://"+srcBucket+"/in/two.mp4", fileGroup("s3://"+outBucket+"/two/",
		output("", "MP4", h264(160, 120, ""), `"AudioDescriptions":[`+
			`{"LanguageCodeControl":"USE_CONFIGURED","LanguageCode":"ENG","CodecSettings":{"Codec":"AAC","AacSettings":{"Bitrate":96000,"CodingMode":"CODING_MODE_2_0"}}},`+
			`{"LanguageCodeControl":"USE_CONFIGURED","LanguageCode":"FRA","CodecSettings":{"Codec":"AAC","AacSettings":{"Bitrate":64000,"CodingMode":"CODING_MODE_1_0","SampleRate":44100}}}]`))))
	m := e.probe(outBucket, "two/two.mp4")
	if len(m.Audio) != 2 || m.Audio[0].Channels != 2 || m.Audio[0].Language != "eng" ||
		m.Audio[1].Channels != 1 || m.Audio[1].SampleRate != 44100 || m.Audio[1].Language != "fra" {
		t.Fatalf("audio %+v", m.Audio)
	}
}
